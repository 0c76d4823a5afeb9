"""Issue #18: the cut of processing time and compliance cost against the year's target
(Resolution 66/NQ-CP), over every procedure in scope with its 2024 figures."""

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.procedures.actions import (
    BaselineInput,
    PlanFigures,
    approve_simplification_plan,
    set_procedure_baseline,
)
from cchc.procedures.models import Procedure, ProcedureTarget
from cchc.procedures.queries import target_progress
from cchc.procedures.tests.factories import DECISION_DATE, catalogue, plan_for, row
from conftest import Hanoi, client_for

pytestmark = pytest.mark.django_db

# 100 working hours at 40,000 VND once a year for one subject: 4,000,000 VND; after: 60 hours.
CUT_40 = PlanFigures(
    hours_before=Decimal(100),
    hours_after=Decimal(60),
    fees_before=0,
    fees_after=0,
    times_per_year=1,
    subjects_per_year=1,
)


def _baseline(admin: User, procedure: Procedure, days: int = 10, cost: int = 4_000_000) -> None:
    set_procedure_baseline(
        procedure,
        actor=admin,
        baseline=BaselineInput(True, 2024, Decimal(days), cost),
    )


@pytest.fixture
def fifty(hanoi: Hanoi, city_admin: User) -> list[Procedure]:
    """Fifty business procedures of ward A with 10 days and 4,000,000 VND in 2024; the first
    five now take 6 days and an approved plan cuts their cost by 40%."""
    rows = [
        row(f"1.{n:06d}", days="6" if n < 5 else "10", units="00004" if n % 2 else "00070")
        for n in range(50)
    ]
    procedures = catalogue(city_admin, rows)
    for procedure in procedures:
        _baseline(city_admin, procedure)
    for n, procedure in enumerate(procedures[:5]):
        plan = plan_for(city_admin, procedure, hanoi.ward_a if n % 2 else hanoi.ward_b, CUT_40)
        approve_simplification_plan(
            plan, actor=city_admin, decision_number="9/QĐ", decision_date=DECISION_DATE
        )
    return procedures


def test_the_shipped_targets_are_resolution_66s():
    t2025, t2026 = ProcedureTarget.objects.for_year(2025), ProcedureTarget.objects.for_year(2026)
    assert (t2025.baseline_year, t2025.time_target, t2025.cost_target) == (2024, 30, 30)
    assert (t2026.baseline_year, t2026.time_target, t2026.cost_target) == (2024, 50, 50)
    assert t2025.business_only
    assert t2026.business_only
    assert ProcedureTarget.objects.for_year(2024) is None


def test_five_procedures_cut_40_percent_among_fifty_give_the_true_overall_cut(fifty, city_admin):
    progress = target_progress(None, 2026)
    assert progress.total.procedures == 50
    assert (progress.total.base_days, progress.total.days) == (500, 480)
    assert progress.total.time_cut_pct == Decimal("4.00")  # 5 × 4 days of 500
    assert (progress.total.base_cost, progress.total.cost) == (200_000_000, 192_000_000)
    assert progress.total.cost_cut_pct == Decimal("4.00")
    assert progress.time_met is False
    assert progress.cost_met is False
    # Furthest from the 50% target: the 45 procedures not cut at all (2,000,000 VND each).
    assert progress.lagging[0].cost_shortfall == Decimal(2_000_000)
    assert progress.lagging[0].code == "1.000005"


def test_command_prints_the_cut_in_percent(fifty):
    out = io.StringIO()
    call_command("procedure_targets", "--year", "2026", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["year"] == 2026
    assert data["baseline_year"] == 2024
    assert data["target_pct"] == {"time": 50.0, "cost": 50.0}
    assert data["time_cut_pct"] == 4.0
    assert data["cost_cut_pct"] == 4.0
    assert data["procedures_in_scope"] == 50
    out = io.StringIO()
    call_command("procedure_targets", "--year", "2025", stdout=out)
    # The plans were approved in 2026: they do not count for 2025.
    assert "Compliance cost: 200000000 → 200000000 VND a year, cut 0.00% (target 30.00%)." in (
        out.getvalue()
    )


def test_scope_abolition_and_missing_baselines(hanoi: Hanoi, city_admin: User):
    business, other, bare, gone = catalogue(
        city_admin, [row(f"1.00000{n}", days="10") for n in range(4)]
    )
    _baseline(city_admin, business)
    set_procedure_baseline(other, actor=city_admin, baseline=BaselineInput(False, 2024, 10, 1))
    set_procedure_baseline(bare, actor=city_admin, baseline=BaselineInput(True, None, None, None))
    _baseline(city_admin, gone)
    Procedure.objects.filter(pk=gone.pk).update(status=Procedure.Status.ABOLISHED)
    progress = target_progress(None, 2025)
    assert progress.total.procedures == 2  # not the one outside the scope
    assert progress.without_baseline == 1
    assert progress.total.time_cut_pct == Decimal("50.00")  # the abolished one is cut whole
    assert progress.total.cost_cut_pct == Decimal("50.00")
    assert progress.time_met is True
    assert progress.cost_met is True


def test_set_baseline_is_audited_and_refuses_bad_input(
    hanoi: Hanoi, city_admin: User, officer_a: User
):
    (procedure,) = catalogue(city_admin, [row()])
    _baseline(city_admin, procedure, days=15, cost=7_000_000)
    procedure.refresh_from_db()
    assert (procedure.baseline_year, procedure.baseline_days, procedure.baseline_cost) == (
        2024,
        Decimal("15.0"),
        7_000_000,
    )
    event = AuditEvent.objects.get(verb="procedures.set_baseline")
    assert event.changes["baseline_cost"] == [None, 7_000_000]
    with pytest.raises(ValidationError, match="together"):
        set_procedure_baseline(
            procedure, actor=city_admin, baseline=BaselineInput(True, 2024, None, 5)
        )
    with pytest.raises(ValidationError):
        set_procedure_baseline(
            procedure, actor=city_admin, baseline=BaselineInput(True, 2024, Decimal("1.25"), 5)
        )


def test_overview_shows_the_target_and_the_laggards(fifty, city_admin: User, officer_a: User):
    page = client_for(city_admin).get(reverse("procedures:overview"), {"year": 2026})
    html = page.content.decode()
    assert 'data-testid="overview-target"' in html
    assert "Nghị quyết 66/NQ-CP" in html
    assert page.context["progress"].total.procedures == 50
    assert "1.000005" in html
    # A ward officer sees the procedures their ward implements (ward A: the odd ones).
    own = client_for(officer_a).get(reverse("procedures:overview"), {"year": 2026})
    assert own.context["progress"].total.procedures == 25


def test_baseline_page_for_city_administrators_only(
    hanoi: Hanoi, city_admin: User, officer_a: User
):
    (procedure,) = catalogue(city_admin, [row()])
    url = reverse("procedures:baseline", args=[procedure.pk])
    assert client_for(officer_a).get(url).status_code == 403
    response = client_for(city_admin).post(
        url,
        {
            "business_related": "on",
            "baseline_year": "2024",
            "baseline_days": "12",
            "baseline_cost": "900000",
        },
    )
    assert response.status_code == 302
    procedure.refresh_from_db()
    assert procedure.business_related
    assert procedure.baseline_cost == 900_000


def test_the_latest_approved_plan_of_a_procedure_gives_its_cost(hanoi: Hanoi, city_admin: User):
    """Several approved plans: the one with the latest decision counts (on the same day, the
    later one); a plan decided after the year does not."""
    (procedure,) = catalogue(city_admin, [row("1.000001", days="10")])
    _baseline(city_admin, procedure)  # 4,000,000 VND a year in 2024
    cut_20 = PlanFigures(
        hours_before=Decimal(100),
        hours_after=Decimal(80),
        fees_before=0,
        fees_after=0,
        times_per_year=1,
        subjects_per_year=1,
    )
    decisions = [
        (CUT_40, DECISION_DATE),
        (cut_20, DECISION_DATE.replace(month=6)),
        (CUT_40, DECISION_DATE.replace(month=6)),  # same day, approved later: it counts
    ]
    for figures, decided in decisions:
        plan = plan_for(city_admin, procedure, hanoi.ward_a, figures)
        approve_simplification_plan(
            plan, actor=city_admin, decision_number="9/QĐ", decision_date=decided
        )
    assert target_progress(None, 2026).total.cost == 2_400_000
    assert target_progress(None, 2025).total.cost == 4_000_000  # decided in 2026


def test_target_progress_reads_a_fixed_number_of_queries(
    fifty, city_admin: User, officer_a: User, django_assert_num_queries
):
    """N+1 guard: five queries however many procedures, links and plans (the target, the
    procedures, their latest plans, the unit links and the unit names)."""
    assert city_admin.is_city_admin  # the user's roles are read once per request, beforehand
    assert not officer_a.is_city_admin
    with django_assert_num_queries(5):
        progress = target_progress(city_admin, 2026)
    assert progress is not None
    assert progress.total.procedures == 50
    with django_assert_num_queries(5):
        own = target_progress(officer_a, 2026)
    assert own is not None
    assert own.total.procedures == 25
    assert sum(cut.procedures for _name, _pk, cut in progress.units) == 50
    assert [cut.procedures for _name, _pk, cut in own.units] == [25]


def test_overview_lists_only_the_units_furthest_from_the_target(
    fifty, city_admin: User, monkeypatch
):
    """The card's unit table shows the first TARGET_UNIT_ROWS units (lowest cost cut first);
    the query, the API and the command keep every unit."""
    monkeypatch.setattr("cchc.procedures.views.TARGET_UNIT_ROWS", 1)
    page = client_for(city_admin).get(reverse("procedures:overview"), {"year": 2026})
    progress = page.context["progress"]
    assert len(progress.units) == 2
    assert page.context["target_units"] == progress.units[:1]
    html = page.content.decode()
    table = html.split('data-testid="target-units"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 2  # the heading and one unit
    assert progress.units[0][0] in table
    assert 'data-testid="target-units-more"' in html

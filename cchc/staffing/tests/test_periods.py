"""Issue #18: the rule of a year is its policy period's (Resolution 39-NQ/TW for 2015–2021,
Conclusion 40-KL/TW for 2022–2026); public employees carry the budget-paid split; merged units
are shared among their successors; figures outside a unit's lifetime are refused."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.staffing.actions import HeadcountInput, record_headcount, set_successor_shares
from cchc.staffing.imports import import_headcount
from cchc.staffing.models import DEFAULT_PERIODS, Headcount, StaffingPeriod, SuccessorShare
from cchc.staffing.queries import Reduction, rule_for, summary
from cchc.staffing.tests.factories import legacy_ward, record, workbook
from conftest import Hanoi

pytestmark = pytest.mark.django_db


def _budget(unit: OrgUnit, year: int, civil: int, public: int, budget: int, admin: User) -> None:
    record_headcount(
        unit,
        actor=admin,
        year=year,
        figures=HeadcountInput(civil, public, public_budget_assigned=budget),
        version=0,
    )


def test_the_shipped_periods_are_resolution_39_and_conclusion_40():
    r39, c40 = rule_for(2021), rule_for(2026)
    assert (r39.baseline_year, r39.civil_target, r39.public_target) == (2015, 10, 10)
    assert not r39.public_budget_only
    assert (c40.baseline_year, c40.civil_target, c40.public_target) == (2021, 5, 10)
    assert c40.public_budget_only
    assert not r39.carries_excess
    assert not c40.carries_excess
    assert rule_for(2022).baseline_year == 2021
    assert rule_for(2015).baseline_year == 2015


def test_2021_still_gives_hanois_reported_cut(hanoi: Hanoi, city_admin: User):
    """Hà Nội, 2021 against 2015: 9,442 → 7,969 civil-servant posts (1,473 fewer, 15.6%);
    128,900 → 116,010 public-employee posts (12,890 fewer, 10.0%)."""
    record(hanoi.home_affairs, 2015, 9_442, 128_900, actor=city_admin)
    record(hanoi.home_affairs, 2021, 7_969, 116_010, actor=city_admin)
    result = summary(OrgUnit.objects.all(), 2021)
    assert result.baseline_year == 2015
    assert (result.civil.reduction, result.civil.percent) == (1_473, Decimal("15.60"))
    assert (result.public.reduction, result.public.percent) == (12_890, Decimal("10.00"))
    assert result.civil_met
    assert result.public_met


def test_2026_compares_with_2021_at_5_and_10_percent_of_budget_paid_posts(
    hanoi: Hanoi, city_admin: User
):
    _budget(hanoi.home_affairs, 2015, 120, 1_000, 1_000, city_admin)
    _budget(hanoi.home_affairs, 2021, 100, 900, 800, city_admin)
    # 5 civil-servant posts fewer (5%); 720 budget-paid (10% fewer) though 880 in all (2.2%).
    _budget(hanoi.home_affairs, 2026, 95, 880, 720, city_admin)
    result = summary(OrgUnit.objects.all(), 2026)
    assert result.baseline_year == 2021
    assert result.as_dict()["targets"] == {"civil": 5.0, "public": 10.0}
    assert result.civil == Reduction(100, 95)
    assert result.public == Reduction(800, 720)
    assert result.civil_met
    assert result.public_met
    _budget_replace(hanoi.home_affairs, 2026, 96, 880, 721, city_admin)
    result = summary(OrgUnit.objects.all(), 2026)
    assert result.civil_met is False
    assert result.public_met is False


def _budget_replace(unit: OrgUnit, year: int, civil: int, public: int, budget: int, admin: User):
    current = Headcount.objects.get(unit=unit, year=year)
    record_headcount(
        unit,
        actor=admin,
        year=year,
        figures=HeadcountInput(civil, public, public_budget_assigned=budget),
        version=current.version,
    )


def test_headcount_summary_json_prints_the_periods_rule(hanoi: Hanoi, city_admin: User):
    _budget(hanoi.home_affairs, 2021, 100, 900, 800, city_admin)
    _budget(hanoi.home_affairs, 2026, 95, 880, 720, city_admin)
    out = io.StringIO()
    call_command("headcount_summary", "--year", "2026", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["baseline_year"] == 2021
    assert data["targets"] == {"civil": 5.0, "public": 10.0}
    assert data["public_compared"] == "budget-paid"
    assert data["total"]["public"] == {
        "baseline": 800,
        "year": 720,
        "reduction": 80,
        "percent": 10.0,
    }


def test_earlier_excess_counts_only_when_the_period_says_so(hanoi: Hanoi, city_admin: User):
    """The shipped periods do not carry excess (docs/domain/staffing-targets.md); a period
    marked so credits the posts cut beyond the previous period's target."""
    if not StaffingPeriod.objects.exists():  # a flushed database: the shipped rows again
        StaffingPeriod.objects.bulk_create(StaffingPeriod(**data) for data in DEFAULT_PERIODS)
    record(hanoi.home_affairs, 2015, 100, 0, actor=city_admin)
    record(hanoi.home_affairs, 2021, 80, 0, actor=city_admin)  # 20 fewer: 10 beyond 10%
    record(hanoi.home_affairs, 2026, 79, 0, actor=city_admin)  # 1 fewer than 2021: 1.25%
    assert summary(OrgUnit.objects.all(), 2026).civil_met is False
    StaffingPeriod.objects.filter(first_year=2022).update(carries_excess=True)
    result = summary(OrgUnit.objects.all(), 2026)
    assert result.civil_credit == 10
    assert result.civil_met is True  # (1 + 10) / 80 ≥ 5%


def test_budget_paid_posts_cannot_exceed_public_employee_posts(hanoi: Hanoi, city_admin: User):
    with pytest.raises(ValidationError) as error:
        _budget(hanoi.home_affairs, 2026, 10, 50, 60, city_admin)
    assert "public_budget_assigned" in error.value.message_dict
    assert not Headcount.objects.exists()


def test_import_reads_the_budget_split(hanoi: Hanoi, city_admin: User):
    upload = workbook(
        [["01-SNV", 2026, 10, None, 50, None, 42], ["01-SNV", 2025, 10, None, 5, 4, 9]]
    )
    result = import_headcount(actor=city_admin, upload=upload)
    assert not result.ok
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "The posts paid from the state budget cannot exceed the public-employee posts.")
    ]
    result = import_headcount(
        actor=city_admin, upload=workbook([["01-SNV", 2026, 10, None, 50, None, 42]])
    )
    assert result.ok
    saved = Headcount.objects.get(unit=hanoi.home_affairs, year=2026)
    assert (saved.public_budget_assigned, saved.public_self_financed) == (42, 8)


# --- successor shares ---------------------------------------------------------------------------


def test_a_predecessor_split_60_40_gives_60_40_and_keeps_the_city_total(
    hanoi: Hanoi, city_admin: User
):
    split = legacy_ward("00010", "Phường Điện Biên (cũ)", successors=[hanoi.ward_a, hanoi.ward_b])
    record(split, 2021, 100, 50, actor=city_admin)
    record(hanoi.ward_a, 2026, 57, 27, actor=city_admin)
    record(hanoi.ward_b, 2026, 38, 18, actor=city_admin)
    set_successor_shares(
        split,
        actor=city_admin,
        shares={hanoi.ward_a.pk: Decimal(60), hanoi.ward_b.pk: Decimal(40)},
    )
    result = summary(OrgUnit.objects.all(), 2026)
    rows = {row.unit.code: row for row in result.rows}
    assert rows["00004"].civil == Reduction(60, 57)
    assert rows["00070"].civil == Reduction(40, 38)
    assert rows["00004"].public == Reduction(30, 27)
    assert rows["00070"].public == Reduction(20, 18)
    assert rows["01"].civil == Reduction(100, 95)  # the city total is unchanged
    assert result.civil == Reduction(100, 95)
    assert result.unconfirmed == []
    event = AuditEvent.objects.get(verb="staffing.set_shares")
    assert event.changes["shares"] == [
        None,
        {str(hanoi.ward_a.pk): "60", str(hanoi.ward_b.pk): "40"},
    ]


def test_uneven_shares_round_per_unit_but_not_the_city(hanoi: Hanoi, city_admin: User):
    split = legacy_ward("00010", "Phường Điện Biên (cũ)", successors=[hanoi.ward_a, hanoi.ward_b])
    record(split, 2021, 21, 0, actor=city_admin)
    record(hanoi.ward_a, 2026, 10, 0, actor=city_admin)
    record(hanoi.ward_b, 2026, 10, 0, actor=city_admin)
    set_successor_shares(
        split,
        actor=city_admin,
        shares={hanoi.ward_a.pk: Decimal(60), hanoi.ward_b.pk: Decimal(40)},
    )
    rows = {row.unit.code: row for row in summary(OrgUnit.objects.all(), 2026).rows}
    assert rows["00004"].civil.baseline == 13  # 12.6
    assert rows["00070"].civil.baseline == 8  # 8.4
    assert rows["01"].civil.baseline == 21


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ({"a": "60", "b": "30"}, "The shares of Phường Điện Biên (cũ) add up to 90%, not 100%."),
        ({"a": "100"}, "A share is missing for Phường Hoàn Kiếm."),
        (
            {"a": "60", "b": "40", "c": "0"},
            "Thành phố Hà Nội is not a successor of Phường Điện Biên (cũ).",
        ),
        ({"a": "120", "b": "-20"}, "A share is a percent from 0 to 100, two decimals at most."),
    ],
)
def test_wrong_shares_are_refused(hanoi: Hanoi, city_admin: User, shares, message):
    split = legacy_ward("00010", "Phường Điện Biên (cũ)", successors=[hanoi.ward_a, hanoi.ward_b])
    ids = {"a": hanoi.ward_a.pk, "b": hanoi.ward_b.pk, "c": hanoi.city.pk}
    with pytest.raises(ValidationError) as error:
        set_successor_shares(
            split, actor=city_admin, shares={ids[k]: Decimal(v) for k, v in shares.items()}
        )
    assert message in error.value.messages
    assert not SuccessorShare.objects.exists()


def test_only_city_administrators_set_shares(hanoi: Hanoi, officer_a: User):
    split = legacy_ward("00010", "Phường Điện Biên (cũ)", successors=[hanoi.ward_a])
    with pytest.raises(ValidationError):
        set_successor_shares(split, actor=officer_a, shares={hanoi.ward_a.pk: Decimal(100)})


# --- lifetime -------------------------------------------------------------------------------------


def test_a_2026_figure_for_a_ward_ended_in_2025_is_refused(hanoi: Hanoi, city_admin: User):
    old = legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    record(old, 2025, 20, 0, actor=city_admin)  # it existed until 01/07/2025
    with pytest.raises(ValidationError) as error:
        record(old, 2026, 20, 0, actor=city_admin)
    assert error.value.message_dict["year"] == [
        "Phường Phúc Xá (cũ) ended on 01/07/2025: it has no figures for 2026."
    ]
    result = import_headcount(
        actor=city_admin, upload=workbook([["~00001", 2026, 20, None, 0, None]])
    )
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (
            2,
            "Năm (year)",
            "Phường Phúc Xá (cũ) ended on 01/07/2025: it has no figures for 2026.",
        )
    ]
    assert not Headcount.objects.filter(year=2026).exists()


def test_a_figure_before_a_merged_unit_began_is_refused(hanoi: Hanoi, city_admin: User):
    """Before it began, a unit formed from predecessors has no figures (they are its
    predecessors'); a unit without predecessors keeps its earlier history."""
    new = OrgUnitFactory(
        code="00077",
        name="Phường Mới",
        kind=OrgUnit.Kind.WARD,
        parent=hanoi.city,
        valid_from=datetime.date(2025, 7, 1),
    )
    record(new, 2024, 20, 0, actor=city_admin)  # no predecessor: its own history
    legacy_ward("00078", "Phường Cũ (cũ)", successors=[new])
    with pytest.raises(ValidationError) as error:
        record(new, 2023, 20, 0, actor=city_admin)
    assert "exists from 01/07/2025" in error.value.message_dict["year"][0]
    result = import_headcount(
        actor=city_admin, upload=workbook([["00077", 2023, 20, None, 0, None]])
    )
    assert [e.message for e in result.errors] == [
        "Phường Mới exists from 01/07/2025: it has no figures for 2023."
    ]
    record(new, 2025, 20, 0, actor=city_admin)

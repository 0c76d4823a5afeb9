"""The demo `make run` serves: seeded through the actions on the real administrative units.
Slow (about half a minute), and the only test that loads every unit and the whole demo, so a
change that breaks `make run` fails here rather than on a reviewer's machine."""

import io

from django.core.management import call_command

from cchc.accounts.actions import create_user, grant_membership
from cchc.accounts.models import Membership, User
from cchc.core.models import AuditEvent
from cchc.demo.demo import demo_exists, seed_demo
from cchc.demo.removal import _models, seed_refusals
from cchc.dialogues.models import Petition, PublicStatus
from cchc.dialogues.queries import journey
from cchc.indices.models import Assessment, AssessmentRound, Result
from cchc.indices.results import compute_results
from cchc.inspections.models import Inspection, Recommendation
from cchc.orgunits.imports import import_chart
from cchc.orgunits.models import OrgUnit
from cchc.plans.actions import create_plan
from cchc.plans.models import MonthClose, Plan
from cchc.ratings.models import Rating
from cchc.surveys.models import Response


def table_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count() for model in _models()}


def test_the_demo_seeds_every_module_and_is_removed_without_the_real_data(db: None) -> None:
    call_command("load_admin_units", verbosity=0)
    # Real data entered before the demo: an administrator, a department, a plan.
    real = create_user(actor=None, username="quantri", password="x-Quan-Tri-2026", email="qt@hn.vn")
    city = OrgUnit.objects.get(code="01", legacy=False)
    grant_membership(actor=None, user=real, unit=city, role=Membership.Role.CITY_ADMIN)
    row = {
        "code": "01-BQLDA",
        "name": "Ban Quản lý dự án",
        "kind": "department",
        "parent_code": "01",
    }
    import_chart([(2, row)], actor=real, file_name="real.csv")
    create_plan(actor=real, unit=city, year=2027, title="Kế hoạch CCHC năm 2027")
    assert seed_refusals()[-2:] == [
        "1 account(s) that are not demo accounts (quantri)",
        "1 department(s) or public service unit(s) (01-BQLDA)",
    ]
    before = table_counts()

    seed_demo()

    assert MonthClose.objects.filter(is_open=False).count() == 2
    assert Rating.objects.filter(status=Rating.Status.APPROVED).exists()
    last_year, this_year = AssessmentRound.objects.order_by("framework__year")
    assert last_year.is_published
    assert not this_year.is_published
    results = Result.objects.filter(round=last_year)
    assert results.count() == 12
    assert {"A", "B", "C"} <= set(results.values_list("group", flat=True))
    assert results.filter(previous_percent__isnull=True).count() == 12
    statuses = list(this_year.assessments.values_list("status", flat=True))
    assert statuses.count(Assessment.Status.FINALISED) == 2
    assert statuses.count(Assessment.Status.APPRAISED) == 2
    assert this_year.assessments.get(unit__code="00004").status == Assessment.Status.DRAFT
    # The 2026 survey's accepted responses give the finalised wards their survey points.
    live = compute_results(this_year)
    assert len(live) == 2
    assert all(result.survey is not None for result in live)
    statuses = set(Response.objects.values_list("status", flat=True))
    assert statuses == {"received", "accepted", "rejected", "flagged"}
    # Inspections: two concluded (three remediation tasks), one re-inspection verdict left a
    # recommendation open, a surprise inspection not started.
    kinds = dict(Inspection.objects.values_list("decision_number", "status"))
    assert kinds == {"25/QĐ-TTTP": "concluded", "88/QĐ-TTTP": "concluded", "112/QĐ-TTTP": "planned"}
    assert Recommendation.objects.filter(task__isnull=False).count() == 3
    assert sorted(Recommendation.objects.values_list("status", flat=True)) == [
        "not_remedied",
        "open",
        "remedied",
    ]
    # Dialogues: published answers, one commitment done, one under way; a repeat merged.
    public = {p.title: journey(p, public=True).status for p in Petition.objects.all()}
    assert PublicStatus.COMMITMENT_DONE in public.values()
    assert PublicStatus.COMMITMENT_IN_TERM in public.values()
    assert Petition.objects.filter(merged_into__isnull=False).count() == 1

    # A real account given a role in a demo department hangs on the demo: it goes with it.
    home_affairs = OrgUnit.objects.get(code="01-SNV")
    grant_membership(actor=real, user=real, unit=home_affairs, role=Membership.Role.VIEWER)
    out = io.StringIO()
    call_command("remove_demo", "--dry-run", stdout=out)
    assert "demo row(s) would be deleted" in out.getvalue()
    assert demo_exists()

    call_command("remove_demo", stdout=out)

    assert not demo_exists()
    after = table_counts()
    assert after.pop("core.auditevent") == before.pop("core.auditevent") + 1
    assert after == before
    assert list(User.objects.values_list("username", flat=True)) == ["quantri"]
    assert list(Plan.objects.values_list("year", "unit__code")) == [(2027, "01")]
    assert OrgUnit.objects.get(code="01-BQLDA").is_current
    assert list(real.memberships.values_list("unit__code", flat=True)) == ["01"]
    removed = AuditEvent.objects.get(verb="demo.remove").details["removed"]
    assert removed["accounts.user"] == 19
    assert removed["orgunits.orgunit"] == 20
    assert removed["accounts.membership"] == 20

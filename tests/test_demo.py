"""The demo `make run` serves: seeded through the actions on the real administrative units.
Slow (about half a minute), and the only test that loads every unit and the whole demo, so a
change that breaks `make run` fails here rather than on a reviewer's machine."""

from django.core.management import call_command

from cchc.demo.demo import seed_demo
from cchc.dialogues.models import Petition, PublicStatus
from cchc.dialogues.queries import journey
from cchc.indices.models import Assessment, AssessmentRound, Result
from cchc.indices.results import compute_results
from cchc.inspections.models import Inspection, Recommendation
from cchc.plans.models import MonthClose
from cchc.ratings.models import Rating
from cchc.surveys.models import Response


def test_the_demo_seeds_every_module(db: None) -> None:
    call_command("load_admin_units", verbosity=0)
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

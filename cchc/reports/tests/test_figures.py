"""The annex figures equal the platform's own counts for the report's window (quarter III
2026: 15/06–14/09/2026): tasks, inspections, petitions, procedures and headcount. Records
inside and outside the window; the unit's report counts only its own, the city's all."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cchc.dialogues.actions import announce_conference, submit_petition
from cchc.dialogues.models import Audience, Conference, Petition
from cchc.inspections.models import Recommendation
from cchc.inspections.tests.factories import concluded, started
from cchc.plans.models import ContentArea, Task
from cchc.plans.queries import year_tasks
from cchc.plans.tests.factories import issued_city_plan, task_in
from cchc.procedures.actions import approve_simplification_plan
from cchc.procedures.models import Review
from cchc.procedures.tests.factories import plan_for, procedure_of, reviewed
from cchc.reports import actions, queries
from cchc.reports.models import AnnexValue, SectionText
from cchc.reports.tests.factories import period
from cchc.staffing.tests.factories import record

D = datetime.date
INSIDE, BEFORE, AFTER = D(2026, 7, 10), D(2026, 6, 14), D(2026, 9, 15)


def at(day: D) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _tasks(hanoi, city_admin) -> None:
    plan = issued_city_plan(hanoi.city, city_admin)
    cv = ContentArea.objects.get(code="CV")
    done = task_in(plan, hanoi.ward_a, city_admin, code="T1", deadline=D(2026, 8, 31))
    task_in(plan, hanoi.ward_a, city_admin, code="T2", deadline=D(2026, 7, 31))  # overdue
    task_in(plan, hanoi.ward_a, city_admin, code="T3", deadline=D(2026, 12, 31), area=cv)
    late = task_in(plan, hanoi.ward_a, city_admin, code="T4", deadline=D(2026, 9, 1))
    task_in(plan, hanoi.ward_b, city_admin, code="T5", deadline=D(2026, 7, 1))
    # Added to the issued plan today; as if added on the plan's date.
    Task.objects.update(assigned_on=D(2026, 1, 5))
    Task.objects.filter(pk=done.pk).update(completed_on=D(2026, 8, 1))
    Task.objects.filter(pk=late.pk).update(completed_on=D(2026, 9, 20))  # after the window


def _inspections(hanoi, inspector) -> None:
    for start in (INSIDE, BEFORE):
        inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a], start=start)
    concluded(inspection, inspector, [hanoi.ward_a, hanoi.ward_b], deadline=D(2026, 10, 31))
    recommendations = list(Recommendation.objects.order_by("pk"))
    Recommendation.objects.filter(pk=recommendations[0].pk).update(
        status=Recommendation.Status.REMEDIED, closed_on=INSIDE
    )
    Recommendation.objects.filter(pk=recommendations[1].pk).update(
        status=Recommendation.Status.REMEDIED, closed_on=AFTER
    )


def _petitions(hanoi, officer_a) -> None:
    conference = announce_conference(
        actor=officer_a,
        title="Hội nghị đối thoại",
        level=Conference.Level.WARD,
        host_unit=hanoi.ward_a,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        audiences=[Audience.CITIZENS],
        chair_name="Chủ tịch UBND phường",
        place="Hội trường",
    )
    Conference.objects.filter(pk=conference.pk).update(held_at=at(INSIDE))
    for day, answered in ((INSIDE, INSIDE), (INSIDE, AFTER), (AFTER, None), (BEFORE, INSIDE)):
        petition = submit_petition(
            conference,
            title="Chậm cấp giấy chứng nhận",
            content="Hồ sơ nộp từ tháng 3 chưa có kết quả.",
            submitter_type=Petition.SubmitterType.CITIZEN,
        )
        Petition.objects.filter(pk=petition.pk).update(
            received_at=at(day), answered_at=at(answered) if answered else None
        )


def _procedures(hanoi, city_admin) -> int:
    procedure = procedure_of(city_admin, hanoi.ward_a)
    reviewed(city_admin, procedure, hanoi.ward_a, Review.Proposal.SIMPLIFY)
    Review.objects.update(recorded_at=at(INSIDE))
    plan = plan_for(city_admin, procedure, hanoi.ward_a)
    approve_simplification_plan(
        plan, actor=city_admin, decision_number="30/QĐ-UBND", decision_date=INSIDE
    )
    plan.refresh_from_db()
    return plan.cost_before - plan.cost_after


@pytest.fixture
def records(hanoi, city_admin, inspector, officer_a) -> int:
    _tasks(hanoi, city_admin)
    _inspections(hanoi, inspector)
    _petitions(hanoi, officer_a)
    record(hanoi.ward_a, 2026, 50, 20, actor=city_admin, civil_actual=48, public_actual=19)
    record(hanoi.ward_b, 2026, 40, 10, actor=city_admin, civil_actual=39)
    record(hanoi.ward_a, 2025, 55, 22, actor=city_admin)  # another year
    return _procedures(hanoi, city_admin)


def values(report) -> dict[str, Decimal | None]:
    return {
        v.indicator.code: v.value
        for v in AnnexValue.objects.filter(report=report).select_related("indicator")
    }


@pytest.mark.django_db
def test_unit_annex_equals_the_platforms_counts(records, hanoi, officer_a) -> None:
    q3 = period("q3")
    window = q3.window(2026)
    report = actions.start_report(hanoi.ward_a, actor=officer_a, year=2026, period=q3)
    annex = values(report)
    tasks = year_tasks(window.last).filter(lead_unit=hanoi.ward_a)
    assert annex["CD.01"] == tasks.count() == 4
    assert annex["CD.02"] == 1  # T1; T4 was completed after the cut-off
    assert annex["CD.03"] == 1
    # T2 (due 31/07) and T4 (due 01/09, completed only on 20/09): overdue at the cut-off.
    assert annex["CD.04"] == 2
    assert annex["CD.05"] == 0  # the inspections were held by the Inspectorate, not the ward
    assert annex["CD.06"] == 1  # remedied 10/07; the one remedied 15/09 is outside
    assert annex["CD.07"] == 1
    assert (
        annex["CD.08"]
        == Petition.objects.filter(
            unit=hanoi.ward_a, received_at__date__range=(window.first, window.last)
        ).count()
        == 2
    )
    assert annex["CD.09"] == 2
    assert annex["TTHC.01"] == 1
    assert annex["TTHC.02"] == 1
    assert annex["TTHC.03"] == 0
    assert annex["TTHC.04"] == records
    assert (annex["CV.01"], annex["CV.02"], annex["CV.03"], annex["CV.04"]) == (50, 48, 20, 19)
    assert annex["CĐS.01"] is None  # typed in by the unit
    figures = SectionText.objects.get(report=report, section__code="procedures").figures
    assert figures == {
        "tasks_assigned": 3,
        "tasks_completed": 1,
        "tasks_on_time": 1,
        "tasks_overdue": 2,  # T2 and T4
    }


@pytest.mark.django_db
def test_city_figures_count_every_record(records, hanoi, city_admin) -> None:
    window = period("q3").window(2026)
    city = queries.figures(window, None, queries.KNOWN_SOURCES)[None]
    assert city["tasks_assigned"] == year_tasks(window.last).count() == 5
    assert city["tasks_overdue"] == 3  # T2, T4 and ward B's T5
    assert city["inspections_held"] == 1  # started 10/07; the other before the window
    assert city["recommendations_remedied"] == 1
    assert city["civil_posts_assigned"] == 90
    assert city["civil_in_post"] == 87
    # Set-wise per unit, the same figures as one unit at a time.
    both = queries.figures(window, [hanoi.ward_a.pk, hanoi.ward_b.pk], queries.KNOWN_SOURCES)
    for unit in (hanoi.ward_a, hanoi.ward_b):
        assert both[unit.pk] == queries.figures(window, [unit.pk], queries.KNOWN_SOURCES)[unit.pk]
    assert both[hanoi.ward_b.pk]["tasks_assigned"] == 1

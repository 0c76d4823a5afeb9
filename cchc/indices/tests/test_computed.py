"""Computed criteria: the share of the unit's reform tasks completed on time in the framework's
year × the criterion's maximum, rounded down to the step; pre-filled when a round opens and
recalculated at submission."""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.indices.actions import (
    create_framework,
    open_round,
    publish_framework,
    score_criterion,
    submit_assessment,
)
from cchc.indices.models import Assessment, Framework, SelfScore
from cchc.indices.queries import computed_scores
from cchc.indices.tests.factories import tree
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.plans.actions import create_plan, issue_plan
from cchc.plans.models import Plan, Task
from cchc.plans.tests.factories import task_in
from conftest import Hanoi

D = Decimal
DAY = datetime.date
AS_OF = DAY(2026, 11, 30)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def framework(city_admin: User) -> Framework:
    framework = create_framework(
        actor=city_admin, year=2026, group="wards", title="Bộ chỉ số 2026", nodes=tree()
    )
    return publish_framework(framework, actor=city_admin)


def city_plan(hanoi: Hanoi, actor: User, *, year: int = 2026) -> Plan:
    return create_plan(actor=actor, unit=hanoi.city, year=year, title=f"Kế hoạch {year}")


def issue(plan: Plan, actor: User) -> Plan:
    return issue_plan(
        plan,
        actor=actor,
        document_number=f"01/KH-{plan.year}",
        document_date=DAY(plan.year, 1, 5),
        signer="Chủ tịch",
    )


def add_tasks(
    plan: Plan, unit: OrgUnit, actor: User, rows: list[tuple[DAY, DAY | None]], prefix: str
) -> list[Task]:
    """Tasks led by `unit`: (deadline, completed on)."""
    tasks = []
    for number, (deadline, completed) in enumerate(rows, 1):
        task = task_in(plan, unit, actor, code=f"{prefix}{number}", deadline=deadline)
        if completed:
            Task.objects.filter(pk=task.pk).update(completed_on=completed)
        tasks.append(task)
    return tasks


def test_share_on_time_times_the_maximum(
    framework: Framework, hanoi: Hanoi, city_admin: User
) -> None:
    plan = city_plan(hanoi, city_admin)
    on_time = [(DAY(2026, 3, 31), DAY(2026, 3, 30))] * 4
    late = [(DAY(2026, 4, 30), DAY(2026, 5, 10))]
    not_due = [(DAY(2026, 12, 15), None)]
    add_tasks(plan, hanoi.ward_a, city_admin, on_time + late + not_due, "A")
    cancelled = add_tasks(plan, hanoi.ward_a, city_admin, [(DAY(2026, 6, 30), None)], "X")
    Task.objects.filter(pk=cancelled[0].pk).update(cancelled_at=timezone.now())
    add_tasks(plan, hanoi.ward_b, city_admin, [(DAY(2026, 6, 30), DAY(2026, 7, 1))] * 3, "B")
    issue(plan, city_admin)
    leaf = framework.criteria.get(code="2.1")

    scores = computed_scores(framework, [hanoi.ward_a.pk, hanoi.ward_b.pk], AS_OF)

    assert scores[hanoi.ward_a.pk] == {
        leaf.pk: (D("32.00"), "4/5 tasks completed on time = 80% × 40 = 32")
    }
    assert scores[hanoi.ward_b.pk] == {
        leaf.pk: (D("0.00"), "0/3 tasks completed on time = 0% × 40 = 0")
    }


def test_points_are_rounded_down_to_the_step(
    framework: Framework, hanoi: Hanoi, city_admin: User
) -> None:
    plan = city_plan(hanoi, city_admin)
    rows = [(DAY(2026, 3, 31), DAY(2026, 3, 1))] * 2 + [(DAY(2026, 3, 31), None)]
    add_tasks(plan, hanoi.ward_a, city_admin, rows, "A")
    issue(plan, city_admin)
    leaf = framework.criteria.get(code="2.1")

    points, text = computed_scores(framework, [hanoi.ward_a.pk], AS_OF)[hanoi.ward_a.pk][leaf.pk]

    # 2/3 × 40 = 26.67 → 26.5 in steps of 0.25
    assert (points, text) == (D("26.50"), "2/3 tasks completed on time = 66.7% × 40 = 26.5")


def test_tasks_outside_the_year_draft_plans_and_later_completions_do_not_count(
    framework: Framework, hanoi: Hanoi, city_admin: User
) -> None:
    last_year = city_plan(hanoi, city_admin, year=2025)
    add_tasks(last_year, hanoi.ward_a, city_admin, [(DAY(2025, 12, 1), None)], "L")
    issue(last_year, city_admin)
    draft = city_plan(hanoi, city_admin, year=2027)
    add_tasks(draft, hanoi.ward_a, city_admin, [(DAY(2027, 3, 1), None)], "D")
    plan = city_plan(hanoi, city_admin)
    # Completed on time, but after the day the points are computed for: not yet completed.
    add_tasks(plan, hanoi.ward_a, city_admin, [(DAY(2026, 9, 30), DAY(2026, 9, 29))], "A")
    issue(plan, city_admin)
    leaf = framework.criteria.get(code="2.1")

    before = computed_scores(framework, [hanoi.ward_a.pk], DAY(2026, 9, 29))
    earlier = computed_scores(framework, [hanoi.ward_a.pk], DAY(2026, 9, 28))

    assert before[hanoi.ward_a.pk][leaf.pk][0] == D(40)
    assert earlier[hanoi.ward_a.pk][leaf.pk] == (
        D(40),
        "No task of the unit was due by 28/09/2026: the maximum, 40 points.",
    )


def test_no_task_due_gives_the_maximum_and_says_so(framework: Framework, hanoi: Hanoi) -> None:
    leaf = framework.criteria.get(code="2.1")
    scores = computed_scores(framework, [hanoi.ward_a.pk], AS_OF)
    assert scores == {
        hanoi.ward_a.pk: {
            leaf.pk: (D(40), "No task of the unit was due by 30/11/2026: the maximum, 40 points.")
        }
    }


def test_computed_scores_read_two_queries_for_thirty_units(
    framework: Framework, hanoi: Hanoi
) -> None:
    units = [
        OrgUnitFactory(code=f"9{n:04d}", kind=OrgUnit.Kind.WARD, parent=hanoi.city)
        for n in range(30)
    ]
    with CaptureQueriesContext(connection) as queries:
        scores = computed_scores(framework, [u.pk for u in units], AS_OF)
    assert len(scores) == 30
    assert len(queries.captured_queries) == 2


def test_open_round_prefills_and_submit_recalculates(
    framework: Framework, hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    plan = city_plan(hanoi, city_admin)
    tasks = add_tasks(
        plan,
        hanoi.ward_a,
        city_admin,
        [(DAY(2026, 3, 31), DAY(2026, 3, 1)), (DAY(2026, 3, 31), None)],
        "A",
    )
    issue(plan, city_admin)
    rating_round = open_round(
        framework,
        actor=city_admin,
        title="Tự đánh giá 2026",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        units=[hanoi.ward_a, hanoi.ward_b],
    )
    assessment = rating_round.assessments.get(unit=hanoi.ward_a)
    computed = SelfScore.objects.get(assessment=assessment, criterion__code="2.1")
    assert (computed.points, computed.calculation) == (
        D(20),
        "1/2 tasks completed on time = 50% × 40 = 20",
    )
    other = SelfScore.objects.get(assessment__unit=hanoi.ward_b, criterion__code="2.1")
    assert other.points == D(40)
    assert other.calculation.startswith("No task of the unit was due by")

    # The second task is found completed on time before the submission.
    Task.objects.filter(pk=tasks[1].pk).update(completed_on=DAY(2026, 3, 30))
    for code, points in (("1.1", "10"), ("1.2", "10"), ("4", "0")):
        score_criterion(
            assessment,
            framework.criteria.get(code=code),
            actor=officer_a,
            points=D(points),
            explanation="Báo cáo số 12",
        )
    submit_assessment(assessment, actor=officer_a)

    computed.refresh_from_db()
    assert (computed.points, computed.calculation, computed.version) == (
        D(40),
        "2/2 tasks completed on time = 100% × 40 = 40",
        2,
    )
    assert AuditEvent.objects.get(verb="indices.submit").details == {"computed": {"2.1": "40.00"}}
    assert Assessment.objects.get(pk=assessment.pk).is_submitted


def test_open_round_keeps_the_council_settings(
    framework: Framework, hanoi: Hanoi, city_admin: User
) -> None:
    rating_round = open_round(
        framework,
        actor=city_admin,
        title="Tự đánh giá 2026",
        deadline=timezone.localdate(),
        units=[hanoi.ward_a],
        majority_percent=D(60),
        response_days=7,
    )
    assert (rating_round.majority_percent, rating_round.response_days) == (D(60), 7)


def test_computed_leaves_cannot_be_scored_by_hand(
    framework: Framework, hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    rating_round = open_round(
        framework,
        actor=city_admin,
        title="x",
        deadline=timezone.localdate(),
        units=[hanoi.ward_a],
    )
    assessment = rating_round.assessments.get()
    with pytest.raises(Exception, match="does not score this criterion"):
        score_criterion(
            assessment, framework.criteria.get(code="2.1"), actor=officer_a, points=D(40)
        )

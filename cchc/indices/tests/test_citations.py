"""Citing platform records as evidence: only the assessed unit's own tasks and their reports,
never on a submitted assessment; a cited record satisfies the evidence rule."""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.indices.actions import (
    cite_records,
    create_framework,
    open_round,
    publish_framework,
    score_criterion,
    submit_assessment,
)
from cchc.indices.models import Assessment, SelfScore
from cchc.indices.tests.factories import tree
from cchc.plans.actions import create_plan
from cchc.plans.models import ProgressReport, Task
from cchc.plans.tests.factories import task_in
from conftest import Hanoi

D = Decimal


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def assessment(hanoi: Hanoi, city_admin: User) -> Assessment:
    framework = create_framework(
        actor=city_admin, year=2026, group="wards", title="Bộ chỉ số 2026", nodes=tree()
    )
    framework = publish_framework(framework, actor=city_admin)
    rating_round = open_round(
        framework,
        actor=city_admin,
        title="Tự đánh giá 2026",
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        units=[hanoi.ward_a, hanoi.ward_b],
    )
    return rating_round.assessments.get(unit=hanoi.ward_a)


@pytest.fixture
def records(hanoi: Hanoi, city_admin: User, officer_a: User, officer_b: User) -> dict[str, Any]:
    plan = create_plan(actor=city_admin, unit=hanoi.city, year=2026, title="KH 2026")
    own = task_in(plan, hanoi.ward_a, city_admin, code="A1")
    other = task_in(plan, hanoi.ward_b, city_admin, code="B1")
    return {
        "own": own,
        "other": other,
        "own_report": ProgressReport.objects.create(
            task=own, author=officer_a, percent=50, narrative="Đã xây dựng dự thảo"
        ),
        "other_report": ProgressReport.objects.create(
            task=other, author=officer_b, percent=20, narrative="Đang triển khai"
        ),
    }


def manual_score(
    assessment: Assessment, actor: User, code: str = "1.1", points: str = "10"
) -> SelfScore:
    criterion = assessment.round.framework.criteria.get(code=code)
    return score_criterion(assessment, criterion, actor=actor, points=D(points))


def test_cite_the_units_task_and_report(
    assessment: Assessment, officer_a: User, records: dict[str, Any]
) -> None:
    score = manual_score(assessment, officer_a)

    cite_records(score, actor=officer_a, tasks=[records["own"]], reports=[records["own_report"]])

    assert list(score.cited_tasks.all()) == [records["own"]]
    assert list(score.cited_reports.all()) == [records["own_report"]]
    event = AuditEvent.objects.get(verb="indices.cite")
    assert event.changes == {"tasks": [[], ["A1"]], "reports": [[], [records["own_report"].pk]]}
    assert event.details == {"criterion": "1.1"}

    cite_records(score, actor=officer_a, tasks=[], reports=[records["own_report"]])
    assert not score.cited_tasks.exists()


@pytest.mark.parametrize(
    ("task", "report"),
    [("other", None), (None, "other_report"), ("own", "other_report")],
)
def test_records_of_another_unit_are_refused_by_code(
    assessment: Assessment,
    officer_a: User,
    records: dict[str, Any],
    task: str | None,
    report: str | None,
) -> None:
    score = manual_score(assessment, officer_a)
    with pytest.raises(ValidationError) as refused:
        cite_records(
            score,
            actor=officer_a,
            tasks=[records[task]] if task else [],
            reports=[records[report]] if report else [],
        )
    assert refused.value.messages == ["Not a record of Phường Ba Đình: B1."]
    assert not score.cited_tasks.exists()
    assert not score.cited_reports.exists()
    assert not AuditEvent.objects.filter(verb="indices.cite").exists()


def test_citing_is_refused_once_submitted(
    assessment: Assessment, officer_a: User, records: dict[str, Any]
) -> None:
    score = manual_score(assessment, officer_a)
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.SUBMITTED)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        cite_records(score, actor=officer_a, tasks=[records["own"]], reports=[])
    assert not score.cited_tasks.exists()


def test_computed_scores_take_no_citation(
    assessment: Assessment, officer_a: User, records: dict[str, Any]
) -> None:
    computed = SelfScore.objects.get(assessment=assessment, criterion__code="2.1")
    with pytest.raises(ValidationError, match="does not score this criterion itself"):
        cite_records(computed, actor=officer_a, tasks=[records["own"]], reports=[])


def test_a_cited_report_is_evidence_enough(
    assessment: Assessment, officer_a: User, records: dict[str, Any]
) -> None:
    score = manual_score(assessment, officer_a)
    manual_score(assessment, officer_a, "1.2")
    manual_score(assessment, officer_a, "4", "0")
    with pytest.raises(ValidationError, match=r"1\.1: attach an evidence document, cite a record"):
        submit_assessment(assessment, actor=officer_a)

    cite_records(score, actor=officer_a, tasks=[], reports=[records["own_report"]])
    submit_assessment(assessment, actor=officer_a)

    assessment.refresh_from_db()
    assert assessment.is_submitted
    assert Task.objects.filter(pk=records["own"].pk).exists()

"""Self-assessment: opening a round, scoring within the rules, evidence, submission that locks."""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.indices.actions import (
    attach_evidence,
    close_unsubmitted,
    create_framework,
    open_round,
    publish_framework,
    score_criterion,
    submit_assessment,
)
from cchc.indices.models import Assessment, Framework, SelfScore
from cchc.indices.queries import scored_by_units
from cchc.indices.tests.factories import tree
from conftest import Hanoi

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def framework(city_admin: User) -> Framework:
    framework = create_framework(
        actor=city_admin, year=2026, group="wards", title="Bộ chỉ số 2026", nodes=tree()
    )
    return publish_framework(framework, actor=city_admin)


@pytest.fixture
def assessment(framework: Framework, hanoi: Hanoi, city_admin: User) -> Assessment:
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    rating_round = open_round(
        framework,
        actor=city_admin,
        title="Tự đánh giá 2026",
        deadline=deadline,
        units=[hanoi.ward_a, hanoi.ward_b],
    )
    return rating_round.assessments.get(unit=hanoi.ward_a)


def criterion(framework: Framework, code: str) -> Any:
    return framework.criteria.get(code=code)


def test_open_round_creates_one_assessment_per_unit(assessment: Assessment, hanoi: Hanoi) -> None:
    assert set(assessment.round.assessments.values_list("unit", flat=True)) == {
        hanoi.ward_a.pk,
        hanoi.ward_b.pk,
    }
    assert AuditEvent.objects.get(verb="indices.open_round").details == {"units": 2, "year": 2026}


def test_open_round_refuses_a_draft_framework_and_other_groups(
    city_admin: User, hanoi: Hanoi, framework: Framework
) -> None:
    draft = create_framework(actor=city_admin, year=2027, group="wards", title="Nháp", nodes=tree())
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    with pytest.raises(ValidationError, match="Publish the framework"):
        open_round(draft, actor=city_admin, title="x", deadline=deadline, units=[hanoi.ward_a])
    with pytest.raises(ValidationError, match="Not in the framework's target group: Sở Nội vụ"):
        open_round(
            framework, actor=city_admin, title="x", deadline=deadline, units=[hanoi.home_affairs]
        )


def test_the_unit_scores_only_its_manual_leaves(framework: Framework) -> None:
    assert [c.code for c in scored_by_units(framework)] == ["1.1", "1.2", "4"]


@pytest.mark.parametrize(
    ("code", "points", "message"),
    [
        ("1.1", "15.25", "1.1: the points must be between 0.00 and 15.00."),
        ("1.1", "-1", "1.1: the points must be between 0.00 and 15.00."),
        ("1.1", "7.3", "Score in steps of 0.25 points."),
        ("2.1", "10", "The unit does not score this criterion itself."),
    ],
)
def test_score_criterion_refuses_bad_points(
    assessment: Assessment, officer_a: User, code: str, points: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        score_criterion(
            assessment,
            criterion(assessment.round.framework, code),
            actor=officer_a,
            points=D(points),
        )
    assert refused.value.messages == [message]
    assert not SelfScore.objects.filter(criterion__method="manual").exists()


def test_bonus_and_penalty_may_go_below_zero(assessment: Assessment, officer_a: User) -> None:
    score = score_criterion(
        assessment, criterion(assessment.round.framework, "4"), actor=officer_a, points=D("-2.5")
    )
    assert score.points == D("-2.5")


def test_submit_needs_every_score_and_the_required_evidence(
    assessment: Assessment, officer_a: User
) -> None:
    framework = assessment.round.framework
    score_criterion(assessment, criterion(framework, "1.1"), actor=officer_a, points=D(14))

    with pytest.raises(ValidationError) as refused:
        submit_assessment(assessment, actor=officer_a)

    assert refused.value.messages == [
        "1.1: attach an evidence document, cite a record or write an explanation.",
        "1.2: not scored yet.",
        "4: not scored yet.",
    ]
    assessment.refresh_from_db()
    assert not assessment.is_submitted


def test_submitted_assessment_is_locked(assessment: Assessment, officer_a: User) -> None:
    framework = assessment.round.framework
    score = score_criterion(assessment, criterion(framework, "1.1"), actor=officer_a, points=D(14))
    attach_evidence(score, actor=officer_a, upload=SimpleUploadedFile("ke-hoach.pdf", PDF))
    score_criterion(
        assessment,
        criterion(framework, "1.2"),
        actor=officer_a,
        points=D("12.5"),
        explanation="Kiểm tra 12/15 đơn vị",
    )
    score_criterion(assessment, criterion(framework, "4"), actor=officer_a, points=D(0))

    submit_assessment(assessment, actor=officer_a)

    assessment.refresh_from_db()
    assert (assessment.status, assessment.submitted_by) == ("submitted", officer_a)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        score_criterion(assessment, criterion(framework, "1.2"), actor=officer_a, points=D(15))
    with pytest.raises(ValidationError, match="can no longer be changed"):
        attach_evidence(score, actor=officer_a, upload=SimpleUploadedFile("them.pdf", PDF))
    assert SelfScore.objects.get(criterion__code="1.2").points == D("12.5")


def test_two_editors_never_overwrite_each_other(assessment: Assessment, officer_a: User) -> None:
    framework = assessment.round.framework
    score = score_criterion(assessment, criterion(framework, "1.2"), actor=officer_a, points=D(10))
    score_criterion(
        assessment,
        criterion(framework, "1.2"),
        actor=officer_a,
        points=D(11),
        version=score.version,
    )
    with pytest.raises(ValidationError, match="Someone else changed"):
        score_criterion(
            assessment,
            criterion(framework, "1.2"),
            actor=officer_a,
            points=D(9),
            version=score.version,
        )
    assert SelfScore.objects.get(criterion__code="1.2").points == D(11)


def test_city_closes_an_unsubmitted_self_assessment_after_the_deadline(
    assessment: Assessment, city_admin: User
) -> None:
    deadline = assessment.round.deadline
    with pytest.raises(ValidationError, match="has not passed: the unit may still submit"):
        close_unsubmitted(assessment, actor=city_admin, reason="Không nộp", today=deadline)
    after = deadline + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="Say why the self-assessment is closed"):
        close_unsubmitted(assessment, actor=city_admin, reason="  ", today=after)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.DRAFT

    closed = close_unsubmitted(
        assessment, actor=city_admin, reason="Đơn vị không nộp đúng hạn", today=after
    )
    assert closed.status == Assessment.Status.SUBMITTED
    assert closed.closed_reason == "Đơn vị không nộp đúng hạn"
    assert closed.submitted_by == city_admin
    event = AuditEvent.objects.get(verb="indices.close_unsubmitted")
    assert event.details["reason"] == "Đơn vị không nộp đúng hạn"
    with pytest.raises(ValidationError, match="already been submitted"):
        close_unsubmitted(closed, actor=city_admin, reason="x", today=after)


def test_council_appraises_a_closed_assessment_without_self_scores(
    assessment: Assessment, city_admin: User
) -> None:
    from cchc.accounts.tests.factories import UserFactory
    from cchc.indices.actions import propose, set_council
    from cchc.indices.models import Appraisal

    after = assessment.round.deadline + datetime.timedelta(days=1)
    close_unsubmitted(assessment, actor=city_admin, reason="Không nộp", today=after)
    member = UserFactory(username="hoi_dong")
    set_council(assessment.round, actor=city_admin, members=[member], chair=member)
    leaf = criterion(assessment.round.framework, "1.1")
    with pytest.raises(ValidationError):  # no self-score: the proposal differs, say why
        propose(assessment, leaf, actor=member, points=Decimal(5))
    propose(assessment, leaf, actor=member, points=Decimal(5), reason="Theo hồ sơ lưu")
    assert Appraisal.objects.get(assessment=assessment, criterion=leaf).points == Decimal(5)

"""The appraisal council: proposals with reasons, the majority, the unit's one response within
the window, finalising, and two members never overwriting each other."""

import datetime
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from cchc.accounts.models import User
from cchc.accounts.tests.factories import UserFactory
from cchc.core.models import AuditEvent, Notification
from cchc.indices.actions import (
    create_framework,
    finalise,
    open_round,
    propose,
    publish_framework,
    respond,
    score_criterion,
    send_appraisal,
    set_council,
    submit_assessment,
)
from cchc.indices.models import Appraisal, Assessment, Criterion, Framework, Proposal
from cchc.indices.queries import appraised_leaves
from cchc.indices.scoring import decided_points
from cchc.indices.tests.factories import tree
from conftest import Hanoi

D = Decimal
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def members() -> list[User]:
    return [UserFactory(username=name) for name in ("chu_tich_hd", "uy_vien_1", "uy_vien_2")]


@pytest.fixture
def assessment(city_admin: User, hanoi: Hanoi, officer_a: User, members: list[User]) -> Assessment:
    framework = create_framework(
        actor=city_admin, year=2026, group="wards", title="Bộ chỉ số 2026", nodes=tree()
    )
    framework = publish_framework(framework, actor=city_admin)
    rating_round = open_round(
        framework,
        actor=city_admin,
        title="Tự đánh giá 2026",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        units=[hanoi.ward_a],
    )
    set_council(rating_round, actor=city_admin, members=members, chair=members[0])
    assessment = rating_round.assessments.get()
    for code, points in (("1.1", "14"), ("1.2", "12.5"), ("4", "0")):
        score_criterion(
            assessment,
            framework.criteria.get(code=code),
            actor=officer_a,
            points=D(points),
            explanation="Kế hoạch số 12/KH-UBND",
        )
    return submit_assessment(assessment, actor=officer_a)


def leaf(assessment: Assessment, code: str) -> Criterion:
    return assessment.round.framework.criteria.get(code=code)


def agree_on_everything(assessment: Assessment, members: list[User]) -> None:
    """Two of the three members agree with the unit's self-score on every leaf."""
    own = dict(assessment.scores.values_list("criterion__code", "points"))
    for criterion in appraised_leaves(assessment.round.framework):
        points = own[criterion.code]
        for member in members[:2]:
            propose(assessment, criterion, actor=member, points=points, reason="Theo số liệu")


def test_the_council_appraises_every_leaf_except_the_survey(assessment: Assessment) -> None:
    assert [c.code for c in appraised_leaves(assessment.round.framework)] == [
        "1.1",
        "1.2",
        "2.1",
        "4",
    ]


def test_a_criterion_is_decided_by_more_than_half(
    assessment: Assessment, members: list[User]
) -> None:
    first, second, third = members
    appraisal = propose(assessment, leaf(assessment, "1.1"), actor=first, points=D(14))
    assert appraisal.points is None  # 1 of 3
    appraisal = propose(
        assessment, leaf(assessment, "1.1"), actor=second, points=D(12), reason="Thiếu báo cáo"
    )
    assert appraisal.points is None  # 1 + 1 of 3
    appraisal = propose(assessment, leaf(assessment, "1.1"), actor=third, points=D(14))
    assert appraisal.points == D(14)  # 2 of 3
    assert Proposal.objects.filter(appraisal=appraisal).count() == 3
    event = AuditEvent.objects.filter(verb="indices.propose").order_by("pk")[1]
    assert event.details["reason"] == "Thiếu báo cáo"
    assert event.changes == {"points": [None, "12"]}


def test_the_majority_is_configurable(assessment: Assessment, members: list[User]) -> None:
    assessment.round.majority_percent = D(66)
    assessment.round.save()
    first, second, _third = members
    propose(assessment, leaf(assessment, "1.1"), actor=first, points=D(14))
    appraisal = propose(assessment, leaf(assessment, "1.1"), actor=second, points=D(14))
    assert appraisal.points == D(14)  # 2/3 = 66.7 > 66
    assessment.round.majority_percent = D(70)
    assessment.round.save()
    appraisal = propose(assessment, leaf(assessment, "1.1"), actor=second, points=D(14))
    assert appraisal.points is None  # 66.7 is not more than 70


@given(
    proposals=st.lists(st.sampled_from([D(1), D(2), D(3)]), max_size=7),
    extra=st.integers(min_value=0, max_value=3),
    majority=st.sampled_from([D(50), D("66.67"), D(75)]),
)
def test_decided_points_need_more_than_the_majority(
    proposals: list[Decimal], extra: int, majority: Decimal
) -> None:
    members = len(proposals) + extra
    decided = decided_points(proposals, members, majority)
    counts = {p: proposals.count(p) for p in proposals}
    winners = [p for p, n in counts.items() if 100 * n > majority * members]
    assert decided == (winners[0] if winners else None)


@pytest.mark.parametrize(
    ("code", "points", "reason", "message"),
    [
        ("1.1", "16", "x", "1.1: the points must be between 0.00 and 15.00."),
        ("1.1", "-1", "x", "1.1: the points must be between 0.00 and 15.00."),
        ("4", "-5.5", "x", "4: the points must be between -5.00 and 5.00."),
        ("1.1", "13.1", "x", "Score in steps of 0.25 points."),
        ("1.1", "13", "  ", "Give the reason for a score different from the unit's self-score."),
        ("3.1", "10", "x", "The council does not appraise this criterion."),
    ],
)
def test_bad_proposals_are_refused(
    assessment: Assessment,
    members: list[User],
    code: str,
    points: str,
    reason: str,
    message: str,
) -> None:
    with pytest.raises(ValidationError) as refused:
        propose(
            assessment, leaf(assessment, code), actor=members[1], points=D(points), reason=reason
        )
    assert refused.value.messages == [message]
    assert not Proposal.objects.exists()


def test_only_council_members_propose_and_only_on_submitted_assessments(
    assessment: Assessment, officer_a: User, members: list[User], hanoi: Hanoi
) -> None:
    with pytest.raises(
        ValidationError, match=re.escape("Only the round's council members appraise.")
    ):
        propose(assessment, leaf(assessment, "1.1"), actor=officer_a, points=D(14))
    draft = open_round(
        assessment.round.framework,
        actor=members[0],
        title="Vòng khác",
        deadline=timezone.localdate(),
        units=[hanoi.ward_b],
    ).assessments.get()
    with pytest.raises(ValidationError, match="while the assessment is “Being scored”"):
        propose(draft, leaf(assessment, "1.1"), actor=members[0], points=D(14))


def test_two_members_editing_the_same_criterion_never_overwrite_each_other(
    assessment: Assessment, members: list[User]
) -> None:
    first, second, _third = members
    criterion = leaf(assessment, "1.2")
    propose(assessment, criterion, actor=first, points=D("12.5"))
    seen = Appraisal.objects.get(criterion=criterion).version  # both open the form now

    propose(assessment, criterion, actor=second, points=D(10), reason="Chỉ 10/15", version=seen)
    with pytest.raises(ValidationError, match=re.escape("1.2: another member proposed a score")):
        propose(assessment, criterion, actor=first, points=D(11), reason="x", version=seen)

    assert dict(Proposal.objects.values_list("member__username", "points")) == {
        "chu_tich_hd": D("12.5"),
        "uy_vien_1": D(10),
    }
    fresh = Appraisal.objects.get(criterion=criterion).version
    propose(assessment, criterion, actor=first, points=D(10), reason="Đồng ý", version=fresh)
    assert Appraisal.objects.get(criterion=criterion).points == D(10)


def test_send_respond_once_and_finalise(
    assessment: Assessment, members: list[User], officer_a: User
) -> None:
    chair, member, _third = members
    agree_on_everything(assessment, members)
    with pytest.raises(ValidationError, match="Only the council's chair"):
        send_appraisal(assessment, actor=member, today=TODAY)
    send_appraisal(assessment, actor=chair, today=TODAY)
    assessment.refresh_from_db()
    assert (assessment.status, assessment.response_deadline) == (
        "appraised",
        datetime.date(2026, 12, 6),
    )
    notice = Notification.objects.get(user=officer_a)
    assert notice.kind == "index"
    assert notice.link == f"/indices/assessments/{assessment.pk}/"

    with pytest.raises(ValidationError, match="may respond until 06/12/2026"):
        finalise(assessment, actor=chair, today=TODAY)
    with pytest.raises(ValidationError, match=re.escape("Write the unit's response.")):
        respond(assessment, actor=officer_a, text=" ", today=TODAY)
    respond(assessment, actor=officer_a, text="Đã bổ sung báo cáo", today=TODAY)
    with pytest.raises(ValidationError, match="only one response"):
        respond(assessment, actor=officer_a, text="Lần hai", today=TODAY)
    assert Notification.objects.filter(user=chair, kind="index").exists()

    finalise(assessment, actor=chair, today=TODAY)
    assessment.refresh_from_db()
    assert assessment.is_finalised
    # 14 + 12.5 + 0, and 40 for 2.1 computed: no task of the ward was due, all "on time".
    assert AuditEvent.objects.get(verb="indices.finalise").details == {"total": "66.50"}
    with pytest.raises(ValidationError, match="while the assessment is “Finalised”"):
        propose(assessment, leaf(assessment, "1.1"), actor=member, points=D(15), reason="x")


def test_no_response_after_the_window(
    assessment: Assessment, members: list[User], officer_a: User
) -> None:
    send_appraisal(assessment, actor=members[0], today=TODAY)
    with pytest.raises(
        ValidationError, match=re.escape("The time to respond ended on 06/12/2026.")
    ):
        respond(assessment, actor=officer_a, text="Muộn", today=TODAY + datetime.timedelta(6))
    assessment.refresh_from_db()
    assert assessment.responded_at is None


def test_finalising_without_a_majority_is_refused(
    assessment: Assessment, members: list[User]
) -> None:
    chair, member, third = members
    agree_on_everything(assessment, members)
    Proposal.objects.filter(appraisal__criterion__code="2.1", member=member).delete()
    Appraisal.objects.filter(criterion__code="2.1").update(points=None)
    send_appraisal(assessment, actor=chair, today=TODAY)
    later = TODAY + datetime.timedelta(days=6)  # the unit did not respond in time

    with pytest.raises(ValidationError, match=re.escape("No majority of the council yet on: 2.1.")):
        finalise(assessment, actor=chair, today=later)
    assessment.refresh_from_db()
    assert assessment.status == "appraised"

    propose(assessment, leaf(assessment, "2.1"), actor=third, points=D(40))
    finalise(assessment, actor=chair, today=later)


def test_the_council_is_fixed_once_appraisal_starts(
    assessment: Assessment, members: list[User], city_admin: User
) -> None:
    rating_round = assessment.round
    with pytest.raises(ValidationError, match=re.escape("The chair must be one of the members.")):
        set_council(rating_round, actor=city_admin, members=members[1:], chair=members[0])
    propose(assessment, leaf(assessment, "1.1"), actor=members[0], points=D(14))
    with pytest.raises(ValidationError, match="members are fixed"):
        set_council(rating_round, actor=city_admin, members=members[:2], chair=members[0])
    assert rating_round.council.count() == 3


def test_a_published_round_is_frozen(assessment: Assessment, members: list[User]) -> None:
    rating_round = assessment.round
    rating_round.published_at = timezone.now()
    rating_round.save()
    with pytest.raises(ValidationError, match="results are published"):
        propose(assessment, leaf(assessment, "1.1"), actor=members[0], points=D(14))


def test_framework_helper_is_consistent(assessment: Assessment) -> None:
    framework: Framework = assessment.round.framework
    leaves = appraised_leaves(framework)
    assert sum((c.max_points for c in leaves), D(0)) == D(75)  # 70 + the 5 bonus points

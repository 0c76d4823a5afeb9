"""Reminders before a round's deadline: 3 days and 1 day before and on the day, to the focal
points and heads of each unit still scoring itself; a rerun sends nothing new."""

import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.models import AuditEvent, Notification
from cchc.indices.actions import (
    create_framework,
    open_round,
    publish_framework,
    send_deadline_reminders,
)
from cchc.indices.models import Assessment, AssessmentRound
from cchc.indices.tests.factories import tree
from conftest import Hanoi


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def deadline() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=10)


@pytest.fixture
def rating_round(
    hanoi: Hanoi, city_admin: User, officer_a: User, officer_b: User, deadline: datetime.date
) -> AssessmentRound:
    framework = create_framework(
        actor=city_admin, year=2026, group="wards", title="Bộ chỉ số 2026", nodes=tree()
    )
    framework = publish_framework(framework, actor=city_admin)
    head = UserFactory(username="head_a")
    MembershipFactory(user=head, unit=hanoi.ward_a, role=Membership.Role.HEAD)
    viewer = UserFactory(username="viewer_a")
    MembershipFactory(user=viewer, unit=hanoi.ward_a, role=Membership.Role.VIEWER)
    rating_round = open_round(
        framework,
        actor=city_admin,
        title="Tự đánh giá 2026",
        deadline=deadline,
        units=[hanoi.ward_a, hanoi.ward_b],
    )
    # Ward B has submitted: only ward A is reminded.
    Assessment.objects.filter(round=rating_round, unit=hanoi.ward_b).update(status="submitted")
    return rating_round


def day(deadline: datetime.date, before: int) -> datetime.date:
    return deadline - datetime.timedelta(days=before)


def run(today: datetime.date) -> str:
    out = io.StringIO()
    call_command("index_reminders", "--today", today.isoformat(), stdout=out)
    return out.getvalue()


def test_draft_units_are_reminded_three_days_before(
    rating_round: AssessmentRound,
    deadline: datetime.date,
    hanoi: Hanoi,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        output = run(day(deadline, 3))

    assessment = rating_round.assessments.get(unit=hanoi.ward_a)
    notices = Notification.objects.filter(key=f"index:{assessment.pk}:due:3")
    assert output == f"2 self-assessment reminders sent for {day(deadline, 3):%d/%m/%Y}.\n"
    assert sorted(n.user.username for n in notices) == ["head_a", "officer_a"]
    notice = notices.first()
    assert notice is not None
    assert notice.kind == Notification.Kind.INDEX
    assert notice.link == f"/indices/assessments/{assessment.pk}/"
    assert "Phường Ba Đình" in notice.message
    assert f"{deadline:%d/%m/%Y}" in notice.message
    assert sorted(m.to[0] for m in mail.outbox) == [
        "head_a@example.test",
        "officer_a@example.test",
    ]
    assert AuditEvent.objects.get(verb="indices.send_reminders").details == {
        "day": str(day(deadline, 3)),
        "sent": 2,
    }


def test_a_rerun_sends_nothing_new(
    rating_round: AssessmentRound,
    deadline: datetime.date,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run(day(deadline, 3))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        output = run(day(deadline, 3))

    assert output.startswith("0 self-assessment reminders sent")
    assert callbacks == []
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(verb="indices.send_reminders").count() == 1


def test_reminders_one_day_before_and_on_the_day_only(
    rating_round: AssessmentRound, deadline: datetime.date
) -> None:
    assert send_deadline_reminders(day(deadline, 5)) == 0
    assert send_deadline_reminders(day(deadline, 2)) == 0
    assert send_deadline_reminders(day(deadline, 1)) == 2
    assert send_deadline_reminders(day(deadline, 0)) == 2
    assert send_deadline_reminders(day(deadline, -1)) == 0
    assert sorted(set(Notification.objects.values_list("key", flat=True))) == sorted(
        f"index:{pk}:due:{days}"
        for pk in rating_round.assessments.filter(status="draft").values_list("pk", flat=True)
        for days in (0, 1)
    )


def test_a_submitted_assessment_is_not_reminded(
    rating_round: AssessmentRound, deadline: datetime.date
) -> None:
    rating_round.assessments.update(status="submitted")
    assert send_deadline_reminders(day(deadline, 1)) == 0
    assert not Notification.objects.exists()


def test_the_command_refuses_a_bad_date() -> None:
    with pytest.raises(CommandError, match="is not a date"):
        call_command("index_reminders", "--today", "26/11/2026")

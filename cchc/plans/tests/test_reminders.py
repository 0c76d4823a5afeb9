"""Reminders: before, on and after the deadline, escalation, units that have not reported;
idempotent notifications and e-mails; marking notifications read."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from cchc.accounts.models import Membership
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.jobs import email_notifications
from cchc.core.models import AuditEvent, Notification
from cchc.plans.actions import (
    ReminderCounts,
    accept_report,
    cancel_task,
    mark_notifications_read,
    send_reminders,
)
from cchc.plans.actions.reminders import NOT_REPORTED
from cchc.plans.tests.factories import issued_city_plan, task_in
from cchc.plans.tests.helpers import backdate, complete, report

pytestmark = pytest.mark.django_db
DEADLINE = datetime.date(2026, 3, 31)


def day(n: int) -> datetime.date:
    """`n` days after the deadline (negative: before)."""
    return DEADLINE + datetime.timedelta(days=n)


@pytest.fixture
def people(hanoi):
    def member(name, unit, role):
        user = UserFactory(username=name)
        MembershipFactory(user=user, unit=unit, role=role)
        return user

    return {
        "responsible": UserFactory(username="phutrach"),
        "head_a": member("head_a", hanoi.ward_a, Membership.Role.HEAD),
        "head_city": member("head_city", hanoi.city, Membership.Role.HEAD),
        "head_b": member("head_b", hanoi.ward_b, Membership.Role.HEAD),
        "viewer_a": member("viewer_a", hanoi.ward_a, Membership.Role.VIEWER),
    }


@pytest.fixture
def task(hanoi, city_admin, officer_a, people):
    """Ward A's task T1 due 31/03/2026, with one accepted progress report on 02/03."""
    plan = issued_city_plan(hanoi.city, city_admin)
    made = task_in(
        plan, hanoi.ward_a, city_admin, deadline=DEADLINE, responsible=people["responsible"]
    )
    backdate(made)
    accept_report(report(made, officer_a, datetime.date(2026, 3, 2)), actor=city_admin)
    return made


def notified(key_prefix: str) -> set[str]:
    return {
        n.user.username
        for n in Notification.objects.filter(key__startswith=key_prefix).select_related("user")
    }


def test_send_reminders_before_the_deadline_reaches_the_responsible_and_focal_points(
    task, officer_a
) -> None:
    assert send_reminders(day(-4), lead_days=3) == ReminderCounts()
    counts = send_reminders(day(-3), lead_days=3)
    assert counts == ReminderCounts(before=2)
    assert notified(f"before:{task.pk}:2026-03-31") == {"phutrach", "officer_a"}
    notice = Notification.objects.get(user=officer_a)
    assert (notice.kind, notice.task) == (Notification.Kind.BEFORE_DEADLINE, task)
    assert "T1" in notice.message
    assert "31/03/2026" in notice.message


def test_send_reminders_on_the_day_and_overdue_with_escalation(task, city_admin) -> None:
    assert send_reminders(DEADLINE) == ReminderCounts(due_today=2)
    assert notified(f"due:{task.pk}:2026-03-31") == {"phutrach", "officer_a"}
    assert send_reminders(day(1)) == ReminderCounts(overdue=2, escalation=3)
    assert notified(f"overdue:{task.pk}:2026-03-31") == {"phutrach", "officer_a"}
    # heads of the ward and of the city above it, and the city administrator; not ward B's head
    assert notified(f"escalation:{task.pk}:2026-03-31") == {"head_a", "head_city", "city_admin"}
    escalation = Notification.objects.filter(kind=Notification.Kind.ESCALATION).first()
    assert "Phường Ba Đình" in escalation.message
    assert send_reminders(day(2)) == ReminderCounts()  # overdue is told once per deadline


def test_send_reminders_twice_creates_and_emails_nothing_the_second_time(
    task, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = send_reminders(day(1))
    assert first.total == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{name}@example.test"
        for name in ("phutrach", "officer_a", "head_a", "head_city", "city_admin")
    )
    assert "T1" in mail.outbox[0].body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = send_reminders(day(1))
    assert (second, callbacks, len(mail.outbox)) == (ReminderCounts(), [], 5)
    assert Notification.objects.count() == 5
    assert AuditEvent.objects.filter(verb="plans.send_reminders").count() == 1


def test_email_notifications_skips_those_already_emailed(task) -> None:
    send_reminders(DEADLINE)  # no on_commit callbacks run: nothing e-mailed yet
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert email_notifications.call(ids) == 2
    assert email_notifications.call(ids) == 0
    assert len(mail.outbox) == 2


def test_email_notifications_leaves_users_without_address_in_app_only(task, people) -> None:
    people["responsible"].email = ""
    people["responsible"].save()
    send_reminders(DEADLINE)
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert email_notifications.call(ids) == 1
    assert [m.to for m in mail.outbox] == [["officer_a@example.test"]]


def test_an_extension_is_a_new_occasion(task, officer_a, city_admin) -> None:
    from cchc.plans.actions import decide_extension, request_extension

    send_reminders(day(-1))
    ask = request_extension(task, actor=officer_a, reason="Chờ", new_deadline=day(10))
    decide_extension(ask, actor=city_admin, approve=True)
    assert send_reminders(day(8)) == ReminderCounts(before=2)
    assert notified(f"before:{task.pk}:2026-04-10") == {"phutrach", "officer_a"}


def test_completed_and_cancelled_tasks_get_no_reminders(task, hanoi, city_admin, officer_a) -> None:
    other = task_in(task.plan, hanoi.ward_b, city_admin, code="T2", deadline=DEADLINE)
    complete(task, officer_a, city_admin, day(-2))
    cancel_task(other, actor=city_admin, reason="Trùng")
    assert send_reminders(day(1)) == ReminderCounts()


def test_not_reported_units_are_reminded_once_a_month_from_the_report_day(
    task, hanoi, city_admin, officer_a, officer_b
) -> None:
    silent = task_in(task.plan, hanoi.ward_b, city_admin, code="T2", deadline=day(60))
    backdate(silent)
    assert send_reminders(datetime.date(2026, 3, 19), report_day=20).not_reported == 0
    counts = send_reminders(datetime.date(2026, 3, 20), report_day=20)
    assert counts == ReminderCounts(not_reported=1)  # ward A reported on 02/03
    notice = Notification.objects.get(kind=NOT_REPORTED)
    assert (notice.user, notice.key) == (officer_b, f"notreported:{hanoi.ward_b.pk}:2026-03")
    assert "Phường Hoàn Kiếm" in notice.message
    assert send_reminders(datetime.date(2026, 3, 25)).not_reported == 0
    # a new month: ward A's March report no longer counts
    assert send_reminders(datetime.date(2026, 4, 20)).not_reported == 2


def test_send_reminders_command_prints_the_counts(task) -> None:
    out = io.StringIO()
    call_command("send_reminders", "--date", "2026-03-31", stdout=out)
    assert out.getvalue() == (
        "2 notifications for 31/03/2026: before 0, due_today 2, overdue 0, escalation 0, "
        "not_reported 0.\n"
    )
    out = io.StringIO()
    call_command("send_reminders", "--date", "2026-03-31", stdout=out)
    assert out.getvalue() == "No new reminders for 31/03/2026.\n"


def test_mark_notifications_read_touches_only_the_users_own(task, officer_a) -> None:
    send_reminders(DEADLINE)
    mine = Notification.objects.get(user=officer_a)
    theirs = Notification.objects.exclude(user=officer_a).get()
    assert mark_notifications_read(officer_a, [mine.pk, theirs.pk]) == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None
    assert mark_notifications_read(officer_a) == 0

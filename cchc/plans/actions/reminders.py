"""Reminders about deadlines and monthly reports, as in-app notifications that are e-mailed.

Each notice has a key that names its occasion ("before:<task>:<deadline>"); a user gets one
notification per key, so running the reminders again (the same day, or after a crash) sends
nothing twice, while an extended deadline gives a new occasion.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.core.actions import Notice, notices_to, notify
from cchc.core.models import Notification
from cchc.plans.queries import Recipients, live_tasks, units_not_reported

if TYPE_CHECKING:
    from cchc.accounts.models import User

NOT_REPORTED = Notification.Kind.NOT_REPORTED
# From this day of the month on, a unit with open tasks and no progress report this month is
# reminded (once a month): earlier in the month, not having reported yet is normal.
REPORT_DAY = 20


@dataclass
class ReminderCounts:
    """New notifications created by one run, by occasion."""

    before: int = 0
    due_today: int = 0
    overdue: int = 0
    escalation: int = 0
    not_reported: int = 0

    @property
    def total(self) -> int:
        return sum(asdict(self).values())


def _task_notices(today: datetime.date, lead_days: int) -> list[Notice]:
    open_tasks = live_tasks().filter(completed_on__isnull=True)
    tasks = list(
        open_tasks.filter(deadline__lte=today + datetime.timedelta(days=lead_days))
        .order_by("deadline", "pk")
        .values("pk", "code", "title", "deadline", "responsible_id", "lead_unit_id")
        .annotate(unit_path=F("lead_unit__path"), unit_name=F("lead_unit__name"))
    )
    recipients = Recipients({task["lead_unit_id"] for task in tasks})
    notices = []
    for task in tasks:
        kind, message = _occasion(task, today)
        owners = recipients.focal[task["lead_unit_id"]] | ({task["responsible_id"]} - {None})
        notices += _notices(owners, kind, task, message)
        if kind == Notification.Kind.OVERDUE:
            message = _("Task %(code)s “%(title)s” of %(unit)s is overdue since %(day)s.")
            bosses = recipients.escalation(task["unit_path"])
            notices += _notices(bosses, Notification.Kind.ESCALATION, task, message % _fill(task))
    return notices


def _fill(task: Mapping[str, Any]) -> dict[str, str]:
    return {
        "code": task["code"],
        "title": task["title"][:300],
        "unit": task["unit_name"],
        "day": f"{task['deadline']:%d/%m/%Y}",
    }


def _occasion(task: Mapping[str, Any], today: datetime.date) -> tuple[str, str]:
    if task["deadline"] > today:
        text = _("Task %(code)s “%(title)s” is due on %(day)s.")
        return Notification.Kind.BEFORE_DEADLINE, text % _fill(task)
    if task["deadline"] == today:
        return Notification.Kind.DUE_TODAY, _("Task %(code)s “%(title)s” is due today.") % _fill(
            task
        )
    text = _("Task %(code)s “%(title)s” is overdue since %(day)s.")
    return Notification.Kind.OVERDUE, text % _fill(task)


KEY_PREFIX: dict[str, str] = {
    Notification.Kind.BEFORE_DEADLINE: "before",
    Notification.Kind.DUE_TODAY: "due",
    Notification.Kind.OVERDUE: "overdue",
    Notification.Kind.ESCALATION: "escalation",
}


def _notices(
    user_ids: Iterable[int], kind: str, task: Mapping[str, Any], message: str
) -> list[Notice]:
    key = f"{KEY_PREFIX[kind]}:{task['pk']}:{task['deadline']:%Y-%m-%d}"
    return notices_to(user_ids, kind=kind, task_id=task["pk"], message=message, key=key)


def _not_reported_notices(today: datetime.date, report_day: int) -> list[Notice]:
    if today.day < report_day:
        return []
    units = list(units_not_reported(today, as_of=today).values("pk", "name"))
    recipients = Recipients({unit["pk"] for unit in units})
    notices = []
    for unit in units:
        message = _("%(unit)s has not reported progress on its tasks for %(month)s.") % {
            "unit": unit["name"],
            "month": f"{today:%m/%Y}",
        }
        notices += notices_to(
            recipients.focal[unit["pk"]],
            kind=NOT_REPORTED,
            message=message,
            key=f"notreported:{unit['pk']}:{today:%Y-%m}",
        )
    return notices


@transaction.atomic
def send_reminders(
    today: datetime.date,
    *,
    actor: "User | None" = None,
    lead_days: int | None = None,
    report_day: int = REPORT_DAY,
) -> ReminderCounts:
    """Create the day's notifications and e-mail them (a job enqueued after commit):

    - to the responsible person and the lead unit's focal points of every open counted task
      due within `lead_days` (default settings.CCHC_REMINDER_DAYS), due `today`, or overdue;
    - for an overdue task also to the heads of its lead unit (or of an ancestor unit) and to
      the city administrators (an escalation);
    - from the `report_day` of the month on, to the focal points of each unit that has open
      tasks and no progress report this month ("not reported this month", once a month).

    Idempotent: each user gets one notification per occasion key, so a rerun creates nothing
    and e-mails nothing. Writes one "plans.send_reminders" event with the counts, only when
    something was created.
    """
    lead_days = settings.CCHC_REMINDER_DAYS if lead_days is None else lead_days
    with translation.override("vi"):
        notices = _task_notices(today, lead_days) + _not_reported_notices(today, report_day)
    new = notify(notices)
    counts = ReminderCounts()
    kinds: dict[str, str] = {
        **KEY_PREFIX,
        NOT_REPORTED: "not_reported",
        Notification.Kind.DUE_TODAY: "due_today",
    }
    for notice in new:
        field = kinds[notice.kind]
        setattr(counts, field, getattr(counts, field) + 1)
    if new:
        audit.record(actor, "plans.send_reminders", details={"day": str(today), **asdict(counts)})
    return counts


def mark_notifications_read(user: "User", ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications with these ids (all of them when `ids` is None) as
    read; returns how many changed. Only the user's own notifications are touched: another
    user's id is ignored. Not audited: it changes only the reader's own view (like a read)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())

"""The month close: the tally of a month frozen as TallyRows, and reopening it with a reason."""

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.plans.models import MonthClose, Plan, TallyRow
from cchc.plans.queries import month_bounds, tally_month
from cchc.plans.signals import month_closed

if TYPE_CHECKING:
    from cchc.accounts.models import User

BATCH = 1000
Progress = Callable[[int, int], None]


def first_plan_day() -> datetime.date | None:
    """The document date of the earliest issued plan: no month before it can be closed."""
    return Plan.objects.filter(status=Plan.Status.ISSUED).aggregate(day=Min("document_date"))["day"]


def _check_closable(first: datetime.date, last: datetime.date, today: datetime.date) -> None:
    if last >= today:
        raise ValidationError(
            _("The month %(month)s has not ended yet: it can be closed from %(day)s.")
            % {"month": f"{first:%m/%Y}", "day": f"{last + datetime.timedelta(days=1):%d/%m/%Y}"}
        )
    start = first_plan_day()
    if start is None:
        raise ValidationError(_("No plan has been issued yet: there is nothing to close."))
    if last < start:
        raise ValidationError(
            _("The month %(month)s is before the first plan, issued on %(day)s.")
            % {"month": f"{first:%m/%Y}", "day": f"{start:%d/%m/%Y}"}
        )


@transaction.atomic
def close_month(
    month: datetime.date,
    *,
    actor: "User | None",
    today: datetime.date | None = None,
    progress: Progress | None = None,
) -> MonthClose:
    """Close the month containing `month`: compute its tally (queries.tally_month) and store it
    as TallyRows, a frozen snapshot that later edits of tasks do not change. Writes
    "plans.close_month" with the city totals. `progress(done, total)` is called as rows are
    written (the command's progress bar); `today` defaults to the local date.

    Then sends signals.month_closed (ratings rates the month in the same transaction).

    Idempotent: a month already closed (and not reopened) is returned unchanged and nothing is
    written. A reopened month is recomputed: its old rows are replaced and it is closed again.
    Refuses a month that has not ended (its last day is today or later) and a month that ends
    before the document date of the first issued plan.
    """
    first, last = month_bounds(month)
    _check_closable(first, last, today or timezone.localdate())
    close = MonthClose.objects.select_for_update().filter(month=first).first()
    if close is not None and not close.is_open:
        return close
    reclosed = close is not None
    rows = tally_month(first)
    total = 1 + (len(rows) + BATCH - 1) // BATCH
    if progress:
        progress(1, total)
    if close is None:
        close = MonthClose.objects.create(month=first, closed_at=timezone.now(), closed_by=actor)
    else:
        close.rows.all().delete()
        close.closed_at = timezone.now()
        close.closed_by = actor
        close.is_open = False
        close.save(update_fields=["closed_at", "closed_by", "is_open"])
    for start in range(0, len(rows), BATCH):
        TallyRow.objects.bulk_create(
            TallyRow(close=close, **row) for row in rows[start : start + BATCH]
        )
        if progress:
            progress(2 + start // BATCH, total)
    city = rows[0]
    month_closed.send(sender=MonthClose, close=close, actor=actor)
    audit.record(
        actor,
        "plans.close_month",
        close,
        details={
            "month": f"{first:%Y-%m}",
            "rows": len(rows),
            "reclosed": reclosed,
            **{
                name: city[name]
                for name in ("assigned", "on_time", "late", "in_term", "overdue", "carried_over")
            },
        },
    )
    return close


@transaction.atomic
def reopen_month(close: MonthClose, *, actor: "User", reason: str) -> MonthClose:
    """Reopen a closed month so that it can be recomputed: marks it open with the reason. Its
    rows stay as they are until the next close_month replaces them. Writes
    "plans.reopen_month" with the reason.

    Refuses an empty reason and a month that is already open.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening the month.")})
    close = MonthClose.objects.select_for_update().get(pk=close.pk)
    if close.is_open:
        raise ValidationError(_("This month is already open."))
    close.is_open = True
    close.reopen_reason = reason.strip()
    close.save(update_fields=["is_open", "reopen_reason"])
    audit.record(
        actor,
        "plans.reopen_month",
        close,
        details={"month": f"{close.month:%Y-%m}", "reason": close.reopen_reason},
    )
    return close

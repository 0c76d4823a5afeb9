"""Reactions to other modules' events (docs/decisions/0012-month-closed-signal.md)."""

from typing import TYPE_CHECKING, Any

from cchc.plans.models import MonthClose
from cchc.ratings.actions import generate_round, record_responsibilities

if TYPE_CHECKING:
    from cchc.accounts.models import User


def rate_closed_month(
    sender: Any, *, close: MonthClose, actor: "User | None", **kwargs: Any
) -> None:
    """plans.signals.month_closed: rate the month that was just closed (or closed again) and
    record who answers for the tasks overdue at its end."""
    generate_round(close, actor=actor)
    record_responsibilities(close, actor=actor)

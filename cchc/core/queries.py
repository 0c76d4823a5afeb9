"""Reads of core's records: the audit trail for the audit log page and its CSV export; a
person's unread notifications."""

import datetime
from typing import Any

from cchc.core.models import AuditEvent, AuditEventQuerySet, Notification
from cchc.core.text import fold


def filter_audit_events(
    *,
    verb: str = "",
    actor: str = "",
    text: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    unit: Any = None,
) -> AuditEventQuerySet:
    """Audit events matching the filters, newest first, with actor and unit joined.

    Changes nothing. `text` matches the record's name; `actor` the username or full name.
    """
    events = AuditEvent.objects.select_related("actor", "unit", "target_type")
    if verb:
        events = events.filter(verb__startswith=verb)
    if actor:
        events = events.filter(actor__search_name__contains=fold(actor))
    if text:
        events = events.filter(target_search__contains=fold(text))
    if date_from:
        events = events.filter(created_at__date__gte=date_from)
    if date_to:
        events = events.filter(created_at__date__lte=date_to)
    if unit is not None:
        events = events.filter(unit__path__subtree=unit.path)
    return events


def unread_notifications(user: Any) -> int:
    """How many of the person's notifications are unread (the navigation badge, the home)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()

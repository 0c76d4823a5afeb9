import datetime

from django import template
from django.utils.translation import ngettext

from cchc.core import history
from cchc.core.rounding import half_up

register = template.Library()


@register.filter
def duration(value: datetime.timedelta | None) -> str:
    """A waiting time in words: "15 phút", "2 giờ", "1 giờ 30 phút"."""
    if not value:
        return ""
    minutes = int(half_up(value.total_seconds() / 60, 0))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes or not hours:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts)


@register.simple_tag
def history_lines(events: object) -> list[history.Line]:
    """The audit events in words (`cchc.core.history.describe`)."""
    return history.describe(events)

"""What the platform holds about an official (Law 91/2025/QH15: the data subject's right to
see their data; docs/domain/personal-data.md). Read-only."""

from typing import Any

from cchc.accounts.models import HeadTerm, Membership, User
from cchc.core.models import AuditEvent
from cchc.ratings.models import Discipline, Rating, Responsibility

AUDIT_LIMIT = 10_000


def official_data(user: User) -> dict[str, Any]:
    """Everything held about `user`: the account, roles, head terms, ratings, responsibilities,
    disciplines and the audit events they made (the latest AUDIT_LIMIT). Changes nothing."""
    return {
        "account": {
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email,
            "is_active": user.is_active,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "roles": [
            {"unit": unit, "role": role, "since": since.isoformat()}
            for unit, role, since in Membership.objects.filter(user=user)
            .order_by("unit__path")
            .values_list("unit__name", "role", "created_at")
        ],
        "head_terms": [
            {"unit": unit, "from": start.isoformat(), "to": end.isoformat() if end else None}
            for unit, start, end in HeadTerm.objects.filter(user=user)
            .order_by("started_on")
            .values_list("unit__name", "started_on", "ended_on")
        ],
        "ratings": [
            {"month": month.isoformat(), "unit": unit, "kind": kind, "total": str(total)}
            for month, unit, kind, total in Rating.objects.filter(person=user)
            .order_by("round__month", "pk")
            .values_list("round__month", "unit__name", "kind", "total")
        ],
        "responsibilities": [
            {"task": code, "unit": unit, "deadline": deadline.isoformat(), "handling": handling}
            for code, unit, deadline, handling in Responsibility.objects.filter(person=user)
            .order_by("deadline", "pk")
            .values_list("task__code", "unit__name", "deadline", "handling")
        ],
        "disciplines": [
            {"number": number, "decided_on": day.isoformat(), "form": form}
            for number, day, form in Discipline.objects.filter(person=user)
            .order_by("decided_on")
            .values_list("number", "decided_on", "form")
        ],
        "audit_events": [
            {"at": at.isoformat(), "verb": verb, "target": target}
            for at, verb, target in AuditEvent.objects.filter(actor=user)
            .order_by("-pk")
            .values_list("created_at", "verb", "target_repr")[:AUDIT_LIMIT]
        ],
    }

"""What the platform holds about a data subject (Law 91/2025/QH15: the right to see one's
data; docs/domain/personal-data.md): an official's download, and the citizen's petition or
survey response found by its code on the public "my data" page. Read-only."""

from typing import Any

from cchc.accounts.models import HeadTerm, Membership, User
from cchc.core.models import AuditEvent
from cchc.core.privacy import CONSENT_WORDINGS, PAPER_PREFIX
from cchc.dialogues.models import Petition
from cchc.ratings.models import Discipline, Rating, Responsibility
from cchc.surveys.models import Response

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


Held = Petition | Response


def find_record(code: str) -> Held | None:
    """The petition whose code, or the survey response whose receipt code, is `code` (spaces
    and case aside); None when there is none. Changes nothing."""
    code = "".join(code.split()).upper()
    if not code:
        return None
    if code.startswith("PKS-"):
        return (
            Response.objects.select_related("campaign_unit__campaign", "campaign_unit__unit")
            .filter(receipt=code)
            .first()
        )
    return Petition.objects.filter(code=code).first()


def record_kind(record: Held) -> str:
    """ "petition" or "survey_response" (OneTimeCode.Record)."""
    return "petition" if isinstance(record, Petition) else "survey_response"


def response_data(response: Response) -> dict[str, Any]:
    """What the platform holds about the respondent of `response` (shown to them once they
    proved control): the survey, the contact, the consent's wording, version and time, and
    their written answers. The ratings are anonymous and counted, not personal. Changes
    nothing."""
    campaign_unit = response.campaign_unit
    return {
        "code": response.receipt,
        "survey": f"{campaign_unit.campaign.title} · {campaign_unit.unit.name}",
        "sent_at": response.created_at,
        "contact": response.contact,
        "consent_version": response.contact_consent_version,
        "consent_wording": str(
            CONSENT_WORDINGS.get(response.contact_consent_version.removeprefix(PAPER_PREFIX), "")
        ),
        "consent_at": response.contact_consent_at,
        "texts": [
            (question, text)
            for question, text in response.answers.exclude(text="")
            .order_by("question__section__order", "question__order", "pk")
            .values_list("question__text_vi", "text")
        ],
    }

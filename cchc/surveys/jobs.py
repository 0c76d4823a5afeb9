"""Background work of surveys: the responses' side of the daily retention job
(cchc/privacy/jobs.py runs it; docs/domain/personal-data.md)."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from cchc.surveys.models import Answer, Response


def expired_responses(cutoff: datetime.date) -> "QuerySet[Response]":
    """Responses of campaigns whose period ended before `cutoff` whose contact and free-text
    answers are not erased yet. Changes nothing."""
    return Response.objects.filter(
        campaign_unit__campaign__period_end__lt=cutoff, anonymised_at__isnull=True
    )


def anonymise_expired_responses(cutoff: datetime.date, *, dry_run: bool = False) -> int:
    """Erase the contact, the consent record and the written (free-text) answers of every
    response whose campaign's period ended before `cutoff`, in two set-wise statements:
    memory stays bounded. The ratings, chosen options, tallies and stored counts stay, so
    every result and ranking is the same. Returns how many responses were (or, with
    `dry_run`, would be) erased. The caller writes the audit event."""
    expired = expired_responses(cutoff)
    if dry_run:
        return expired.count()
    Answer.objects.filter(response__in=expired.values("pk")).exclude(text="").update(text="")
    return expired.update(
        contact="",
        contact_consent_version="",
        contact_consent_at=None,
        anonymised_at=timezone.now(),
    )

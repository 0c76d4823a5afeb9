"""Background work of surveys: the responses' side of the daily retention job
(cchc/privacy/jobs.py runs it, one committed batch at a time; docs/domain/personal-data.md)."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from cchc.core.privacy import batch_end
from cchc.surveys.models import Answer, CampaignUnit, Response


def expired_responses(cutoff: datetime.date) -> "QuerySet[Response]":
    """Responses of campaigns whose period ended before `cutoff` whose contact and free-text
    answers are not erased yet. Changes nothing."""
    units = CampaignUnit.objects.filter(campaign__period_end__lt=cutoff).values("pk")
    return Response.objects.filter(campaign_unit__in=units, anonymised_at__isnull=True)


def anonymise_expired_responses(
    cutoff: datetime.date, *, after: int = 0, size: int | None = None, dry_run: bool = False
) -> tuple[int, int]:
    """Erase the contact, the consent record and the written (free-text) answers of the
    responses in the next batch (the id range `size` wide from the first one past the id
    `after`; all of them when `size` is None) whose campaign's period ended before `cutoff`, in
    two set-wise statements over that id range: memory stays bounded. The ratings, chosen
    options, tallies and stored counts stay, so every result and ranking is the same.

    Returns (how many responses were erased, the last id of the batch); (0, `after`) when
    nothing is left. With `dry_run`, (how many would be erased, `after`). The caller runs each
    batch in its own transaction and writes its audit event."""
    # The surveyed units whose campaign ended: a handful, read once per batch.
    units = list(
        CampaignUnit.objects.filter(campaign__period_end__lt=cutoff).values_list("pk", flat=True)
    )
    expired = Response.objects.filter(campaign_unit__in=units, anonymised_at__isnull=True)
    if dry_run:
        return expired.count(), after
    last = batch_end(expired.filter(pk__gt=after).values_list("pk", flat=True), size)
    if last is None:
        return 0, after
    batch = expired.filter(pk__gt=after, pk__lte=last)
    Answer.objects.filter(
        response_id__gt=after, response_id__lte=last, response__campaign_unit__in=units
    ).exclude(text="").update(text="")
    erased = batch.update(
        contact="",
        contact_consent_version="",
        contact_consent_at=None,
        anonymised_at=timezone.now(),
    )
    return erased, last

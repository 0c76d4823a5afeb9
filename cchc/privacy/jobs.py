"""The daily retention job (Law 91/2025/QH15: data kept no longer than its purpose needs;
docs/domain/personal-data.md): per kind of record, the personal data whose retention period
(settings.CCHC_RETENTION_DAYS) has run out is erased set-wise, keeping the records, their counts
and the public journey. cron runs `manage.py erase_expired` daily; `erase_expired_daily` is the
same work as a Django task for a worker."""

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from cchc.core import audit
from cchc.core.privacy import batch_end
from cchc.dialogues.jobs import anonymise_expired_petitions
from cchc.privacy.models import DataRequest
from cchc.surveys.jobs import anonymise_expired_responses

KINDS = ("petition", "survey_response", "data_request")


def cutoffs(now: datetime.datetime) -> dict[str, datetime.datetime]:
    """Per kind, the moment before which a record's retention started long enough ago."""
    days = settings.CCHC_RETENTION_DAYS
    return {kind: now - datetime.timedelta(days=int(days[kind])) for kind in KINDS}


def _anonymise_requests(
    cutoff: datetime.datetime, *, after: int = 0, size: int | None = None, dry_run: bool = False
) -> tuple[int, int]:
    """The paper requests' side, batched like the petitions' (dialogues.jobs)."""
    expired = DataRequest.objects.filter(handled_at__lt=cutoff, anonymised_at__isnull=True)
    if dry_run:
        return expired.count(), after
    last = batch_end(expired.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True), size)
    if last is None:
        return 0, after
    erased = expired.filter(pk__gt=after, pk__lte=last).update(
        requester_name="", requester_contact="", anonymised_at=timezone.now()
    )
    return erased, last


def _in_batches(kind: str, step: Callable[..., tuple[int, int]], size: int) -> int:
    """Run `step` batch after batch until nothing is left; each batch is its own transaction
    holding its audit event "privacy.erase_expired" (the kind, how many, the id range), so
    what a batch erased is committed and audited together, or not at all. Returns the total."""
    total, after = 0, 0
    while True:
        with transaction.atomic():
            erased, last = step(after=after, size=size)
            if erased:
                audit.record(
                    None,
                    "privacy.erase_expired",
                    details={"kind": kind, "erased": erased, "ids": [after + 1, last]},
                )
        if last == after:
            return total
        total, after = total + erased, last


def erase_expired(
    now: datetime.datetime | None = None, *, dry_run: bool = False, batch: int | None = None
) -> dict[str, Any]:
    """Erase (or, with `dry_run`, count) the personal data past its retention period:
    {"expired": {kind: count}, "dry_run": bool, "cutoffs": {kind: ISO date}}.

    Each kind is erased in batches of `batch` records (settings.CCHC_RETENTION_BATCH) taken
    in id order, each batch committed in its own transaction with its own audit event
    "privacy.erase_expired" ({"kind", "erased", "ids": [first, last]}): locks stay short, and a
    run that stops half-way leaves whole batches erased and audited; the next run carries on
    with what is still not erased."""
    now = now or timezone.now()
    limits = cutoffs(now)
    size = batch or settings.CCHC_RETENTION_BATCH
    steps: dict[str, Callable[..., tuple[int, int]]] = {
        "petition": partial(anonymise_expired_petitions, limits["petition"]),
        "survey_response": partial(
            anonymise_expired_responses, timezone.localdate(limits["survey_response"])
        ),
        "data_request": partial(_anonymise_requests, limits["data_request"]),
    }
    if dry_run:
        expired = {kind: step(dry_run=True)[0] for kind, step in steps.items()}
    else:
        expired = {kind: _in_batches(kind, step, size) for kind, step in steps.items()}
    return {
        "expired": expired,
        "dry_run": dry_run,
        "cutoffs": {kind: limit.date().isoformat() for kind, limit in limits.items()},
    }


@task()
def erase_expired_daily() -> dict[str, Any]:
    """The retention job as a task: erase what expired today; returns the counts."""
    return erase_expired()

"""The daily retention job (Law 91/2025/QH15: data kept no longer than its purpose needs;
docs/domain/personal-data.md): per kind of record, the personal data whose retention period
(settings.CCHC_RETENTION_DAYS) has run out is erased set-wise, keeping the records, their counts
and the public journey. cron runs `manage.py erase_expired` daily; `erase_expired_daily` is the
same work as a Django task for a worker."""

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from cchc.core import audit
from cchc.dialogues.jobs import anonymise_expired_petitions
from cchc.privacy.models import DataRequest
from cchc.surveys.jobs import anonymise_expired_responses

KINDS = ("petition", "survey_response", "data_request")


def cutoffs(now: datetime.datetime) -> dict[str, datetime.datetime]:
    """Per kind, the moment before which a record's retention started long enough ago."""
    days = settings.CCHC_RETENTION_DAYS
    return {kind: now - datetime.timedelta(days=int(days[kind])) for kind in KINDS}


def _anonymise_requests(cutoff: datetime.datetime, *, dry_run: bool) -> int:
    expired = DataRequest.objects.filter(handled_at__lt=cutoff, anonymised_at__isnull=True)
    if dry_run:
        return expired.count()
    return expired.update(requester_name="", requester_contact="", anonymised_at=timezone.now())


def erase_expired(now: datetime.datetime | None = None, *, dry_run: bool = False) -> dict[str, Any]:
    """Erase (or, with `dry_run`, count) the personal data past its retention period:
    {"expired": {kind: count}, "dry_run": bool, "cutoffs": {kind: ISO date}}. One transaction;
    one audit event "privacy.erase_expired" with the counts when anything was erased."""
    now = now or timezone.now()
    limits = cutoffs(now)
    with transaction.atomic():
        expired = {
            "petition": anonymise_expired_petitions(limits["petition"], dry_run=dry_run),
            "survey_response": anonymise_expired_responses(
                timezone.localdate(limits["survey_response"]), dry_run=dry_run
            ),
            "data_request": _anonymise_requests(limits["data_request"], dry_run=dry_run),
        }
        if not dry_run and any(expired.values()):
            audit.record(None, "privacy.erase_expired", details={"expired": expired})
    return {
        "expired": expired,
        "dry_run": dry_run,
        "cutoffs": {kind: limit.date().isoformat() for kind, limit in limits.items()},
    }


@task()
def erase_expired_daily() -> dict[str, Any]:
    """The retention job as a task: erase what expired today; returns the counts."""
    return erase_expired()

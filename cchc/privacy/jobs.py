"""The daily retention job (Law 91/2025/QH15: data kept no longer than its purpose needs;
docs/domain/personal-data.md): per kind of record, the personal data whose retention period
(settings.CCHC_RETENTION_DAYS) has run out is erased set-wise, keeping the records, their counts
and the public journey. cron runs `manage.py erase_expired` daily; `erase_expired_daily` is the
same work as a Django task for a worker. `send_code` sends a one-time code of the public "my
data" page."""

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.core.privacy import batch_end
from cchc.dialogues.jobs import anonymise_expired_petitions
from cchc.dialogues.models import Petition
from cchc.privacy.models import DataRequest, OneTimeCode
from cchc.privacy.sms import send_sms
from cchc.surveys.jobs import anonymise_expired_responses
from cchc.surveys.models import Response

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
    last = batch_end(expired.filter(pk__gt=after).values_list("pk", flat=True), size)
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

    Each kind is erased in batches — id ranges `batch` wide (settings.CCHC_RETENTION_BATCH)
    from the first id still to erase —, each batch committed in its own transaction with its
    own audit event "privacy.erase_expired" ({"kind", "erased", "ids": [first, last]}): locks
    stay short, and a run that stops half-way leaves whole batches erased and audited; the
    next run carries on with what is still not erased."""
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
def send_code(code_id: int, code: str) -> bool:
    """Send the one-time code `code` (row `code_id`) to the contact on record of its petition
    or survey response: an e-mail through Django's mail, a text message through
    settings.CCHC_SMS_SENDER (cchc/privacy/sms.py). Sends nothing — and returns False — once
    the code was used, has expired or its record lost its contact: a retry after that is
    harmless. The digits sit in the job's arguments only until they expire (minutes)."""
    found = OneTimeCode.objects.filter(pk=code_id).first()
    if found is None or found.used_at is not None or found.expires_at <= timezone.now():
        return False
    model = Petition if found.record == OneTimeCode.Record.PETITION else Response
    contact = model.objects.filter(pk=found.record_id).values_list("contact", flat=True).first()
    if not contact:
        return False
    minutes = settings.CCHC_PRIVACY_CODE_MINUTES
    with translation.override("vi"):
        text = _(
            "Your CCHC one-time code is %(code)s. It works once, for %(minutes)s minutes. "
            "Nobody from the unit will ever ask you for it."
        ) % {"code": code, "minutes": minutes}
        if found.channel == OneTimeCode.Channel.EMAIL:
            send_mail(_("Your one-time code"), text, None, [contact])
        else:
            send_sms(contact, text)
    return True


@task()
def erase_expired_daily() -> dict[str, Any]:
    """The retention job as a task: erase what expired today; returns the counts."""
    return erase_expired()

"""Background work of dialogues: the petitions' side of the daily retention job
(cchc/privacy/jobs.py runs it; docs/domain/personal-data.md)."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from cchc.dialogues.models import Attachment, Petition


def expired_petitions(cutoff: datetime.datetime) -> "QuerySet[Petition]":
    """Petitions closed before `cutoff` whose personal data is not erased yet. Changes
    nothing."""
    return Petition.objects.filter(closed_at__lt=cutoff, anonymised_at__isnull=True)


def anonymise_expired_petitions(cutoff: datetime.datetime, *, dry_run: bool = False) -> int:
    """Erase the petitioner's name, contact, consent record and attachments of every petition
    closed before `cutoff` and not erased yet, in set-wise statements (the attachments' files
    one by one, streamed): memory stays bounded whatever the number of petitions. The
    petitions, their answers, commitments and public journey stay. Returns how many petitions
    were (or, with `dry_run`, would be) erased. The caller writes the audit event."""
    expired = expired_petitions(cutoff)
    if dry_run:
        return expired.count()
    attachments = Attachment.objects.filter(petition__in=expired.values("pk"))
    for attachment in attachments.only("pk", "file").iterator(chunk_size=500):
        attachment.file.delete(save=False)
    attachments.delete()
    return expired.update(
        submitter_name="",
        contact="",
        contact_consent_version="",
        contact_consent_at=None,
        anonymised_at=timezone.now(),
    )

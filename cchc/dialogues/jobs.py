"""Background work of dialogues: the petitions' side of the daily retention job
(cchc/privacy/jobs.py runs it, one committed batch at a time; docs/domain/personal-data.md)."""

import datetime
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cchc.core.privacy import batch_end
from cchc.dialogues.models import Attachment, Petition


def expired_petitions(cutoff: datetime.datetime) -> "QuerySet[Petition]":
    """Petitions closed before `cutoff` whose personal data is not erased yet. Changes
    nothing."""
    return Petition.objects.filter(closed_at__lt=cutoff, anonymised_at__isnull=True)


def _delete_files(names: list[str]) -> None:
    storage = Attachment._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def anonymise_expired_petitions(
    cutoff: datetime.datetime, *, after: int = 0, size: int | None = None, dry_run: bool = False
) -> tuple[int, int]:
    """Erase the petitioner's name, contact, consent record and attachments of the petitions in
    the next batch (the id range `size` wide from the first one past the id `after`; all of
    them when `size` is None) closed before `cutoff` and not erased yet, in set-wise statements
    over that id range (the attachments' files deleted once the batch commits): memory stays
    bounded whatever the number of petitions. The petitions, their answers, commitments and
    public journey stay.

    Returns (how many petitions were erased, the last id of the batch); (0, `after`) when
    nothing is left. With `dry_run`, (how many would be erased, `after`). The caller runs each
    batch in its own transaction and writes its audit event; a batch cut short rolls back
    whole, and the next run starts again from the records still not erased."""
    expired = expired_petitions(cutoff)
    if dry_run:
        return expired.count(), after
    ids = expired.filter(pk__gt=after).values_list("pk", flat=True)
    last = batch_end(ids, size)
    if last is None:
        return 0, after
    batch = expired.filter(pk__gt=after, pk__lte=last)
    attachments = Attachment.objects.filter(petition__in=batch.values("pk"))
    files = list(attachments.exclude(file="").values_list("file", flat=True))
    attachments.delete()
    # The files go once the batch is committed: a batch rolled back keeps rows and files.
    transaction.on_commit(partial(_delete_files, files))
    erased = batch.update(
        submitter_name="",
        contact="",
        contact_consent_version="",
        contact_consent_at=None,
        anonymised_at=timezone.now(),
    )
    return erased, last

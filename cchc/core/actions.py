"""Actions of core: writing notifications (`notify`), re-queueing a dead letter (audited)."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult

from cchc.core import audit, jobs
from cchc.core.models import JobAttempt, Notification

# Keys are looked up and e-mails queued in slices of these sizes.
KEY_CHUNK = 500
EMAIL_BATCH = 200


@dataclass(frozen=True)
class Notice:
    """One notification to write: to `user_id`, of `kind` (Notification.Kind), about `task_id`
    or leading to `link`; `key` names the occasion (one notification per user and key)."""

    user_id: int
    kind: str
    message: str
    key: str
    task_id: int | None = None
    link: str = ""


def notices_to(
    user_ids: Iterable[int],
    *,
    kind: str,
    message: str,
    key: str,
    task_id: int | None = None,
    link: str = "",
) -> list[Notice]:
    """The same notice to each of `user_ids` (each once)."""
    return [
        Notice(user_id=user_id, kind=kind, message=message, key=key, task_id=task_id, link=link)
        for user_id in dict.fromkeys(user_ids)
    ]


@transaction.atomic
def notify(notices: Iterable[Notice]) -> list[Notice]:
    """Write the notifications that are new (a user gets one per key: a notice whose user and
    key exist already, or that comes twice, is dropped; a concurrent writer's row wins), the
    message cut to 500 characters, and queue their e-mail (cchc.core.jobs.email_notifications)
    after the transaction commits, in batches: nothing is sent when it rolls back. Returns the
    notices written. Not audited on its own: the calling action records its event."""
    wanted: dict[tuple[int, str], Notice] = {}
    for notice in notices:
        wanted.setdefault((notice.user_id, notice.key), notice)  # the first of twins is kept
    keys = sorted({key for _user, key in wanted})
    for start in range(0, len(keys), KEY_CHUNK):
        for pair in Notification.objects.filter(
            key__in=keys[start : start + KEY_CHUNK]
        ).values_list("user_id", "key"):
            wanted.pop(pair, None)
    if not wanted:
        return []
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=n.user_id,
                kind=n.kind,
                task_id=n.task_id,
                link=n.link,
                message=n.message[:500],
                key=n.key,
            )
            for n in wanted.values()
        ],
        batch_size=KEY_CHUNK,
        ignore_conflicts=True,  # a concurrent run's row wins; no pk comes back then
    )
    new_keys = sorted({key for _user, key in wanted})
    ids: list[int] = []
    for start in range(0, len(new_keys), KEY_CHUNK):
        rows = Notification.objects.filter(
            key__in=new_keys[start : start + KEY_CHUNK], emailed_at__isnull=True
        ).values_list("pk", "user_id", "key")
        ids += [pk for pk, user_id, key in rows if (user_id, key) in wanted]
    ids.sort()
    for start in range(0, len(ids), EMAIL_BATCH):
        transaction.on_commit(
            partial(jobs.email_notifications.enqueue, ids[start : start + EMAIL_BATCH])
        )
    return list(wanted.values())


class RequeueError(Exception):
    pass


def requeue_job(actor: Any, result_id: str) -> DBTaskResult:
    """Enqueue a dead letter again, now, with a fresh count of attempts; audited. Refused when
    the job is not a dead letter (it succeeded, is pending, or was already re-queued)."""
    with transaction.atomic():
        dead = jobs.dead_letters().select_for_update().filter(pk=result_id).order_by().first()
        if dead is None:
            raise RequeueError(result_id)
        retry = jobs.enqueue_again(dead, run_after=None)
        try:
            with transaction.atomic():
                JobAttempt.objects.create(
                    result_id=retry.pk,
                    previous_id=dead.pk,
                    attempt=1,
                    reason=JobAttempt.Reason.REQUEUE,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError as error:  # re-queued by someone else meanwhile
            raise RequeueError(result_id) from error
        audit.record(
            actor,
            "job.requeued",
            dead,
            details={
                "task": dead.task_path,
                "failed": dead.exception_class_path,
                "new_job": str(retry.pk),
            },
        )
    return retry

"""Actions of core: re-queueing a dead letter (audited)."""

from typing import Any

from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult

from cchc.core import audit, jobs
from cchc.core.models import JobAttempt


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

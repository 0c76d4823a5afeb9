"""The background worker's bookkeeping: retries with backoff, dead letters and the heartbeat.

Jobs run in `manage.py db_worker` (django-tasks-db; cchc/core/management/commands/db_worker.py
adds what is here). Every job of the platform is idempotent (it loads its records by id and
skips what is already done), so a failed one is simply enqueued again:

- a failed attempt `n` (1 = the first) is retried after `CCHC_JOB_RETRY_SECONDS × 4^(n-1)`
  seconds (1, 4, 16, 64 minutes by default) until `CCHC_JOB_MAX_ATTEMPTS` attempts have failed;
- the last failed attempt is a *dead letter*: listed on /jobs/ for city administrators, who may
  re-queue it (audited), by `manage.py jobs_status`, and by `/healthz/full`.

A retry is a new DBTaskResult; a `JobAttempt` row links it to the failed one it replaces.

Core's own job is here too: `email_notifications`, which e-mails the notices that
`cchc.core.actions.notify` wrote.
"""

import datetime
import logging
import os
import socket
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.tasks import task, task_backends
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from cchc.core.models import JobAttempt, Notification, WorkerHeartbeat

logger = logging.getLogger(__name__)

FAILED = "FAILED"
READY = "READY"
RUNNING = "RUNNING"


def max_attempts() -> int:
    return max(1, int(settings.CCHC_JOB_MAX_ATTEMPTS))


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long to wait before attempt `attempt + 1` after attempt `attempt` failed."""
    return datetime.timedelta(seconds=settings.CCHC_JOB_RETRY_SECONDS * 4 ** (attempt - 1))


def attempt_of(result_id: uuid.UUID | str) -> int:
    """The attempt number of a result: 1 unless it is a recorded retry."""
    found = JobAttempt.objects.filter(result_id=result_id).values_list("attempt", flat=True)
    return next(iter(found), 1)


def retry_failed(result: DBTaskResult) -> DBTaskResult | None:
    """After `result` failed: enqueue its next attempt with backoff, or return None when it has
    used up its attempts (a dead letter) or is not one of the platform's jobs."""
    if result.status != FAILED or not result.task_path.startswith("cchc."):
        return None
    attempt = attempt_of(result.pk)
    if attempt >= max_attempts():
        logger.error(
            "Job %s (%s) failed for the last time (attempt %d of %d): dead letter",
            result.pk,
            result.task_path,
            attempt,
            max_attempts(),
        )
        return None
    delay = retry_delay(attempt)
    retry = enqueue_again(result, run_after=timezone.now() + delay)
    JobAttempt.objects.create(
        result_id=retry.pk,
        previous_id=result.pk,
        attempt=attempt + 1,
        reason=JobAttempt.Reason.RETRY,
    )
    logger.warning(
        "Job %s (%s) failed (attempt %d of %d, %s); retry %s in %d s",
        result.pk,
        result.task_path,
        attempt,
        max_attempts(),
        result.exception_class_path,
        retry.pk,
        delay.total_seconds(),
    )
    return retry


def enqueue_again(result: DBTaskResult, run_after: datetime.datetime | None) -> DBTaskResult:
    task = result.task.using(run_after=run_after)
    enqueued = task.enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
    return DBTaskResult.objects.get(pk=enqueued.id)


def dead_letters() -> QuerySet[DBTaskResult]:
    """Failed results that nothing replaced: no retry is pending and none was re-queued."""
    replaced = JobAttempt.objects.filter(previous_id=OuterRef("pk"))
    return (
        DBTaskResult.objects.filter(status=FAILED)
        .exclude(Exists(replaced))
        .order_by("-finished_at")
    )


def uses_worker() -> bool:
    """Whether jobs go through the database queue (and so need `db_worker`)."""
    return isinstance(task_backends["default"], DatabaseBackend)


@dataclass(frozen=True)
class QueueStatus:
    ready: int
    oldest_ready_seconds: float | None
    scheduled: int
    running: int
    failed_last_day: int
    dead: int
    dead_last_day: int
    worker_seen_seconds: float | None
    workers: int
    worker_stale: bool

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def queue_status() -> QueueStatus:
    now = timezone.now()
    day_ago = now - datetime.timedelta(days=1)
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    scheduled = DBTaskResult.objects.filter(status=READY, run_after__gt=now).exclude(
        pk__in=ready.values("pk")
    )
    fresh = now - datetime.timedelta(seconds=settings.CCHC_WORKER_STALE_SECONDS)
    seen = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    dead = dead_letters()
    return QueueStatus(
        ready=ready.count(),
        oldest_ready_seconds=round((now - oldest).total_seconds(), 1) if oldest else None,
        scheduled=scheduled.count(),
        running=DBTaskResult.objects.filter(status=RUNNING).count(),
        failed_last_day=DBTaskResult.objects.filter(
            status=FAILED, finished_at__gte=day_ago
        ).count(),
        dead=dead.count(),
        dead_last_day=dead.filter(finished_at__gte=day_ago).count(),
        worker_seen_seconds=round((now - seen).total_seconds(), 1) if seen else None,
        workers=WorkerHeartbeat.objects.filter(seen_at__gte=fresh).count(),
        worker_stale=seen is None or seen < fresh,
    )


class Heartbeat:
    """Writes the worker's `WorkerHeartbeat` row now and then every `interval` seconds from a
    daemon thread (its own database connection), until `stop()`."""

    def __init__(self, worker_id: str, interval: float | None = None) -> None:
        self.worker_id = worker_id[:64]
        self.interval = interval or settings.CCHC_WORKER_HEARTBEAT_SECONDS
        self.started_at = timezone.now()
        self.tasks_run = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cchc-heartbeat", daemon=True)

    def beat(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "seen_at": now,
                "tasks_run": self.tasks_run,
            },
        )
        # Workers gone for a week are forgotten.
        WorkerHeartbeat.objects.filter(seen_at__lt=now - datetime.timedelta(days=7)).delete()

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.beat()
            except Exception:
                logger.exception("Worker heartbeat could not be written")
            finally:
                connection.close()


@task()
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail the listed notifications that were not e-mailed yet: one message per user, listing
    their notices, and mark them `emailed_at` once the mail server accepted the message (a
    refused or failed message leaves them unmarked and fails the job, which is retried). Skips
    notifications already e-mailed, and users who are inactive or have no e-mail address (theirs
    stay in-app only). Returns the number of messages sent."""
    pending: dict[Any, list[Notification]] = defaultdict(list)
    for notification in (
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    ):
        pending[notification.user].append(notification)
    sent = 0
    for user, notifications in pending.items():
        if not user.email or not user.is_active:
            continue
        # Claim before sending, so that a concurrent run does not send them again; give the
        # claim back when the mail server refuses, so that the job's retry sends them.
        stamp = timezone.now()
        ids = [n.pk for n in notifications]
        claimed = Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
            emailed_at=stamp
        )
        if claimed:
            try:
                _send(user, notifications)
            except Exception:
                Notification.objects.filter(pk__in=ids, emailed_at=stamp).update(emailed_at=None)
                raise
            sent += 1
    return sent


def _send(user: Any, notifications: list[Notification]) -> None:
    with translation.override("vi"):
        subject = _("CCHC: %(n)s new notices about your tasks") % {"n": len(notifications)}
        lines = "\n".join(f"- {n.message}" for n in notifications)
        body = _("Hello %(name)s,\n\n%(lines)s\n\nSee the details on the CCHC platform.") % {
            "name": user,
            "lines": lines,
        }
    send_mail(subject, body, None, [user.email])

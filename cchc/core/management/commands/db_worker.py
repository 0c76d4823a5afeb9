"""`manage.py db_worker`: django-tasks-db's worker, plus a heartbeat and retries with backoff
(cchc/core/jobs.py). cchc.core is listed before django_tasks_db in INSTALLED_APPS so that this
command replaces the package's own; every option is the package's."""

from typing import Any

from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from cchc.core import jobs


class Worker(db_worker.Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.heartbeat = jobs.Heartbeat(self.worker_id)

    def run(self) -> None:
        self.heartbeat.start()
        try:
            super().run()
        finally:
            self.heartbeat.stop()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        self.heartbeat.tasks_run += 1
        try:
            jobs.retry_failed(db_task_result)
        except Exception:
            jobs.logger.exception("Could not schedule a retry of job %s", db_task_result.pk)


class Command(db_worker.Command):
    help = "Run the background worker (django-tasks-db) with a heartbeat and job retries"

    def handle(self, *args: Any, **options: Any) -> None:
        db_worker.Worker = Worker  # type: ignore[misc]
        super().handle(*args, **options)

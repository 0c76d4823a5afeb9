"""`manage.py jobs_status [--json] [--dead N]`: the worker's heartbeat, the queue and the dead
letters; exits 1 when the worker is stale or jobs died in the last day (usable from cron)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cchc.core import jobs


class Command(BaseCommand):
    help = "Show the background worker's heartbeat, the job queue and the failed jobs"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument(
            "--dead", type=int, default=10, help="list this many dead letters (default 10)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not jobs.uses_worker():
            self.stdout.write("Jobs run immediately in the web process (no worker, no queue).")
            return
        status = jobs.queue_status()
        dead = list(jobs.dead_letters()[: max(0, options["dead"])])
        if options["json"]:
            body = status.as_dict()
            body["dead_letters"] = [
                {
                    "id": str(job.pk),
                    "task": job.task_path,
                    "finished_at": job.finished_at.isoformat() if job.finished_at else None,
                    "error": job.exception_class_path,
                }
                for job in dead
            ]
            self.stdout.write(json.dumps(body, indent=2))
        else:
            seen = (
                "never"
                if status.worker_seen_seconds is None
                else f"{status.worker_seen_seconds:.0f} s ago"
            )
            stale = " (STALE)" if status.worker_stale else ""
            oldest = status.oldest_ready_seconds
            self.stdout.write(f"Worker: last heartbeat {seen}{stale}, {status.workers} alive")
            self.stdout.write(
                f"Queue: {status.ready} ready"
                + (f" (oldest waiting {oldest:.0f} s)" if oldest is not None else "")
                + f", {status.scheduled} scheduled retries, {status.running} running"
            )
            self.stdout.write(
                f"Failed: {status.failed_last_day} attempts in the last day; "
                f"{status.dead} dead letters ({status.dead_last_day} in the last day)"
            )
            for job in dead:
                when = f"{job.finished_at:%Y-%m-%d %H:%M}" if job.finished_at else "?"
                self.stdout.write(
                    f"  {job.pk}  {when}  {job.task_path}  {job.exception_class_path}"
                )
            if status.dead:
                self.stdout.write("Re-queue on /jobs/ (city administrators).")
        if status.worker_stale or status.dead_last_day:
            raise SystemExit(1)

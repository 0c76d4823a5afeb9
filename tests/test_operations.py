"""Operations: job retries and dead letters, the worker's heartbeat, /healthz, jobs_status, the
log format and the key that survives a secret-key rotation (docs/operations.md)."""

import datetime
import io
import json
import logging
import os
import smtplib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.management.commands import db_worker as upstream_worker
from django_tasks_db.models import DBTaskResult

from cchc.accounts.models import User
from cchc.core import jobs
from cchc.core.logs import JsonFormatter, PlainFormatter, RequestContextFilter
from cchc.core.management.commands.db_worker import Worker
from cchc.core.models import AuditEvent, JobAttempt, Notification, WorkerHeartbeat

ROOT = Path(__file__).resolve().parent.parent
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker closes connections that are not in autocommit mode between jobs; inside a
    test's transaction that would close the test's own connection (PostgreSQL)."""
    monkeypatch.setattr(upstream_worker, "close_old_connections", lambda: None)


@pytest.fixture
def queue() -> Iterator[None]:
    with override_settings(TASKS=DATABASE_QUEUE, CCHC_JOB_RETRY_SECONDS=0):
        yield


def run_worker() -> Worker:
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    worker.run()
    return worker


def notice(user: User) -> Notification:
    return Notification.objects.create(
        user=user, kind=Notification.Kind.OVERDUE, message="Nhiệm vụ quá hạn", key="k1"
    )


class FlakySmtp:
    """send_mail that the mail server refuses `failures` times, then accepts."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.emailed_at_when_refused: list[object] = []

    def __call__(self, *args: Any, **kwargs: Any) -> int:
        if self.failures:
            self.failures -= 1
            self.emailed_at_when_refused.append(
                Notification.objects.values_list("emailed_at", flat=True).get()
            )
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return mail.send_mail(*args, **kwargs)


@pytest.mark.django_db
def test_failed_email_is_retried_then_sent(
    queue: None, officer_a: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer_a.email = "officer@example.gov.vn"
    officer_a.save()
    notification = notice(officer_a)
    smtp = FlakySmtp(failures=1)
    monkeypatch.setattr(jobs, "send_mail", smtp)

    first = jobs.email_notifications.enqueue([notification.pk])
    worker = run_worker()

    # Refused once (marked only while being sent), then sent by the retry.
    assert smtp.emailed_at_when_refused
    assert smtp.emailed_at_when_refused[0] is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["officer@example.gov.vn"]
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert DBTaskResult.objects.get(pk=first.id).status == "FAILED"
    retry = JobAttempt.objects.get(previous_id=first.id)
    assert (retry.attempt, retry.reason) == (2, JobAttempt.Reason.RETRY)
    assert DBTaskResult.objects.get(pk=retry.result_id).status == "SUCCESSFUL"
    assert worker.heartbeat.tasks_run == 2
    assert not jobs.dead_letters().exists()


@pytest.mark.django_db
def test_failed_email_leaves_notification_unmarked(
    queue: None, officer_a: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer_a.email = "officer@example.gov.vn"
    officer_a.save()
    notification = notice(officer_a)
    monkeypatch.setattr(jobs, "send_mail", FlakySmtp(failures=99))
    with override_settings(CCHC_JOB_MAX_ATTEMPTS=3):
        jobs.email_notifications.enqueue([notification.pk])
        run_worker()
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert DBTaskResult.objects.filter(status="FAILED").count() == 3
    assert jobs.dead_letters().count() == 1


def test_backoff_grows_fourfold() -> None:
    assert [jobs.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 240, 960, 3840]


@pytest.fixture
def dead_job(queue: None, officer_a: User, monkeypatch: pytest.MonkeyPatch) -> DBTaskResult:
    officer_a.email = "officer@example.gov.vn"
    officer_a.save()
    monkeypatch.setattr(jobs, "send_mail", FlakySmtp(failures=1))
    with override_settings(CCHC_JOB_MAX_ATTEMPTS=1):
        result = jobs.email_notifications.enqueue([notice(officer_a).pk])
        run_worker()
    return DBTaskResult.objects.get(pk=result.id)


@pytest.mark.django_db
def test_dead_letter_listed_and_requeued_by_city_admin(
    dead_job: DBTaskResult, admin_client_: Client, client_a: Client
) -> None:
    assert list(jobs.dead_letters()) == [dead_job]
    assert client_a.get("/jobs/").status_code == 403
    assert client_a.post("/jobs/", {"job": str(dead_job.pk)}).status_code == 403

    page = admin_client_.get("/jobs/")
    assert page.status_code == 200
    assert "cchc.core.jobs.email_notifications" in page.content.decode()
    assert "SMTPServerDisconnected" in page.content.decode()

    response = admin_client_.post("/jobs/", {"job": str(dead_job.pk)})
    assert response.status_code == 302
    again = JobAttempt.objects.get(previous_id=dead_job.pk)
    assert again.reason == JobAttempt.Reason.REQUEUE
    assert again.created_by is not None
    assert again.created_by.username == "city_admin"
    assert not jobs.dead_letters().exists()
    event = AuditEvent.objects.get(verb="job.requeued")
    assert event.target_id == str(dead_job.pk)
    assert event.details["new_job"] == str(again.result_id)

    # Twice is refused; the re-queued job then sends the mail (the SMTP server is back).
    admin_client_.post("/jobs/", {"job": str(dead_job.pk)})
    assert JobAttempt.objects.filter(previous_id=dead_job.pk).count() == 1
    run_worker()
    assert DBTaskResult.objects.get(pk=again.result_id).status == "SUCCESSFUL"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_jobs_status_reports_worker_queue_and_dead_letters(dead_job: DBTaskResult) -> None:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("jobs_status", stdout=out)
    assert exited.value.code == 1  # jobs died in the last day
    text = out.getvalue()
    assert "Worker: last heartbeat 0 s ago, 1 alive" in text
    assert "1 dead letters (1 in the last day)" in text
    assert f"{dead_job.pk}" in text
    assert "SMTPServerDisconnected" in text

    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("jobs_status", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["dead"] == 1
    assert body["worker_stale"] is False
    assert body["dead_letters"][0]["id"] == str(dead_job.pk)


@pytest.mark.django_db
def test_jobs_status_healthy_exits_zero(queue: None) -> None:
    jobs.Heartbeat("w1").beat()
    out = io.StringIO()
    call_command("jobs_status", stdout=out)
    assert "0 dead letters" in out.getvalue()


@pytest.mark.django_db
def test_healthz_full_turns_503_when_heartbeat_is_stale(queue: None) -> None:
    client = Client()  # REMOTE_ADDR 127.0.0.1, no proxy header: a local probe
    jobs.Heartbeat("w1").beat()
    well = client.get("/healthz/full")
    assert well.status_code == 200, well.json()
    assert well.json()["status"] == "ok"
    assert well.json()["pending_migrations"] == []
    assert well.json()["jobs"]["workers"] == 1

    WorkerHeartbeat.objects.update(seen_at=timezone.now() - datetime.timedelta(minutes=5))
    stale = client.get("/healthz/full")
    assert stale.status_code == 503
    assert stale.json()["problems"] == ["worker"]
    assert stale.json()["jobs"]["worker_stale"] is True


@pytest.mark.django_db
def test_healthz_full_reports_stuck_queue_and_dead_letters(dead_job: DBTaskResult) -> None:
    body = Client().get("/healthz/full").json()
    assert body["problems"] == ["dead_letters"]
    assert body["jobs"]["dead_last_day"] == 1


@pytest.mark.django_db
def test_healthz_full_only_for_local_probes_or_token() -> None:
    assert Client().get("/healthz/full", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    assert Client(REMOTE_ADDR="203.0.113.9").get("/healthz/full").status_code == 403
    with override_settings(CCHC_HEALTH_TOKEN="s3cret-token"):
        remote = Client(REMOTE_ADDR="203.0.113.9")
        assert remote.get("/healthz/full", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
        ok = remote.get("/healthz/full", HTTP_AUTHORIZATION="Bearer s3cret-token")
        # The test settings run jobs immediately (no worker to be stale) and the test database is
        # migrated: the full check finds nothing wrong, so the token holder reads 200.
        assert ok.status_code == 200, ok.json()
        assert ok.json()["database"] == "ok"
        assert ok.json()["problems"] == []


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["cchc.example.gov.vn"], SECURE_SSL_REDIRECT=True, DEBUG=False)
def test_healthz_answers_local_probe_without_host_check_or_redirect() -> None:
    response = Client().get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    # Any other path still gets the host check.
    assert Client().get("/accounts/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_healthz_200_on_127_0_0_1_under_production_settings(tmp_path: Path) -> None:
    """gunicorn with the production variables (HTTPS, a public host name): a probe of
    http://127.0.0.1:PORT/healthz gets 200, not 400 (DisallowedHost) or 301, and logs no
    traceback."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CCHC_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        DJANGO_ALLOWED_HOSTS="cchc.example.gov.vn",
        DJANGO_HTTPS="true",
        CCHC_SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        CCHC_STATIC_ROOT=str(tmp_path / "static"),
    )
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
    server = subprocess.Popen(  # noqa: S603 (our own command line)
        [*gunicorn, "-w", "1", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status, body = 0, b""
        deadline = time.monotonic() + 120  # gunicorn starts slowly on a busy machine
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30) as r:
                    status, body = r.status, r.read()
                break
            except OSError:  # refused while gunicorn starts (URLError), or a slow first answer
                time.sleep(0.3)
        login = urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/")
        try:
            urllib.request.urlopen(login, timeout=30)  # noqa: S310 (http://127.0.0.1)
            redirected = False
        except urllib.error.HTTPError as error:
            # 400, not 301: the HTTPS redirect needs the request's host, and 127.0.0.1 is not in
            # ALLOWED_HOSTS, so DisallowedHost answers first.
            redirected = error.code == 400
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    assert status == 200, log
    assert json.loads(body) == {"status": "ok"}
    assert redirected  # the rest of the site keeps its production checks
    probe = log.index("GET /healthz HTTP/1.1")  # the access log line of the probe
    assert " 200 " in log[probe:].splitlines()[0]
    assert "Traceback" not in log[:probe]
    assert "DisallowedHost" not in log[:probe]


def record(message: str = "Đã gửi") -> logging.LogRecord:
    entry = logging.LogRecord("cchc.test", logging.INFO, __file__, 1, message, None, None)
    RequestContextFilter().filter(entry)
    return entry


def test_log_line_has_iso_time_with_offset_and_context() -> None:
    line = PlainFormatter().format(record())
    # 2026-12-06T20:51:44.123+07:00 INFO cchc.test [req=- user=- unit=-] Đã gửi
    stamp, level, name, *rest = line.split(" ")
    parsed = datetime.datetime.fromisoformat(stamp)
    assert parsed.utcoffset() == datetime.timedelta(hours=7)  # TIME_ZONE Asia/Ho_Chi_Minh
    assert (level, name) == ("INFO", "cchc.test")
    assert " ".join(rest) == "[req=- user=- unit=-] Đã gửi"


def test_json_log_line() -> None:
    entry = json.loads(JsonFormatter().format(record()))
    assert entry["message"] == "Đã gửi"
    assert entry["time"].endswith("+07:00")
    assert {"request_id", "user_id", "unit", "level", "logger"} <= set(entry)


@pytest.mark.django_db
def test_request_id_in_response_and_logs(
    client_a: Client, officer_a: User, caplog: pytest.LogCaptureFixture
) -> None:
    response = client_a.get("/", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    assert len(Client().get("/accounts/login/")["X-Request-ID"]) == 16
    assert Client().get("/accounts/login/", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != (
        "bad id\n"
    )


@pytest.mark.django_db
def test_survey_hashes_survive_secret_key_rotation() -> None:
    from cchc.surveys.models import Campaign

    campaign = Campaign(salt="abc")
    with override_settings(SECRET_KEY="old-key", CCHC_HASH_KEY="hash-key"):
        before = campaign.hash_client("203.0.113.9")
    with override_settings(
        SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=["old-key"], CCHC_HASH_KEY="hash-key"
    ):
        assert campaign.hash_client("203.0.113.9") == before

"""Health checks for monitors: `/healthz` (is the app up and its database reachable?) and
`/healthz/full` (database, pending migrations, the worker's heartbeat, the queue, failed jobs).

Both answer before any other middleware (HealthCheckMiddleware is first in MIDDLEWARE): no host
check, no HTTPS redirect, no session, no login, so that `curl http://127.0.0.1:8000/healthz`
works under the production settings. Status 200 when well, 503 when not, JSON either way.
`/healthz/full` tells more, so it answers only a direct local probe (REMOTE_ADDR loopback and no
X-Forwarded-For, i.e. not through the proxy) or a request bearing CCHC_HEALTH_TOKEN.
"""

import hmac
import ipaddress
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

from cchc.core import jobs

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("Health check: the database does not answer")
        return False


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def basic() -> tuple[int, dict[str, Any]]:
    if database_ok():
        return 200, {"status": "ok"}
    return 503, {"status": "error", "problems": ["database"]}


def full() -> tuple[int, dict[str, Any]]:
    """Every check, and the list of problems (empty when well)."""
    if not database_ok():
        return 503, {"status": "error", "problems": ["database"], "database": "error"}
    body: dict[str, Any] = {"database": "ok"}
    problems = []
    pending = pending_migrations()
    body["pending_migrations"] = pending
    if pending:
        problems.append("migrations")
    if jobs.uses_worker():
        status = jobs.queue_status()
        body["jobs"] = status.as_dict()
        if status.worker_stale:
            problems.append("worker")
        if (status.oldest_ready_seconds or 0) > settings.CCHC_QUEUE_STALE_SECONDS:
            problems.append("queue")
        if status.dead_last_day:
            problems.append("dead_letters")
    else:
        body["jobs"] = {"backend": "immediate (no worker)"}
    body["problems"] = problems
    body["status"] = "ok" if not problems else "error"
    return (200 if not problems else 503), body


def is_local_probe(request: HttpRequest) -> bool:
    token = settings.CCHC_HEALTH_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if given and hmac.compare_digest(given, token):
            return True
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def respond(check: Callable[[], tuple[int, dict[str, Any]]]) -> HttpResponse:
    status, body = check()
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers /healthz and /healthz/full before the rest of the stack (see the module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if path == "/healthz":
            return respond(basic)
        if path == "/healthz/full":
            if not is_local_probe(request):
                return JsonResponse({"status": "forbidden"}, status=403)
            return respond(full)
        return self.get_response(request)

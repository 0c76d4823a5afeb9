"""One log format for the web processes, the worker and gunicorn (config/gunicorn.conf.py):

    2026-12-06T20:51:44.123+07:00 INFO django.request [req=3f2a9c1d7e4b user=12 unit=01.00123] …

ISO 8601 timestamps in TIME_ZONE with their UTC offset; the request id (the proxy's
X-Request-ID when it sends one, else a random one, returned in the response's X-Request-ID);
the signed-in user's id; the units of the user's roles when the request already read them (no
query is made for a log line). `CCHC_LOG_FORMAT=json` writes one JSON object per line instead,
for log collectors.
"""

import contextvars
import datetime
import json
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "cchc_request", default=None
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _zone() -> datetime.tzinfo:
    try:
        return ZoneInfo(settings.TIME_ZONE)
    except Exception:
        return datetime.UTC


def iso_time(created: float) -> str:
    return datetime.datetime.fromtimestamp(created, _zone()).isoformat(timespec="milliseconds")


class RequestContextFilter(logging.Filter):
    """Adds `request_id`, `user_id` and `unit` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _request.get()
        record.request_id = getattr(request, "request_id", "-") if request else "-"
        # Only what is already loaded: reading request.user must not hit the database here.
        loaded = getattr(request, "_cached_user", None) if request else None
        record.user_id = getattr(loaded, "pk", None) or "-"
        roles = loaded.__dict__.get("unit_roles") if loaded is not None else None
        record.unit = ",".join(sorted({path for path, _role in roles})) if roles else "-"
        return True


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s "
            "[req=%(request_id)s user=%(user_id)s unit=%(unit)s] %(message)s"
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return iso_time(record.created)

    def format(self, record: logging.LogRecord) -> str:
        for name in ("request_id", "user_id", "unit"):
            if not hasattr(record, name):
                setattr(record, name, "-")
        return super().format(record)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": iso_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "user_id": getattr(record, "user_id", "-"),
            "unit": getattr(record, "unit", "-"),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestContextMiddleware:
    """Gives each request an id (X-Request-ID in and out) and makes it the logging context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex[:16]  # type: ignore[attr-defined]
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response

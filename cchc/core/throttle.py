"""Abuse control of the public forms (the survey form and API, the petition form and lookup):
rate limits counted in the database, the client's address, and the size limit of a body.

A caller counts one attempt in several buckets at once (e.g. "this client" and "this unit"),
each with its own limit per minute; the attempt is allowed when every bucket is within its
limit. Every attempt counts, refused ones too, so hammering a form with junk is throttled as well.

Why the database and not a cache: gunicorn runs several worker processes, and Django's LocMem
cache lives in one process, so a client whose requests spread over four workers would get four
times its limit. The counters are rows (bucket, window_start, hits) of the table core_throttle
(migration core 0002) that all workers share, bumped by ONE statement,
`INSERT … ON CONFLICT (bucket, window_start) DO UPDATE SET hits = hits + 1 RETURNING …`:
atomic on SQLite (3.35 or later) and PostgreSQL alike, one round trip for all buckets, and no
read-modify-write race. The alternatives cost more for the same result: get_or_create then an
F() update is three statements and an IntegrityError retry when two workers create the same
row at once; select_for_update holds a row lock across statements (and is a no-op on SQLite);
Django's database cache backend does incr() as a read then a write (not atomic) and needs a
CACHES entry and createcachetable outside the migrations. The table has no model: nothing but
this module touches it and it holds no domain data (bucket names carry salted hashes only).

Windows are fixed minutes (window_start = the epoch second the minute starts): cheap and simple;
a client can at most double its limit across a window boundary, which is fine for abuse control.
Rows of past windows are deleted by each process the first time it counts in a new window (not
at every new bucket: in a rush of citizens nearly every attempt opens a bucket of its own, and
the DELETE was a third of the throttle's statements), so the table holds about one row per
client active in the last two minutes.

The client's address is REMOTE_ADDR, or, behind CCHC_PROXY_COUNT trusted reverse proxies (the
same setting as the login lock-out's), the address those proxies appended to X-Forwarded-For.
Callers store at most a salted hash of it.
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, RawPostDataException
from django.utils.crypto import salted_hmac

WINDOW_SECONDS = 60

UPSERT = """
INSERT INTO core_throttle (bucket, window_start, hits) VALUES {rows}
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = core_throttle.hits + 1
RETURNING bucket, hits
"""
PURGE = "DELETE FROM core_throttle WHERE window_start < %s"


# The window before which this process last deleted the rows.
_purged_before = 0


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the current window ends (0 when allowed)


def hit(limits: dict[str, int], *, now: float | None = None) -> Verdict:
    """Count one attempt in each bucket of `limits` (bucket name → allowed hits per minute) for
    the current minute, and say whether every bucket is within its limit. Commits the counts at
    once (their own statement), so a refused or failed attempt still counts."""
    global _purged_before
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    rows = ", ".join(["(%s, %s, 1)"] * len(limits))
    params: list[str | int] = []
    for bucket in limits:
        params += [bucket, window]
    with connection.cursor() as cursor:
        cursor.execute(UPSERT.format(rows=rows), params)
        hits = dict(cursor.fetchall())
        if window > _purged_before:  # this process's first count in the window: forget the past
            cursor.execute(PURGE, [window])
            _purged_before = window
    allowed = all(hits[bucket] <= limit for bucket, limit in limits.items())
    retry_after = 0 if allowed else max(1, math.ceil(window + WINDOW_SECONDS - now))
    return Verdict(allowed=allowed, retry_after=retry_after)


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one the trusted proxies saw (see above)."""
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-proxies] if len(hops) >= proxies else hops[0]
    return str(request.META.get("REMOTE_ADDR", ""))


def client_bucket(request: HttpRequest, purpose: str) -> str:
    """A bucket name for the client of `request`: a keyed hash of its address, so that the
    counters never hold an address (HMAC with the SECRET_KEY and `purpose` as salt)."""
    digest = salted_hmac(purpose, client_address(request), algorithm="sha256").hexdigest()
    return f"{purpose}:{digest}"


def body_too_large(request: HttpRequest, limit: int, *, read: bool = True) -> bool:
    """Whether the body is over `limit` bytes, by its declared length and, when `read`, its
    actual length too. Multipart bodies (files) pass read=False: Django refuses reading a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE, and their parts are limited by the form's checks."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    actual = 0
    if read:
        try:
            actual = len(request.body)
        except RawPostDataException:  # a form the CSRF check parsed already: its declared length
            actual = 0
    return declared > limit or actual > limit

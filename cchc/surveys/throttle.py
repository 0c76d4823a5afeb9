"""Abuse control of the public survey form and API: a rate limit per client and per unit,
and the size limit of a submission (BODY_LIMIT, answered 413).

A client (the campaign's salted hash of its address, Campaign.hash_client) may submit at most
CCHC_SURVEY_RATE_PER_MINUTE times a minute (default 10), and a surveyed unit receives at most
CCHC_SURVEY_UNIT_RATE_PER_MINUTE submissions a minute from everyone together (default 300: a
ceiling against a flood from many addresses, far above what a service point's queue produces).
Every attempt counts, refused ones too, so hammering the form with junk is throttled as well.
The excess is answered 429 with a message in the page's language (Vietnamese first) and a
Retry-After header; nothing of it is stored.

Why the database and not a cache: gunicorn runs several worker processes, and Django's LocMem
cache lives in one process, so a client whose requests spread over four workers would get four
times its limit. The counters are rows (bucket, window_start, hits) of the table
surveys_throttle (migration 0003) that all workers share, bumped by ONE statement,
`INSERT … ON CONFLICT (bucket, window_start) DO UPDATE SET hits = hits + 1 RETURNING …`:
atomic on SQLite (3.35 or later) and PostgreSQL alike, one round trip for both buckets, and no
read-modify-write race. The alternatives cost more for the same result: get_or_create then an
F() update is three statements and an IntegrityError retry when two workers create the same
row at once; select_for_update holds a row lock across statements (and is a no-op on SQLite);
Django's database cache backend does incr() as a read then a write (not atomic) and needs a
CACHES entry and createcachetable outside the migrations. The table has no model: nothing but
this module touches it and it holds no domain data.

Windows are fixed minutes (window_start = the epoch second the minute starts): cheap and simple;
a client can at most double its limit across a window boundary, which is fine for abuse control.
Rows of past windows are deleted whenever a bucket opens a new window, so the table holds about
one row per client active in the last minute.

The client's address is REMOTE_ADDR, or, behind CCHC_PROXY_COUNT trusted reverse proxies (the
same setting as the login lock-out's), the address those proxies appended to X-Forwarded-For.
Only its salted hash is ever stored (Response.client_hash and the bucket names here).
"""

import math
import os
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, RawPostDataException
from django.utils.translation import gettext as _

from cchc.surveys.models import CampaignUnit

# A whole response is ~20 short fields and a few texts of at most 1,000 characters (up to
# 9 bytes each once UTF-8 and percent-encoded): 64 KiB leaves room and refuses anything bigger.
BODY_LIMIT = 64 * 1024
WINDOW_SECONDS = 60
DEFAULT_PER_CLIENT = 10
DEFAULT_PER_UNIT = 300

UPSERT = """
INSERT INTO surveys_throttle (bucket, window_start, hits) VALUES (%s, %s, 1), (%s, %s, 1)
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = surveys_throttle.hits + 1
RETURNING bucket, hits
"""
PURGE = "DELETE FROM surveys_throttle WHERE window_start < %s"


def _setting(name: str, default: int) -> int:
    """A limit from the settings, else the environment (the bench sets it for gunicorn)."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or default
    return int(value)


def per_client_limit() -> int:
    return _setting("CCHC_SURVEY_RATE_PER_MINUTE", DEFAULT_PER_CLIENT)


def per_unit_limit() -> int:
    return _setting("CCHC_SURVEY_UNIT_RATE_PER_MINUTE", DEFAULT_PER_UNIT)


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one the trusted proxies saw (see above)."""
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-proxies] if len(hops) >= proxies else hops[0]
    return str(request.META.get("REMOTE_ADDR", ""))


def body_too_large(request: HttpRequest) -> bool:
    """Whether the submission is over BODY_LIMIT (declared or actual length). A body over
    DATA_UPLOAD_MAX_MEMORY_SIZE is refused by Django itself with 400 when read."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    try:
        actual = len(request.body)
    except RawPostDataException:  # a form the CSRF check parsed already: its declared length
        actual = 0
    return declared > BODY_LIMIT or actual > BODY_LIMIT


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the current window ends (0 when allowed)


def hit(campaign_unit: CampaignUnit, client_hash: str, *, now: float | None = None) -> Verdict:
    """Count one submission of `client_hash` to `campaign_unit` in the current minute, and say
    whether it is within both limits. Commits the count at once (its own statement), so a
    refused or failed submission still counts."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    client_bucket = f"client:{client_hash}"
    unit_bucket = f"unit:{campaign_unit.pk}"
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, [client_bucket, window, unit_bucket, window])
        hits = dict(cursor.fetchall())
        if 1 in hits.values():  # a bucket opened a new window: forget the past ones
            cursor.execute(PURGE, [window])
    allowed = hits[client_bucket] <= per_client_limit() and hits[unit_bucket] <= per_unit_limit()
    retry_after = 0 if allowed else max(1, math.ceil(window + WINDOW_SECONDS - now))
    return Verdict(allowed=allowed, retry_after=retry_after)


def throttled_message() -> str:
    return _(
        "You have sent too many responses in a short time. Please wait a minute and try again."
    )

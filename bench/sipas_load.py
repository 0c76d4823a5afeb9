"""A public form under load, through gunicorn on loopback: the survey submission (issue #6
acceptance; POST /api/v1/surveys/responses) or, with CCHC_BENCH_FORM=petition (bench/
petition_load.py), the petition form before a dialogue conference (issue #7: "the same bench
script reused"; each simulated citizen GETs the form for its CSRF token and cookie, then POSTs
it; the POST is what is timed, answered 302 to the thank-you page).

Set-up (not timed): a fresh database with a city, UNITS wards, a campaign of the default
questionnaire over them (petitions: a conference announced by each ward). gunicorn (WORKERS
sync workers, its own processes) serves the app from that database with CCHC_PROXY_COUNT=1:
the app then trusts one proxy's X-Forwarded-For, and the load generator plays that proxy,
giving each simulated respondent its own address.
The throttle keeps its defaults (10 submissions per client and 300 per unit or conference a
minute);
DB_CONN_MAX_AGE=60 (persistent connections, as in production) unless set otherwise.

Measured, open loop (request i is sent at i / RATE seconds, whatever the earlier answers):
- RATE submissions a second for SECONDS seconds to POST /api/v1/surveys/responses from
  CLIENT_PROCESSES processes of CLIENT_THREADS threads, CLIENTS distinct addresses (each sends
  a handful, under its limit), spread over the units, every answer set random: server errors
  (target 0), answers 201 vs rows stored (must match exactly; the ids answered are the rows
  stored, none twice), p50/p95/max latency (target p95 < 200 ms);
- the same load on GET /healthz (one SELECT 1): the baseline, and the ratio of the p95s;
- a burst of BURST submissions from ONE address as fast as one connection goes: the first
  10 are accepted, the rest answered 429 with the throttle's message (Vietnamese by default:
  the check looks for Vietnamese letters, which appear once the catalogue has the msgid).

Run: .venv/bin/python bench/sipas_load.py [sqlite|postgres] (without an argument: both, each in
its own process). PostgreSQL: a database cchc_bench_sipas on postgres://postgres@127.0.0.1:5432
is created and dropped (override with CCHC_BENCH_PG_URL); skipped when not reachable. Bounded:
about SECONDS × 2 plus set-up per database; every request has a 10 s timeout.
"""

import html
import http.client
import json
import multiprocessing
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode

from _common import ROOT, emit, run_on_databases

FORM = os.environ.get("CCHC_BENCH_FORM", "survey")
BENCH = "petition_load" if FORM == "petition" else "sipas_load"
UNITS = 20
RATE = int(os.environ.get("CCHC_BENCH_SIPAS_RATE", 50))  # requests a second
SECONDS = int(os.environ.get("CCHC_BENCH_SIPAS_SECONDS", 20))
CLIENTS = 250  # distinct addresses: 1,000 submissions → 4 each, under 10 a minute
CLIENT_PROCESSES = 2
CLIENT_THREADS = 16
WORKERS = 4
BURST = 30
TIMEOUT_S = 10.0
P95_TARGET_MS = 200.0
PG_URL = os.environ.get(
    "CCHC_BENCH_PG_URL", f"postgres://postgres@127.0.0.1:5432/cchc_bench_{BENCH}"
)
ACCEPTED = 302 if FORM == "petition" else 201  # the petition form redirects to its thank-you page
VIETNAMESE = "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ"
CODES_RATED = [f"C{n}" for n in range(1, 19)]


def build() -> list[str]:
    """The targets: the campaign's unit tokens, or the conferences' ids (petitions). The
    database is the one Django is set up on."""
    import datetime
    from decimal import Decimal

    from cchc.accounts.models import Membership, User
    from cchc.orgunits.models import OrgUnit
    from cchc.surveys.actions import create_campaign
    from cchc.surveys.models import Questionnaire

    city = OrgUnit.objects.create(
        code="01", kind="province", name="Thành phố Hà Nội", path="/01/", search_name="ha noi"
    )
    wards = OrgUnit.objects.bulk_create(
        OrgUnit(
            code=f"P{n:04d}",
            kind="ward",
            name=f"Phường Thử {n:03d}",
            parent=city,
            path=f"/01/P{n:04d}/",
            depth=1,
            search_name=f"phuong thu {n:03d}",
        )
        for n in range(UNITS)
    )
    admin = User.objects.create_user(username="bench_admin", password="x")  # noqa: S106
    Membership.objects.create(user=admin, unit=city, role=Membership.Role.CITY_ADMIN)
    if FORM == "petition":
        return [str(pk) for pk in announce(admin, wards)]
    campaign = create_campaign(
        actor=admin,
        questionnaire=Questionnaire.objects.get(code="sipas-default", version=1),
        title="SIPAS bench",
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 6, 30),
        margin=Decimal("0.05"),
        units_with_population=[(ward, 5000) for ward in wards],
    )
    return list(campaign.units.values_list("token", flat=True))


def announce(admin: Any, wards: list[Any]) -> list[int]:
    """One public conference announced by each ward, a month ahead."""
    import datetime

    from django.utils import timezone

    from cchc.dialogues.actions import announce_conference
    from cchc.dialogues.models import Audience, Conference

    starts = timezone.now() + datetime.timedelta(days=30)
    return [
        announce_conference(
            actor=admin,
            title=f"Đối thoại với người dân {ward.name}",
            level=Conference.Level.WARD,
            host_unit=ward,
            starts_at=starts,
            audiences=[Audience.CITIZENS],
            chair_name="Chủ tịch UBND phường",
            place="Hội trường UBND phường",
        ).pk
        for ward in wards
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CCHC_PROXY_COUNT": "1",
        "PYTHONPATH": str(ROOT),
        "CCHC_LOG_LEVEL": "ERROR",  # not a warning line per 429
        # Persistent connections, as a production deployment sets: PostgreSQL forks a backend
        # per connection, which would otherwise dominate each request on a small machine.
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "60"),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own command line
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/healthz", None, "127.0.0.1")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 30 s")


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None,
    address: str,
    timeout: float = TIMEOUT_S,
    headers: dict[str, str] | None = None,
) -> tuple[int, float, bytes]:
    """(status, seconds, body) of one request on a new connection (sync workers close it)."""
    answer = exchange(port, method, path, body, address, timeout, headers)
    return answer[0], answer[1], answer[2]


def exchange(
    port: int,
    method: str,
    path: str,
    body: bytes | None,
    address: str,
    timeout: float = TIMEOUT_S,
    headers: dict[str, str] | None = None,
) -> tuple[int, float, bytes, http.client.HTTPResponse]:
    """request() with the response object too (its headers: cookies, Location)."""
    sent = {"X-Forwarded-For": address, "Connection": "close", **(headers or {})}
    if body is not None:
        sent.setdefault("Content-Type", "application/json")
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        return response.status, time.perf_counter() - start, data, response
    finally:
        connection.close()


def petition_submit(port: int, conference: str, index: int, address: str) -> tuple[int, float, str]:
    """GET the petition form (CSRF cookie and token, not timed), then POST one petition: (status,
    seconds of the POST, the petition's code from the thank-you redirect or the error text)."""
    path = f"/dialogues/c/{conference}/petition/"
    status, _, page, response = exchange(port, "GET", path, None, address)
    if status != 200:
        return status, 0.0, page[:200].decode(errors="replace")
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    token = found.group(1).decode() if found else ""
    fields = {
        "csrfmiddlewaretoken": token,
        "submitter_type": "citizen",
        "title": f"Kiến nghị số {index}",
        "content": f"Đề nghị sửa đèn đường ngõ {index}, hỏng đã {index % 30 + 1} ngày.",
    }
    body = urlencode(fields).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    status, seconds, data, response = exchange(port, "POST", path, body, address, headers=headers)
    if status == 302:
        return status, seconds, response.getheader("Location", "").rstrip("/").split("/")[-1]
    return status, seconds, data.decode(errors="replace")


def submission(tokens: list[str], index: int) -> bytes:
    rng = random.Random(index)  # noqa: S311 - test data
    answers: dict[str, Any] = {code: rng.randint(1, 5) for code in CODES_RATED}
    answers |= {
        "A1": rng.sample(["1", "2", "3", "4", "5", "6"], rng.randint(1, 3)),
        "A2": str(rng.randint(1, 3)),
        "A3": str(rng.randint(1, 3)),
        "A4": str(rng.randint(1, 3)),
    }
    return json.dumps({"token": tokens[index % len(tokens)], "answers": answers}).encode()


def submit(port: int, tokens: list[str], index: int, address: str) -> tuple[int, float, str]:
    """One submission of the form under test: (status, seconds, the stored record's id — the
    response's id, the petition's code — or the start of an error's text)."""
    if FORM == "petition":
        return petition_submit(port, tokens[index % len(tokens)], index, address)
    body = submission(tokens, index)
    status, seconds, data = request(port, "POST", "/api/v1/surveys/responses", body, address)
    if status == 201:
        return status, seconds, str(json.loads(data)["id"])
    return status, seconds, data[:200].decode(errors="replace")


def _one(args: tuple[int, str, list[str], int, float]) -> tuple[int, float, str]:
    port, kind, tokens, index, start = args
    delay = start + index / RATE - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    address = f"198.18.{(index % CLIENTS) // 250}.{(index % CLIENTS) % 250 + 1}"
    try:
        if kind == "submit":
            return submit(port, tokens, index, address)
        status, seconds, _ = request(port, "GET", "/healthz", None, address)
    except OSError as error:
        return -1, 0.0, str(error)
    return status, seconds, ""


def _client_process(args: tuple[int, str, list[str], list[int], float]) -> list[Any]:
    port, kind, tokens, indexes, start = args
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        return list(pool.map(_one, [(port, kind, tokens, i, start) for i in indexes]))


def load(port: int, kind: str, tokens: list[str]) -> list[tuple[int, float, str]]:
    """RATE × SECONDS requests, open loop, from CLIENT_PROCESSES processes."""
    total = RATE * SECONDS
    start = time.perf_counter() + 0.5
    shares = [list(range(p, total, CLIENT_PROCESSES)) for p in range(CLIENT_PROCESSES)]
    context = multiprocessing.get_context("fork")
    with context.Pool(CLIENT_PROCESSES) as pool:
        parts = pool.map(_client_process, [(port, kind, tokens, s, start) for s in shares])
    return [result for part in parts for result in part]


def warm_up(port: int, tokens: list[str]) -> None:
    """Load every worker's URLconf, API, templates and connections (the first request of a
    worker imports them: seconds on a busy machine); nothing is stored (the survey's answers
    are empty, refused with 422; the petition form is only fetched)."""
    invalid = json.dumps({"token": tokens[0], "answers": {}}).encode()

    def one(index: int) -> None:
        address = f"192.0.2.{index % 250 + 1}"
        target = tokens[index % len(tokens)]
        if FORM == "petition":  # an empty petition: refused with 403 (no CSRF token)
            request(port, "GET", f"/dialogues/c/{target}/petition/", None, address, timeout=60)
            request(port, "GET", "/dialogues/", None, address, timeout=60)
            return
        request(port, "GET", f"/surveys/f/{target}/", None, address, timeout=60)
        request(port, "POST", "/api/v1/surveys/responses", invalid, address, timeout=60)

    with ThreadPoolExecutor(WORKERS * 2) as pool:
        list(pool.map(one, range(WORKERS * 6)))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report_load(database: str, label: str, results: list[tuple[int, float, str]]) -> float:
    latencies = [seconds * 1000 for status, seconds, _ in results if status > 0]
    p50 = statistics.median(latencies)
    p95 = percentile(latencies, 0.95)
    emit(BENCH, f"{database}: {label} p50", p50, "ms")
    emit(BENCH, f"{database}: {label} max", max(latencies), "ms")
    return p95


def stored() -> set[str]:
    """The ids of the records stored: the responses' ids, or the petitions' codes."""
    from cchc.dialogues.models import Petition
    from cchc.surveys.models import Response

    if FORM == "petition":
        return set(Petition.objects.values_list("code", flat=True))
    return {str(pk) for pk in Response.objects.values_list("pk", flat=True)}


def throttle_message(data: str) -> str:
    """The message of a 429: the API's JSON detail, or the petition page's paragraph."""
    if FORM == "petition":
        found = re.search(r'data-testid="dialogue-message".*?<p>(.*?)</p>', data, re.S)
        return html.unescape(found.group(1).strip()) if found else data
    return str(json.loads(data)["detail"])


def measure(database: str) -> None:
    from django.db import connections

    tokens = build()
    connections.close_all()
    port = free_port()
    server = start_gunicorn(port)
    try:
        print(f"  gunicorn: {WORKERS} workers on 127.0.0.1:{port}; {UNITS} units, {database}")
        warm_up(port, tokens)
        submitted = load(port, "submit", tokens)
        stored_ids = stored()
        baseline = load(port, "healthz", tokens)
        burst = [submit(port, tokens, 10**6 + i, "203.0.113.7") for i in range(BURST)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    statuses = [status for status, _, _ in submitted]
    errors = sum(1 for status in statuses if status >= 500 or status < 0)
    accepted_ids = [ident for status, _, ident in submitted if status == ACCEPTED]
    others = sorted({s for s in statuses if s != ACCEPTED and 0 < s < 500})
    print(
        f"  {len(submitted)} submissions sent at {RATE}/s for {SECONDS} s; other answers: {others}"
    )
    emit(
        BENCH,
        f"{database}: server errors (5xx or no answer)",
        errors,
        "",
        target="= 0",
        ok=errors == 0,
    )
    emit(BENCH, f"{database}: submissions answered {ACCEPTED}", len(accepted_ids), "")
    exact = set(accepted_ids) == stored_ids and len(set(accepted_ids)) == len(accepted_ids)
    emit(
        BENCH,
        f"{database}: rows stored (= the ids answered, none twice)",
        len(stored_ids),
        "",
        target=f"= answered {ACCEPTED}",
        ok=exact,
    )
    p95 = report_load(database, "submit", submitted)
    base_p95 = report_load(database, "/healthz", baseline)
    emit(BENCH, f"{database}: /healthz p95 (baseline)", base_p95, "ms")
    emit(
        BENCH,
        f"{database}: submit p95",
        p95,
        "ms",
        target=f"< {P95_TARGET_MS:g} ms",
        ok=p95 < P95_TARGET_MS,
        ratio=f"{p95 / base_p95:.1f}× /healthz",
    )
    burst_statuses = [status for status, _, _ in burst]
    limited = [data for status, _, data in burst if status == 429]
    message = throttle_message(limited[0]) if limited else ""
    vietnamese = any(char in message for char in VIETNAMESE)
    print(
        f"  burst from one address: {burst_statuses.count(ACCEPTED)} × {ACCEPTED}, "
        f"{burst_statuses.count(429)} × 429; message: {message!r}"
    )
    emit(
        BENCH,
        f"{database}: burst of {BURST} from one client answered 429",
        len(limited),
        "",
        target=f"= {BURST - 10}",
        ok=len(limited) == BURST - 10 and burst_statuses.count(ACCEPTED) == 10,
    )
    emit(BENCH, f"{database}: 429 message in Vietnamese (1 = yes)", int(vietnamese), "")


if __name__ == "__main__":
    sys.exit(
        run_on_databases(sys.argv[1:], bench=BENCH, script=__file__, pg_url=PG_URL, measure=measure)
    )

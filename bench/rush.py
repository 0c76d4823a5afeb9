"""The month-end rush (issue #16): officials working flat out while citizens send the public
forms, through gunicorn with the production settings, on SQLite and on PostgreSQL.

Set-up (not timed): a fresh database with the administrative units and the Hà Nội demo
(`seed_demo`), plus the benches' 3,400-unit city (60 departments, 540 wards and communes, 2,800
public service units below them, as bench/ratings.py builds them) under Hà Nội; OFFICIALS
officials, each the focal point of one of Hà Nội's real wards or communes (so that the demo's
closed months give them a briefing and a rating), with an issued plan of TASKS tasks of their
own unit; a satisfaction campaign over 20 wards and a public conference announced by each of 20
wards for the citizens.

The server: `gunicorn -c config/gunicorn.conf.py config.wsgi` as docs/operations.md runs it,
with DEBUG off, a secret key of its own, DJANGO_ALLOWED_HOSTS, DATABASE_URL (or
CCHC_SQLITE_PATH), CCHC_PROXY_COUNT=1 (the load generator plays the proxy, giving each client
its own address), the documented default of 3 workers (CCHC_WEB_WORKERS overrides) and persistent
connections (DB_CONN_MAX_AGE=60). DJANGO_HTTPS stays off: loopback HTTP, no TLS proxy.

Measured for SECONDS seconds (`--duration`) after a ramp-up of RAMP_S (5) seconds in which the
officials start one after another (answered and checked, not timed), two load processes:
- OFFICIALS threads (`--officials`), a closed loop without think time, each logged in with its
  own session, repeating: the workspace; a task page; a progress report with a small PDF
  (302); the task page it lands on; accepting (even rounds) or returning (odd) that report
  (302); the month's briefing page; the month's ratings page; the tasks XLSX export;
- citizens, open loop: 20 survey submissions a second (POST /api/v1/surveys/responses, 201) and
  10 petitions a second (the form's GET for its CSRF token, then the POST, 302), each from its
  own address so that the throttle (10 a minute per client) never answers 429.
Printed: requests a second, p50/p95/p99 per page (target p95 < 800 ms), errors (anything but the
expected answer, or none; target 0), rows stored = answered (progress reports, quality
reviews, survey responses, petitions), the ratio of the rush's throughput to the same
server's `/healthz` (one SELECT 1) under the same closed loop of OFFICIALS clients, and the CPU
the server used in the measured window (the gunicorn processes and PostgreSQL's backends of the
bench's database, read from /proc) per request: the rate moves with this shared host's speed by
±10% from one run to the next; the CPU per request much less, so compare two versions by it.

Run: .venv/bin/python bench/rush.py [sqlite|postgres] [--duration 60] [--officials 50]
(without a database: both, each in its own process; `--duration 10 --officials 5` is a smoke
run). PostgreSQL: a database cchc_bench_rush on postgres://postgres@127.0.0.1:5432 is created
and dropped (override with CCHC_BENCH_PG_URL); skipped when not reachable.
"""

import argparse
import datetime
import http.client
import multiprocessing
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from queue import Empty
from typing import Any
from urllib.parse import urlencode

from _common import (
    ROOT,
    drop_postgres,
    emit,
    interpreter,
    setup_django,
    setup_postgres,
    workdir,
)
from ratings import city_units
from sipas_load import exchange, free_port, percentile, petition_submit, submission

BENCH = "rush"
PG_URL = os.environ.get("CCHC_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/cchc_bench_rush")
WORKERS = int(os.environ.get("CCHC_WEB_WORKERS", 3))  # the documented default (docs/operations.md)
TASKS = 12  # tasks in each official's plan
SURVEY_RATE = 20  # submissions a second
PETITION_RATE = 10
CITIZEN_UNITS = 20  # campaign units and conferences: under the throttle's 300 a minute each
CITIZEN_THREADS = 24
TIMEOUT_S = 60.0
# The officials start one after another over RAMP_S seconds (not all on the same page in the
# same millisecond, which no month-end rush does); what they send during it is answered and
# checked but not timed.
RAMP_S = 5.0
P95_TARGET_MS = 800.0
PASSWORD = "rush-" + secrets.token_urlsafe(12)
EXPECTED = {
    "workspace": 200,
    "task page": 200,
    "submit report (PDF)": 302,
    "accept/return report": 302,
    "briefing": 200,
    "ratings": 200,
    "tasks XLSX": 200,
    "survey submission": 201,
    "petition form": 200,
    "petition submission": 302,
    "/healthz": 200,
}
# The smallest well-formed PDF the upload check accepts as evidence.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


# Set-up ------------------------------------------------------------------------------------


def build_units(city: Any) -> None:
    """The benches' 3,400 units under the city (bench/ratings.py's; codes RB…, not the real
    units')."""
    codes = {"department": "RBS{:03d}", "lower": "RB{:04d}", "public_service": "RBP{:04d}"}
    city_units(city, lambda kind, n: codes[kind].format(n))


def build_officials(count: int, wards: list[Any]) -> list[dict[str, Any]]:
    """`count` focal points of real wards, each with an issued plan of TASKS tasks of its ward;
    the password is hashed once and copied (hashing is deliberately slow)."""
    from cchc.accounts.actions import grant_membership
    from cchc.accounts.models import Membership, User
    from cchc.plans.actions.plans import create_plan, create_task, issue_plan
    from cchc.plans.models import ContentArea

    admin = User.objects.get(username="admin")
    area = ContentArea.objects.order_by("pk").first()
    assert area is not None
    users = User.objects.bulk_create(
        User(username=f"rush{n:03d}", full_name=f"Cán Bộ Cao Điểm {n}", search_name=f"rush{n:03d}")
        for n in range(count)
    )
    users[0].set_password(PASSWORD)
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=users[0].password)
    officials = []
    today = datetime.date.today()
    for n, (user, ward) in enumerate(zip(users, wards, strict=False)):
        grant_membership(actor=admin, user=user, unit=ward, role=Membership.Role.FOCAL_POINT)
        plan = create_plan(actor=user, unit=ward, year=today.year, title=f"Kế hoạch CCHC {ward}")
        tasks = [
            create_task(
                plan,
                actor=user,
                code=f"RT{t:02d}",
                title=f"Nhiệm vụ cải cách số {t} của {ward.name}",
                area=area,
                lead_unit=ward,
                deadline=datetime.date(today.year, 12, 31),
            ).pk
            for t in range(TASKS)
        ]
        issue_plan(
            plan,
            actor=user,
            document_number=f"{n + 1}/KH-UBND",
            document_date=datetime.date(today.year, 1, 5),
            signer="Chủ tịch UBND",
        )
        officials.append({"username": user.username, "tasks": tasks, "address": f"10.9.0.{n + 1}"})
    return officials


def build_citizens(wards: list[Any]) -> tuple[list[str], list[str]]:
    """A campaign of the default questionnaire over `wards` (its unit tokens) and a public
    conference announced by each (their ids)."""
    from decimal import Decimal

    from sipas_load import announce

    from cchc.accounts.models import User
    from cchc.surveys.actions import create_campaign
    from cchc.surveys.models import Questionnaire

    admin = User.objects.get(username="admin")
    today = datetime.date.today()
    campaign = create_campaign(
        actor=admin,
        questionnaire=Questionnaire.objects.get(code="sipas-default", version=1),
        title="Khảo sát cao điểm cuối tháng",
        start=today - datetime.timedelta(days=10),
        end=today + datetime.timedelta(days=20),
        margin=Decimal("0.05"),
        units_with_population=[(ward, 5000) for ward in wards],
    )
    tokens = list(campaign.units.values_list("token", flat=True))
    return tokens, [str(pk) for pk in announce(admin, wards)]


def build(officials: int) -> dict[str, Any]:
    """The data of the rush; returns what the load generator needs."""
    from django.core.management import call_command
    from django.db import connection

    from cchc.orgunits.models import OrgUnit
    from cchc.ratings.models import RatingRound

    started = time.perf_counter()
    call_command("seed_demo", i_know=True, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    city = OrgUnit.objects.get(code="01", legacy=False)
    real = list(
        OrgUnit.objects.current()
        .filter(parent=city, kind__in=OrgUnit.LOWER_KINDS)
        .exclude(code__startswith="RB")
        .order_by("code")
    )
    build_units(city)
    people = build_officials(officials, real)
    tokens, conferences = build_citizens(real[-CITIZEN_UNITS:])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # autovacuum would have, on a live database
            cursor.execute("ANALYZE")
    month = RatingRound.objects.order_by("-month").values_list("month", flat=True).first()
    assert month is not None, "the demo rates its closed months"
    units = OrgUnit.objects.count()
    print(
        f"  set-up: the demo, {units:,} units ({len(real)} real wards and communes of Hà Nội), "
        f"{len(people)} officials × {TASKS} tasks, {len(tokens)} campaign units, "
        f"{len(conferences)} conferences; {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return {
        "officials": people,
        "tokens": tokens,
        "conferences": conferences,
        "month": f"{month.year}/{month.month}",
    }


# The server -------------------------------------------------------------------------------


def start_gunicorn(port: int, log: Path) -> subprocess.Popen[bytes]:
    """gunicorn with the production settings of the environment the set-up made (DEBUG off,
    own key, the database), its access log in `log`."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CCHC_BIND": f"127.0.0.1:{port}",
        "CCHC_WEB_WORKERS": str(WORKERS),
        "CCHC_PROXY_COUNT": "1",
        "DB_CONN_MAX_AGE": os.environ.get("DB_CONN_MAX_AGE", "60"),
        "CCHC_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if exchange(port, "GET", "/healthz", None, "127.0.0.1")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise RuntimeError(f"gunicorn did not answer /healthz within 60 s; see {log}")


def cpu_seconds(server: int, database: str) -> dict[str, tuple[str, float]]:
    """CPU seconds used so far by each process of the gunicorn master `server` ("web": the
    master and its workers) and of the PostgreSQL backends serving `database` ("db"; none on
    SQLite), by process id, read from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[str, tuple[str, float]] = {}

    def note(pid: str, kind: str) -> None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # it just exited
            return
        found[pid] = (kind, (int(fields[11]) + int(fields[12])) / tick)  # utime + stime

    for pid in [str(server), *Path(f"/proc/{server}/task/{server}/children").read_text().split()]:
        note(pid, "web")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # it just exited
            continue
        if command.startswith("postgres: ") and f" {database} " in command:
            note(entry.name, "db")
    return found


def cpu_used(
    start: dict[str, tuple[str, float]], end: dict[str, tuple[str, float]]
) -> tuple[float, float]:
    """(web, db) CPU seconds between two `cpu_seconds` readings, by process (`end` holds each
    process's last reading: a connection closed at DB_CONN_MAX_AGE counts until then); one
    started in between counts from its start."""
    used = {"web": 0.0, "db": 0.0}
    for pid, (kind, seconds) in end.items():
        used[kind] += seconds - start.get(pid, (kind, 0.0))[1]
    return used["web"], used["db"]


# Officials --------------------------------------------------------------------------------

# (page, status, seconds, when it ended: time.monotonic(), the same clock in every process);
# status -1: no answer
Sample = tuple[str, int, float, float]


class Official:
    """One logged-in official: a cookie jar on top of sipas_load.exchange."""

    def __init__(self, port: int, address: str) -> None:
        self.port, self.address = port, address
        self.cookies: dict[str, str] = {}

    def send(
        self, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, float, bytes, http.client.HTTPResponse]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        answer = exchange(self.port, method, path, body, self.address, TIMEOUT_S, headers)
        for cookie in answer[3].headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return answer

    def form(self, path: str, fields: dict[str, str]) -> tuple[int, float, bytes, Any]:
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        body = urlencode(fields).encode()
        return self.send("POST", path, body, "application/x-www-form-urlencoded")

    def login(self, username: str) -> None:
        """Sign in (not timed): on a busy machine a cold worker's first answer can take a
        minute, so each step is retried a few times."""
        for attempt in range(4):
            try:
                self.send("GET", "/accounts/login/")
                fields = {"username": username, "password": PASSWORD}
                status, *_ = self.form("/accounts/login/", fields)
            except OSError:
                if attempt == 3:
                    raise
                continue
            if status == 302:
                return
            raise RuntimeError(f"{username} could not log in (answered {status})")

    def report(self, task: int, round_: int) -> tuple[int, float, bytes, Any]:
        boundary = "rush" + secrets.token_hex(8)
        fields = {
            "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            "percent": str(round_ * 7 % 100),
            "narrative": f"Đã triển khai bước {round_}: rà soát hồ sơ, họp tổ công tác.",
        }
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; '
            f'filename="bao-cao-{round_}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + PDF
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        content_type = f"multipart/form-data; boundary={boundary}"
        return self.send("POST", f"/plans/tasks/{task}/report/", body, content_type)


def official_loop(me: Official, person: dict[str, Any], month: str, until: float,
                  samples: list[Sample], delay: float) -> None:  # fmt: skip
    """One logged-in official's closed loop, from `delay` seconds on until `until`
    (time.monotonic)."""
    time.sleep(delay)
    round_ = 0

    def timed(page: str, answer: tuple[int, float, bytes, Any]) -> bytes:
        samples.append((page, answer[0], answer[1], time.monotonic()))
        return answer[2]

    while time.monotonic() < until:
        task = person["tasks"][round_ % len(person["tasks"])]
        try:
            timed("workspace", me.send("GET", "/plans/workspace/"))
            timed("task page", me.send("GET", f"/plans/tasks/{task}/"))
            timed("submit report (PDF)", me.report(task, round_))
            page = timed("task page", me.send("GET", f"/plans/tasks/{task}/"))
            found = re.search(rb"/plans/reports/(\d+)/(accept)/", page)
            decision = "accept" if round_ % 2 == 0 else "return"
            if found is None:
                samples.append(("accept/return report", -2, 0.0, time.monotonic()))  # none
            else:
                path = f"/plans/reports/{found[1].decode()}/{decision}/"
                reason = {"reason": "Thiếu tài liệu minh chứng kết quả."}
                timed("accept/return report", me.form(path, {} if decision == "accept" else reason))
            timed("briefing", me.send("GET", f"/briefing/{month}/"))
            timed("ratings", me.send("GET", f"/ratings/{month}/"))
            timed("tasks XLSX", me.send("GET", "/plans/tasks.xlsx"))
        except OSError:
            samples.append(("no answer", -1, 0.0, time.monotonic()))
        round_ += 1


def healthz_loop(me: Official, until: float, samples: list[Sample]) -> None:
    while time.monotonic() < until:
        try:
            answer = exchange(me.port, "GET", "/healthz", None, me.address, TIMEOUT_S)
            samples.append(("/healthz", answer[0], answer[1], time.monotonic()))
        except OSError:
            samples.append(("/healthz", -1, 0.0, time.monotonic()))


def officials_process(
    port: int, data: dict[str, Any], seconds: float, baseline: bool, ready: Any, out: Any
) -> None:
    """Log every official in (not timed), set `ready`, then run their closed loops (or the
    /healthz baseline), one thread each: the officials start one after another over RAMP_S
    seconds, then all of them work for `seconds`; put the samples, the moment the measured
    window began and the server's CPU seconds in the window (web, database) on `out`."""
    people = data["officials"]
    officials = [Official(port, person["address"]) for person in people]
    if not baseline:
        with ThreadPoolExecutor(8) as pool:
            pairs = zip(officials, people, strict=True)
            list(pool.map(lambda pair: pair[0].login(pair[1]["username"]), pairs))
    ready.set()
    samples: list[Sample] = []
    ramp = 0.0 if baseline else RAMP_S
    window = time.monotonic() + ramp
    until = window + seconds
    threads = [
        threading.Thread(
            target=healthz_loop if baseline else official_loop,
            args=(me, until, samples)
            if baseline
            else (me, person, data["month"], until, samples, ramp * n / len(people)),
        )
        for n, (me, person) in enumerate(zip(officials, people, strict=True))
    ]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, window - time.monotonic()))
    start = cpu_seconds(data["server"], data["database"])
    end = dict(start)
    while time.monotonic() < until:  # read every half second: a process may end in between
        time.sleep(min(0.5, max(0.0, until - time.monotonic())))
        end |= cpu_seconds(data["server"], data["database"])
    for thread in threads:
        thread.join()
    out.put((samples, window, cpu_used(start, end)))


# Citizens ---------------------------------------------------------------------------------


Citizen = tuple[str, int, float, float, str]  # a Sample and the id of the record it stored


def citizen(args: tuple[int, dict[str, Any], int, float]) -> list[Citizen]:
    """Request `index` of the open loop: a survey submission or a petition (one in three):
    (page, status, seconds, when it ended, the stored record's id answered: response id or
    petition code)."""
    port, data, index, start = args
    delay = start + index / (SURVEY_RATE + PETITION_RATE) - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    address = f"198.18.{index // 250 % 250}.{index % 250 + 1}"
    page = "petition submission" if index % 3 == 2 else "survey submission"  # 10 of 30 a second
    try:
        if page == "petition submission":
            status, seconds, ident = petition_submit(
                port, data["conferences"][index % CITIZEN_UNITS], index, address
            )
            return [(page, status, seconds, time.monotonic(), ident if status == 302 else "")]
        body = submission(data["tokens"], index)
        status, seconds, answer, _ = exchange(
            port, "POST", "/api/v1/surveys/responses", body, address, TIMEOUT_S
        )
        found = re.search(r'"id":\s*(\d+)', answer.decode()) if status == 201 else None
        return [(page, status, seconds, time.monotonic(), found[1] if found else "")]
    except OSError:  # no answer within the client's timeout
        return [(page, -1, 0.0, time.monotonic(), "")]


def citizens_process(port: int, data: dict[str, Any], seconds: float, ready: Any, out: Any) -> None:
    """Once `ready` (the officials are logged in), the open loop for the officials' ramp-up
    and `seconds`."""
    ready.wait()
    total = int((SURVEY_RATE + PETITION_RATE) * (RAMP_S + seconds))
    start = time.perf_counter()
    with ThreadPoolExecutor(CITIZEN_THREADS) as pool:
        jobs = [(port, data, i, start) for i in range(total)]
        samples = [sample for part in pool.map(citizen, jobs) for sample in part]
    out.put((samples, time.perf_counter() - start))


def in_processes(*targets: tuple[Any, tuple[Any, ...]]) -> list[Any]:
    """Run each (function, args) in its own forked process with a shared `ready` event and a
    result queue appended to its args; return their results in order."""
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    queues = [context.Queue() for _ in targets]
    processes = [
        context.Process(target=function, args=(*args, ready, queue))
        for (function, args), queue in zip(targets, queues, strict=True)
    ]
    for process in processes:
        process.start()
    results = []
    for queue in queues:
        while True:
            try:
                results.append(queue.get(timeout=5))
                break
            except Empty:
                if any(p.exitcode not in (None, 0) for p in processes):
                    for process in processes:
                        process.terminate()
                    raise RuntimeError("a load process failed (its traceback is above)") from None
    for process in processes:
        process.join()
    return results


# The run ----------------------------------------------------------------------------------


def stored() -> dict[str, set[str]]:
    """The records each writing page creates, by id (progress reports, quality reviews,
    survey responses) or code (petitions)."""
    from cchc.dialogues.models import Petition
    from cchc.plans.models import ProgressReport, QualityReview
    from cchc.surveys.models import Response

    return {
        "submit report (PDF)": {
            str(pk) for pk in ProgressReport.objects.values_list("pk", flat=True)
        },
        "accept/return report": {
            str(pk) for pk in QualityReview.objects.values_list("pk", flat=True)
        },
        "survey submission": {str(pk) for pk in Response.objects.values_list("pk", flat=True)},
        "petition submission": set(Petition.objects.values_list("code", flat=True)),
    }


def measure(database: str, seconds: float, officials: int, directory: Path) -> None:
    from django.db import connections

    data = build(officials)
    before = stored()
    connections.close_all()
    port = free_port()
    log = directory / "gunicorn.log"
    server = start_gunicorn(port, log)
    try:
        print(f"  gunicorn: {WORKERS} workers on 127.0.0.1:{port}, {database}", flush=True)
        data |= {"server": server.pid, "database": connections["default"].settings_dict["NAME"]}
        warm = {**data, "officials": data["officials"][: WORKERS * 2]}
        in_processes((officials_process, (port, warm, 10.0, False)))  # views imported, untimed
        before = stored()
        (samples, window, cpu), (citizens, _citizens_s) = in_processes(
            (officials_process, (port, data, seconds, False)),
            (citizens_process, (port, data, seconds)),
        )
        base_seconds = max(5.0, seconds / 4)
        ((base, _base_window, _base_cpu),) = in_processes(
            (officials_process, (port, data, base_seconds, True))
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
    after = stored()
    rates = (window, seconds, len(base) / base_seconds)
    report(database, samples, citizens, before, after, rates, cpu)


def report(
    database: str,
    samples: list[Sample],
    citizens: list[Citizen],
    before: dict[str, set[str]],
    after: dict[str, set[str]],
    rates: tuple[float, float, float],
    cpu: tuple[float, float],
) -> None:
    """Latencies and the rate from the requests sent in the measured window (after the
    ramp-up); answers, errors and rows stored from every request; the server's CPU per request
    in the window (less sensitive to a slow host than the rate: compare changes by it)."""
    window, seconds, base_rate = rates
    everything = samples + [(page, status, s, end) for page, status, s, end, _ in citizens]
    by_page: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    answered: dict[str, int] = defaultdict(int)
    measured = 0
    for page, status, took, ended in everything:
        in_window = ended - took >= window
        measured += in_window
        if status == EXPECTED.get(page):
            answered[page] += 1
            if in_window:
                by_page[page].append(took * 1000)
        else:
            errors[f"{page} → {status}"] += 1
    rate = measured / seconds
    print(
        f"  {measured:,} requests in the {seconds:.0f} s measured after a {RAMP_S:g} s ramp-up "
        f"({len(everything):,} in all); unexpected answers: {dict(errors)}"
    )
    emit(
        BENCH,
        f"{database}: requests a second",
        rate,
        "req/s",
        ratio=f"{rate / base_rate:.2f}× /healthz's {base_rate:,.0f} req/s",
    )
    web, db = cpu
    # SQLite works inside the gunicorn processes: no database part to show.
    in_db = f" + {db * 1000 / measured:.1f} ms in the database" if database == "postgres" else ""
    print(
        f"  server CPU in the window: {(web + db) / seconds:.2f} cores; per request"
        f" {web * 1000 / measured:.1f} ms in gunicorn{in_db}"
    )
    for page in EXPECTED:
        latencies = by_page.get(page)
        if not latencies or page == "/healthz":
            continue
        p95 = percentile(latencies, 0.95)
        print(
            f"  {database}: {page:<22} n={len(latencies):>6,}"
            f"  p50 {statistics.median(latencies):7.0f}  p95 {p95:7.0f}"
            f"  p99 {percentile(latencies, 0.99):7.0f} ms"
        )
        emit(
            BENCH,
            f"{database}: {page} p95",
            p95,
            "ms",
            target=f"< {P95_TARGET_MS:g} ms",
            ok=p95 < P95_TARGET_MS,
        )
    total_errors = sum(errors.values())
    emit(
        BENCH,
        f"{database}: errors (unexpected or no answer)",
        total_errors,
        "",
        target="= 0",
        ok=total_errors == 0,
    )
    idents = defaultdict(set)
    for page, status, _took, _ended, ident in citizens:
        if status == EXPECTED[page]:
            idents[page].add(ident)
    for page in before:
        new = after[page] - before[page]
        unanswered = errors.get(f"{page} → -1", 0)
        if page in idents:  # the ids answered: each one stored, none twice
            lost = len(idents[page] - new) + answered[page] - len(idents[page])
            late = len(new - idents[page])
        else:
            lost, late = max(0, answered[page] - len(new)), max(0, len(new) - answered[page])
        emit(
            BENCH,
            f"{database}: {page}: rows stored (answered {answered[page]:,})",
            len(new),
            "",
            target="= answered (+ unanswered)",
            ok=lost == 0 and late <= unanswered,
        )
        if late:
            print(f"    {late} stored after their client gave up waiting (no answer: {unanswered})")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database", nargs="?", choices=["sqlite", "postgres"])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of rush (60)")
    parser.add_argument("--officials", type=int, default=50, help="officials (50)")
    args = parser.parse_args(argv)
    if args.database is None:
        options = ["--duration", str(args.duration), "--officials", str(args.officials)]
        failed = 0
        for database in ("sqlite", "postgres"):
            failed |= subprocess.call([sys.executable, __file__, database, *options], cwd=ROOT)  # noqa: S603
        return failed
    print(
        f"rush [{args.database}]: {args.officials} officials, {args.duration:g} s; "
        f"load average {os.getloadavg()[0]:.1f}; {interpreter()}",
        flush=True,
    )
    with workdir() as directory:
        os.environ["CCHC_MEDIA_ROOT"] = str(directory / "media")  # the evidence files
        if args.database == "sqlite":
            setup_django(directory)
            measure("sqlite", args.duration, args.officials, directory)
            return 0
        if not setup_postgres(BENCH, PG_URL):
            return 0
        try:
            measure("postgres", args.duration, args.officials, directory)
        finally:
            drop_postgres(PG_URL)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

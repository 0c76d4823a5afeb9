"""Each page of the month-end rush (bench/rush.py) measured alone, in one process: its server
time, its queries (with their times) and, on request, a cProfile, through Django's test client
with the production settings (DEBUG off, persistent connections) over the rush's own data.

The data (the demo, the 3,400-unit city, the officials and the citizens' campaign; 2–10 minutes)
is built once per database and kept in CCHC_RUSH_PROFILE_DIR (default: a folder in the system's
temporary directory; PostgreSQL: the database cchc_rush_profile, or CCHC_RUSH_PROFILE_PG_URL);
`--rebuild` builds it again. Each run starts from a copy (SQLite) or the same database.

Run: .venv/bin/python bench/rush_profile.py sqlite|postgres [--repeat 20] [--profile PAGE]
     [--sql PAGE] [--plan PAGE] [--sort tottime]
"""

import argparse
import cProfile
import os
import pstats
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import rush
from _common import ROOT, interpreter, setup_django, setup_postgres, snapshot_database
from sipas_load import submission

DIRECTORY = Path(
    os.environ.get("CCHC_RUSH_PROFILE_DIR", Path(tempfile.gettempdir()) / "cchc-rush-profile")
)
PG_URL = os.environ.get(
    "CCHC_RUSH_PROFILE_PG_URL", "postgres://postgres@127.0.0.1:5432/cchc_rush_profile"
)


def prepare(database: str, rebuild: bool) -> dict[str, Any]:
    """Django set up on the rush's data, built when missing; returns bench/rush.py's data."""
    DIRECTORY.mkdir(exist_ok=True)
    os.environ["CCHC_MEDIA_ROOT"] = str(DIRECTORY / "media")
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")
    built = DIRECTORY / f"{database}.data"
    fresh = rebuild or not built.exists()
    if database == "sqlite":
        template = DIRECTORY / "template.sqlite3"
        if not fresh:
            shutil.copyfile(template, DIRECTORY / "bench.sqlite3")
            for suffix in ("-wal", "-shm"):
                (DIRECTORY / f"bench.sqlite3{suffix}").unlink(missing_ok=True)
        path = setup_django(DIRECTORY)
        if fresh:
            built.write_text(repr(rush.build(50)))
            snapshot_database(path, template)
    elif fresh:
        setup_postgres("rush", PG_URL)
        built.write_text(repr(rush.build(50)))
    else:  # the database built before, as setup_postgres points at it
        import django

        os.environ |= {
            "DATABASE_URL": PG_URL,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "CCHC_LOG_LEVEL": "WARNING",
        }
        os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        django.setup()
    data: dict[str, Any] = eval(built.read_text())  # noqa: S307 - the repr written above
    return data


def pages(data: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """The rush's requests, an official's as in rush.official_loop (logged in as the first
    official), the citizens' from a fresh address each time."""
    from django.contrib.auth.hashers import make_password
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from cchc.accounts.models import User

    person = data["officials"][0]
    # rush.PASSWORD is drawn anew by each process: give the official this process's one.
    User.objects.filter(username=person["username"]).update(password=make_password(rush.PASSWORD))
    official, citizen = Client(REMOTE_ADDR="10.9.0.1"), Client()
    official.post("/accounts/login/", {"username": person["username"], "password": rush.PASSWORD})
    task, month = person["tasks"][0], data["month"]
    state = {"round": 0}

    def address(network: int) -> str:
        state["round"] += 1
        return f"198.{network}.{state['round'] // 250 % 250}.{state['round'] % 250 + 1}"

    def report() -> Any:
        """A report with a PDF, the task page it lands on, then accepting or returning it
        (in turn): rush.official_loop's three requests, so that no report stays pending."""
        state["round"] += 1
        # The other tasks in turn: the task page measured alone keeps its few reports.
        other = person["tasks"][1 + state["round"] % (len(person["tasks"]) - 1)]
        pdf = SimpleUploadedFile("bao-cao.pdf", rush.PDF, "application/pdf")
        fields = {"percent": str(state["round"] * 7 % 100), "narrative": "Đã rà soát hồ sơ."}
        answer = official.post(f"/plans/tasks/{other}/report/", {**fields, "evidence": pdf})
        assert answer.status_code == 302, answer.content
        page = official.get(f"/plans/tasks/{other}/").content
        found = re.search(rb"/plans/reports/(\d+)/accept/", page)
        assert found is not None
        if state["round"] % 2:
            return official.post(f"/plans/reports/{found[1].decode()}/accept/")
        reason = {"reason": "Thiếu tài liệu minh chứng kết quả."}
        return official.post(f"/plans/reports/{found[1].decode()}/return/", reason)

    def survey() -> Any:
        citizen.cookies.clear()
        body = submission(data["tokens"], state["round"])
        return citizen.post(
            "/api/v1/surveys/responses", body, "application/json", REMOTE_ADDR=address(18)
        )

    def petition() -> Any:
        citizen.cookies.clear()
        n = state["round"]
        path = f"/dialogues/c/{data['conferences'][n % len(data['conferences'])]}/petition/"
        fields = {
            "submitter_type": "citizen",
            "title": f"Kiến nghị số {n}",
            "content": f"Đề nghị sửa đèn đường ngõ {n}, hỏng đã {n % 30 + 1} ngày.",
        }
        return citizen.post(path, fields, REMOTE_ADDR=address(19))

    return {
        "workspace": lambda: official.get("/plans/workspace/"),
        "task page": lambda: official.get(f"/plans/tasks/{task}/"),
        "report, task page, decision": report,
        "briefing": lambda: official.get(f"/briefing/{month}/"),
        "ratings": lambda: official.get(f"/ratings/{month}/"),
        "tasks XLSX": lambda: official.get("/plans/tasks.xlsx"),
        "petition form": lambda: citizen.get(f"/dialogues/c/{data['conferences'][0]}/petition/"),
        "survey submission": survey,
        "petition submission": petition,
        "/healthz": lambda: official.get("/healthz"),
    }


def measure(name: str, page: Callable[[], Any], args: argparse.Namespace) -> None:
    from django.db import connection

    for _ in range(3):  # templates compiled, caches warm
        page()
    queries: list[str] = []
    selects: list[tuple[str, Any]] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(f"{(time.perf_counter() - start) * 1000:7.2f} ms  {sql[:300]}")
            if sql.lstrip().startswith("SELECT"):
                selects.append((sql, params))

    with connection.execute_wrapper(timed):
        status = page().status_code
    profiler = cProfile.Profile() if args.profile == name else None
    times, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        page()
        if profiler:
            profiler.disable()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    print(
        f"{name:<28} {status}  median {statistics.median(times):7.1f} ms"
        f"  min {min(times):7.1f} ms  this process's CPU {statistics.median(cpu):6.1f} ms"
        f" (min {min(cpu):5.1f})"
        f"  queries {len(queries)}",
        flush=True,
    )
    if args.sql in (name, "all"):
        print("\n".join(queries))
    if args.plan in (name, "all"):
        print("\n".join(plan_times(selects)))
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(50)


PLAN_KEYS = ("Planning Time", "Execution Time")


def plan_times(selects: list[tuple[str, Any]]) -> list[str]:
    """PostgreSQL's planning and execution time of each SELECT (EXPLAIN ANALYZE, median of
    5): what a query costs the server, apart from the round trip and the ORM."""
    from django.db import connection

    lines = []
    with connection.cursor() as cursor:
        for sql, params in selects:
            runs = []
            for _ in range(5):
                cursor.execute(f"EXPLAIN (ANALYZE, SUMMARY) {sql}", params)
                summary = dict(
                    row[0].split(": ") for row in cursor.fetchall() if row[0].endswith(" ms")
                )
                runs.append([float(summary[key].split()[0]) for key in PLAN_KEYS])
            planning, execution = (statistics.median(run[i] for run in runs) for i in (0, 1))
            lines.append(f"  plan {planning:6.2f} ms  run {execution:6.2f} ms  {sql[:200]}")
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database", choices=["sqlite", "postgres"])
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (20)")
    parser.add_argument("--profile", default="", help="a page to profile (its name above)")
    parser.add_argument("--sql", default="", help="a page whose queries to print (all: every page)")
    parser.add_argument(
        "--plan", default="", help="PostgreSQL: a page whose SELECTs to EXPLAIN (all: every page)"
    )
    parser.add_argument("--sort", default="cumulative", help="the profile's order")
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    args = parser.parse_args(argv)
    data = prepare(args.database, args.rebuild)
    print(
        f"rush_profile [{args.database}]: load average {os.getloadavg()[0]:.1f}; {interpreter()}",
        flush=True,
    )
    for name, page in pages(data).items():
        measure(name, page, args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

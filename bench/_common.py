"""Shared pieces of the benchmarks: a throw-away SQLite database, timing, and result records.

Each bench_*.py module runs as its own process (bench/run.py starts them), so that one
benchmark's caches and memory high-water mark never leak into another's figures. A module prints
its figures for a person and, when run.py asks for it, one `##bench {json}` line per figure for
the summary table.
"""

import json
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RECORD_PREFIX = "##bench "
RECORDS_ENV = "CCHC_BENCH_RECORDS"  # set by run.py: print the machine-readable records too


def setup_django(workdir: Path) -> Path:
    """Point Django at a fresh SQLite file in `workdir`, set it up and migrate. Returns the path.

    Must run before anything imports Django models: settings read the environment once.
    """
    db_path = workdir / "bench.sqlite3"
    os.environ.pop("DATABASE_URL", None)  # benchmarks always run on their own SQLite file
    os.environ["CCHC_SQLITE_PATH"] = str(db_path)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG=True would log every query and skew timings
    # With DEBUG off the settings refuse the development key: a throwaway one per run.
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("CCHC_LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return db_path


@contextmanager
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def snapshot_database(db_path: Path, copy: Path) -> None:
    """Copy the (closed, checkpointed) SQLite file, so a scenario can start from it."""
    from django.db import connection

    connection.close()  # the last connection closing checkpoints the WAL into the main file
    shutil.copyfile(db_path, copy)


def use_database(path: Path) -> None:
    """Switch the default connection to another SQLite file (closing the current one)."""
    from django.conf import settings
    from django.db import connection

    connection.close()
    settings.DATABASES["default"]["NAME"] = str(path)
    connection.settings_dict["NAME"] = str(path)


def fresh_database(template: Path, workdir: Path, name: str) -> Path:
    """A new copy of the migrated, empty `template` database, made the current one."""
    path = workdir / f"{name}.sqlite3"
    shutil.copyfile(template, path)
    use_database(path)
    return path


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def median_seconds(function: Callable[[], Any], *, repeat: int, warmup: int) -> float:
    for _ in range(warmup):
        function()
    return statistics.median(timed(function)[0] for _ in range(repeat))


def _reference_work() -> int:
    """A fixed pure-Python workload (dicts, strings, JSON, small objects): what a web request
    spends its CPU on, without I/O."""
    table = {f"key{n}": [n, str(n), {"n": n}] for n in range(10_000)}
    text = json.dumps(table)

    class Box:
        def __init__(self, value: int) -> None:
            self.value = value

        def next(self) -> int:
            return self.value + 1

    return len(text) + sum(Box(n).next() for n in range(25_000))


def interpreter() -> str:
    """The Python running the bench and its speed on a reference workload (median of 7, CPU
    time): the figures of a CPU-bound bench scale with it. On one 2-core host: pyenv's default
    builds 40.7 ms (3.12.1) and 33.5 ms (3.13.0), Debian 12's python3.11 21.9 ms, 3.13.15
    built with --enable-optimizations --with-lto 17.3-18.2 ms (docs/operations.md, "Supported
    systems and Python 3.12")."""
    times = []
    for _ in range(7):
        start = time.process_time()
        _reference_work()
        times.append(time.process_time() - start)
    return (
        f"Python {sys.version.split()[0]} ({sys.executable}); "
        f"reference workload {statistics.median(times) * 1000:.1f} ms"
    )


def max_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def emit(
    bench: str,
    measure: str,
    value: float,
    unit: str,
    *,
    target: str = "",
    ok: bool | None = None,
    ratio: str = "",
) -> None:
    """Print one figure for a person, and its record for run.py's summary table."""
    figure = f"{value:>10,}" if isinstance(value, int) else f"{value:>10,.3f}"
    text = f"  {measure:<52} {figure} {unit:<6}"
    if ratio:
        text += f"  {ratio}"
    if target:
        text += f"  [target {target}: {verdict(bool(ok))}]"
    print(text)
    record = {
        "bench": bench,
        "measure": measure,
        "value": value,
        "unit": unit,
        "target": target,
        "ok": ok,
        "ratio": ratio,
    }
    if os.environ.get(RECORDS_ENV):
        print(RECORD_PREFIX + json.dumps(record, ensure_ascii=False), flush=True)


def setup_postgres(bench: str, url: str) -> bool:
    """Create a fresh database at `url`, point Django at it and migrate; False (with a line
    saying so) when the server is not reachable."""
    import psycopg

    base, name = url.rsplit("/", 1)
    try:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        print(f"{bench} [postgres]: skipped, the server is not reachable ({error})")
        return False
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.setdefault("CCHC_LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return True


def drop_postgres(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run_on_databases(
    args: list[str], *, bench: str, script: str, pg_url: str, measure: Callable[[str], None]
) -> int:
    """The main of a benchmark that measures SQLite and PostgreSQL: with a database name in
    `args`, `measure` it (a throw-away SQLite, or a fresh PostgreSQL database at `pg_url`);
    without, run `script` once per database, each in its own process so that ru_maxrss and
    caches stay each database's own."""
    if not args:
        failed = 0
        for database in ("sqlite", "postgres"):
            failed |= subprocess.call([sys.executable, script, database], cwd=ROOT)  # noqa: S603
        return failed
    if args[0] == "sqlite":
        with workdir() as directory:
            setup_django(directory)
            measure("sqlite")
        return 0
    if not setup_postgres(bench, pg_url):
        return 0
    try:
        measure("postgres")
    finally:
        drop_postgres(pg_url)
    return 0

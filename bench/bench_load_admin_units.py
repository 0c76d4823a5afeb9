"""How fast, and in how much memory, `load_admin_units` fills an empty database.

Scenarios, each on a fresh copy of one migrated, empty SQLite database:

0. in a child process with an empty bytecode cache (PYTHONPYCACHEPREFIX), the full load as the
   first run after installing: vietnam-provinces ships its data as large Python modules, and
   compiling them costs far more time and memory than importing them from .pyc files;
1. the full load (current units plus the pre-2025 units and their successor links), first in
   the process, so that the memory high-water mark after it is what `manage.py seed_demo` needs;
2. the same call again on that database (idempotent: must change nothing);
3. the current units only;
4. baseline: the current units inserted one `OrgUnit.objects.create` at a time in one
   transaction, the obvious way to write a loader; ratio naive/bulk over scenario 3;
5. tracemalloc's peak of the load call alone (the package's data is already cached by then, so
   this is what the loader itself allocates; tracemalloc slows the call, so it is not timed).

Run: .venv/bin/python bench/bench_load_admin_units.py (or `make bench` for all benchmarks).
"""

import gc
import json
import os
import statistics
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

from _common import (
    emit,
    fresh_database,
    max_rss_mb,
    setup_django,
    snapshot_database,
    timed,
)
from _common import workdir as make_workdir

BENCH = "load_admin_units"
FULL_LOAD_TARGET_S = 15.0
PEAK_MEMORY_TARGET_MB = 300.0
REPEAT = 3


def load(*, legacy: bool) -> Any:
    from cchc.orgunits.actions import load_admin_units

    return load_admin_units(actor=None, legacy=legacy)


def naive_load_current() -> int:
    """The current units, one INSERT per unit, inside one transaction. Returns the count."""
    from django.db import transaction

    from cchc.orgunits import admin_units
    from cchc.orgunits.models import OrgUnit, fold

    placed: dict[admin_units.Key, tuple[int, str]] = {}  # key -> (id, path)
    with transaction.atomic():
        for rows in admin_units.current_levels():
            for row in rows:
                parent_id, base = placed[row.parent] if row.parent else (None, "/")
                path = f"{base}{OrgUnit.path_segment(row.code, row.legacy)}/"
                unit = OrgUnit.objects.create(
                    code=row.code,
                    legacy=row.legacy,
                    kind=row.kind,
                    name=row.name,
                    short_name=row.short_name,
                    search_name=fold(f"{row.name} {row.short_name}"),
                    parent_id=parent_id,
                    valid_from=row.valid_from,
                    valid_to=row.valid_to,
                    path=path,
                    depth=path.count("/") - 2,
                )
                placed[row.key] = (unit.id, path)
    return len(placed)


def rows_written(result: Any) -> int:
    return int(result.created + result.links_created)


def traced_peak_mb(*, legacy: bool) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        load(legacy=legacy)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def check_counts(*, legacy: bool, result: Any) -> None:
    from cchc.orgunits.models import OrgUnit

    units = OrgUnit.objects.count()
    links = OrgUnit.successors.through.objects.count()
    assert result.created == units, (result, units)
    assert result.links_created == links, (result, links)
    assert legacy or links == 0


COLD_FLAG = "--cold-child"


def cold_child(workdir: Path) -> None:
    """Scenario 0, inside the child process: migrate, full load, print the figures as JSON."""
    setup_django(workdir)
    seconds, result = timed(lambda: load(legacy=True))
    check_counts(legacy=True, result=result)
    print(json.dumps({"seconds": seconds, "rss_mb": max_rss_mb(), "rows": rows_written(result)}))


def run_cold(workdir: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(workdir / "pycache")}
    child = subprocess.run(  # noqa: S603 - this very script, with this interpreter
        [sys.executable, __file__, COLD_FLAG],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def report_cold(workdir: Path) -> None:
    cold = run_cold(workdir)
    emit(
        BENCH,
        "full load, first run after install (cold .pyc)",
        cold["seconds"],
        "s",
        target=f"< {FULL_LOAD_TARGET_S:g} s",
        ok=cold["seconds"] < FULL_LOAD_TARGET_S,
    )
    emit(
        BENCH,
        "  peak RSS of that process (ru_maxrss)",
        cold["rss_mb"],
        "MB",
        target=f"< {PEAK_MEMORY_TARGET_MB:g} MB",
        ok=cold["rss_mb"] < PEAK_MEMORY_TARGET_MB,
    )


def run(workdir: Path) -> None:
    template = workdir / "template.sqlite3"
    rss_django = max_rss_mb()
    snapshot_database(setup_django(workdir), template)
    rss_migrated = max_rss_mb()
    print(f"{BENCH}: Django set up and migrated; peak RSS so far {rss_migrated:,.0f} MB")
    report_cold(workdir)

    # 1. Full load, first in the process.
    fresh_database(template, workdir, "full")
    full_s, full = timed(lambda: load(legacy=True))
    rss_full = max_rss_mb()
    check_counts(legacy=True, result=full)
    emit(
        BENCH,
        "full load (legacy=True)",
        full_s,
        "s",
        target=f"< {FULL_LOAD_TARGET_S:g} s",
        ok=full_s < FULL_LOAD_TARGET_S,
    )
    emit(
        BENCH,
        f"  rows written ({full.created:,} units + {full.links_created:,} links)",
        rows_written(full) / full_s,
        "rows/s",
    )
    emit(
        BENCH,
        "peak RSS after full load, warm .pyc (ru_maxrss)",
        rss_full,
        "MB",
        target=f"< {PEAK_MEMORY_TARGET_MB:g} MB",
        ok=rss_full < PEAK_MEMORY_TARGET_MB,
    )
    emit(BENCH, "  of which the load added", rss_full - rss_migrated, "MB")

    # 2. Idempotent second run on the loaded database.
    again_s, again = timed(lambda: load(legacy=True))
    assert not again.changed, again
    emit(
        BENCH,
        "second run, nothing to change (legacy=True)",
        again_s,
        "s",
        ratio=f"{again_s / full_s:.2f}x the first run",
    )

    # 3. Current units only, and 4. the naive baseline on the same work, interleaved and
    # repeated because a one-second figure on a shared two-core machine is noisy.
    current_runs, naive_runs = [], []
    for attempt in range(REPEAT):
        fresh_database(template, workdir, f"current-{attempt}")
        current_s, current = timed(lambda: load(legacy=False))
        check_counts(legacy=False, result=current)
        current_runs.append(current_s)
        fresh_database(template, workdir, f"naive-{attempt}")
        naive_s, naive_rows = timed(naive_load_current)
        assert naive_rows == current.created, (naive_rows, current.created)
        naive_runs.append(naive_s)
    current_s, naive_s = statistics.median(current_runs), statistics.median(naive_runs)
    emit(BENCH, f"current units only (legacy=False), median of {REPEAT}", current_s, "s")
    emit(
        BENCH, f"  rows written ({current.created:,} units)", current.created / current_s, "rows/s"
    )
    emit(
        BENCH,
        f"baseline: naive create() per unit, median of {REPEAT}",
        naive_s,
        "s",
        ratio=f"naive/bulk = {naive_s / current_s:.1f}x",
    )

    # 5. What the load call itself allocates (package data already cached in this process).
    fresh_database(template, workdir, "traced-current")
    emit(BENCH, "tracemalloc peak of the load, current only", traced_peak_mb(legacy=False), "MB")
    fresh_database(template, workdir, "traced-full")
    emit(BENCH, "tracemalloc peak of the load, legacy=True", traced_peak_mb(legacy=True), "MB")
    print(f"{BENCH}: RSS before Django set-up {rss_django:,.0f} MB")


def main() -> int:
    with make_workdir() as workdir:
        if COLD_FLAG in sys.argv:
            cold_child(workdir)
        else:
            run(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())

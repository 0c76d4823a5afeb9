"""Run every bench/bench_*.py in its own process and print a summary table.

Usage: .venv/bin/python bench/run.py [name ...]   (`make bench` runs them all; a name runs the
modules whose file name contains it, e.g. `tree`.) The modules are bench/bench_*.py,
bench/tally.py (the month close), bench/ratings.py (rating the closed month),
bench/indices.py (the reform index's results, results page and annex import), bench/composite.py
(the composite index engine and its uncertainty analysis, no database), bench/retention.py (the
personal-data retention job over 1,000,000 records), bench/sipas_load.py (the public survey
submission under load through gunicorn) and bench/rush.py (the month-end rush: officials and
citizens at once through gunicorn, 60 s), the database ones on
SQLite and PostgreSQL, each running itself once per database.

Each module prints its own figures as it goes; the summary repeats the figures that have a
ratio or a target. Exits non-zero when a benchmark fails to run; a missed target is reported but
does not fail the run, because the figures on a shared machine are indicative.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _common import RECORD_PREFIX, RECORDS_ENV, ROOT

BENCH_DIR = Path(__file__).resolve().parent


def modules(names: list[str]) -> list[Path]:
    found = sorted(
        [
            *BENCH_DIR.glob("bench_*.py"),
            BENCH_DIR / "tally.py",
            BENCH_DIR / "ratings.py",
            BENCH_DIR / "indices.py",
            BENCH_DIR / "dialogues.py",
            BENCH_DIR / "inspections.py",
            BENCH_DIR / "sipas_load.py",
            BENCH_DIR / "petition_load.py",
            BENCH_DIR / "procedures.py",
            BENCH_DIR / "staffing.py",
            BENCH_DIR / "composite.py",
            BENCH_DIR / "rush.py",
            BENCH_DIR / "retention.py",
            BENCH_DIR / "par_report.py",
            BENCH_DIR / "services.py",
        ]
    )
    return [path for path in found if not names or any(name in path.stem for name in names)]


def run_module(path: Path) -> tuple[int, float, list[dict[str, Any]]]:
    """Run one module, echoing its output; return its exit code, wall time and records."""
    print(f"\n=== {path.stem} ===", flush=True)
    records = []
    start = time.perf_counter()
    with subprocess.Popen(  # noqa: S603 - our own bench modules, with this interpreter
        [sys.executable, str(path)],
        cwd=ROOT,
        env={**os.environ, RECORDS_ENV: "1", "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith(RECORD_PREFIX):
                records.append(json.loads(line[len(RECORD_PREFIX) :]))
            else:
                print(line, end="", flush=True)
    return child.returncode, time.perf_counter() - start, records


def summary(results: list[tuple[Path, int, float, list[dict[str, Any]]]]) -> str:
    rows = [("benchmark", "measure", "figure", "ratio", "target")]
    for path, code, seconds, records in results:
        bench = path.stem.removeprefix("bench_")
        if code != 0:
            rows.append((bench, f"FAILED (exit {code}) after {seconds:.0f} s", "", "", ""))
        for record in records:
            if not (record["ratio"] or record["target"]):
                continue
            value = record["value"]
            figure = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
            target = ""
            if record["target"]:
                target = f"{record['target']} {'ok' if record['ok'] else 'MISSED'}"
            rows.append(
                (
                    record["bench"],
                    record["measure"].strip(),
                    f"{figure} {record['unit']}".strip(),
                    record["ratio"],
                    target,
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def main(names: list[str]) -> int:
    paths = modules(names)
    if not paths:
        print(f"No benchmark matches {names}.")
        return 2
    results = [(path, *run_module(path)) for path in paths]
    print("\n=== summary ===")
    print(summary(results))
    missed = sum(1 for *_, records in results for r in records if r["target"] and not r["ok"])
    failed = [path.stem for path, code, *_ in results if code != 0]
    total = sum(seconds for _, _, seconds, _ in results)
    print(f"\n{len(results)} benchmarks in {total:.0f} s; {missed} targets missed", end="")
    print(f"; failed: {', '.join(failed)}" if failed else "")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

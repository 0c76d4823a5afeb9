"""The Decision 766 service index at city scale (issue #21).

Set-up (timed apart, not app code): 160 units (60 departments, 100 wards) under a city, and a
CSV of N dossiers (default 10,000,000; CCHC_BENCH_SERVICES_ROWS overrides) over the 24 months
before the current one, generated vectorised with numpy: volumes per unit drawn once, a
procedure among 200, channel, due times of 3–15 days, 3% still in progress, each unit its own
lateness (a few visibly late).

Measured, on SQLite and on PostgreSQL (each in its own process):
- the import (`cchc.services.imports.import_source`: one streamed pass in chunks of
  100,000 rows, upsert by code, the counts of every touched month recomputed): rows/s and
  the process's peak memory (target < 1 GB);
- the monthly computation for all units (recount the month's DossierCount rows from the
  dossiers set-wise, then score every unit through the composite engine): median of 3 (target
  < 5 s), and the scoring alone from the stored counts;
- baseline in the same process: the same month's rates with pandas over the same dossiers held
  in memory (the "columnar" alternative), whose on-time counts must equal ours; and, when the
  optional `duckdb` is importable (not a project dependency: e.g. PYTHONPATH to a directory it
  was installed in with `uv pip install --target`), DuckDB's over the CSV and over a Parquet
  file written from it;
- a unit's late-dossier page: median server time of 5 requests (target < 300 ms).

Run: .venv/bin/python bench/services.py [sqlite|postgres]. CCHC_BENCH_SERVICES_CSV=path reuses
the CSV (and its .npz) at that path when an earlier run generated it with the same number of
rows in the same month, and otherwise generates it there. PostgreSQL: a database
cchc_bench_services (CCHC_BENCH_PG_URL overrides the server part, CCHC_BENCH_PG_DB the name).
"""

import datetime
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _common import emit, max_rss_mb, median_seconds, run_on_databases, timed

BENCH = "services"
ROWS = int(os.environ.get("CCHC_BENCH_SERVICES_ROWS", "10000000"))
PG_SERVER = os.environ.get("CCHC_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/x")
PG_URL = (
    PG_SERVER.rsplit("/", 1)[0] + "/" + os.environ.get("CCHC_BENCH_PG_DB", "cchc_bench_services")
)
UNITS, DEPARTMENTS, PROCEDURES = 160, 60, 200
COMPUTE_TARGET_S, PAGE_TARGET_S, MEMORY_TARGET_MB = 5.0, 0.3, 1024


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def months() -> list[datetime.date]:
    first = datetime.date.today().replace(day=1)
    out = []
    for _ in range(24):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        out.append(first)
    return out[::-1]


def _unit(code: str, kind: str, name: str, parent: Any) -> Any:
    from cchc.core.text import fold
    from cchc.orgunits.models import OrgUnit

    unit = OrgUnit(code=code, kind=kind, name=name, parent=parent, search_name=fold(name))
    unit.path = unit.compute_path()
    unit.depth = unit.path.count("/") - 2
    unit.save()
    return unit


def build_units() -> list[Any]:
    from cchc.orgunits.models import OrgUnit

    city = _unit("01", OrgUnit.Kind.PROVINCE, "Hà Nội", None)
    units = []
    for i in range(UNITS):
        dept = i < DEPARTMENTS
        code = f"01-S{i:03d}" if dept else f"{10000 + i:05d}"
        kind = OrgUnit.Kind.DEPARTMENT if dept else OrgUnit.Kind.WARD
        name = f"Sở {i:03d}" if dept else f"Phường {i:03d}"
        units.append(_unit(code, kind, name, city))
    return units


CHUNK = 200_000


def _text(values: np.ndarray) -> np.ndarray:
    return values.astype(np.dtypes.StringDType())


def _minutes(moments: np.ndarray) -> np.ndarray:
    """datetime64[m] as `YYYY-MM-DD HH:MM` (C ufuncs of numpy.strings, no Python per row)."""
    return np.strings.replace(_text(np.datetime_as_string(moments, unit="m")), "T", " ")


def _flag(mask: np.ndarray) -> np.ndarray:
    return _text(np.where(mask, "1", "0"))


def generate(path: Path, codes: list[str], rows: int, seed: int = 21) -> Path:
    """Write the dossiers CSV in chunks of CHUNK rows (bounded memory), each chunk's lines
    built column-wise with numpy's string ufuncs; keep the columns the pandas baseline needs
    in a .npz beside it, read back only after the import."""
    from cchc.services.imports import DOSSIER_COLUMNS

    rng = np.random.default_rng(seed)
    span = months()
    start = np.datetime64(span[0], "m")
    minutes = int((np.datetime64(datetime.date.today().replace(day=1), "m") - start).astype(int))
    weight = rng.lognormal(0, 0.8, len(codes))
    p = weight / weight.sum()
    code_array = np.array(codes)
    unit_text = _text(code_array)
    late_of_unit = np.where(np.arange(len(codes)) % 25 == 15, 0.25, 0.03)
    parts: dict[str, list[np.ndarray]] = {"unit": [], "received": [], "due": [], "returned": []}
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(DOSSIER_COLUMNS) + "\n")
        for offset in range(0, rows, CHUNK):
            n = min(CHUNK, rows - offset)
            unit = rng.choice(len(codes), size=n, p=p).astype(np.int16)
            received = start + rng.integers(0, minutes - 1440 * 20, n).astype("timedelta64[m]")
            due = received + (rng.integers(3, 16, n) * 1440).astype("timedelta64[m]")
            late = rng.random(n) < late_of_unit[unit]
            took = np.where(late, rng.uniform(1.05, 1.6, n), rng.uniform(0.2, 0.98, n))
            span_m = (due - received).astype(np.int64)
            returned = received + np.floor(span_m * took).astype("timedelta64[m]")
            open_ = rng.random(n) < 0.03
            online = rng.random(n) < 0.6
            columns = [
                np.strings.add("HS", _text(np.arange(offset, offset + n))),
                np.strings.add("1.", _text(rng.integers(0, PROCEDURES, n) + 100000)),
                unit_text[unit],
                _text(np.where(online, "truc_tuyen", "truc_tiep")),
                _minutes(received),
                _minutes(due),
                np.where(open_, _text(np.array([""])), _minutes(returned)),
                _flag(online & (rng.random(n) < 0.5)),
                _flag(online & (rng.random(n) < 0.4)),
                _flag(rng.random(n) < 0.5),
                _flag(rng.random(n) < 0.7),
                _text(np.where(rng.random(n) < 0.02, "khong_hai_long", "")),
            ]
            line = columns[0]
            for column in columns[1:]:
                line = np.strings.add(np.strings.add(line, ","), column)
            handle.write("\n".join(line.tolist()) + "\n")
            parts["unit"].append(unit)
            parts["received"].append(received)
            parts["due"].append(due)
            parts["returned"].append(np.where(open_, np.datetime64("NaT", "m"), returned))
    baseline = path.with_suffix(".npz")
    np.savez(baseline, codes=code_array, **{k: np.concatenate(v) for k, v in parts.items()})
    return baseline


def load_baseline(baseline: Path) -> pd.DataFrame:
    data = np.load(baseline)
    return pd.DataFrame(
        {
            "unit": pd.Categorical.from_codes(data["unit"], categories=data["codes"]),
            "received": data["received"].astype("datetime64[ns]"),
            "due": data["due"].astype("datetime64[ns]"),
            "returned": data["returned"].astype("datetime64[ns]"),
        }
    )


def pandas_on_time(frame: pd.DataFrame, month: datetime.date) -> dict[str, tuple[int, int]]:
    """(handled, on time) per unit code for the month, with pandas (naive local times)."""
    start = pd.Timestamp(month)
    end = start + pd.offsets.MonthBegin(1)
    at = end - pd.Timedelta(minutes=1)
    ret = frame["returned"]
    handled = (frame["received"] < end) & (ret.isna() | (ret >= start))
    done = ret.notna() & (ret < end)
    on_time = (done & (ret <= frame["due"])) | (~done & (frame["due"] > at))
    sub = pd.DataFrame({"unit": frame["unit"][handled], "on_time": on_time[handled]})
    grouped = sub.groupby("unit", observed=True)["on_time"].agg(["size", "sum"])
    return {u: (int(r["size"]), int(r["sum"])) for u, r in grouped.iterrows()}


DUCKDB_ON_TIME = """
    SELECT unit, COUNT(*) AS handled,
        SUM(CASE WHEN (returned IS NOT NULL AND returned < $end AND returned <= due)
                   OR (NOT (returned IS NOT NULL AND returned < $end) AND due > $at)
            THEN 1 ELSE 0 END) AS on_time
    FROM dossiers
    WHERE received < $end AND (returned IS NULL OR returned >= $start)
    GROUP BY unit
"""


def duckdb_on_time(csv: Path, month: datetime.date) -> dict[str, Any] | None:
    """The same month's (handled, on time) per unit with DuckDB (optional: None when it is not
    installed; not a project dependency): over the CSV itself, and over a Parquet file written
    from it (the columnar store the decision weighed), with the conversion's time."""
    try:
        import duckdb
    except ImportError:
        return None
    start = pd.Timestamp(month)
    end = start + pd.offsets.MonthBegin(1)
    params = {"start": start, "end": end, "at": end - pd.Timedelta(minutes=1)}
    parquet = csv.with_suffix(".parquet")
    columns = (
        "ma_don_vi AS unit, strptime(ngay_tiep_nhan, '%Y-%m-%d %H:%M') AS received, "
        "strptime(han_xu_ly, '%Y-%m-%d %H:%M') AS due, "
        "CASE WHEN ngay_tra_ket_qua = '' THEN NULL "
        "ELSE strptime(ngay_tra_ket_qua, '%Y-%m-%d %H:%M') END AS returned"
    )
    source = f"(SELECT {columns} FROM read_csv('{csv}', all_varchar = true))"  # noqa: S608 (the bench's own file)
    con = duckdb.connect()
    out: dict[str, Any] = {}

    def query(table: str) -> dict[str, tuple[int, int]]:
        sql = DUCKDB_ON_TIME.replace("FROM dossiers", f"FROM {table}")
        rows = con.execute(sql, params).fetchall()
        return {u: (int(h), int(t)) for u, h, t in rows}

    out["csv_s"], out["counts"] = timed(lambda: query(source))
    out["convert_s"], _ = timed(
        lambda: con.execute(f"COPY {source} TO '{parquet}' (FORMAT parquet)")
    )
    out["parquet_s"] = median_seconds(
        lambda: query(f"read_parquet('{parquet}')"), repeat=3, warmup=1
    )
    parquet.unlink()
    return out


def measure(database: str) -> None:
    from tempfile import mkdtemp

    from django.test import Client

    from cchc.accounts.models import User
    from cchc.services.actions import refresh_months, score_month
    from cchc.services.imports import import_source, path_source
    from cchc.services.models import ImportRun, MonthScore

    units = build_units()
    given = os.environ.get("CCHC_BENCH_SERVICES_CSV")
    if given and Path(given).exists():  # generated by an earlier run (same rows, same month)
        path, baseline = Path(given), Path(given).with_suffix(".npz")
        print(f"{BENCH} [{database}]: reusing {path} ({path.stat().st_size / 1e6:,.0f} MB)")
    else:  # into CCHC_BENCH_SERVICES_CSV when given, for the next run to reuse
        path = Path(given) if given else Path(mkdtemp(prefix="cchc-services-")) / "dossiers.csv"
        gen_s, baseline = timed(lambda: generate(path, [u.code for u in units], ROWS))
        print(
            f"{BENCH} [{database}]: generated {ROWS:,} dossiers "
            f"({path.stat().st_size / 1e6:,.0f} MB CSV) in {gen_s:.1f} s, at {path}"
        )
    rss_before = max_rss_mb()
    print(f"{BENCH} [{database}]: load average before the import: {_load()}", flush=True)
    cpu = time.process_time()
    import_s, _run = timed(
        lambda: import_source(
            path_source(str(path)), ImportRun.Kind.DOSSIERS, name="bench", actor=None
        )
    )
    emit(BENCH, f"{database}: import {ROWS:,} dossiers (check + write + recount)", import_s, "s")
    cpu_s = time.process_time() - cpu
    emit(BENCH, f"{database}:   import rate", int(ROWS / import_s), "rows/s")
    emit(
        BENCH, f"{database}:   import CPU time of this process (the machine is shared)", cpu_s, "s"
    )
    print(f"{BENCH} [{database}]: load average after the import: {_load()}", flush=True)
    peak = max_rss_mb()
    emit(
        BENCH,
        f"{database}:   peak memory of the process (before import {rss_before:,.0f} MB)",
        peak,
        "MB",
        target=f"< {MEMORY_TARGET_MB} MB",
        ok=peak < MEMORY_TARGET_MB,
    )
    month = months()[-2]
    frame = load_baseline(baseline)
    pandas_s, expected = timed(lambda: pandas_on_time(frame, month))
    emit(
        BENCH,
        f"{database}: baseline, pandas on-time rates of {month:%m/%Y} in memory",
        pandas_s,
        "s",
    )
    duck = duckdb_on_time(path, month)
    if duck is None:
        print(f"{BENCH} [{database}]: DuckDB not installed: its comparison is skipped")
    else:
        assert duck["counts"] == expected, "DuckDB's counts differ from pandas"
        emit(BENCH, f"{database}: DuckDB, the same month over the CSV", duck["csv_s"], "s")
        emit(BENCH, f"{database}:   CSV to Parquet once", duck["convert_s"], "s")
        emit(BENCH, f"{database}:   DuckDB over the Parquet, median of 3", duck["parquet_s"], "s")
    compute_s = median_seconds(
        lambda: refresh_months([month], actor=None, reason="bench"), repeat=3, warmup=0
    )
    got = {
        s.unit.code: (s.handled, s.counts["on_time"])
        for s in MonthScore.objects.filter(month=month).select_related("unit")
    }
    assert got == expected, "the SQL counts differ from pandas"
    emit(
        BENCH,
        f"{database}: monthly computation, all {len(got)} units (recount + score), median of 3",
        compute_s,
        "s",
        target=f"< {COMPUTE_TARGET_S:g} s",
        ok=compute_s < COMPUTE_TARGET_S,
        ratio=f"ours/pandas = {compute_s / pandas_s:.1f}x",
    )
    score_s = median_seconds(lambda: score_month(month), repeat=3, warmup=1)
    emit(BENCH, f"{database}:   scoring alone from the stored counts", score_s, "s")
    admin = User.objects.create_superuser("bench", "bench@example.org", "x")
    client = Client()
    client.force_login(admin)
    late_unit = units[DEPARTMENTS + 15]  # every 25th unit is late: index 75
    url = f"/services/unit/{late_unit.pk}/{month.year}/{month.month}/late/"
    times, cpu_times = [], []
    for _ in range(6):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu)
        assert response.status_code == 200
    page_s = statistics.median(times[1:])
    emit(
        BENCH,
        f"{database}: late-dossier page of a late unit, median of 5",
        1000 * page_s,
        "ms",
        target=f"< {1000 * PAGE_TARGET_S:g} ms",
        ok=page_s < PAGE_TARGET_S,
    )
    emit(
        BENCH,
        f"{database}:   of which this process's CPU (the rest: the database, the shared CPU)",
        1000 * statistics.median(cpu_times[1:]),
        "ms",
    )
    if not given:
        shutil.rmtree(path.parent)


if __name__ == "__main__":
    sys.exit(
        run_on_databases(sys.argv[1:], bench=BENCH, script=__file__, pg_url=PG_URL, measure=measure)
    )

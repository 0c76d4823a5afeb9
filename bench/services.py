"""The Decision 766 service index at city scale (issue #21).

Set-up (timed apart, not app code): 160 units (60 departments, 100 wards) under a city, and a
CSV of N dossiers (default 10,000,000; CCHC_BENCH_SERVICES_ROWS overrides) over the 24 months
before the current one, generated vectorised with numpy: volumes per unit drawn once, a
procedure among 200, channel, due times of 3–15 days, 3% still in progress, each unit its own
lateness (a few visibly late).

Measured, on SQLite and on PostgreSQL (each in its own process):
- the import (`cchc.services.imports.import_source`: two streamed passes, upsert by code in
  batches, the counts of every touched month recomputed): rows/s and the process's peak memory
  (target < 1 GB);
- the monthly computation for all units (recount the month's DossierCount rows from the
  dossiers set-wise, then score every unit through the composite engine): median of 3 (target
  < 5 s), and the scoring alone from the stored counts;
- baseline in the same process: the same month's rates with pandas over the same dossiers held
  in memory (the "columnar" alternative), whose on-time counts must equal ours;
- a unit's late-dossier page: median server time of 5 requests (target < 300 ms).

Run: .venv/bin/python bench/services.py [sqlite|postgres]. PostgreSQL: a database
cchc_bench_services (CCHC_BENCH_PG_URL overrides the server part).
"""

import datetime
import os
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
PG_URL = PG_SERVER.rsplit("/", 1)[0] + "/cchc_bench_services"
UNITS, DEPARTMENTS, PROCEDURES = 160, 60, 200
COMPUTE_TARGET_S, PAGE_TARGET_S, MEMORY_TARGET_MB = 5.0, 0.3, 1024


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


CHUNK = 500_000


def generate(path: Path, codes: list[str], rows: int, seed: int = 21) -> Path:
    """Write the dossiers CSV in chunks of CHUNK rows (bounded memory); keep the columns the
    pandas baseline needs in a .npz beside it, read back only after the import."""
    rng = np.random.default_rng(seed)
    span = months()
    start = pd.Timestamp(span[0])
    end = pd.Timestamp(datetime.date.today().replace(day=1))
    seconds = int((end - start).total_seconds())
    weight = rng.lognormal(0, 0.8, len(codes))
    p = weight / weight.sum()
    code_array = np.array(codes)
    late_of_unit = np.where(np.arange(len(codes)) % 25 == 15, 0.25, 0.03)
    parts: dict[str, list[np.ndarray]] = {"unit": [], "received": [], "due": [], "returned": []}
    for offset in range(0, rows, CHUNK):
        n = min(CHUNK, rows - offset)
        unit = rng.choice(len(codes), size=n, p=p).astype(np.int16)
        received = (start + pd.to_timedelta(rng.integers(0, seconds - 86400 * 20, n), "s")).floor(
            "min"
        )
        due = received + pd.to_timedelta(rng.integers(3, 16, n), "D")
        late = rng.random(n) < late_of_unit[unit]
        took = np.where(late, rng.uniform(1.05, 1.6, n), rng.uniform(0.2, 0.98, n))
        returned = (received + (due - received) * took).floor("min")
        open_ = rng.random(n) < 0.03
        online = rng.random(n) < 0.6
        frame = pd.DataFrame(
            {
                "ma_ho_so": np.char.add("HS", np.arange(offset, offset + n).astype(str)),
                "ma_tthc": np.char.add("1.", (rng.integers(0, PROCEDURES, n) + 100000).astype(str)),
                "ma_don_vi": code_array[unit],
                "kenh_nop": np.where(online, "truc_tuyen", "truc_tiep"),
                "ngay_tiep_nhan": received.strftime("%Y-%m-%d %H:%M"),
                "han_xu_ly": due.strftime("%Y-%m-%d %H:%M"),
                "ngay_tra_ket_qua": np.where(open_, "", returned.strftime("%Y-%m-%d %H:%M")),
                "toan_trinh": (online & (rng.random(n) < 0.5)).astype(int),
                "thanh_toan_truc_tuyen": (online & (rng.random(n) < 0.4)).astype(int),
                "ket_qua_dien_tu": (rng.random(n) < 0.5).astype(int),
                "so_hoa": (rng.random(n) < 0.7).astype(int),
                "danh_gia": np.where(rng.random(n) < 0.02, "khong_hai_long", ""),
            }
        )
        frame.to_csv(path, index=False, header=offset == 0, mode="w" if offset == 0 else "a")
        parts["unit"].append(unit)
        parts["received"].append(received.values.astype("datetime64[m]"))
        parts["due"].append(due.values.astype("datetime64[m]"))
        parts["returned"].append(
            np.where(open_, np.datetime64("NaT"), returned.values).astype("datetime64[m]")
        )
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


def measure(database: str) -> None:
    from tempfile import mkdtemp

    from django.test import Client

    from cchc.accounts.models import User
    from cchc.services.actions import refresh_months, score_month
    from cchc.services.imports import import_source, path_source
    from cchc.services.models import ImportRun, MonthScore

    units = build_units()
    path = Path(mkdtemp(prefix="cchc-services-")) / "dossiers.csv"
    gen_s, baseline = timed(lambda: generate(path, [u.code for u in units], ROWS))
    print(
        f"{BENCH} [{database}]: generated {ROWS:,} dossiers "
        f"({path.stat().st_size / 1e6:,.0f} MB CSV) in {gen_s:.1f} s"
    )
    rss_before = max_rss_mb()
    import_s, _run = timed(
        lambda: import_source(
            path_source(str(path)), ImportRun.Kind.DOSSIERS, name="bench", actor=None
        )
    )
    emit(BENCH, f"{database}: import {ROWS:,} dossiers (check + write + recount)", import_s, "s")
    emit(BENCH, f"{database}:   import rate", int(ROWS / import_s), "rows/s")
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
    times = []
    for _ in range(6):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
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
    path.unlink()
    baseline.unlink()


if __name__ == "__main__":
    sys.exit(
        run_on_databases(sys.argv[1:], bench=BENCH, script=__file__, pg_url=PG_URL, measure=measure)
    )

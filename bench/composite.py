"""The composite index engine (issue #20): one pipeline at city scale, and 1,000 replications.

Set-up (not timed): a synthetic framework of N_IND indicators in pillars of ten, two
sub-indices and one index; N_UNITS units with log-normal indicator values (heavy right tails,
so treatment winsorises and log-transforms), 2 % of the values missing, five unit groups, and a
denominator for one indicator in ten. Everything is drawn from a seeded generator.

Measured (pure computation, no database):
- the COINr example pipeline (denominate, group-mean imputation, screening at 90 %, treatment,
  min–max 0–100, arithmetic aggregation, ranks) on 3,400 units × 100 indicators: median of three
  runs, target under 2 s;
- uncertainty analysis on 200 units × 60 indicators: 1,000 replications over three assumptions
  (noisy weights ±25 % on pillars and sub-indices, arithmetic or geometric mean, winsorisation
  up to 5 or 2 points; normalised onto 1–100 so the geometric mean applies): target under 60 s;
- baseline in the same process: a naive pure-Python implementation of the same pipeline (lists
  of floats, loops; `naive_pipeline` below), on the same data. It runs the 3,400 × 100 pipeline
  once and NAIVE_REPS replications (scaled to 1,000). Its scores must equal the engine's
  (to 1e-9) — a correctness check printed with the figures.

Run: .venv/bin/python bench/composite.py (or `make bench`, `bench/run.py composite`).
"""

import math
import statistics
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from _common import emit, timed

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cchc.composite import engine, framework, pipeline, uncertainty

BENCH = "composite"
NAIVE_REPS = 20


def synthetic(
    n_units: int, n_ind: int, seed: int
) -> tuple[framework.Framework, framework.UnitData]:
    rng = np.random.default_rng(seed)
    pillars = [f"P{i // 10 + 1}" for i in range(n_ind)]
    rows = []
    for i in range(n_ind):
        denom = "Pop" if i % 10 == 3 else None
        rows.append(
            [
                1,
                f"i{i + 1}",
                f"Indicator {i + 1}",
                1 if i % 4 else -1,
                1,
                "Indicator",
                pillars[i],
                denom,
            ]
        )
    n_pillars = len(set(pillars))
    for p in range(n_pillars):
        rows.append(
            [2, f"P{p + 1}", f"Pillar {p + 1}", 1, 1, "Aggregate", "S1" if p % 2 else "S2", None]
        )
    rows += [
        [3, "S1", "Sub-index 1", 1, 1, "Aggregate", "Index", None],
        [3, "S2", "Sub-index 2", 1, 1, "Aggregate", "Index", None],
        [4, "Index", "Index", 1, 1, "Aggregate", None, None],
        [None, "Grp", "Group", None, None, "Group", None, None],
        [None, "Pop", "Population", None, None, "Denominator", None, None],
    ]
    meta = pd.DataFrame(
        rows,
        columns=["Level", "iCode", "iName", "Direction", "Weight", "Type", "Parent", "Denominator"],
    )
    values = rng.lognormal(mean=1.0, sigma=rng.uniform(0.3, 1.2, n_ind), size=(n_units, n_ind))
    values[rng.random(values.shape) < 0.02] = np.nan
    data = pd.DataFrame(values, columns=[f"i{i + 1}" for i in range(n_ind)])
    data.insert(0, "uCode", [f"U{u:05d}" for u in range(n_units)])
    data.insert(1, "uName", [f"Unit {u}" for u in range(n_units)])
    data.insert(2, "Grp", [f"g{u % 5}" for u in range(n_units)])
    data.insert(3, "Pop", rng.uniform(1, 100, n_units))
    fw = framework.parse_meta(meta)
    return fw, framework.parse_data(data, fw)


PIPELINE = pipeline.COINR_EXAMPLE | {
    "steps": [
        {"step": "denominate"},
        {"step": "impute", "method": "group_mean", "group": "Grp"},
        {"step": "screen", "threshold": 0.9},
        {"step": "treat", "winmax": 5, "skew_threshold": 2, "kurt_threshold": 3.5, "log": True},
        {"step": "normalise", "method": "minmax", "lower": 1, "upper": 100},
        {"step": "aggregate", "method": "arithmetic"},
    ]
}
ASSUMPTIONS = [
    {"name": "weights", "type": "noisy_weights", "levels": {"2": 0.25, "3": 0.25}},
    {"name": "aggregation", "type": "alternatives", "step": "aggregate",
     "options": [{"method": "arithmetic"}, {"method": "geometric"}]},
    {"name": "winsorisation", "type": "alternatives", "step": "treat",
     "options": [{"winmax": 5}, {"winmax": 2}]},
]  # fmt: skip


# --- the naive baseline: the same pipeline in plain Python ------------------------------------


def _skew(x: list[float]) -> float:
    n = len(x)
    m = sum(x) / n
    s2 = sum((v - m) ** 2 for v in x)
    s3 = sum((v - m) ** 3 for v in x)
    return math.sqrt(n) * s3 / s2**1.5 * math.sqrt(n * (n - 1)) / (n - 2) if s2 else math.nan


def _kurt(x: list[float]) -> float:
    n = len(x)
    m = sum(x) / n
    s2 = sum((v - m) ** 2 for v in x)
    s4 = sum((v - m) ** 4 for v in x)
    if not s2:
        return math.nan
    r = n * s4 / s2**2
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def _passes(x: list[float], winmax_skew: float = 2, kt: float = 3.5) -> bool:
    present = [v for v in x if not math.isnan(v)]
    return abs(_skew(present)) < winmax_skew or _kurt(present) < kt


def _treat(x: list[float], winmax: int) -> list[float]:
    if _passes(x):
        return x
    y = list(x)
    imax: list[int] = []
    imin: list[int] = []
    nwin = 0
    while not _passes(y) and nwin < winmax:
        present = [v for v in y if not math.isnan(v)]
        if _skew(present) >= 0:
            top = max(present)
            imax = [i for i, v in enumerate(y) if v == top]
            nxt = max(v for i, v in enumerate(y) if i not in imax and not math.isnan(v))
            for i in imax:
                y[i] = nxt
        else:
            low = min(present)
            imin = [i for i, v in enumerate(y) if v == low]
            nxt = min(v for i, v in enumerate(y) if i not in imin and not math.isnan(v))
            for i in imin:
                y[i] = nxt
        nwin = len(imax) + len(imin)
    if _passes(y):
        return y
    present = [v for v in x if not math.isnan(v)]
    lo, hi = min(present), max(present)
    return [math.log(v - lo + 0.01 * (hi - lo)) for v in x]


def naive_pipeline(
    fw: framework.Framework,
    data: framework.UnitData,
    weights: dict[str, float],
    method: str,
    winmax: int,
) -> dict[str, dict[str, float]]:
    units = list(data.values.index)
    cols = {c: [float(v) for v in data.values[c]] for c in fw.indicators}
    pop = [float(v) for v in data.denominators["Pop"]]
    groups = [data.groups.at[u, "Grp"] for u in units]
    for c in fw.indicators:
        if fw.nodes[c].denominator:
            cols[c] = [v / d for v, d in zip(cols[c], pop, strict=True)]
        sums: dict[str, list[float]] = {}
        for v, g in zip(cols[c], groups, strict=True):
            if not math.isnan(v):
                sums.setdefault(g, []).append(v)
        cols[c] = [
            sum(sums[g]) / len(sums[g]) if math.isnan(v) else v
            for v, g in zip(cols[c], groups, strict=True)
        ]
    keep = [
        i for i in range(len(units)) if sum(math.isnan(cols[c][i]) for c in cols) / len(cols) <= 0.1
    ]
    scores: dict[str, list[float]] = {}
    for c in fw.indicators:
        x = _treat([cols[c][i] for i in keep], winmax)
        x = [v * fw.nodes[c].direction for v in x]
        lo, hi = min(x), max(x)
        scores[c] = [(v - lo) / (hi - lo) * 99 + 1 for v in x]
    for lev in range(2, fw.max_level + 1):
        for code in fw.codes_at(lev):
            kids = fw.children(code)
            out = []
            for i in range(len(keep)):
                w = [weights[k] for k in kids]
                x = [scores[k][i] for k in kids]
                if method == "arithmetic":
                    out.append(sum(wi * xi for wi, xi in zip(w, x, strict=True)) / sum(w))
                else:
                    out.append(
                        math.exp(
                            sum(wi * math.log(xi) for wi, xi in zip(w, x, strict=True)) / sum(w)
                        )
                    )
            scores[code] = out
    return {
        code: dict(zip([units[i] for i in keep], vals, strict=True))
        for code, vals in scores.items()
    }


def main() -> None:
    fw, data = synthetic(3400, 100, seed=20)
    print(f"{BENCH}: {len(data.codes)} units × {len(fw.indicators)} indicators, 4 levels")
    run = lambda: engine.run(fw, data, PIPELINE)  # noqa: E731
    run()
    seconds = statistics.median(timed(run)[0] for _ in range(3))
    result = run()
    naive_seconds, naive = timed(lambda: naive_pipeline(fw, data, fw.weights(), "arithmetic", 5))
    diff = max(abs(naive["Index"][u] - result.scores.at[u, "Index"]) for u in naive["Index"])
    ratio = f"naive pure Python {naive_seconds:.2f} s = {naive_seconds / seconds:.0f}×"
    measure = "pipeline 3,400 × 100 (median of 3)"
    emit(BENCH, measure, seconds, "s", target="< 2 s", ok=seconds < 2, ratio=ratio)
    print(f"  correctness: max |naive − engine| Index score = {diff:.2e} (must be < 1e-9)")
    assert diff < 1e-9

    fw, data = synthetic(200, 60, seed=21)
    reps = 1000
    ua_seconds, ri = timed(
        lambda: uncertainty.rank_intervals(fw, data, PIPELINE, ASSUMPTIONS, reps, seed=1)
    )
    rep = uncertainty.Replicator(fw, data, PIPELINE, ASSUMPTIONS, NAIVE_REPS, seed=2)
    inputs = np.random.default_rng(3).random((NAIVE_REPS, len(ASSUMPTIONS)))

    def naive_reps() -> None:
        for u in inputs:
            doc, weights = rep.variant(u)
            method = doc["steps"][-1]["method"]
            winmax = next(s for s in doc["steps"] if s["step"] == "treat")["winmax"]
            naive_pipeline(fw, data, weights or fw.weights(), method, winmax)

    naive_ua = timed(naive_reps)[0] / NAIVE_REPS * reps
    ratio = f"naive {naive_ua:.0f} s (scaled from {NAIVE_REPS}) = {naive_ua / ua_seconds:.0f}×"
    measure = f"uncertainty {reps:,} replications, 200 × 60"
    emit(BENCH, measure, ua_seconds, "s", target="< 60 s", ok=ua_seconds < 60, ratio=ratio)
    inside = ((ri.table.nominal >= ri.table.q05) & (ri.table.nominal <= ri.table.q95)).mean()
    print(f"  nominal rank inside the 5–95 % interval for {inside:.0%} of the units")


if __name__ == "__main__":
    main()

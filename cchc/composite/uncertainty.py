"""Uncertainty and sensitivity analysis, after COINr's R/sensitivity.R.

Each assumption the user doubts is one input variable ``u ∈ [0, 1]``:

* ``noisy_weights`` — ``{"type": "noisy_weights", "levels": {"2": 0.25}}``: a set of weights
  where each weight of the level is its nominal value ± up to 25 % (COINr
  ``get_noisy_weights``: ``w + (2·U − 1)·factor·w``). ``replications`` sets are drawn in
  advance and ``u`` picks one of them (COINr does the same).
* ``alternatives`` — ``{"type": "alternatives", "step": "normalise", "options": [{…}, {…}]}``:
  ``u`` picks one option (``ceil(u·n)``), whose keys override those of the pipeline's step
  (normalisation, aggregation, imputation, treatment thresholds…).

Uncertainty analysis draws the inputs at random with a seed and gives, for every unit, the
nominal rank and the median, 5th and 95th percentile of its rank over the replications
(``numpy.quantile``, linear = R type 7, as COINr's ``rank_stats``). Sensitivity analysis runs
the Saltelli design of SALib and estimates the first-order (Saltelli 2010) and total-effect
(Jansen) Sobol' indices of the mean absolute rank shift, with bootstrap confidence intervals.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import engine
from .framework import Framework, UnitData
from .pipeline import STEP_ORDER, PipelineError, validate

Progress = Callable[[int, int], None]


@dataclass
class RankIntervals:
    """Per unit: nominal rank, mean, median, 5th and 95th percentile over the replications."""

    aggregate: str
    table: pd.DataFrame  # index uCode; columns nominal, mean, median, q05, q95
    replications: int
    seed: int | None

    def for_unit(self, code: str) -> dict[str, float | None]:
        row = self.table.loc[code]
        return {k: _f(float(row[k])) for k in ("median", "q05", "q95")}


@dataclass
class Sensitivity:
    """Sobol' indices of each assumption on the mean absolute rank shift of the top aggregate."""

    names: list[str]
    first_order: list[float]
    first_order_conf: list[float]
    total: list[float]
    total_conf: list[float]
    runs: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "assumptions": [
                {
                    "name": n,
                    "first_order": _f(s1),
                    "first_order_conf": _f(c1),
                    "total": _f(st),
                    "total_conf": _f(ct),
                }
                for n, s1, c1, st, ct in zip(
                    self.names,
                    self.first_order,
                    self.first_order_conf,
                    self.total,
                    self.total_conf,
                    strict=True,
                )
            ],
        }


def _f(x: float) -> float | None:
    return None if not math.isfinite(x) else round(float(x), 6)


def default_assumptions(fw: Framework, factor: float = 0.25) -> list[dict[str, Any]]:
    """Noisy weights, ±``factor`` at every aggregate level below the top (COINr's SA vignette
    perturbs pillars and sub-indices by ±25 %); a two-level framework perturbs its indicators."""
    levels = {str(lev): factor for lev in range(2, fw.max_level)} or {"1": factor}
    return [{"name": "weights", "type": "noisy_weights", "levels": levels}]


def check_assumptions(assumptions: list[dict[str, Any]], fw: Framework) -> None:
    """Refuse an assumption list with a clear message for each problem."""
    errors = []
    if not assumptions:
        errors.append("choose at least one assumption")
    for i, a in enumerate(assumptions, start=1):
        kind = a.get("type")
        if kind == "noisy_weights":
            levels = a.get("levels") or {}
            if not levels:
                errors.append(f"assumption {i}: noisy_weights needs levels")
            for lev, factor in levels.items():
                if not str(lev).isdigit() or not 1 <= int(lev) <= fw.max_level:
                    errors.append(f"assumption {i}: level {lev} is not in the framework")
                if not isinstance(factor, int | float) or not 0 < factor < 1:
                    errors.append(f"assumption {i}: noise factor must be between 0 and 1")
        elif kind == "alternatives":
            if a.get("step") not in STEP_ORDER:
                errors.append(f"assumption {i}: step must be one of {', '.join(STEP_ORDER)}")
            if len(a.get("options") or []) < 2:
                errors.append(f"assumption {i}: give at least two options")
        else:
            errors.append(f"assumption {i}: type must be noisy_weights or alternatives")
    if errors:
        raise PipelineError(errors)


def _noisy_weight_sets(
    fw: Framework,
    nominal: dict[str, float],
    levels: dict[str, float],
    n: int,
    rng: np.random.Generator,
) -> list[dict[str, float]]:
    sets = []
    for _ in range(n):
        w = dict(nominal)
        for lev, factor in sorted(levels.items()):
            codes = fw.codes_at(int(lev))
            u = rng.random(len(codes))
            for code, ui in zip(codes, u, strict=True):
                w[code] = nominal[code] + (2 * ui - 1) * factor * nominal[code]
        sets.append(w)
    return sets


class Replicator:
    """Builds and runs one variant of the pipeline for a vector ``u`` of assumption inputs."""

    def __init__(
        self,
        fw: Framework,
        data: UnitData,
        pipeline: dict[str, Any],
        assumptions: list[dict[str, Any]],
        n_weight_sets: int,
        seed: int | None,
    ) -> None:
        self.fw, self.data = fw, data
        self.pipeline = validate(pipeline)
        check_assumptions(assumptions, fw)
        self.assumptions = assumptions
        self.rng = np.random.default_rng(seed)
        nominal = {**fw.weights(), **(self.pipeline.get("weights") or {})}
        self.weight_sets = {
            i: _noisy_weight_sets(fw, nominal, a["levels"], n_weight_sets, self.rng)
            for i, a in enumerate(assumptions)
            if a["type"] == "noisy_weights"
        }
        self._prepared: dict[str, engine.Result] = {}
        self.nominal = engine.run(fw, data, self.pipeline)
        self.top = fw.top

    def variant(self, u: np.ndarray) -> tuple[dict[str, Any], dict[str, float] | None]:
        doc = json.loads(json.dumps(self.pipeline))
        weights: dict[str, float] | None = None
        for i, (a, ui) in enumerate(zip(self.assumptions, u, strict=True)):
            if a["type"] == "noisy_weights":
                sets = self.weight_sets[i]
                chosen = sets[min(int(ui * len(sets)), len(sets) - 1)]
                weights = {**(weights or {}), **chosen}
                continue
            options = a["options"]
            option = options[min(int(ui * len(options)), len(options) - 1)]
            _apply(doc, a["step"], option)
        return validate(doc), weights

    def ranks(self, u: np.ndarray) -> pd.Series:
        doc, weights = self.variant(u)
        key = json.dumps([s for s in doc["steps"] if s["step"] != "aggregate"], sort_keys=True)
        prepared = self._prepared.get(key)
        if prepared is None:
            prepared = engine.prepare(self.fw, self.data, doc)
            self._prepared[key] = prepared
        scores = engine.finish(prepared, weights, doc).scores[self.top]
        return scores.rank(method="min", ascending=False)


def _apply(doc: dict[str, Any], kind: str, option: dict[str, Any]) -> None:
    """Override the keys of the document's `kind` step with `option` (adding the step where
    it belongs when the pipeline has none)."""
    step = next((s for s in doc["steps"] if s["step"] == kind), None)
    if step is None:
        step = {"step": kind}
        doc["steps"].insert(_position(doc["steps"], kind), step)
    step.update(option)


def with_option(pipeline: dict[str, Any], kind: str, option: dict[str, Any]) -> dict[str, Any]:
    """A copy of `pipeline` with one alternative `option` of its `kind` step, validated."""
    doc = json.loads(json.dumps(pipeline))
    _apply(doc, kind, option)
    return validate(doc)


def _position(steps: list[dict[str, Any]], kind: str) -> int:
    order = STEP_ORDER.index(kind)
    return next((i for i, s in enumerate(steps) if STEP_ORDER.index(s["step"]) > order), len(steps))


def rank_intervals(
    fw: Framework,
    data: UnitData,
    pipeline: dict[str, Any],
    assumptions: list[dict[str, Any]],
    replications: int,
    seed: int | None = None,
    progress: Progress | None = None,
) -> RankIntervals:
    """Uncertainty analysis: ``replications`` random draws of the assumptions (seeded)."""
    if replications < 2:
        raise PipelineError(["at least 2 replications"])
    rep = Replicator(fw, data, pipeline, assumptions, replications, seed)
    nominal = rep.nominal.ranks[rep.top].astype(float)
    units = list(nominal.index)
    out = np.full((replications, len(units)), np.nan)
    inputs = rep.rng.random((replications, len(assumptions)))
    for i in range(replications):
        out[i] = rep.ranks(inputs[i]).reindex(units).to_numpy()
        if progress and (i % 10 == 9 or i == replications - 1):
            progress(i + 1, replications)
    table = pd.DataFrame(
        {
            "nominal": nominal.to_numpy(),
            "mean": np.nanmean(out, axis=0),
            "median": np.nanquantile(out, 0.5, axis=0),
            "q05": np.nanquantile(out, 0.05, axis=0),
            "q95": np.nanquantile(out, 0.95, axis=0),
        },
        index=pd.Index(units, name="uCode"),
    )
    return RankIntervals(rep.top, table, replications, seed)


def sobol_indices(
    model: Callable[[np.ndarray], np.ndarray],
    names: list[str],
    bounds: list[tuple[float, float]],
    base_samples: int,
    seed: int | None = None,
) -> Sensitivity:
    """First-order and total Sobol' indices of ``model`` with SALib (Saltelli design).

    ``base_samples`` is rounded up to a power of two (Sobol' sequences); the model runs
    ``base_samples · (k + 2)`` times. Confidence: 95 % bootstrap half-widths.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    n = 1 << max(1, math.ceil(math.log2(max(base_samples, 2))))
    problem = {"num_vars": len(names), "names": names, "bounds": [list(b) for b in bounds]}
    x = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    y = np.asarray(model(x), dtype=float)
    res = sobol_analyze.analyze(
        problem, y, calc_second_order=False, num_resamples=200, conf_level=0.95, seed=seed
    )
    return Sensitivity(
        names,
        [float(v) for v in res["S1"]],
        [float(v) for v in res["S1_conf"]],
        [float(v) for v in res["ST"]],
        [float(v) for v in res["ST_conf"]],
        int(x.shape[0]),
    )


def sensitivity(
    fw: Framework,
    data: UnitData,
    pipeline: dict[str, Any],
    assumptions: list[dict[str, Any]],
    base_samples: int,
    seed: int | None = None,
    progress: Progress | None = None,
) -> Sensitivity:
    """Sobol' indices of each assumption on the mean absolute rank shift (COINr's SA output)."""
    rep = Replicator(fw, data, pipeline, assumptions, max(base_samples, 2), seed)
    nominal = rep.nominal.ranks[rep.top].astype(float)

    def model(x: np.ndarray) -> np.ndarray:
        y = np.empty(x.shape[0])
        for i, u in enumerate(x):
            ranks = rep.ranks(u).reindex(nominal.index)
            y[i] = float(np.nanmean(np.abs(ranks.to_numpy() - nominal.to_numpy())))
            if progress and (i % 10 == 9 or i == x.shape[0] - 1):
                progress(i + 1, x.shape[0])
        return y

    names = [a.get("name") or f"{a['type']} {i + 1}" for i, a in enumerate(assumptions)]
    return sobol_indices(model, names, [(0.0, 1.0)] * len(assumptions), base_samples, seed)


def weighted_sum_rank_intervals(
    points: pd.DataFrame,
    maxima: pd.Series,
    factor: float,
    replications: int,
    seed: int | None = None,
    ranges: dict[str, tuple[pd.Series, pd.Series]] | None = None,
) -> RankIntervals:
    """Rank intervals of an index that sums its columns' points over a unit's maximum (the
    reform index: the points of each area, and the survey's, over the unit's maximum points),
    under noisy weights: each replication multiplies every column by its own
    ``1 + (2·U − 1)·factor`` (COINr's ``get_noisy_weights`` with nominal weights 1), the same
    factors for every unit. ``points``: index unit codes, one column per area (missing = 0);
    ``maxima``: each unit's maximum (same index). Ranks are competition ranks, highest score
    first (ties share the lowest rank), as the nominal one; quantiles as :func:`rank_intervals`.

    ``ranges`` adds a second assumption, measurement error: for a column, each unit's
    (lower, upper) bounds of its points (e.g. the survey points' 95 % Wilson interval); each
    replication draws the unit's points of that column uniformly within its bounds,
    independently per unit (a unit without bounds, NaN, keeps its points). The weights are drawn
    first, so the weights of a replication are the same with or without ``ranges``.
    """
    if replications < 2:
        raise PipelineError(["at least 2 replications"])
    if not 0 <= factor < 1:
        raise PipelineError(["noise factor must be between 0 and 1"])
    x = points.fillna(0.0).to_numpy(dtype=float)
    scale = maxima.reindex(points.index).to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    weights = 1.0 + (2.0 * rng.random((replications, x.shape[1])) - 1.0) * factor
    drawn = weights @ x.T
    for column, (lower, upper) in sorted((ranges or {}).items()):
        j = list(points.columns).index(column)
        low = lower.reindex(points.index).to_numpy(dtype=float)
        high = upper.reindex(points.index).to_numpy(dtype=float)
        known = np.isfinite(low) & np.isfinite(high)
        if np.any(known & (low > high)):
            raise PipelineError([f"{column}: a lower bound is above its upper bound"])
        low, high = np.where(known, low, x[:, j]), np.where(known, high, x[:, j])
        values = low + rng.random((replications, x.shape[0])) * (high - low)
        drawn += weights[:, [j]] * (values - x[:, j])
    scores = pd.DataFrame(drawn / scale, columns=points.index)
    out = scores.rank(axis=1, method="min", ascending=False).to_numpy()
    nominal = pd.Series(x.sum(axis=1) / scale, index=points.index)
    table = pd.DataFrame(
        {
            "nominal": nominal.rank(method="min", ascending=False).to_numpy(),
            "mean": out.mean(axis=0),
            "median": np.quantile(out, 0.5, axis=0),
            "q05": np.quantile(out, 0.05, axis=0),
            "q95": np.quantile(out, 0.95, axis=0),
        },
        index=pd.Index(points.index, name="uCode"),
    )
    return RankIntervals("index", table, replications, seed)

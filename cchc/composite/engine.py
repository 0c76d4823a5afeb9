"""Run a pipeline over a framework and its data; keep every intermediate data set."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import steps
from .framework import Framework, UnitData
from .pipeline import DATASET_OF_STEP, step_of, validate


@dataclass
class Result:
    """The outcome of one run: every data set, what was screened and treated, scores, ranks."""

    framework: Framework
    data: UnitData
    pipeline: dict[str, Any]
    datasets: dict[str, pd.DataFrame]
    screened_out: list[str] = field(default_factory=list)
    treated: list[steps.Treatment] = field(default_factory=list)

    @property
    def scores(self) -> pd.DataFrame:
        """The Aggregated data set: normalised indicators and every aggregate, one row per unit."""
        return self.datasets["Aggregated"]

    @property
    def ranks(self) -> pd.DataFrame:
        return steps.rank_scores(self.scores)

    def aggregate_codes(self) -> list[str]:
        """Aggregates from the top down (index, sub-indices, pillars…)."""
        fw = self.framework
        return [c for lev in range(fw.max_level, 1, -1) for c in fw.codes_at(lev)]

    def to_dict(self) -> dict[str, Any]:
        """The ``composite_run --json`` shape (without rank intervals)."""
        ranks = self.ranks
        aggs = self.aggregate_codes()
        units = []
        for code in self.scores.sort_values(self.framework.top, ascending=False).index:
            units.append(
                {
                    "code": code,
                    "name": self.data.names.get(code, code),
                    "scores": {a: _num(self.scores.at[code, a]) for a in aggs},
                    "ranks": {a: _int(ranks.at[code, a]) for a in aggs},
                }
            )
        return {
            "units": units,
            "screened_out": list(self.screened_out),
            "treated": [
                {"indicator": t.indicator, "points": t.points, "log": t.log}
                for t in self.treated
                if t.points or t.log
            ],
        }

    def export_csv(self, name: str) -> str:
        """One data set as CSV text (the audit of how a number came)."""
        buf = io.StringIO()
        self.datasets[name].to_csv(buf, float_format="%.10g")
        return buf.getvalue()

    def strengths_weaknesses(
        self, unit: str, n: int = 5, unique_discard: float | None = None, min_discard: bool = True
    ) -> tuple[list[str], list[str]]:
        """A unit's best and worst indicators by rank among units: COINr ``get_str_weak`` on
        the Raw data set adjusted for direction. Indicators whose share of distinct values is
        not above ``unique_discard`` (binary ones) are left out, and with ``min_discard`` those
        where the unit has the worst rank. Strengths best first; weaknesses in rank order,
        the worst last (as COINr)."""
        raw = self.datasets["Raw"].loc[self.scores.index]
        direction = pd.Series({c: self.framework.nodes[c].direction for c in raw.columns})
        ranks = steps.rank_scores(raw * direction)
        codes = list(raw.columns)
        if unique_discard is not None:
            share = raw.nunique(dropna=False) / len(raw)
            codes = [c for c in codes if share[c] > unique_discard]
        row = ranks.loc[unit, codes].dropna().astype(int)
        if min_discard:
            worst = ranks[row.index].max()
            row = row[row != worst]
        row = row.sort_values(kind="stable")
        return list(row.index[:n]), list(row.index[max(len(row) - n, 0) :])


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) or math.isinf(value) else float(value)


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _denominate(fw: Framework, data: UnitData, values: pd.DataFrame, spec: dict) -> pd.DataFrame:
    factors = spec.get("scale_factors") or {}
    by = {
        c: (n.denominator, float(factors.get(c, 1.0)))
        for c, n in fw.nodes.items()
        if n.level == 1 and n.denominator
    }
    return steps.denominate(values, data.denominators.loc[values.index], by)


def _treat(values: pd.DataFrame, spec: dict) -> tuple[pd.DataFrame, list[steps.Treatment]]:
    out = values.to_numpy(dtype=float, copy=True)
    details = []
    per = spec.get("indicators") or {}
    base = {
        "winmax": spec.get("winmax", 5),
        "skew_threshold": float(spec.get("skew_threshold", 2.0)),
        "kurt_threshold": float(spec.get("kurt_threshold", 3.5)),
        "log": bool(spec.get("log", True)),
    }
    for j, code in enumerate(values.columns):
        own = per.get(code)
        if own == "none":
            continue
        params = {**base, **(own or {})}
        out[:, j], info = steps.treat_column(code, out[:, j].copy(), **params)
        details.append(info)
    return pd.DataFrame(out, index=values.index, columns=values.columns), details


def _normalise_one(x: np.ndarray, spec: dict, target: np.ndarray | None) -> np.ndarray:
    method = spec.get("method", "minmax")
    if method == "minmax":
        return steps.minmax(x, spec.get("lower", 0.0), spec.get("upper", 100.0))
    if method == "zscore":
        return steps.zscore(x, spec.get("mean", 0.0), spec.get("sd", 1.0))
    if method == "rank":
        return steps.rank_values(x)
    if method == "none":
        return x
    if target is None:
        raise ValueError(f"normalise {method} needs a Target for every indicator")
    if method == "dist_to_target":
        return steps.dist_to_target(x, target, bool(spec.get("cap", True))) * spec.get("scale", 1)
    return steps.proportional_to_target(x, target, spec.get("full", 100.0))


def _normalise(fw: Framework, values: pd.DataFrame, spec: dict) -> pd.DataFrame:
    codes = list(values.columns)
    direction = np.array([fw.nodes[c].direction for c in codes], dtype=float)
    x = values.to_numpy(dtype=float) * direction
    per = spec.get("indicators") or {}
    own = [c for c in codes if c in per]
    targets = [fw.nodes[c].target for c in codes]

    def target_of(idx: list[int]) -> np.ndarray | None:
        got = [targets[i] for i in idx]
        if any(t is None for t in got):
            return None
        return np.array(got, dtype=float) * direction[idx]

    common = [i for i, c in enumerate(codes) if c not in per]
    out = np.empty_like(x)
    if common:
        out[:, common] = _normalise_one(x[:, common], spec, target_of(common))
    for code in own:
        i = codes.index(code)
        s = per[code]
        out[:, [i]] = x[:, [i]] if s == "none" else _normalise_one(x[:, [i]], s, target_of([i]))
    return pd.DataFrame(out, index=values.index, columns=codes)


def aggregate_levels(
    fw: Framework, normalised: pd.DataFrame, spec: dict, weights: dict[str, float]
) -> pd.DataFrame:
    """COINr Aggregate.coin: level 2 from the indicators, each level above from the one below."""
    methods = spec.get("method", "arithmetic")
    thresholds = spec.get("data_threshold")
    columns = {c: normalised[c].to_numpy(dtype=float) for c in normalised.columns}
    for lev in range(2, fw.max_level + 1):
        method = methods[lev - 2] if isinstance(methods, list) else methods
        thr = thresholds[lev - 2] if isinstance(thresholds, list) else thresholds
        for code in fw.codes_at(lev):
            kids = fw.children(code)
            x = np.column_stack([columns[k] for k in kids])
            w = np.array([weights[k] for k in kids], dtype=float)
            columns[code] = steps.aggregate(x, w, method, thr)
    return pd.DataFrame(columns, index=normalised.index)


def prepare(fw: Framework, data: UnitData, pipeline: dict[str, Any]) -> Result:
    """Run every step up to and including normalisation."""
    doc = validate(pipeline)
    values = data.values.copy()
    result = Result(fw, data, doc, {"Raw": values})
    for spec in doc["steps"]:
        kind = spec["step"]
        if kind == "aggregate":
            break
        if kind == "denominate":
            values = _denominate(fw, data, values, spec)
        elif kind == "impute":
            group = data.groups[spec["group"]] if spec.get("group") else None
            if spec.get("group") and spec["group"] not in data.groups.columns:
                raise ValueError(f"impute: {spec['group']} is not a Group column")
            values = steps.impute(values, spec.get("method", "none"), group)
        elif kind == "screen":
            values, result.screened_out = steps.screen(values, spec.get("threshold", 2 / 3))
        elif kind == "treat":
            values, result.treated = _treat(values, spec)
        elif kind == "normalise":
            values = _normalise(fw, values, spec)
        result.datasets[DATASET_OF_STEP[kind]] = values
    if "Normalised" not in result.datasets:
        result.datasets["Normalised"] = values
    return result


def run(
    fw: Framework,
    data: UnitData,
    pipeline: dict[str, Any],
    weights: dict[str, float] | None = None,
) -> Result:
    """Run the whole pipeline. ``weights`` (code → weight) overrides iMeta and the pipeline."""
    result = prepare(fw, data, pipeline)
    return finish(result, weights)


def finish(
    result: Result,
    weights: dict[str, float] | None = None,
    pipeline: dict[str, Any] | None = None,
) -> Result:
    """Aggregate a prepared result (kept apart so that weight replications reuse the rest).

    ``pipeline`` replaces the prepared one for the aggregation and weights only (replications
    whose earlier steps are identical share one prepared result).
    """
    fw, doc = result.framework, pipeline or result.pipeline
    w = {**fw.weights(), **(doc.get("weights") or {}), **(weights or {})}
    spec = step_of(doc, "aggregate") or {}
    aggregated = aggregate_levels(fw, result.datasets["Normalised"], spec, w)
    datasets = {**result.datasets, "Aggregated": aggregated}
    return Result(fw, result.data, doc, datasets, result.screened_out, result.treated)

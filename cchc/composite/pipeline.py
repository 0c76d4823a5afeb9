"""A pipeline described as data: a versioned JSON document, checked before it runs.

```json
{"format": "cchc.composite.pipeline", "version": 1, "name": "…",
 "steps": [
   {"step": "denominate", "scale_factors": {"GDP": 1}},
   {"step": "impute", "method": "group_mean", "group": "EurAsia_group"},
   {"step": "screen", "threshold": 0.9},
   {"step": "treat", "winmax": 5, "skew_threshold": 2, "kurt_threshold": 3.5, "log": true,
    "indicators": {"Flights": "none"}},
   {"step": "normalise", "method": "minmax", "lower": 0, "upper": 100,
    "indicators": {"Cov4G": {"method": "target_proportional", "full": 100}}},
   {"step": "aggregate", "method": "arithmetic", "data_threshold": null}
 ],
 "weights": {"Physical": 2}}
```

Each step reads the data set the previous one wrote (COINr's Raw → Denominated → Imputed →
Screened → Treated → Normalised → Aggregated). ``aggregate`` is required and comes last;
``method`` may also be a list with one method per level above the indicators.
"""

from __future__ import annotations

import copy
import json
from typing import Any

FORMAT = "cchc.composite.pipeline"
VERSION = 1
STEP_ORDER = ("denominate", "impute", "screen", "treat", "normalise", "aggregate")
IMPUTE_METHODS = ("none", "mean", "median", "group_mean", "group_median")
NORMALISE_METHODS = (
    "minmax",
    "zscore",
    "rank",
    "dist_to_target",
    "target_proportional",
    "none",
)
AGGREGATE_METHODS = ("arithmetic", "geometric", "harmonic")
DATASET_OF_STEP = {
    "denominate": "Denominated",
    "impute": "Imputed",
    "screen": "Screened",
    "treat": "Treated",
    "normalise": "Normalised",
    "aggregate": "Aggregated",
}

#: COINr's ``build_example_coin()`` (R/examples.R), step for step.
COINR_EXAMPLE: dict[str, Any] = {
    "format": FORMAT,
    "version": VERSION,
    "name": "COINr build_example_coin()",
    "steps": [
        {"step": "denominate"},
        {"step": "impute", "method": "group_mean", "group": "EurAsia_group"},
        {"step": "screen", "threshold": 0.9},
        {"step": "treat", "winmax": 5, "skew_threshold": 2, "kurt_threshold": 3.5, "log": True},
        {"step": "normalise", "method": "minmax", "lower": 0, "upper": 100},
        {"step": "aggregate", "method": "arithmetic"},
    ],
}


class PipelineError(ValueError):
    """The pipeline document is not valid; ``errors`` lists every problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


def _num(step: dict[str, Any], key: str, default: float | None, errors: list[str]) -> None:
    value = step.get(key, default)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        errors.append(f"{step['step']}: {key} must be a number")


def _check_normalise_spec(where: str, spec: dict[str, Any], errors: list[str]) -> None:
    method = spec.get("method", "minmax")
    if method not in NORMALISE_METHODS:
        errors.append(f"{where}: method {method!r} must be one of {', '.join(NORMALISE_METHODS)}")
    if method == "minmax" and spec.get("lower", 0) >= spec.get("upper", 100):
        errors.append(f"{where}: lower must be below upper")
    if method == "zscore" and spec.get("sd", 1) <= 0:
        errors.append(f"{where}: sd must be positive")


def _check_step(step: Any, errors: list[str]) -> None:
    if not isinstance(step, dict) or step.get("step") not in STEP_ORDER:
        errors.append(f"unknown step {step!r}: steps are {', '.join(STEP_ORDER)}")
        return
    kind = step["step"]
    if kind == "impute" and step.get("method", "none") not in IMPUTE_METHODS:
        errors.append(
            f"impute: method {step.get('method')!r} must be one of {', '.join(IMPUTE_METHODS)}"
        )
    if (
        kind == "impute"
        and str(step.get("method", "")).startswith("group")
        and not step.get("group")
    ):
        errors.append("impute: group methods need a group column")
    if kind == "screen":
        threshold = step.get("threshold", 2 / 3)
        if not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
            errors.append("screen: threshold must be between 0 and 1")
    if kind == "treat":
        for key in ("skew_threshold", "kurt_threshold"):
            _num(step, key, 2, errors)
        winmax = step.get("winmax", 5)
        if winmax is not None and (not isinstance(winmax, int) or winmax < 0):
            errors.append("treat: winmax must be a whole number ≥ 0 or null")
    if kind == "normalise":
        _check_normalise_spec("normalise", step, errors)
        for code, spec in (step.get("indicators") or {}).items():
            if spec != "none":
                _check_normalise_spec(f"normalise {code}", spec, errors)
    if kind == "aggregate":
        methods = step.get("method", "arithmetic")
        for method in methods if isinstance(methods, list) else [methods]:
            if method not in AGGREGATE_METHODS:
                errors.append(
                    f"aggregate: method {method!r} must be one of {', '.join(AGGREGATE_METHODS)}"
                )
        threshold = step.get("data_threshold")
        if threshold is not None and not 0 <= threshold <= 1:
            errors.append("aggregate: data_threshold must be between 0 and 1")


def validate(doc: Any) -> dict[str, Any]:
    """Check a pipeline document; return a deep copy or raise PipelineError with every problem."""
    errors: list[str] = []
    if not isinstance(doc, dict):
        raise PipelineError(["a pipeline is a JSON object"])
    if doc.get("format") != FORMAT:
        errors.append(f"format must be {FORMAT!r}")
    if doc.get("version") != VERSION:
        errors.append(f"version must be {VERSION}")
    steps = doc.get("steps")
    if not isinstance(steps, list) or not steps:
        raise PipelineError([*errors, "steps must be a non-empty list"])
    for step in steps:
        _check_step(step, errors)
    kinds = [s.get("step") for s in steps if isinstance(s, dict)]
    if kinds and kinds[-1] != "aggregate":
        errors.append("the last step must be aggregate")
    if len(set(kinds)) != len(kinds):
        errors.append("each step may appear once")
    weights = doc.get("weights") or {}
    if not isinstance(weights, dict) or any(
        isinstance(w, bool) or not isinstance(w, int | float) or w < 0 for w in weights.values()
    ):
        errors.append("weights must map codes to numbers ≥ 0")
    if errors:
        raise PipelineError(errors)
    return copy.deepcopy(doc)


def load(text: str) -> dict[str, Any]:
    """Parse and validate a pipeline from JSON text."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PipelineError([f"not valid JSON: {exc}"]) from exc
    return validate(doc)


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False)


def step_of(doc: dict[str, Any], kind: str) -> dict[str, Any] | None:
    return next((s for s in doc["steps"] if s["step"] == kind), None)

"""Computing a composite index run with the engine (cchc.composite): from the stored iMeta /
iData rows and the pipeline to the result the pages show, the JSON stored on the run."""

from collections.abc import Callable
from typing import Any

import pandas as pd

from cchc.composite import engine, framework, uncertainty
from cchc.composite.framework import Framework, UnitData

STRENGTHS = 5
# As COINr's own apps call get_str_weak: binary indicators are not strengths or weaknesses.
UNIQUE_DISCARD = 0.2


def parse_meta(rows: list[dict[str, Any]]) -> Framework:
    return framework.parse_meta(pd.DataFrame(rows, dtype=object))


def parse_data(rows: list[dict[str, Any]], fw: Framework) -> UnitData:
    return framework.parse_data(pd.DataFrame(rows, dtype=object), fw)


def load(
    meta_rows: list[dict[str, Any]], data_rows: list[dict[str, Any]]
) -> tuple[Framework, UnitData]:
    fw = parse_meta(meta_rows)
    return fw, parse_data(data_rows, fw)


def levels_of(fw: Framework) -> list[dict[str, Any]]:
    """The aggregate levels from the top down, with their codes and names."""
    return [
        {"level": lev, "codes": [{"code": c, "name": fw.nodes[c].name} for c in fw.codes_at(lev)]}
        for lev in range(fw.max_level, 1, -1)
    ]


def run_result(
    meta_rows: list[dict[str, Any]],
    data_rows: list[dict[str, Any]],
    pipeline: dict[str, Any],
    *,
    replications: int = 0,
    seed: int | None = None,
    assumptions: list[dict[str, Any]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Scores and ranks at every level, strengths and weaknesses, and rank intervals when
    ``replications`` > 0. Raises ValueError (FrameworkError, PipelineError) when it cannot."""
    fw, data = load(meta_rows, data_rows)
    result = engine.run(fw, data, pipeline)
    out = result.to_dict()
    out["top"] = fw.top
    out["levels"] = levels_of(fw)
    out["indicators"] = {c: fw.nodes[c].name for c in fw.indicators}
    for unit in out["units"]:
        best, worst = result.strengths_weaknesses(unit["code"], STRENGTHS, UNIQUE_DISCARD)
        unit["strengths"], unit["weaknesses"] = best, worst
    if replications:
        chosen = assumptions or uncertainty.default_assumptions(fw)
        intervals = uncertainty.rank_intervals(
            fw, data, pipeline, chosen, replications, seed, progress
        )
        for unit in out["units"]:
            unit["rank_interval"] = intervals.for_unit(unit["code"])
    return out


def datasets(
    meta_rows: list[dict[str, Any]], data_rows: list[dict[str, Any]], pipeline: dict[str, Any]
) -> dict[str, pd.DataFrame]:
    """Every intermediate data set of the run (Raw … Aggregated), recomputed: the same inputs
    and pipeline give the same numbers."""
    fw, data = load(meta_rows, data_rows)
    return engine.run(fw, data, pipeline).datasets

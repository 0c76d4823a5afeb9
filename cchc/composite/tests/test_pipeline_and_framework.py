"""The pipeline document and the iMeta/iData checks: every problem is reported, nothing runs."""

import json

import numpy as np
import pandas as pd
import pytest

from cchc.composite import engine, framework, pipeline

META = pd.DataFrame(
    [
        [1, "a", "A", 1, 1, "Indicator", "P1", None, 10],
        [1, "b", "B", -1, 1, "Indicator", "P1", None, None],
        [1, "c", "C", 1, 2, "Indicator", "P2", "pop", None],
        [2, "P1", "Pillar 1", 1, 1, "Aggregate", "I", None, None],
        [2, "P2", "Pillar 2", 1, 3, "Aggregate", "I", None, None],
        [3, "I", "Index", 1, 1, "Aggregate", None, None, None],
        [None, "grp", "Group", None, None, "Group", None, None, None],
        [None, "pop", "Population", None, None, "Denominator", None, None, None],
    ],
    columns=[
        "Level",
        "iCode",
        "iName",
        "Direction",
        "Weight",
        "Type",
        "Parent",
        "Denominator",
        "Target",
    ],
)
DATA = pd.DataFrame(
    {
        "uCode": ["u1", "u2", "u3"],
        "uName": ["One", "Two", "Three"],
        "grp": ["x", "x", "y"],
        "pop": [1, 2, 4],
        "a": [0, 5, 10],
        "b": [1, 2, 3],
        "c": [4, 4, 16],
    }
)
SIMPLE = {
    "format": pipeline.FORMAT,
    "version": 1,
    "steps": [
        {"step": "denominate"},
        {"step": "normalise", "method": "minmax", "lower": 0, "upper": 100},
        {"step": "aggregate", "method": "arithmetic"},
    ],
}


def test_small_index_by_hand():
    fw = framework.parse_meta(META)
    data = framework.parse_data(DATA, fw)
    result = engine.run(fw, data, SIMPLE)
    # c / pop = 4, 2, 4 -> minmax 100, 0, 100; a -> 0, 50, 100; b reversed -> 100, 50, 0
    # P1 = (a + b)/2 = 50, 50, 50; P2 = c; Index = (1·P1 + 3·P2)/4 = 87.5, 12.5, 87.5
    assert result.scores["P1"].tolist() == [50, 50, 50]
    assert result.scores["I"].tolist() == [87.5, 12.5, 87.5]
    assert result.ranks["I"].tolist() == [1, 3, 1]  # tie shares rank 1
    # pipeline weights override iMeta: P2 weight 1 -> (50 + 100)/2
    reweighted = engine.run(fw, data, {**SIMPLE, "weights": {"P2": 1}})
    assert reweighted.scores.at["u1", "I"] == 75


def test_per_indicator_normalisation_and_target():
    fw = framework.parse_meta(META)
    data = framework.parse_data(DATA, fw)
    doc = json.loads(json.dumps(SIMPLE))
    doc["steps"][1]["indicators"] = {"a": {"method": "target_proportional", "full": 100}}
    result = engine.run(fw, data, doc)
    assert result.datasets["Normalised"]["a"].tolist() == [0, 50, 100]  # target 10: x/10·100
    doc["steps"][1]["indicators"] = {"b": {"method": "dist_to_target"}}
    with pytest.raises(ValueError, match="Target"):
        engine.run(fw, data, doc)


def test_pipeline_errors_are_all_listed():
    bad = {
        "format": "x",
        "version": 2,
        "steps": [
            {"step": "impute", "method": "group_mean"},
            {"step": "screen", "threshold": 1.5},
            {"step": "normalise", "method": "minmax", "lower": 10, "upper": 0},
            {"step": "bogus"},
            {"step": "aggregate", "method": "median"},
        ],
        "weights": {"a": -1},
    }
    with pytest.raises(pipeline.PipelineError) as exc:
        pipeline.validate(bad)
    text = str(exc.value)
    for fragment in (
        "format",
        "version",
        "group",
        "threshold",
        "lower",
        "bogus",
        "median",
        "weights",
    ):
        assert fragment in text


def test_pipeline_must_end_with_aggregate_and_parse_json():
    with pytest.raises(pipeline.PipelineError, match="last step"):
        pipeline.validate({**SIMPLE, "steps": SIMPLE["steps"][:2]})
    with pytest.raises(pipeline.PipelineError, match="JSON"):
        pipeline.load("{nope")
    assert pipeline.load(pipeline.dumps(pipeline.COINR_EXAMPLE)) == pipeline.COINR_EXAMPLE


def test_meta_errors_name_each_row():
    meta = META.copy().astype(object)
    meta.loc[0, "Direction"] = 2
    meta.loc[1, "Weight"] = "heavy"
    meta.loc[2, "Parent"] = "Nowhere"
    with pytest.raises(framework.FrameworkError) as exc:
        framework.parse_meta(meta)
    rows = [row for row, _ in exc.value.errors]
    assert 2 in rows
    assert 3 in rows
    assert "Nowhere" in str(exc.value)


def test_data_errors_name_each_row_and_column():
    fw = framework.parse_meta(META)
    data = DATA.copy().astype(object)
    data.loc[1, "a"] = "n/a?"
    data.loc[2, "uCode"] = "u1"
    with pytest.raises(framework.FrameworkError) as exc:
        framework.parse_data(data, fw)
    assert exc.value.errors == [(3, "u2: a is not a number ('n/a?')"), (4, "u1: duplicate uCode")]
    with pytest.raises(framework.FrameworkError, match="missing column"):
        framework.parse_data(DATA.drop(columns=["c"]), fw)


def test_blank_cells_are_missing_values():
    fw = framework.parse_meta(META)
    data = DATA.copy().astype(object)
    data.loc[0, "a"] = ""
    parsed = framework.parse_data(data, fw)
    assert np.isnan(parsed.values.at["u1", "a"])

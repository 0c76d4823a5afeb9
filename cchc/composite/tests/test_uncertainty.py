"""Uncertainty (rank intervals) and variance-based sensitivity (Sobol' indices)."""

import math
from pathlib import Path

import numpy as np
import pytest

from cchc.composite import framework, pipeline, uncertainty

ASEM = Path(__file__).resolve().parents[3] / "tests" / "data" / "asem"
ASSUMPTIONS = [
    {"name": "weights", "type": "noisy_weights", "levels": {"2": 0.25, "3": 0.25}},
    {
        "name": "aggregation",
        "type": "alternatives",
        "step": "aggregate",
        "options": [{"method": "arithmetic"}, {"method": "geometric"}],
    },
    {
        "name": "winsorisation",
        "type": "alternatives",
        "step": "treat",
        "options": [{"winmax": 5}, {"winmax": 2}],
    },
]
# geometric means need positive values: the nominal pipeline normalises onto [1, 100]
PIPELINE = {
    **pipeline.COINR_EXAMPLE,
    "steps": [
        *pipeline.COINR_EXAMPLE["steps"][:4],
        {"step": "normalise", "method": "minmax", "lower": 1, "upper": 100},
        {"step": "aggregate", "method": "arithmetic"},
    ],
}


@pytest.fixture(scope="module")
def asem():
    return framework.load(str(ASEM / "ASEM_iMeta.csv"), str(ASEM / "ASEM_iData.csv"))


@pytest.fixture(scope="module")
def intervals(asem):
    return uncertainty.rank_intervals(*asem, PIPELINE, ASSUMPTIONS, 120, seed=7)


def test_nominal_rank_lies_inside_the_interval_for_nearly_all_units(intervals):
    table = intervals.table
    assert len(table) == 51
    inside = (table["nominal"] >= table["q05"]) & (table["nominal"] <= table["q95"])
    assert inside.mean() >= 0.9
    assert (table["q05"] <= table["median"]).all()
    assert (table["median"] <= table["q95"]).all()
    assert table.at["CHE", "nominal"] == 1  # the nominal ranks are the COINr ones


def test_same_seed_same_intervals_other_seed_differs(asem, intervals):
    again = uncertainty.rank_intervals(*asem, PIPELINE, ASSUMPTIONS, 120, seed=7)
    assert again.table.equals(intervals.table)
    other = uncertainty.rank_intervals(*asem, PIPELINE, ASSUMPTIONS, 120, seed=8)
    assert not other.table.equals(intervals.table)


def test_variant_applies_the_chosen_option_and_noisy_weights(asem):
    rep = uncertainty.Replicator(*asem, PIPELINE, ASSUMPTIONS, 50, seed=1)
    doc, weights = rep.variant(np.array([0.3, 0.9, 0.1]))
    aggregate = next(s for s in doc["steps"] if s["step"] == "aggregate")
    treat = next(s for s in doc["steps"] if s["step"] == "treat")
    assert aggregate["method"] == "geometric"  # u = 0.9 of two options -> the second
    assert treat["winmax"] == 5
    assert treat["skew_threshold"] == 2  # the other keys of the step are kept
    # level-2 and level-3 weights within ±25 % of 1, indicators untouched
    for code in ("Physical", "Social", "Conn", "Sust"):
        assert 0.75 <= weights[code] <= 1.25
    assert weights["LPI"] == 1


def test_bad_assumptions_are_refused(asem):
    fw, _ = asem
    with pytest.raises(pipeline.PipelineError) as exc:
        uncertainty.check_assumptions(
            [
                {"type": "noisy_weights", "levels": {"9": 2}},
                {"type": "alternatives", "step": "aggregate", "options": [{}]},
                {"type": "magic"},
            ],
            fw,
        )
    assert len(exc.value.errors) == 4


def ishigami(x, a=7.0, b=0.1):
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function():
    # analytic values for a = 7, b = 0.1 (Ishigami & Homma 1990; Sobol' & Levitan 1999):
    # V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2; V1 = (1 + bπ⁴/5)²/2; V2 = a²/8; V13 = b²π⁸(1/18 - 1/50)
    a, b = 7.0, 0.1
    v = a**2 / 8 + b * math.pi**4 / 5 + b**2 * math.pi**8 / 18 + 0.5
    v1 = (1 + b * math.pi**4 / 5) ** 2 / 2
    v2 = a**2 / 8
    v13 = b**2 * math.pi**8 * (1 / 18 - 1 / 50)
    s1 = [v1 / v, v2 / v, 0.0]
    st = [(v1 + v13) / v, v2 / v, v13 / v]
    bounds = [(-math.pi, math.pi)] * 3
    res = uncertainty.sobol_indices(ishigami, ["x1", "x2", "x3"], bounds, 4096, seed=3)
    assert res.first_order == pytest.approx(s1, abs=0.03)
    assert res.total == pytest.approx(st, abs=0.03)
    assert all(0 < c < 0.1 for c in res.first_order_conf + res.total_conf)
    assert res.runs == 4096 * 5
    # reproducible with the seed
    again = uncertainty.sobol_indices(ishigami, ["x1", "x2", "x3"], bounds, 4096, seed=3)
    assert again.first_order == res.first_order


def test_sensitivity_of_the_asem_ranks(asem):
    res = uncertainty.sensitivity(*asem, PIPELINE, ASSUMPTIONS, 32, seed=5)
    assert res.names == ["weights", "aggregation", "winsorisation"]
    assert res.runs == 32 * 5
    # total effects are at least the first-order ones (within their confidence), and the
    # first-order indices of a model without interactions cannot sum past 1 by much
    for s1, st, c1, ct in zip(
        res.first_order, res.total, res.first_order_conf, res.total_conf, strict=True
    ):
        assert st >= s1 - (c1 + ct)
        assert st >= -ct
    assert sum(res.first_order) <= 1 + sum(res.first_order_conf)
    assert max(res.total) > 0.05  # the assumptions do move ranks
    assert res.to_dict()["assumptions"][0]["name"] == "weights"


def _reform_points():
    import pandas as pd

    points = pd.DataFrame(
        {"A1": [20.0, 18.0, 10.0, 9.5], "A2": [5.0, 8.0, 14.0, 15.0], "S": [9.0, 9.0, 6.0, None]},
        index=["u1", "u2", "u3", "u4"],
    )
    maxima = pd.Series([60.0, 60.0, 60.0, 40.0], index=points.index)
    return points, maxima


def test_weighted_sum_intervals_hand_checked_and_reproducible():
    points, maxima = _reform_points()
    a = uncertainty.weighted_sum_rank_intervals(points, maxima, 0.25, 500, seed=7)
    b = uncertainty.weighted_sum_rank_intervals(points, maxima, 0.25, 500, seed=7)
    assert a.table.equals(b.table)
    # Nominal: u1 34/60, u2 35/60, u3 30/60, u4 24.5/40 = 0.6125 → u4, u2, u1, u3.
    assert list(a.table["nominal"]) == [3.0, 2.0, 4.0, 1.0]
    t = a.table
    assert ((t["q05"] <= t["nominal"]) & (t["nominal"] <= t["q95"])).all()
    # u3 is last whatever the weights within ±25 %; u1 and u2 swap when A1 outweighs A2.
    assert t.loc["u3", "q05"] == t.loc["u3", "q95"] == 4.0
    assert t.loc["u1", "q05"] < t.loc["u1", "q95"]
    # Without noise the interval collapses on the nominal rank.
    flat = uncertainty.weighted_sum_rank_intervals(points, maxima, 0.0, 10, seed=1).table
    assert (flat["q05"] == flat["nominal"]).all()
    assert (flat["q95"] == flat["nominal"]).all()


def test_weighted_sum_intervals_refuse_bad_settings():
    points, maxima = _reform_points()
    with pytest.raises(pipeline.PipelineError):
        uncertainty.weighted_sum_rank_intervals(points, maxima, 0.25, 1)
    with pytest.raises(pipeline.PipelineError):
        uncertainty.weighted_sum_rank_intervals(points, maxima, 1.5, 10)


def _survey_points():
    import pandas as pd

    # Six units one appraisal point apart, the same survey points; u2's survey rests on few
    # answers (a wide interval), u3's on many (a narrow one).
    points = pd.DataFrame(
        {"A": [50.0, 49.0, 48.0, 47.0, 46.0, 45.0], "S": [20.0] * 6},
        index=[f"u{n}" for n in range(6)],
    )
    maxima = pd.Series([100.0] * 6, index=points.index)
    nan = float("nan")
    lower = pd.Series([nan, nan, 10.0, 19.6, nan, nan], index=points.index)
    upper = pd.Series([nan, nan, 30.0, 20.4, nan, nan], index=points.index)
    return points, maxima, {"S": (lower, upper)}


def test_survey_sampling_error_widens_the_interval_of_the_uncertain_unit():
    points, maxima, ranges = _survey_points()
    for factor in (0.0, 0.25):
        t = uncertainty.weighted_sum_rank_intervals(
            points, maxima, factor, 1000, seed=3, ranges=ranges
        ).table
        wide = t.loc["u2", "q95"] - t.loc["u2", "q05"]
        narrow = t.loc["u3", "q95"] - t.loc["u3", "q05"]
        assert wide > narrow
        assert wide >= 4  # ±10 survey points reach from first to last place
    # Without weight noise the narrow unit (±0.4 points, neighbours 1 point away) keeps its
    # rank, except where the wide one crosses it.
    flat = uncertainty.weighted_sum_rank_intervals(points, maxima, 0.0, 1000, seed=3).table
    assert (flat["q05"] == flat["nominal"]).all()
    assert (flat["q95"] == flat["nominal"]).all()


def test_survey_sampling_error_is_reproducible_and_keeps_the_weight_draws():
    points, maxima, ranges = _survey_points()
    a = uncertainty.weighted_sum_rank_intervals(points, maxima, 0.25, 300, seed=9, ranges=ranges)
    b = uncertainty.weighted_sum_rank_intervals(points, maxima, 0.25, 300, seed=9, ranges=ranges)
    assert a.table.equals(b.table)
    # Bounds equal to the points themselves change nothing: the weights drawn are the same.
    same = {"S": (points["S"], points["S"])}
    plain = uncertainty.weighted_sum_rank_intervals(points, maxima, 0.25, 300, seed=9)
    fixed = uncertainty.weighted_sum_rank_intervals(points, maxima, 0.25, 300, seed=9, ranges=same)
    assert plain.table.equals(fixed.table)


def test_survey_bounds_upside_down_refused():
    points, maxima, ranges = _survey_points()
    lower, upper = ranges["S"]
    with pytest.raises(pipeline.PipelineError, match="lower bound is above"):
        uncertainty.weighted_sum_rank_intervals(
            points, maxima, 0.25, 10, seed=1, ranges={"S": (upper.fillna(50), lower.fillna(0))}
        )

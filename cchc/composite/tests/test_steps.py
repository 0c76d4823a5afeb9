"""Each step alone against a hand computation (the arithmetic is in the comments)."""

import math

import numpy as np
import pandas as pd
import pytest

from cchc.composite import steps


def test_skew_and_kurtosis_match_excel_for_a_small_vector():
    # x = 1,2,3,4,10: mean 4, deviations -3,-2,-1,0,6; Σd² = 50, Σd³ = 180, Σd⁴ = 1394, n = 5.
    # skew = √5·180/50^1.5 · √(5·4)/3 = 1800/(50^1.5·3) = 1.697056 (Excel SKEW)
    # r = 5·1394/50² = 2.788; kurt = (6·(r-3)+6)·4/(3·2) = 3.152 (Excel KURT)
    x = np.array([1, 2, 3, 4, 10, np.nan])
    assert steps.skew(x) == pytest.approx(1800 / (50**1.5 * 3))
    assert steps.kurt(x) == pytest.approx(3.152)


def test_skew_needs_three_points():
    with pytest.raises(ValueError, match="min 3"):
        steps.skew(np.array([1.0, 2.0, np.nan]))


def test_check_passes_when_either_threshold_holds():
    x = np.array([1, 2, 3, 4, 10.0])  # skew 1.70, kurt 3.15
    assert steps.passes_skew_kurt(x, 2, 3.5) is True
    assert steps.passes_skew_kurt(x, 1.5, 3.5) is True  # kurtosis below 3.5 is enough
    assert steps.passes_skew_kurt(x, 1.5, 3.0) is False  # both exceeded
    assert steps.passes_skew_kurt(np.ones(5), 2, 3.5) is None  # constant: undefined


def test_winsorise_replaces_the_top_value_by_the_next_one_coinr_example():
    # COINr's winsorise() example: 1..10, 30, 100 (skew 3.06, kurt 9.74 fails);
    # the maximum 100 becomes 30, then skew 1.71 < 2 passes: one point.
    x = np.array([*range(1, 11), 30, 100], dtype=float)
    treated, info = steps.treat_column("x", x, winmax=5)
    assert treated.tolist() == [*range(1, 11), 30, 30]
    assert (info.points, info.log, info.winsorised) == (1, False, (11,))
    assert info.skew_before == pytest.approx(3.0632, abs=1e-4)


def test_winsorise_low_side_when_skew_is_negative_and_ties_count_twice():
    # mirror image: -100 -> -30 first; then the two -30s tie and both become -10 if needed
    x = -np.array([*range(1, 11), 30, 100], dtype=float)
    treated, nwin, positions = steps.winsorise(x, None, 2, 3.5)
    assert treated[11] == -30
    assert nwin == 1
    assert positions == [11]


def test_treat_falls_back_to_log_of_the_original_column_when_winmax_is_reached():
    # winmax 0: no winsorisation allowed; log_CT on the original: log(x - 1 + 0.01·99)
    x = np.array([*range(1, 11), 30, 100], dtype=float)
    treated, info = steps.treat_column("x", x, winmax=0)
    assert info.log
    assert info.points == 0
    assert treated[0] == pytest.approx(math.log(0.99))
    assert treated[-1] == pytest.approx(math.log(99.99))


def test_log_ct_hand_values():
    assert steps.log_ct(np.array([0, 1, 10.0])) == pytest.approx(
        [math.log(0.1), math.log(1.1), math.log(10.1)]
    )


def test_denominate_divides_by_the_scaled_denominator():
    values = pd.DataFrame({"a": [10.0, 20.0], "b": [1.0, 2.0]}, index=["u1", "u2"])
    denoms = pd.DataFrame({"pop": [2.0, 4.0]}, index=["u1", "u2"])
    out = steps.denominate(values, denoms, {"a": ("pop", 1000.0)})
    assert out["a"].tolist() == [5000.0, 5000.0]  # 10 / (2/1000)
    assert out["b"].tolist() == [1.0, 2.0]


def test_impute_methods_by_hand():
    values = pd.DataFrame({"a": [1.0, 3.0, np.nan, 10.0, np.nan]}, index=list("vwxyz"))
    groups = pd.Series(["E", "E", "E", "A", None], index=list("vwxyz"))
    assert steps.impute(values, "mean", None)["a"].tolist() == [1, 3, 14 / 3, 10, 14 / 3]
    assert steps.impute(values, "median", None)["a"].tolist() == [1, 3, 3, 10, 3]
    by_group = steps.impute(values, "group_mean", groups)["a"].tolist()
    assert by_group[:4] == [1, 3, 2, 10]  # x takes the mean of its group E: (1+3)/2
    assert math.isnan(by_group[4])  # no group: left missing (COINr skip_f_na)
    assert steps.impute(values, "none", None)["a"].isna().sum() == 2


def test_screen_drops_units_below_the_availability_threshold():
    values = pd.DataFrame(
        {"a": [1, np.nan, 3], "b": [1, 2, 3], "c": [np.nan, np.nan, 3]}, index=["u1", "u2", "u3"]
    )
    # availability 2/3, 1/3, 1
    kept, removed = steps.screen(values, 2 / 3)
    assert list(kept.index) == ["u1", "u3"]
    assert removed == ["u2"]


def test_minmax_zscore_rank_by_hand():
    x = np.array([[2.0], [4.0], [4.0], [10.0]])
    assert steps.minmax(x, 0, 100)[:, 0].tolist() == [0, 25, 25, 100]
    assert steps.minmax(x, 1, 11)[:, 0].tolist() == [1, 3.5, 3.5, 11]
    # mean 5, sample sd √((9+1+1+25)/3) = √12
    assert steps.zscore(x)[:, 0] == pytest.approx(np.array([-3, -1, -1, 5]) / math.sqrt(12))
    assert steps.rank_values(x)[:, 0].tolist() == [1, 2, 2, 4]  # ties.method = "min"


def test_distance_to_target_and_proportional_to_target():
    x = np.array([[2.0], [6.0], [12.0]])
    t = np.array([10.0])
    # 1 - (10 - x)/(10 - 2): 0, 0.5, 1.25 capped at 1
    assert steps.dist_to_target(x, t, cap=True)[:, 0].tolist() == [0, 0.5, 1]
    assert steps.dist_to_target(x, t, cap=False)[:, 0].tolist() == [0, 0.5, 1.25]
    # full points at or above 10, proportional below: 100·x/10
    assert steps.proportional_to_target(x, t, 100)[:, 0].tolist() == [20, 60, 100]
    # lower is better (values and target arrive multiplied by -1): full at or below 4
    low = -np.array([[2.0], [4.0], [8.0]])
    assert steps.proportional_to_target(low, -np.array([4.0]), 10)[:, 0].tolist() == [10, 10, 5]


def test_aggregate_means_with_weights_and_missing_values():
    x = np.array([[10.0, 40.0], [20.0, np.nan], [np.nan, np.nan]])
    w = np.array([1.0, 3.0])
    arith = steps.aggregate(x, w, "arithmetic")
    assert arith[:2].tolist() == [(10 + 120) / 4, 20]  # NaN skipped, weights renormalised
    assert math.isnan(arith[2])
    geo = steps.aggregate(x, w, "geometric")
    assert geo[0] == pytest.approx((10 * 40**3) ** 0.25)
    harm = steps.aggregate(x, w, "harmonic")
    assert harm[0] == pytest.approx(4 / (1 / 10 + 3 / 40))
    # availability threshold: row 2 has 1/2 of its values
    assert math.isnan(steps.aggregate(x, w, "arithmetic", data_threshold=0.75)[1])
    with pytest.raises(ValueError, match="positive"):
        steps.aggregate(np.array([[0.0, 1.0]]), w, "geometric")


def test_ranks_ties_share_the_lowest_rank():
    scores = pd.DataFrame({"Index": [50.0, 70.0, 70.0, 10.0, np.nan]}, index=list("abcde"))
    ranks = steps.rank_scores(scores)["Index"]
    assert ranks.tolist()[:4] == [3, 1, 1, 4]
    assert pd.isna(ranks["e"])

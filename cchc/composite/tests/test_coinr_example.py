"""COINr's ASEM example (build_example_coin()) reproduced to two decimals.

The reference values are the results table COINr's documentation publishes in its
"Presenting Results" vignette (vignettes/results.Rmd: ``get_results(coin, dset = "Aggregated",
tab_type = "Aggs")``, the first six rows) — every index, sub-index and pillar value shown there.
"""

import json
from pathlib import Path

import pandas as pd
import pytest

from cchc.composite import engine, framework, pipeline

ASEM = Path(__file__).resolve().parents[3] / "tests" / "data" / "asem"

COLUMNS = [
    "Index",
    "Conn",
    "Sust",
    "Physical",
    "ConEcFin",
    "Political",
    "Instit",
    "P2P",
    "Environ",
    "Social",
    "SusEcFin",
]
PUBLISHED = {  # uCode: (Rank, Index, Conn, Sust, Physical, …, SusEcFin)
    "CHE": (1, 68.38, 62.79, 73.98, 63.41, 32.87, 74.78, 85.94, 56.93, 77.21, 87.85, 56.88),
    "NLD": (2, 64.82, 61.94, 67.70, 64.87, 46.62, 84.55, 71.74, 41.92, 58.73, 86.58, 57.78),
    "DNK": (3, 64.80, 57.10, 72.51, 50.52, 30.43, 78.13, 75.35, 51.04, 69.83, 86.40, 61.29),
    "NOR": (4, 64.47, 57.44, 71.50, 58.18, 25.70, 80.03, 89.46, 33.80, 70.90, 87.00, 56.59),
    "BEL": (5, 63.54, 63.99, 63.09, 71.97, 48.22, 80.84, 75.60, 43.32, 53.01, 86.17, 50.09),
    "SWE": (6, 63.00, 53.87, 72.12, 51.51, 23.87, 80.98, 74.51, 38.50, 66.37, 87.74, 62.27),
}


@pytest.fixture(scope="module")
def result():
    fw, data = framework.load(str(ASEM / "ASEM_iMeta.csv"), str(ASEM / "ASEM_iData.csv"))
    return engine.run(fw, data, pipeline.COINR_EXAMPLE)


@pytest.mark.parametrize("unit", list(PUBLISHED))
def test_published_scores_and_rank(result, unit):
    rank, *values = PUBLISHED[unit]
    got = [round(float(result.scores.at[unit, c]), 2) for c in COLUMNS]
    assert got == pytest.approx(values, abs=0.005)
    assert int(result.ranks.at[unit, "Index"]) == rank


def test_top_six_in_order(result):
    top = result.scores["Index"].sort_values(ascending=False).index[:6]
    assert list(top) == list(PUBLISHED)


def test_framework_and_data_sets(result):
    fw = result.framework
    assert len(fw.indicators) == 49
    assert len(fw.codes_at(2)) == 8
    assert fw.top == "Index"
    assert len(result.data.codes) == 51
    # every intermediate data set is kept, in COINr's names and order
    assert list(result.datasets) == [
        "Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated",
    ]  # fmt: skip
    assert result.datasets["Raw"].isna().sum().sum() > 0
    assert result.datasets["Imputed"].isna().sum().sum() == 0  # group means filled every gap
    assert result.screened_out == []  # nothing below 90 % availability after imputation
    # Flights is thousands of seats per thousand people after denomination
    aut_flights = result.datasets["Denominated"].at["AUT", "Flights"]
    assert aut_flights == pytest.approx(29.01725 / 8735.453)
    normalised = result.datasets["Normalised"]
    assert normalised.min().min() == pytest.approx(0)
    assert normalised.max().max() == 100
    assert "uCode,LPI" in result.export_csv("Treated").splitlines()[0]


def test_treated_indicators_are_winsorised_within_winmax(result):
    treated = {t.indicator: t for t in result.treated if t.points or t.log}
    assert treated, "ASEM has skewed indicators"
    for info in treated.values():
        assert info.points <= 5 or info.log
        assert info.passes in (True, None) or info.log


def test_result_json_shape(result):
    out = result.to_dict()
    first = out["units"][0]
    assert first["code"] == "CHE"
    assert first["name"] == "Switzerland"
    assert first["ranks"]["Index"] == 1
    assert first["scores"]["Index"] == pytest.approx(68.38, abs=0.005)
    assert set(first["scores"]) == {"Index", "Conn", "Sust", *COLUMNS[3:]}
    json.dumps(out)  # plain JSON


def test_strengths_and_weaknesses(result):
    best, worst = result.strengths_weaknesses("CHE", 3)
    raw = result.datasets["Raw"]
    direction = pd.Series({c: result.framework.nodes[c].direction for c in raw.columns})
    ranks = (raw * direction).rank(ascending=False, method="min").loc["CHE"]
    assert ranks[best].max() <= ranks[worst].min()
    assert list(ranks[best]) == sorted(ranks[best])
    # the binary TIR convention indicator (two distinct values) is not a strength with
    # COINr's unique-value filter, and a unit's worst-ranked indicators are left out
    assert "TIRcon" not in result.strengths_weaknesses("CHE", 5, unique_discard=0.2)[0]
    worst_of_all = (raw * direction).rank(ascending=False, method="min").max()
    assert all(ranks[c] != worst_of_all[c] for c in worst)

"""manage.py composite_run: the JSON shape, the same seed giving the same output, refusals."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cchc.composite import pipeline

ASEM = Path(__file__).resolve().parents[3] / "tests" / "data" / "asem"
META, DATA = str(ASEM / "ASEM_iMeta.csv"), str(ASEM / "ASEM_iData.csv")


def run(*args: str) -> str:
    out = StringIO()
    call_command("composite_run", "--meta", META, "--data", DATA, *args, stdout=out)
    return out.getvalue()


def test_json_shape_of_the_coinr_example():
    out = json.loads(run("--pipeline", "coinr-example", "--json"))
    assert set(out) == {"units", "screened_out", "treated"}
    che = out["units"][0]
    assert set(che) == {"code", "name", "scores", "ranks"}
    assert che["code"] == "CHE"
    assert che["scores"]["Index"] == pytest.approx(68.38, abs=0.005)
    assert che["scores"]["Social"] == pytest.approx(87.85, abs=0.005)
    assert che["ranks"]["Index"] == 1
    assert out["screened_out"] == []
    assert all(set(t) == {"indicator", "points", "log"} for t in out["treated"])
    assert "Flights" in {t["indicator"] for t in out["treated"]}


def test_uncertainty_same_seed_same_output(tmp_path):
    first = run("--uncertainty", "30", "--seed", "4", "--json")
    assert run("--uncertainty", "30", "--seed", "4", "--json") == first
    units = json.loads(first)["units"]
    interval = units[0]["rank_interval"]
    assert set(interval) == {"median", "q05", "q95"}
    assert interval["q05"] <= interval["median"] <= interval["q95"]


def test_pipeline_file_and_table_output(tmp_path):
    doc = json.loads(pipeline.dumps(pipeline.COINR_EXAMPLE))
    doc["steps"][-1]["method"] = "geometric"
    doc["steps"][-2]["lower"] = 1
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc))
    text = run("--pipeline", str(path))
    assert "Switzerland" in text
    assert "51 units ranked." in text


def test_refusals(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "cchc.composite.pipeline", "version": 1, "steps": []}')
    with pytest.raises(CommandError, match="steps must be a non-empty list"):
        run("--pipeline", str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("composite_run", "--meta", "nope.csv", "--data", DATA)
    meta = tmp_path / "meta.csv"
    meta.write_text(Path(META).read_text().replace("1.0,LPI,", "x,LPI,"))
    with pytest.raises(CommandError, match="row 2: LPI: Level"):
        call_command("composite_run", "--meta", str(meta), "--data", DATA)
    # geometric mean of a [0, 100] normalisation meets zeros: a clear refusal
    doc = json.loads(pipeline.dumps(pipeline.COINR_EXAMPLE))
    doc["steps"][-1]["method"] = "geometric"
    path = tmp_path / "geo.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(CommandError, match="positive"):
        run("--pipeline", str(path))


def test_sensitivity_option(tmp_path):
    assumptions = tmp_path / "a.json"
    assumptions.write_text(
        json.dumps(
            [
                {"name": "weights", "type": "noisy_weights", "levels": {"2": 0.25}},
                {
                    "name": "winsorisation",
                    "type": "alternatives",
                    "step": "treat",
                    "options": [{"winmax": 5}, {"winmax": 1}],
                },
            ]
        )
    )
    args = ("--assumptions", str(assumptions), "--sensitivity", "8", "--seed", "2", "--json")
    out = json.loads(run(*args))
    sens = out["sensitivity"]
    assert sens["runs"] == 8 * 4
    assert [a["name"] for a in sens["assumptions"]] == ["weights", "winsorisation"]
    assert "rank_interval" not in out["units"][0]
    assert json.loads(run(*args))["sensitivity"] == sens  # the same seed, the same indices

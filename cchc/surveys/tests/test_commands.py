"""manage.py sipas_sample_size and sipas_results, run as an operator would run them."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from cchc.accounts.models import User
from cchc.surveys.models import AnswerCount, Campaign
from cchc.surveys.tests.factories import accepted, campaign_of
from conftest import Hanoi


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_sipas_sample_size_prints_n() -> None:
    assert run("sipas_sample_size", "--population", "1000", "--margin", "0.05") == "286\n"


def test_sipas_sample_size_json() -> None:
    output = run("sipas_sample_size", "--population", "1000", "--margin", "0.05", "--json")
    assert output.strip() == '{"population": 1000, "margin": 0.05, "n": 286}'
    assert json.loads(output) == {"population": 1000, "margin": 0.05, "n": 286}


def test_sipas_sample_size_accepts_a_decimal_comma() -> None:
    result = json.loads(
        run("sipas_sample_size", "--population", "400", "--margin", "0,1", "--json")
    )
    assert result == {"population": 400, "margin": 0.1, "n": 80}


@pytest.mark.parametrize(
    ("population", "margin", "message"),
    [
        ("0", "0.05", "--population must be at least 1"),
        ("-3", "0.05", "is not a whole number"),
        ("abc", "0.05", "is not a whole number"),
        ("10.5", "0.05", "is not a whole number"),
        ("²", "0.05", "is not a whole number"),
        ("1000", "1", "--margin 1 is out of range"),
        ("1000", "0", "--margin 0 is out of range"),
        ("1000", "-0.05", "out of range"),
        ("1000", "five", "is not a number"),
        ("1000", "NaN", "out of range"),
    ],
)
def test_sipas_sample_size_refuses_bad_input(population: str, margin: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("sipas_sample_size", "--population", population, "--margin", margin)


@pytest.fixture
def campaign(hanoi: Hanoi, city_admin: User) -> Campaign:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 2), (hanoi.ward_b, 1000)])
    unit = campaign.units.get(unit=hanoi.ward_a)
    accepted(unit, city_admin, rating=5)
    accepted(unit, city_admin, rating=3, C1=4)
    return campaign


@pytest.mark.django_db
def test_sipas_results_json(campaign: Campaign) -> None:
    result = json.loads(run("sipas_results", str(campaign.pk), "--json"))

    assert result["campaign"] == {
        "id": campaign.pk,
        "title": "SIPAS 2026",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "questionnaire": "sipas-default v1",
        "satisfied_from": 4,
    }
    ward_a, ward_b = result["units"]
    assert {k: v for k, v in ward_a.items() if k != "elements"} == {
        "unit": "00004",
        "name": "Phường Ba Đình",
        "transactions": 2,
        "required": 2,
        "accepted": 2,
        "below_sample": False,
        "overall": 53.33,  # (66.67 + 4 × 50) / 5
    }
    assert ward_a["elements"]["access"] == {
        "responses": 2,
        "answers": 6,
        "satisfied": 4,
        "percent": 66.67,
        "interval": [30.0, 90.32],
        "below_sample": False,
    }
    assert ward_a["elements"]["feedback"]["percent"] == 50.0
    assert ward_b["accepted"] == 0
    assert ward_b["required"] == 286
    assert ward_b["below_sample"] is True
    assert ward_b["overall"] is None
    assert ward_b["elements"]["results"] == {
        "responses": 0,
        "answers": 0,
        "satisfied": 0,
        "percent": None,
        "interval": None,
        "below_sample": True,
    }


@pytest.mark.django_db
def test_sipas_results_prints_a_block_per_unit(campaign: Campaign) -> None:
    lines = run("sipas_results", str(campaign.pk)).splitlines()

    assert lines[0] == f"{campaign}:"
    assert lines[1] == "00004 Phường Ba Đình: 2 accepted of 2 required, overall 53.33%"
    assert lines[2].split() == ["access", "2", "responses", "66.67%", "[30.00–90.32]"]
    assert lines[7] == (
        "00070 Phường Hoàn Kiếm: 0 accepted of 286 required, overall —  below sample"
    )
    assert lines[8].split() == ["access", "0", "responses", "—", "—", "below", "sample"]
    assert len(lines) == 13


@pytest.mark.django_db
@pytest.mark.parametrize("campaign_id", ["999", "abc"])
def test_sipas_results_of_an_unknown_campaign(campaign_id: str) -> None:
    with pytest.raises(CommandError, match="No survey campaign has the id"):
        run("sipas_results", campaign_id)


def test_sipas_recount_repairs_answer_counts_changed_behind_the_actions(hanoi, city_admin) -> None:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 100)])
    accepted(campaign.units.get(), city_admin, A1=["1", "3"])
    first = AnswerCount.objects.order_by("pk").first()
    assert first is not None
    AnswerCount.objects.filter(pk=first.pk).update(count=99)  # a change behind the actions
    out = io.StringIO()
    call_command("sipas_recount", str(campaign.pk), stdout=out)
    assert out.getvalue().strip().endswith("answer counts rebuilt; 1 were wrong.")
    assert not AnswerCount.objects.filter(count=99).exists()
    out = io.StringIO()
    call_command("sipas_recount", str(campaign.pk), stdout=out)
    assert out.getvalue().strip().endswith("0 were wrong.")
    with pytest.raises(CommandError, match="No survey campaign has the id"):
        call_command("sipas_recount", "999999")

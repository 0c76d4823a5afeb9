"""The surveys part of the JSON API (results): campaigns and their results per unit and element,
scoped as the pages are — a city administrator reads every unit, a ward's member only their
ward, a campaign without their unit is 404."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from cchc.accounts.models import User
from cchc.api.tests.helpers import ApiClient
from cchc.core.tests.helpers import assert_constant_queries
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.surveys.models import Campaign
from cchc.surveys.tests.factories import accepted, campaign_of
from conftest import Hanoi

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/api/v1/surveys/campaigns"


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def rated(hanoi: Hanoi, city_admin: User) -> Campaign:
    """Ward A: three accepted responses, C1 rated 2 in one (access 8 of 9); ward B: one rated 4."""
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 1000), (hanoi.ward_b, 500)])
    ward_a = campaign.units.get(unit=hanoi.ward_a)
    accepted(ward_a, city_admin, C1=2)
    accepted(ward_a, city_admin)
    accepted(ward_a, city_admin)
    accepted(campaign.units.get(unit=hanoi.ward_b), city_admin, rating=4)
    return campaign


def results(campaign: Campaign) -> str:
    return f"{CAMPAIGNS}/{campaign.pk}/results"


def test_campaigns_are_scoped(
    hanoi: Hanoi, city_admin: User, officer_a: User, rated: Campaign
) -> None:
    only_b = campaign_of(city_admin, [(hanoi.ward_b, 50)], year=2025)
    everything = ApiClient(city_admin).get(CAMPAIGNS).json()
    assert [(c["id"], c["units"]) for c in everything] == [(rated.pk, 2), (only_b.pk, 1)]
    mine = ApiClient(officer_a).get(CAMPAIGNS).json()
    assert len(mine) == 1
    assert mine[0] | {"questionnaire_id": 0} == {
        "id": rated.pk,
        "title": "SIPAS 2026",
        "questionnaire_id": 0,
        "questionnaire": rated.questionnaire.title,
        "questionnaire_version": 1,
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "margin": 0.05,
        "status": "open",
        "units": 1,
    }


def test_results_of_a_city_administrator(city_admin: User, rated: Campaign) -> None:
    body = ApiClient(city_admin).get(results(rated)).json()
    assert (body["scale_points"], body["satisfied_from"]) == (5, 4)
    assert body["campaign"]["units"] == 2
    ward_a, ward_b = body["units"]
    assert (ward_a["unit_code"], ward_a["transactions"], ward_a["required"]) == ("00004", 1000, 286)
    assert (ward_a["accepted"], ward_a["below_sample"]) == (3, True)
    access = ward_a["elements"][0]
    assert access["element"] == "access"
    assert (access["responses"], access["answers"], access["satisfied"]) == (3, 9, 8)
    assert access["percent"] == 88.89
    assert access["low"] < 88.89 < access["high"]
    assert access["below_sample"] is True
    assert ward_a["overall"] == 97.78
    assert ward_b["overall"] == 100.0
    assert [e["element"] for e in ward_b["elements"]] == [
        "access",
        "procedures",
        "civil_servants",
        "results",
        "feedback",
    ]


def test_a_ward_reads_only_its_ward(officer_b: User, rated: Campaign) -> None:
    body = ApiClient(officer_b).get(results(rated)).json()
    assert [u["unit_code"] for u in body["units"]] == ["00070"]
    assert body["campaign"]["units"] == 1


def test_a_campaign_without_ones_unit_is_404(
    hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    only_b = campaign_of(city_admin, [(hanoi.ward_b, 50)])
    assert ApiClient(officer_a).get(results(only_b)).status_code == 404
    assert ApiClient(officer_a).get(f"{CAMPAIGNS}/999999/results").status_code == 404


def test_authentication_is_required(rated: Campaign, anonymous: Client) -> None:
    assert anonymous.get(CAMPAIGNS).status_code == 401
    assert anonymous.get(results(rated)).status_code == 401


def test_session_reads_work(rated: Campaign, client_a: Client) -> None:
    assert [u["unit_code"] for u in client_a.get(results(rated)).json()["units"]] == ["00004"]


def test_results_query_count_is_constant(hanoi: Hanoi, city_admin: User) -> None:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 10)])
    client = ApiClient(city_admin)

    def add_units(n: int) -> None:
        from cchc.surveys.actions.campaigns import CampaignUnit
        from cchc.surveys.scoring import sample_size

        for _ in range(n):
            unit = CampaignUnit.objects.create(
                campaign=campaign,
                unit=OrgUnitFactory(parent=hanoi.city),
                transactions=100,
                required=sample_size(100, campaign.margin),
            )
            accepted(unit, city_admin)

    assert_constant_queries(lambda: client.get(results(campaign)), add_units)


def test_campaign_list_query_count_is_constant(hanoi: Hanoi, city_admin: User) -> None:
    client = ApiClient(city_admin)
    years = iter(range(2000, 2030))

    def add_campaigns(n: int) -> None:
        for _ in range(n):
            campaign_of(city_admin, [(hanoi.ward_a, 10), (hanoi.ward_b, 10)], year=next(years))

    assert_constant_queries(lambda: client.get(CAMPAIGNS), add_campaigns)

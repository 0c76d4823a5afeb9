"""The staffing part of the JSON API, through HTTP: the summary of a year scoped to the
caller's units, and a unit's history (404 for a unit the caller does not see)."""

import pytest

from cchc.accounts.models import User
from cchc.api.tests.helpers import ApiClient
from cchc.staffing.tests.factories import legacy_ward, record
from conftest import Hanoi

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(hanoi: Hanoi, city_admin: User) -> None:
    old = legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    record(old, 2015, 30, 100, actor=city_admin)
    record(hanoi.ward_a, 2021, 24, 90, actor=city_admin, civil_actual=22)
    record(hanoi.ward_b, 2015, 40, 0, actor=city_admin)
    record(hanoi.ward_b, 2021, 38, 0, actor=city_admin)


def test_summary_for_the_city_admin(figures, city_admin: User):
    data = ApiClient(city_admin).get("/api/v1/staffing/summary", {"year": 2021}).json()
    assert [u["code"] for u in data["units"]] == ["01", "00004", "00070"]
    assert data["total"] == {
        "civil": {"baseline": 70, "year": 62, "reduction": 8, "percent": 11.43},
        "public": {"baseline": 100, "year": 90, "reduction": 10, "percent": 10.0},
    }


def test_summary_of_an_implausible_year_is_a_422(figures, city_admin: User):
    for year in (10**20, 1999, 2101):
        refused = ApiClient(city_admin).get("/api/v1/staffing/summary", {"year": year})
        assert refused.status_code == 422


def test_summary_is_scoped_and_defaults_to_the_latest_year(figures, officer_b: User):
    data = ApiClient(officer_b).get("/api/v1/staffing/summary").json()
    assert data["year"] == 2021
    assert [u["code"] for u in data["units"]] == ["00070"]
    assert data["total"]["civil"] == {"baseline": 40, "year": 38, "reduction": 2, "percent": 5.0}


def test_history_of_a_unit(figures, hanoi: Hanoi, officer_a: User, officer_b: User):
    url = f"/api/v1/staffing/units/{hanoi.ward_a.pk}/history"
    data = ApiClient(officer_a).get(url).json()
    assert data["code"] == "00004"
    assert data["current"] is True
    assert [(y["year"], y["civil_assigned"], y["civil_actual"]) for y in data["years"]] == [
        (2015, 30, None),
        (2021, 24, 22),
    ]
    assert data["years"][1]["civil"] == {
        "baseline": 30,
        "year": 24,
        "reduction": 6,
        "percent": 20.0,
    }
    assert ApiClient(officer_b).get(url).status_code == 404


def test_api_needs_authentication(client):
    assert client.get("/api/v1/staffing/summary").status_code == 401


def test_summary_of_2026_uses_conclusion_40(hanoi: Hanoi, city_admin: User):
    record(hanoi.ward_b, 2021, 40, 0, actor=city_admin)
    record(hanoi.ward_b, 2026, 38, 0, actor=city_admin)
    data = ApiClient(city_admin).get("/api/v1/staffing/summary", {"year": 2026}).json()
    assert data["baseline_year"] == 2021
    assert data["targets"] == {"civil": 5.0, "public": 10.0}
    assert data["public_compared"] == "budget-paid"
    assert data["total"]["civil"] == {"baseline": 40, "year": 38, "reduction": 2, "percent": 5.0}
    assert data["shares_to_confirm"] == []

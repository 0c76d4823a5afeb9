"""Out-of-range parameters are a 422 naming the parameter, and any API error is JSON
(issue 16, item 4)."""

from typing import Any

import pytest
from django.db import DatabaseError
from django.db.models import QuerySet
from django.test import Client

from cchc.accounts.models import User
from cchc.api.tests.helpers import ApiClient

HUGE = "9223372036854775808"  # 2**63: past every BIGINT


@pytest.fixture
def api(city_admin: User) -> ApiClient:
    return ApiClient(city_admin)


def _paginated_paths(client: Client) -> list[str]:
    schema = client.get("/api/v1/openapi.json").json()
    paths = []
    for path, operations in schema["paths"].items():
        get = operations.get("get", {})
        if any(p["name"] == "page" for p in get.get("parameters", [])):
            paths.append(path.replace("{month}", "2026-09").replace("{year}", "2026"))
    return paths


def _refused(response: Any, name: str) -> None:
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert any(item["loc"][-1] == name for item in response.json()["detail"])


def test_every_paginated_list_refuses_a_page_past_the_bound(api: ApiClient, client: Client) -> None:
    paths = _paginated_paths(client)
    assert len(paths) >= 10
    for path in paths:
        _refused(api.get(path, {"page": HUGE}), "page")
        _refused(api.get(path, {"page": "92233720368547758", "page_size": "5"}), "page")
        _refused(api.get(path, {"page_size": "100000"}), "page_size")
        _refused(api.get(path, {"page": "0"}), "page")


def test_every_paginated_list_still_answers_the_last_allowed_page(
    api: ApiClient, client: Client
) -> None:
    for path in _paginated_paths(client):
        response = api.get(path, {"page": "1000000", "page_size": "1"})
        if "{" not in path and "/months/" not in path:  # a month never closed is a 404
            assert response.status_code == 200, path
            assert response.json()["items"] == []


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/api/v1/inspections", "year", "0"),
        ("/api/v1/inspections", "year", "10000"),
        ("/api/v1/plans", "year", "99999"),
        ("/api/v1/dialogues/petitions", "conference", "-99999999999999999999"),
        ("/api/v1/indices/assessments", "round", "99999999999999999999"),
        ("/api/v1/units", "parent", HUGE),
        ("/api/v1/tasks", "lead_unit", HUGE),
        ("/api/v1/recommendations/open", "unit", HUGE),
    ],
)
def test_a_filter_out_of_range_is_a_422_naming_it(
    api: ApiClient, path: str, name: str, value: str
) -> None:
    _refused(api.get(path, {name: value}), name)


@pytest.mark.parametrize(
    "path", ["/api/v1/units/{}", "/api/v1/plans/{}", "/api/v1/tasks/{}", "/api/v1/inspections/{}"]
)
def test_a_path_id_out_of_range_is_a_422(api: ApiClient, path: str) -> None:
    _refused(api.get(path.format(HUGE)), path.rsplit("/", 2)[-2][:-1] + "_id")


def test_an_unexpected_error_is_a_json_500(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: QuerySet) -> int:
        raise DatabaseError("the database went away")

    monkeypatch.setattr(QuerySet, "count", broken)
    api.client.raise_request_exception = False

    response = api.get("/api/v1/units")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "went away" not in response.content.decode()
    assert response.json()["detail"]


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "1899-05"])
def test_a_month_out_of_range_is_a_422(api: ApiClient, month: str) -> None:
    """Found by schemathesis: "0000-01" made datetime.date raise (a 500)."""
    _refused(api.get(f"/api/v1/months/{month}/tally"), "month")
    _refused(api.get("/api/v1/ratings", {"month": month}), "month")

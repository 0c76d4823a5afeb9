"""The service index part of the JSON API: the daily push (all or nothing, 422 with every
row's errors, city administrators only) and a month's index scoped to the caller's units."""

import json
from typing import Any

from cchc.api.tests.helpers import ApiClient
from cchc.services.tests.helpers import dossier

W = "00004"


def push(api: ApiClient, rows: list[dict]) -> Any:
    return api.client.post(
        "/api/v1/services/dossiers",
        json.dumps({"rows": rows}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.key}",
    )


def test_api_push_and_index(hanoi, city_admin, officer_a):
    api = ApiClient(city_admin)
    rows = [
        dossier("P1", W, "2024-10-01", "2024-10-05", "2024-10-04"),
        dossier("P2", W, "2024-10-01", "2024-10-05", "2024-10-09"),
    ]
    response = push(api, rows)
    assert response.status_code == 200
    assert response.json()["created"] == 2
    # a wrong unit and two unreadable dates: every error, nothing written
    bad = push(api, [dossier("P3", "nope", "x", "y")])
    assert bad.status_code == 422
    detail = bad.json()["detail"]
    assert len(detail) == 3
    assert {tuple(item["loc"][:3]) for item in detail} == {("body", "rows", 1)}
    data = ApiClient(officer_a).get("/api/v1/services/index", {"month": "2024-10"}).json()
    assert data["units"][0]["rates"]["on_time_rate"] == "50.00"
    # a ward's focal point may read, not push
    assert push(ApiClient(officer_a), rows).status_code == 403

"""The JSON API through HTTP, with the same scoping as the pages."""

import datetime
import itertools
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cchc.accounts.actions import revoke_api_token
from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.api.tests.helpers import ApiClient
from cchc.core.tests.helpers import assert_constant_queries
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from conftest import Hanoi, client_for


def _codes(response: Any) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


@pytest.fixture
def ward_a_child(hanoi: Hanoi) -> OrgUnit:
    return OrgUnitFactory(
        code="00004-TDP1",
        kind=OrgUnit.Kind.PUBLIC_SERVICE,
        name="Tổ dân phố 1",
        parent=hanoi.ward_a,
    )


# --- schema and docs -------------------------------------------------------------------------


def test_openapi_schema_is_3_1_and_lists_the_unit_endpoints(anonymous: Client, db: None) -> None:
    response = anonymous.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"] == "3.1.0"
    assert schema["info"]["title"] == "CCHC API"
    assert {"/api/v1/units", "/api/v1/units/{unit_id}", "/api/v1/me"} <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/units"]) == {"get"}
    parameters = {p["name"] for p in schema["paths"]["/api/v1/units"]["get"]["parameters"]}
    assert {"kind", "parent", "province", "q", "page", "page_size"} <= parameters


def test_openapi_docs_render_from_local_static_files(anonymous: Client, db: None) -> None:
    response = anonymous.get("/api/v1/docs")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "/static/ninja/swagger-ui.css" in page
    assert not re.search(r"https?://", page)
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert url.startswith("/static/"), url
        assert anonymous.get(url).status_code == 200, url


# --- authentication --------------------------------------------------------------------------


def test_units_without_credentials_is_unauthorized(anonymous: Client, hanoi: Hanoi) -> None:
    response = anonymous.get("/api/v1/units")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_units_with_an_unknown_token_is_unauthorized(anonymous: Client, hanoi: Hanoi) -> None:
    response = anonymous.get("/api/v1/units", HTTP_AUTHORIZATION="Bearer not-a-real-key")
    assert response.status_code == 401


def test_units_with_a_revoked_token_is_unauthorized(officer_a: User) -> None:
    api = ApiClient(officer_a)
    assert api.get("/api/v1/units").status_code == 200

    revoke_api_token(api.token, actor=officer_a)

    assert api.get("/api/v1/units").status_code == 401


def test_units_with_the_token_of_an_inactive_user_is_unauthorized(officer_a: User) -> None:
    api = ApiClient(officer_a)
    officer_a.is_active = False
    officer_a.save()
    assert api.get("/api/v1/units").status_code == 401


def test_token_use_stamps_last_used_at(officer_a: User) -> None:
    api = ApiClient(officer_a)
    before = timezone.now()
    api.get("/api/v1/units")
    api.token.refresh_from_db()
    assert api.token.last_used_at is not None
    assert api.token.last_used_at >= before


def test_units_with_a_browser_session_works_for_get(hanoi: Hanoi, officer_a: User) -> None:
    response = client_for(officer_a).get("/api/v1/units")
    assert response.status_code == 200
    assert _codes(response) == ["00004"]


def test_me_describes_the_token_owner(hanoi: Hanoi, officer_a: User) -> None:
    response = ApiClient(officer_a).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "username": "officer_a",
        "full_name": officer_a.full_name,
        "is_city_admin": False,
        "memberships": [
            {"unit_id": hanoi.ward_a.pk, "unit": "Phường Ba Đình", "role": "focal_point"}
        ],
    }


# --- scoping ---------------------------------------------------------------------------------


def test_units_officer_lists_only_own_ward_subtree(
    hanoi: Hanoi, officer_a: User, ward_a_child: OrgUnit
) -> None:
    response = ApiClient(officer_a).get("/api/v1/units")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["code"] for item in body["items"]] == ["00004", "00004-TDP1"]
    ward = body["items"][0]
    assert ward == {
        "id": hanoi.ward_a.pk,
        "code": "00004",
        "legacy": False,
        "kind": "ward",
        "name": "Phường Ba Đình",
        "short_name": "Ba Đình",
        "parent_id": hanoi.city.pk,
        "valid_from": None,
        "valid_to": None,
        "is_demo": False,
    }


def test_unit_read_of_another_ward_is_not_found_like_a_missing_id(
    hanoi: Hanoi, officer_a: User
) -> None:
    api = ApiClient(officer_a)
    hidden = api.get(f"/api/v1/units/{hanoi.ward_b.pk}")
    missing = api.get("/api/v1/units/999999")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json() == {"detail": "Not Found"}


def test_unit_read_returns_links_and_counts(hanoi: Hanoi, officer_a: User) -> None:
    OrgUnitFactory(kind=OrgUnit.Kind.PUBLIC_SERVICE, parent=hanoi.ward_a)
    old = OrgUnitFactory(
        code="00004", legacy=True, name="Phường Trúc Bạch", valid_to=datetime.date(2025, 6, 30)
    )
    old.successors.add(hanoi.ward_a)

    response = ApiClient(officer_a).get(f"/api/v1/units/{hanoi.ward_a.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "00004"
    assert body["path"] == "/01/00004/"
    assert body["children_count"] == 1
    assert body["predecessor_ids"] == [old.pk]
    assert body["successor_ids"] == []


def test_units_city_admin_lists_every_current_unit(hanoi: Hanoi, city_admin: User) -> None:
    OrgUnitFactory(
        code="00001", name="Phường Phúc Xá", parent=hanoi.city, valid_to=datetime.date(2025, 6, 30)
    )
    api = ApiClient(city_admin)

    assert _codes(api.get("/api/v1/units")) == ["01", "00004", "00070", "01-SNV", "01-TTTP"]
    with_ended = api.get("/api/v1/units", {"include_ended": "true"})
    assert "00001" in _codes(with_ended)


def test_units_city_admin_filters_by_kind(hanoi: Hanoi, city_admin: User) -> None:
    response = ApiClient(city_admin).get("/api/v1/units", {"kind": "ward"})
    assert _codes(response) == ["00004", "00070"]


def test_units_with_an_unknown_kind_is_refused(hanoi: Hanoi, city_admin: User) -> None:
    assert ApiClient(city_admin).get("/api/v1/units", {"kind": "galaxy"}).status_code == 422


def test_units_city_admin_filters_by_parent(hanoi: Hanoi, city_admin: User) -> None:
    response = ApiClient(city_admin).get("/api/v1/units", {"parent": hanoi.city.pk})
    assert sorted(_codes(response)) == ["00004", "00070", "01-SNV", "01-TTTP"]


def test_units_city_admin_filters_by_province(hanoi: Hanoi, city_admin: User) -> None:
    hcm = OrgUnitFactory(code="79", kind=OrgUnit.Kind.PROVINCE, name="Thành phố Hồ Chí Minh")
    OrgUnitFactory(code="26734", name="Phường Sài Gòn", parent=hcm)
    api = ApiClient(city_admin)

    assert _codes(api.get("/api/v1/units", {"province": "01"})) == [
        "01",
        "00004",
        "00070",
        "01-SNV",
        "01-TTTP",
    ]
    assert _codes(api.get("/api/v1/units", {"province": "79"})) == ["79", "26734"]


def test_units_city_admin_searches_without_diacritics(hanoi: Hanoi, city_admin: User) -> None:
    response = ApiClient(city_admin).get("/api/v1/units", {"q": "hoan kiem"})
    assert _codes(response) == ["00070"]


def test_units_officer_search_stays_in_scope(hanoi: Hanoi, officer_a: User) -> None:
    response = ApiClient(officer_a).get("/api/v1/units", {"q": "hoan kiem"})
    assert response.json() == {"items": [], "count": 0}


def test_units_are_paginated_with_items_and_count(hanoi: Hanoi, city_admin: User) -> None:
    api = ApiClient(city_admin)

    first = api.get("/api/v1/units", {"page_size": 2}).json()
    third = api.get("/api/v1/units", {"page_size": 2, "page": 3}).json()

    assert set(first) == {"items", "count"}
    assert first["count"] == 5
    assert [item["code"] for item in first["items"]] == ["01", "00004"]
    assert [item["code"] for item in third["items"]] == ["01-TTTP"]


def test_units_query_count_is_constant(db: None) -> None:
    province = OrgUnitFactory(code="79", kind=OrgUnit.Kind.PROVINCE, name="Thành phố Hồ Chí Minh")
    user = UserFactory()
    MembershipFactory(user=user, unit=province, role=Membership.Role.VIEWER)
    api = ApiClient(user)
    numbers = itertools.count(1)

    def add_units(n: int) -> None:
        for _ in range(n):
            OrgUnitFactory(code=f"W{next(numbers):04d}", parent=province)

    _first, second = assert_constant_queries(lambda: api.get("/api/v1/units"), add_units)
    assert second.json()["count"] == 4

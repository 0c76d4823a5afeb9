"""The permission matrix, generated from every URL pattern and every API operation (issue 16):
anonymous, a viewer, another unit's officer and the owner, asserting 403/404/redirect where it
must. A new route is covered the day it is added: anonymous and the city-administrator rules
apply to every route; the ownership rule to every route whose record this file can build for
ward A (Ba Đình), and every other route with an argument is at least asked for a record that does
not exist, which must be a 404 (or 403/405), never a 500."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import get_resolver

from cchc.accounts.actions import create_api_token
from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.tests.helpers import walk
from cchc.dialogues.tests.conftest import announce, petition_for
from cchc.inspections.tests.factories import finding, photo, started
from cchc.plans.actions import submit_report
from cchc.plans.tests.factories import issued_city_plan, task_in
from cchc.procedures.tests.factories import campaign_over, plan_for, procedure_of, workflow_for

if TYPE_CHECKING:  # the root conftest; at run time tests/browser/conftest may hold the name
    from conftest import Hanoi

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
MISSING = 987654321
ROUTES = [
    (route, view)
    for route, view in walk(get_resolver().url_patterns)
    if not route.startswith(("admin/", "api/", "static/", "media/"))
]
DENIED = {403, 404, 405}


def _fill(route: str, values: dict[str, Any] | None = None) -> str:
    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if values and name in values:
            return str(values[name])
        return {"int": str(MISSING), "slug": "khong-co", "str": "KHONG-CO"}.get(converter, "x")

    return "/" + PARAM.sub(value, route)


@dataclass
class World:
    """One record of each kind, all of ward A (Ba Đình)."""

    records: dict[str, int]

    def target(self, route: str) -> dict[str, int] | None:
        """The arguments that point `route` at ward A's record, or None when none is built."""
        for prefix, key in OWNED:
            if route.startswith(prefix) and route.count("<") == 1:
                return {"pk": self.records[key]}
        return None


# Route prefix → the record of ward A it reads or changes (first match wins).
OWNED = [
    ("units/<int:pk>/", "unit"),
    ("staffing/units/<int:pk>/", "unit"),
    ("plans/tasks/<int:pk>/", "task"),
    ("plans/reports/<int:pk>/", "report"),
    ("inspections/<int:pk>/", "inspection"),
    ("inspections/files/<int:pk>/", "finding_file"),
    ("dialogues/conferences/<int:pk>/", "conference"),
    ("dialogues/petitions/<int:pk>/", "petition"),
    ("procedures/campaigns/<int:pk>/", "campaign"),
    ("procedures/plans/<int:pk>/", "simplification"),
    ("procedures/workflows/<int:pk>/", "workflow"),
    ("procedures/<int:pk>/", "procedure"),
]


@pytest.fixture
def world(hanoi: Hanoi, city_admin: User, officer_a: User, inspector: User) -> World:
    plan = issued_city_plan(hanoi.city, city_admin)
    task = task_in(plan, hanoi.ward_a, city_admin)
    report = submit_report(task, actor=officer_a, percent=30, narrative="Đang triển khai")
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    found = finding(inspection, inspector, hanoi.ward_a, files=[photo()])
    conference = announce(hanoi.ward_a, officer_a)
    petition = petition_for(conference)
    procedure = procedure_of(city_admin, hanoi.ward_a)
    campaign = campaign_over(city_admin, [procedure], [hanoi.ward_a])
    return World(
        {
            "unit": hanoi.ward_a.pk,
            "task": task.pk,
            "report": report.pk,
            "inspection": inspection.pk,
            "finding_file": found.files.get().pk,
            "conference": conference.pk,
            "petition": petition.pk,
            "procedure": procedure.pk,
            "campaign": campaign.pk,
            "simplification": plan_for(officer_a, procedure, hanoi.ward_a).pk,
            "workflow": workflow_for(officer_a, procedure, hanoi.ward_a).pk,
        }
    )


@pytest.fixture
def viewer(hanoi: Hanoi) -> User:
    user = UserFactory(username="viewer_a")
    MembershipFactory(user=user, unit=hanoi.ward_a, role=Membership.Role.VIEWER)
    return user


def test_anonymous_is_sent_to_sign_in_on_every_route_that_is_not_public(client: Client) -> None:
    checked = 0
    for route, view in ROUTES:
        if getattr(view, "access", None) == "public":
            continue
        for method in (client.get, client.post):
            response = method(_fill(route))
            assert response.status_code == 302, (route, response.status_code)
            assert response["Location"].startswith("/accounts/login/"), route
        checked += 1
    assert checked > 150


def test_city_administrator_routes_refuse_officers_and_viewers(
    hanoi: Hanoi, officer_a: User, viewer: User, city_admin: User
) -> None:
    admin_routes = [r for r, v in ROUTES if getattr(v, "access", None) == "city_admin"]
    assert len(admin_routes) > 20
    for user in (officer_a, viewer):
        client = client_for(user)
        for route in admin_routes:
            for method in (client.get, client.post):
                response = method(_fill(route, {"unit_pk": hanoi.ward_a.pk}))
                assert response.status_code == 403, (user.username, route)


def test_another_units_officer_reaches_none_of_ward_as_records(
    world: World, officer_b: User
) -> None:
    client = client_for(officer_b)
    owned = 0
    for route, view in ROUTES:
        if getattr(view, "access", None) != "member" or "<" not in route:
            continue
        target = world.target(route)
        url = _fill(route, target)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in DENIED, (route, url, response.status_code)
        owned += target is not None
    assert owned >= 40


def test_the_owner_reads_ward_as_records(world: World, officer_a: User) -> None:
    """The same URLs as above are not refused because they are wrong: the owner reads them."""
    client = client_for(officer_a)
    read = 0
    for route, view in ROUTES:
        target = world.target(route)
        if target is None or getattr(view, "access", None) != "member":
            continue
        if not route.endswith("<int:pk>/"):
            continue  # writes, and pages only some roles open: covered by each app's tests
        response = client.get(_fill(route, target))
        # Every such page renders for its owner: none redirects (a redirect here would hide a
        # refusal behind a 302).
        assert response.status_code == 200, (route, response.status_code)
        read += 1
    assert read >= 8


def test_the_viewer_may_read_but_not_write_ward_as_task(world: World, viewer: User) -> None:
    client = client_for(viewer)
    task = world.records["task"]
    assert client.get(f"/plans/tasks/{task}/").status_code == 200
    for action in ("edit", "cancel", "report", "extension"):
        assert client.post(f"/plans/tasks/{task}/{action}/").status_code in DENIED, action


# --- the API -----------------------------------------------------------------------------------


SAMPLE = {"month": "2026-09", "year": "2026", "code": "KN-2026-AAAA-BBBB"}


def _operations(client: Client) -> list[tuple[str, str, dict[str, Any]]]:
    schema = client.get("/api/v1/openapi.json").json()
    return [
        (path, method, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_api_operation_needs_authentication_unless_documented_public(
    client: Client,
) -> None:
    operations = _operations(client)
    assert len(operations) >= 39
    for path, method, operation in operations:
        url = re.sub(r"\{(\w+)\}", lambda m: SAMPLE.get(m.group(1), "1"), path)
        response = client.generic(method.upper(), url, "{}", content_type="application/json")
        if operation.get("security"):
            assert response.status_code == 401, (method, path, response.status_code)
            assert response["Content-Type"].startswith("application/json")
        else:
            assert response.status_code < 500, (method, path)


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/api/v1/units/{}", "unit"),
        ("/api/v1/tasks/{}", "task"),
        ("/api/v1/tasks/{}/reports", "task"),
        ("/api/v1/inspections/{}", "inspection"),
        ("/api/v1/procedures/{}", "procedure"),
    ],
)
def test_api_another_units_officer_gets_404_where_the_owner_gets_200(
    world: World, officer_a: User, officer_b: User, path: str, key: str
) -> None:
    url = path.format(world.records[key])
    _token, key_b = create_api_token(actor=officer_b, name="b")
    _token, key_a = create_api_token(actor=officer_a, name="a")
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {key_b}").status_code == 404
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {key_a}").status_code == 200

"""Named personas shared by every app's tests.

A small Hà Nội: the city (01) with two departments and two wards. Ward A is Ba Đình (00004),
ward B is Hoàn Kiếm (00070). Each persona is a user with one membership.
"""

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.test import Client

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in tests


# The data migrations that load reference data (each `create` is idempotent).
REFERENCE_DATA = [
    "cchc.plans.migrations.0002_content_areas",
    "cchc.ratings.migrations.0002_decree_335_policy",
    "cchc.ratings.migrations.0004_decree_335_update_and_hanoi_preset",
    "cchc.surveys.migrations.0002_default_questionnaire",
    "cchc.inspections.migrations.0002_checklist_items",
    "cchc.dialogues.migrations.0002_fields_and_issue_groups",
    "cchc.procedures.migrations.0002_default_hourly_value",
    "cchc.staffing.migrations.0002_default_policy",
    "cchc.reports.migrations.0002_periods_sections_indicators",
    "cchc.reports.migrations.0003_dossier_sources",
    "cchc.services.migrations.0002_default_framework",
]


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Reference data comes from data migrations; a transactional test's flush empties it for
    the tests after it, so those tests load it again."""
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        for migration in REFERENCE_DATA:
            importlib.import_module(migration).create(apps, None)


@pytest.fixture(autouse=True)
def _throttle_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The public forms' rate limits count per fixed minute (cchc/core/throttle.py). Its clock,
    an external boundary, is held mid-minute, so that a test's few requests never straddle two
    windows (a 429 test failed when a run crossed a minute's end)."""
    from cchc.core import throttle

    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))


@dataclass
class Hanoi:
    city: OrgUnit
    home_affairs: OrgUnit
    inspectorate: OrgUnit
    ward_a: OrgUnit
    ward_b: OrgUnit


@pytest.fixture
def hanoi(db: None) -> Hanoi:
    city = OrgUnitFactory(
        code="01", kind=OrgUnit.Kind.PROVINCE, name="Thành phố Hà Nội", short_name="Hà Nội"
    )
    return Hanoi(
        city=city,
        home_affairs=OrgUnitFactory(
            code="01-SNV", kind=OrgUnit.Kind.DEPARTMENT, name="Sở Nội vụ", parent=city
        ),
        inspectorate=OrgUnitFactory(
            code="01-TTTP", kind=OrgUnit.Kind.DEPARTMENT, name="Thanh tra Thành phố", parent=city
        ),
        ward_a=OrgUnitFactory(
            code="00004", kind=OrgUnit.Kind.WARD, name="Phường Ba Đình", parent=city
        ),
        ward_b=OrgUnitFactory(
            code="00070", kind=OrgUnit.Kind.WARD, name="Phường Hoàn Kiếm", parent=city
        ),
    )


def _member(username: str, unit: OrgUnit, role: str) -> User:
    user = UserFactory(username=username)
    MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def city_admin(hanoi: Hanoi) -> User:
    return _member("city_admin", hanoi.home_affairs, Membership.Role.CITY_ADMIN)


@pytest.fixture
def officer_a(hanoi: Hanoi) -> User:
    return _member("officer_a", hanoi.ward_a, Membership.Role.FOCAL_POINT)


@pytest.fixture
def officer_b(hanoi: Hanoi) -> User:
    return _member("officer_b", hanoi.ward_b, Membership.Role.FOCAL_POINT)


@pytest.fixture
def inspector(hanoi: Hanoi) -> User:
    return _member("inspector", hanoi.inspectorate, Membership.Role.INSPECTOR)


@pytest.fixture
def city_viewer(hanoi: Hanoi) -> User:
    """A viewer of the whole city: reads every unit's records, changes none."""
    return _member("city_viewer", hanoi.city, Membership.Role.VIEWER)


@pytest.fixture
def anonymous() -> Client:
    return Client()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client_(city_admin: User) -> Client:
    return client_for(city_admin)


@pytest.fixture
def client_a(officer_a: User) -> Client:
    return client_for(officer_a)


@pytest.fixture
def client_b(officer_b: User) -> Client:
    return client_for(officer_b)


@pytest.fixture
def login() -> Callable[[User], Client]:
    """`client_for` as a fixture, so that a test needs no `from conftest import …` (which a whole
    run may resolve to another conftest): `login(officer_b).get(url)`."""
    return client_for

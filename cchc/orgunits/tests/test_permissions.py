import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.permissions import (
    can_create_unit,
    can_edit_unit,
    get_unit_for_user,
    roles_over,
)
from cchc.orgunits.tests.factories import OrgUnitFactory
from conftest import Hanoi


def _member(unit: OrgUnit, role: str) -> User:
    user = UserFactory()
    MembershipFactory(user=user, unit=unit, role=role)
    return user


def test_can_edit_unit_city_admin_edits_any_current_unit(hanoi: Hanoi, city_admin: User) -> None:
    assert can_edit_unit(city_admin, hanoi.ward_a)
    assert can_edit_unit(city_admin, hanoi.city)


def test_can_edit_unit_focal_point_edits_own_ward_and_its_subtree(
    hanoi: Hanoi, officer_a: User
) -> None:
    child = OrgUnitFactory(kind=OrgUnit.Kind.PUBLIC_SERVICE, parent=hanoi.ward_a)
    assert can_edit_unit(officer_a, hanoi.ward_a)
    assert can_edit_unit(officer_a, child)


def test_can_edit_unit_focal_point_may_not_edit_another_ward_or_the_city(
    hanoi: Hanoi, officer_a: User
) -> None:
    assert not can_edit_unit(officer_a, hanoi.ward_b)
    assert not can_edit_unit(officer_a, hanoi.city)


def test_can_edit_unit_focal_point_of_the_city_edits_its_wards(hanoi: Hanoi) -> None:
    city_focal_point = _member(hanoi.city, Membership.Role.FOCAL_POINT)
    assert can_edit_unit(city_focal_point, hanoi.ward_b)


@pytest.mark.parametrize(
    "role", [Membership.Role.HEAD, Membership.Role.VIEWER, Membership.Role.INSPECTOR]
)
def test_can_edit_unit_other_roles_in_the_ward_may_not_edit(hanoi: Hanoi, role: str) -> None:
    assert not can_edit_unit(_member(hanoi.ward_a, role), hanoi.ward_a)


def test_can_edit_unit_nobody_edits_an_ended_unit(hanoi: Hanoi, city_admin: User) -> None:
    ended = OrgUnitFactory(parent=hanoi.ward_a, valid_to=datetime.date(2025, 6, 30))
    assert not can_edit_unit(city_admin, ended)
    assert not can_edit_unit(_member(hanoi.ward_a, Membership.Role.FOCAL_POINT), ended)


def test_can_edit_unit_anonymous_may_not_edit(hanoi: Hanoi) -> None:
    assert not can_edit_unit(AnonymousUser(), hanoi.ward_a)


def test_can_create_unit_only_city_admin(
    hanoi: Hanoi, city_admin: User, officer_a: User, inspector: User
) -> None:
    assert can_create_unit(city_admin)
    assert not can_create_unit(officer_a)
    assert not can_create_unit(inspector)
    assert not can_create_unit(AnonymousUser())


def test_roles_over_collects_roles_in_the_unit_and_its_ancestors(hanoi: Hanoi) -> None:
    user = _member(hanoi.city, Membership.Role.VIEWER)
    MembershipFactory(user=user, unit=hanoi.ward_a, role=Membership.Role.HEAD)
    MembershipFactory(user=user, unit=hanoi.ward_b, role=Membership.Role.FOCAL_POINT)
    assert roles_over(user, hanoi.ward_a) == {"viewer", "head"}
    assert roles_over(user, hanoi.city) == {"viewer"}


def test_get_unit_for_user_returns_a_visible_unit(hanoi: Hanoi, officer_a: User) -> None:
    assert get_unit_for_user(officer_a, hanoi.ward_a.pk) == hanoi.ward_a
    assert get_unit_for_user(officer_a, hanoi.ward_a.pk, write=True) == hanoi.ward_a


def test_get_unit_for_user_hides_another_ward_as_not_found(hanoi: Hanoi, officer_b: User) -> None:
    with pytest.raises(Http404):
        get_unit_for_user(officer_b, hanoi.ward_a.pk)
    with pytest.raises(Http404):
        get_unit_for_user(officer_b, 999_999)


def test_get_unit_for_user_write_without_edit_role_is_not_found(hanoi: Hanoi) -> None:
    head = _member(hanoi.ward_a, Membership.Role.HEAD)
    assert get_unit_for_user(head, hanoi.ward_a.pk) == hanoi.ward_a
    with pytest.raises(Http404):
        get_unit_for_user(head, hanoi.ward_a.pk, write=True)


def test_get_unit_for_user_anonymous_is_not_found(hanoi: Hanoi) -> None:
    with pytest.raises(Http404):
        get_unit_for_user(AnonymousUser(), hanoi.ward_a.pk)

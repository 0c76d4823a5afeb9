"""The two scoping rules beside each other (docs/decisions/0025): visible_to (a unit and its
subtree) for every list, and the named own-unit rule own_units_of (the user's own units, not
their sub-units) where a unit must not see its sub-units' drafts. UnitScopedQuerySet, which
builds a model's for_user on the first, is tested with a model that uses it
(cchc/staffing/tests/test_scoping.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cchc.accounts.models import Membership
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.orgunits.models import OrgUnit, own_unit_paths
from cchc.orgunits.tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(hanoi):
    """A public service unit under the Department of Home Affairs."""
    return OrgUnitFactory(
        code="01-SNV-T",
        kind=OrgUnit.Kind.PUBLIC_SERVICE,
        name="Trường Cán bộ",
        parent=hanoi.home_affairs,
    )


def test_own_units_leave_out_the_sub_units_that_visible_to_includes(hanoi, school) -> None:
    head = UserFactory(username="giam_doc")
    MembershipFactory(user=head, unit=hanoi.home_affairs, role=Membership.Role.HEAD)
    visible = set(OrgUnit.objects.visible_to(head))
    own = set(OrgUnit.objects.own_units_of(head))
    assert visible == {hanoi.home_affairs, school}
    assert own == {hanoi.home_affairs}
    assert own_unit_paths(head) == {hanoi.home_affairs.path}


def test_a_city_administrator_sees_every_unit_but_owns_only_their_own(hanoi, city_admin) -> None:
    assert OrgUnit.objects.visible_to(city_admin).count() == OrgUnit.objects.count()
    assert list(OrgUnit.objects.own_units_of(city_admin)) == [hanoi.home_affairs]


def test_nobody_outside_sees_or_owns_anything(hanoi) -> None:
    inactive = UserFactory(username="nghi_huu", is_active=False)
    MembershipFactory(user=inactive, unit=hanoi.ward_a, role=Membership.Role.FOCAL_POINT)
    for user in (AnonymousUser(), inactive):
        assert not OrgUnit.objects.visible_to(user).exists()
        assert not OrgUnit.objects.own_units_of(user).exists()

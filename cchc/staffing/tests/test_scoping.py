"""orgunits.models.UnitScopedQuerySet, the for_user of records that belong to one unit, on
the staffing records: the units the user sees (visible_to), all for a city administrator,
none for an anonymous user."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.staffing.models import Headcount

pytestmark = pytest.mark.django_db


def test_unit_scoped_for_user_follows_visible_to(hanoi, officer_a, city_admin) -> None:
    school = OrgUnitFactory(
        code="01-SNV-T", kind=OrgUnit.Kind.PUBLIC_SERVICE, name="Trường", parent=hanoi.home_affairs
    )
    rows = [Headcount(unit=unit, year=2026) for unit in (hanoi.ward_a, hanoi.ward_b, school)]
    Headcount.objects.bulk_create(rows)
    assert [h.unit for h in Headcount.objects.for_user(officer_a)] == [hanoi.ward_a]
    assert Headcount.objects.for_user(city_admin).count() == 3
    assert not Headcount.objects.for_user(AnonymousUser()).exists()

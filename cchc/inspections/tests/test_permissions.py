"""Who sees and does what, per persona: the city administrator, the inspector of the city
inspectorate, a team member from outside the inspectorate, ward A's officer (inspected), ward
B's officer (not inspected) and an anonymous visitor."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from cchc.accounts.models import Membership
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.inspections.actions import add_team_member, start_inspection
from cchc.inspections.models import Inspection, Recommendation
from cchc.inspections.permissions import (
    can_create_inspection,
    can_manage_inspection,
    can_record_finding,
    get_inspection_for_user,
    visible_findings,
)
from cchc.inspections.tests.factories import concluded, finding, inspection_of, started
from cchc.plans.tests.factories import issued_city_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(hanoi, inspector):
    """A head of the Department of Home Affairs put on the team."""
    user = UserFactory(username="doan_vien")
    MembershipFactory(user=user, unit=hanoi.home_affairs, role=Membership.Role.HEAD)
    return user


def test_who_creates_inspections(city_admin, inspector, officer_a, outsider):
    assert can_create_inspection(city_admin)
    assert can_create_inspection(inspector)
    assert not can_create_inspection(officer_a)
    assert not can_create_inspection(outsider)
    assert not can_create_inspection(AnonymousUser())


def test_persona_matrix_on_a_started_inspection(
    hanoi, city_admin, inspector, outsider, officer_a, officer_b
):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    add_team_member(inspection, actor=inspector, role="member", user=outsider)
    inspection = Inspection.objects.get(pk=inspection.pk)
    expected = {
        # persona: (sees, manages, records findings)
        city_admin: (True, True, False),
        inspector: (True, True, True),
        outsider: (True, True, True),
        officer_a: (True, False, False),
        officer_b: (False, False, False),
    }
    for user, (sees, manages, records) in expected.items():
        fresh = Inspection.objects.get(pk=inspection.pk)
        assert Inspection.objects.for_user(user).filter(pk=fresh.pk).exists() is sees, user
        assert can_manage_inspection(user, fresh) is manages, user
        assert can_record_finding(user, fresh) is records, user
    with pytest.raises(Http404):
        get_inspection_for_user(officer_b, inspection.pk)
    with pytest.raises(Http404):
        get_inspection_for_user(officer_a, inspection.pk, manage=True)
    assert not Inspection.objects.for_user(AnonymousUser()).exists()


def test_surprise_and_incognito_visibility_for_the_target(hanoi, inspector, officer_a, city_admin):
    issued_city_plan(hanoi.city, city_admin)
    for kind, visible_at in (
        (Inspection.Kind.PLANNED, "planned"),
        (Inspection.Kind.SURPRISE, "started"),
        (Inspection.Kind.INCOGNITO, "concluded"),
    ):
        inspection = inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a], kind=kind)
        seen = []
        seen.append(Inspection.objects.for_user(officer_a).filter(pk=inspection.pk).exists())
        start_inspection(inspection, actor=inspector)
        seen.append(Inspection.objects.for_user(officer_a).filter(pk=inspection.pk).exists())
        concluded(inspection, inspector, [hanoi.ward_a])
        seen.append(Inspection.objects.for_user(officer_a).filter(pk=inspection.pk).exists())
        first = ["planned", "started", "concluded"].index(visible_at)
        assert seen == [i >= first for i in range(3)], kind


def test_inspected_units_see_their_own_findings_and_recommendations(
    hanoi, inspector, officer_a, officer_b, city_admin
):
    issued_city_plan(hanoi.city, city_admin)
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b])
    mine = finding(inspection, inspector, hanoi.ward_a)
    theirs = finding(inspection, inspector, hanoi.ward_b)
    concluded(inspection, inspector, [hanoi.ward_a, hanoi.ward_b])
    fresh = Inspection.objects.get(pk=inspection.pk)
    assert list(visible_findings(officer_a, fresh)) == [mine]
    assert list(visible_findings(officer_b, fresh)) == [theirs]
    assert set(visible_findings(inspector, fresh)) == {mine, theirs}
    assert [r.unit for r in Recommendation.objects.for_user(officer_a)] == [hanoi.ward_a]
    assert Recommendation.objects.for_user(inspector).count() == 2
    assert Recommendation.objects.for_user(AnonymousUser()).count() == 0

"""Who sees and reviews what in satisfaction surveys: city administrators everything; a unit's
members their own unit only (not a parent's or a sibling's); its focal points and heads review
its responses, a viewer does not."""

from typing import Any

import pytest
from django.http import Http404

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.surveys.actions import record_response
from cchc.surveys.models import Campaign, CampaignUnit, Response
from cchc.surveys.permissions import (
    campaigns_for,
    can_manage_campaigns,
    can_review,
    get_campaign_for_user,
    get_campaign_unit_for_user,
    get_response_for_reviewer,
    reviewable_units,
    visible_campaigns,
    visible_unit_ids,
)
from cchc.surveys.tests.factories import answers, campaign_of
from conftest import Hanoi

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(hanoi: Hanoi, city_admin: User) -> Campaign:
    return campaign_of(city_admin, [(hanoi.ward_a, 1000), (hanoi.ward_b, 500)])


@pytest.fixture
def only_b(hanoi: Hanoi, city_admin: User) -> Campaign:
    return campaign_of(city_admin, [(hanoi.ward_b, 300)], year=2025)


def _unit(campaign: Campaign, unit: Any) -> CampaignUnit:
    return campaign.units.get(unit=unit)


def _response(campaign: Campaign, unit: Any, actor: User) -> Response:
    return record_response(_unit(campaign, unit), answers(), channel="interviewer", actor=actor)


def test_city_admin_sees_and_reviews_everything(
    hanoi: Hanoi, city_admin: User, campaign: Campaign, only_b: Campaign
) -> None:
    assert set(visible_campaigns(city_admin)) == {campaign, only_b}
    assert campaigns_for(city_admin).children == []
    assert visible_unit_ids(city_admin, campaign) is None
    assert can_manage_campaigns(city_admin)
    assert all(can_review(city_admin, unit) for unit in campaign.units.all())
    response = _response(campaign, hanoi.ward_b, city_admin)
    assert get_response_for_reviewer(city_admin, response.pk) == response


def test_ward_officer_sees_only_their_ward(
    hanoi: Hanoi, city_admin: User, officer_a: User, campaign: Campaign, only_b: Campaign
) -> None:
    assert list(visible_campaigns(officer_a)) == [campaign]
    assert visible_unit_ids(officer_a, campaign) == [hanoi.ward_a.pk]
    assert get_campaign_for_user(officer_a, campaign.pk) == campaign
    with pytest.raises(Http404):
        get_campaign_for_user(officer_a, only_b.pk)
    own = _unit(campaign, hanoi.ward_a)
    other = _unit(campaign, hanoi.ward_b)
    assert get_campaign_unit_for_user(officer_a, own.pk) == own
    with pytest.raises(Http404):
        get_campaign_unit_for_user(officer_a, other.pk)
    assert not can_manage_campaigns(officer_a)


def test_focal_point_reviews_own_unit_responses_only(
    hanoi: Hanoi, city_admin: User, officer_a: User, campaign: Campaign
) -> None:
    mine = _response(campaign, hanoi.ward_a, city_admin)
    theirs = _response(campaign, hanoi.ward_b, city_admin)
    assert get_response_for_reviewer(officer_a, mine.pk) == mine
    with pytest.raises(Http404):
        get_response_for_reviewer(officer_a, theirs.pk)
    assert [u.unit for u in reviewable_units(officer_a, campaign)] == [hanoi.ward_a]
    assert can_review(officer_a, _unit(campaign, hanoi.ward_a))
    assert not can_review(officer_a, _unit(campaign, hanoi.ward_b))


def test_a_viewer_reads_results_but_does_not_review(
    hanoi: Hanoi, city_admin: User, campaign: Campaign
) -> None:
    viewer = UserFactory(username="viewer_a")
    MembershipFactory(user=viewer, unit=hanoi.ward_a, role=Membership.Role.VIEWER)
    response = _response(campaign, hanoi.ward_a, city_admin)
    assert visible_unit_ids(viewer, campaign) == [hanoi.ward_a.pk]
    assert not can_review(viewer, _unit(campaign, hanoi.ward_a))
    assert not reviewable_units(viewer, campaign).exists()
    with pytest.raises(Http404):
        get_response_for_reviewer(viewer, response.pk)


def test_membership_of_a_parent_unit_does_not_reach_the_wards(
    hanoi: Hanoi, city_admin: User, campaign: Campaign
) -> None:
    """A focal point of the city (not a city administrator) is not a member of the wards."""
    city_member = UserFactory(username="city_focal")
    MembershipFactory(user=city_member, unit=hanoi.city, role=Membership.Role.FOCAL_POINT)
    response = _response(campaign, hanoi.ward_a, city_admin)
    assert not visible_campaigns(city_member).exists()
    with pytest.raises(Http404):
        get_response_for_reviewer(city_member, response.pk)


def test_anonymous_sees_nothing(campaign: Campaign) -> None:
    from django.contrib.auth.models import AnonymousUser

    nobody = AnonymousUser()
    assert not visible_campaigns(nobody).exists()
    assert not can_review(nobody, campaign.units.first())
    with pytest.raises(Http404):
        get_campaign_unit_for_user(nobody, campaign.units.first().pk)


def test_a_city_viewer_reads_every_campaign_of_the_city_but_reviews_nothing(
    hanoi: Hanoi, city_admin: User, city_viewer: User, campaign: Campaign, only_b: Campaign
) -> None:
    """The viewer role reads its unit's whole subtree (issue #17: the demo's `xem` got 404)."""
    response = _response(campaign, hanoi.ward_b, city_admin)
    assert set(visible_campaigns(city_viewer)) == {campaign, only_b}
    assert get_campaign_for_user(city_viewer, only_b.pk) == only_b
    assert set(visible_unit_ids(city_viewer, campaign) or []) == {hanoi.ward_a.pk, hanoi.ward_b.pk}
    assert get_campaign_unit_for_user(city_viewer, _unit(campaign, hanoi.ward_b).pk)
    assert not reviewable_units(city_viewer, campaign).exists()
    assert not can_review(city_viewer, _unit(campaign, hanoi.ward_b))
    with pytest.raises(Http404):
        get_response_for_reviewer(city_viewer, response.pk)


def test_a_city_viewer_opens_the_campaign_and_its_results_pages(
    login: Any, hanoi: Hanoi, city_viewer: User, campaign: Campaign
) -> None:
    client = login(city_viewer)
    detail = client.get(f"/surveys/{campaign.pk}/")
    assert detail.status_code == 200
    assert "Phường Hoàn Kiếm" in detail.content.decode()
    assert client.get(f"/surveys/{campaign.pk}/results/").status_code == 200
    assert campaign.title in client.get("/surveys/").content.decode()
    assert 'data-testid="campaign-close"' not in detail.content.decode()

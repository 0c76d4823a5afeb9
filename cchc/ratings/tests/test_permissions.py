"""Who sees which ratings and who may assess, respond, approve and reopen them."""

import pytest
from django.http import Http404

from cchc.accounts.models import User
from cchc.ratings.actions import approve_ratings, assess_rating
from cchc.ratings.models import Rating
from cchc.ratings.permissions import (
    can_approve_rating,
    can_assess_rating,
    can_reopen_rating,
    can_respond_to_rating,
    get_rating_for_user,
)
from cchc.ratings.tests.factories import (
    SEPTEMBER,
    appoint_head,
    draft_city_plan,
    rate,
    worked_example,
)
from conftest import Hanoi


@pytest.fixture
def ratings(hanoi: Hanoi, city_admin: User, officer_a: User) -> dict[str, Rating]:
    appoint_head(hanoi.ward_a, city_admin, username="head_a")
    plan = draft_city_plan(hanoi.city, city_admin)
    worked_example(plan, hanoi.ward_a, city_admin, responsible=officer_a)
    rate(SEPTEMBER, city_admin)
    return {r.kind: r for r in Rating.objects.select_related("unit", "round__policy")}


def test_a_head_sees_their_own_scorecard_and_their_units_ratings(
    ratings: dict[str, Rating],
) -> None:
    head = User.objects.get(username="head_a")

    assert set(Rating.objects.for_user(head)) == set(ratings.values())
    assert get_rating_for_user(head, ratings["head"].pk) == ratings["head"]


def test_a_person_sees_their_own_rating_and_their_units(
    ratings: dict[str, Rating], officer_a: User
) -> None:
    assert get_rating_for_user(officer_a, ratings["person"].pk) == ratings["person"]


def test_other_units_see_nothing(
    ratings: dict[str, Rating], officer_b: User, inspector: User
) -> None:
    for user in (officer_b, inspector):
        assert not Rating.objects.for_user(user).exists()
        for rating in ratings.values():
            with pytest.raises(Http404):
                get_rating_for_user(user, rating.pk)


def test_city_administrators_see_all(ratings: dict[str, Rating], city_admin: User) -> None:
    assert Rating.objects.for_user(city_admin).count() == 3


def test_assessing_approving_and_reopening(
    ratings: dict[str, Rating], hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    head_a = User.objects.get(username="head_a")
    chairman = appoint_head(hanoi.city, city_admin, username="chairman")
    unit, head, person = ratings["unit"], ratings["head"], ratings["person"]

    # Units and heads: city administrators assess, the city's head approves.
    assert can_assess_rating(city_admin, unit)
    assert not can_assess_rating(head_a, unit)
    assert not can_assess_rating(head_a, head)  # never one's own
    # Persons: the unit's head (or focal point) assesses, the unit's head approves.
    assert can_assess_rating(head_a, person)
    assert not can_assess_rating(officer_a, person)

    criteria = unit.round.policy.criteria.all()
    for rating in (unit, head, person):
        assess_rating(rating, actor=city_admin, points={c.pk: c.max_points for c in criteria})
        rating.refresh_from_db()
    assert can_approve_rating(chairman, unit)
    assert not can_approve_rating(city_admin, unit)  # an administrator is not the head
    assert not can_approve_rating(head_a, unit)
    assert not can_approve_rating(head_a, head)
    assert can_approve_rating(head_a, person)
    assert can_respond_to_rating(head_a, unit)  # a unit answers through its head
    assert can_respond_to_rating(officer_a, person)
    assert not can_respond_to_rating(officer_a, unit)

    approve_ratings([unit], actor=chairman)
    unit.refresh_from_db()
    assert can_reopen_rating(chairman, unit)
    assert not can_reopen_rating(city_admin, unit)

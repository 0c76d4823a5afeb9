from django.test import Client

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.tests.helpers import assert_shows, html, translated
from conftest import Hanoi, client_for


def test_home_shows_the_officers_role_and_unit(hanoi: Hanoi, officer_a: User) -> None:
    response = client_for(officer_a).get("/")

    assert response.status_code == 200
    page = html(response)
    assert f'<a href="/units/{hanoi.ward_a.pk}/">Phường Ba Đình</a>' in page
    assert_shows(response, Membership.Role.FOCAL_POINT.label)
    assert "Phường Hoàn Kiếm" not in page
    assert_shows(response, translated("Welcome, %(name)s") % {"name": officer_a})


def test_home_lists_every_membership_of_the_user(hanoi: Hanoi) -> None:
    user = UserFactory()
    MembershipFactory(user=user, unit=hanoi.ward_a, role=Membership.Role.HEAD)
    MembershipFactory(user=user, unit=hanoi.ward_b, role=Membership.Role.VIEWER)

    response = client_for(user).get("/")

    page = html(response)
    assert "Phường Ba Đình" in page
    assert "Phường Hoàn Kiếm" in page
    assert_shows(response, Membership.Role.HEAD.label)
    assert_shows(response, Membership.Role.VIEWER.label)


def test_home_user_without_role_is_told_to_ask_for_one(hanoi: Hanoi) -> None:
    response = client_for(UserFactory()).get("/")

    assert response.status_code == 200
    assert_shows(response, "You have no role in any unit yet. Ask the city administrator.")
    assert_shows(response, "Nothing is waiting for you.")
    assert 'data-testid="latest-month"' not in html(response)


def test_home_anonymous_is_redirected_to_login(anonymous: Client, db: None) -> None:
    response = anonymous.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"

import pytest
from django.http import Http404

from cchc.accounts.actions import create_api_token
from cchc.accounts.models import User
from cchc.accounts.permissions import get_api_token_for_user


def test_get_api_token_for_user_returns_my_token(officer_a: User) -> None:
    token, _ = create_api_token(actor=officer_a, name="của tôi")
    assert get_api_token_for_user(officer_a, token.pk) == token


def test_get_api_token_for_user_hides_another_users_token(officer_a: User, officer_b: User) -> None:
    token, _ = create_api_token(actor=officer_a, name="của A")
    with pytest.raises(Http404):
        get_api_token_for_user(officer_b, token.pk)


def test_get_api_token_for_user_city_admin_does_not_reach_others_tokens(
    officer_a: User, city_admin: User
) -> None:
    token, _ = create_api_token(actor=officer_a, name="của A")
    with pytest.raises(Http404):
        get_api_token_for_user(city_admin, token.pk)


def test_get_api_token_for_user_missing_token_is_not_found(officer_a: User) -> None:
    with pytest.raises(Http404):
        get_api_token_for_user(officer_a, 999_999)

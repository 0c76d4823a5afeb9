import hashlib
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY, password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.test import Client

from cchc.accounts.actions import create_api_token
from cchc.accounts.forms import LoginForm
from cchc.accounts.models import ApiToken, User
from cchc.accounts.tests.factories import PASSWORD, UserFactory
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_shows, html, translated
from conftest import Hanoi, client_for

NEW_PASSWORD = "an-Even-stronger-passw0rd"


def _login(client: Client, username: str, password: str, **extra: str) -> object:
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def _signed_in_as(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def _invalid_login_message() -> str:
    return translated(LoginForm.error_messages["invalid_login"]) % {
        "limit": settings.AXES_FAILURE_LIMIT
    }


# --- login -----------------------------------------------------------------------------------


def test_login_by_username_signs_in_and_redirects_home(officer_a: User) -> None:
    client = Client()
    response = _login(client, "officer_a", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_as(client) == str(officer_a.pk)


def test_login_by_username_ignores_case(officer_a: User) -> None:
    client = Client()
    _login(client, "OFFICER_A", PASSWORD)
    assert _signed_in_as(client) == str(officer_a.pk)


def test_login_by_email_ignores_case(officer_a: User) -> None:
    client = Client()
    response = _login(client, "  Officer_A@Example.TEST ", PASSWORD)

    assert response.status_code == 302
    assert _signed_in_as(client) == str(officer_a.pk)


def test_login_by_a_long_email_address_works(db: None) -> None:
    # E-mail addresses may be 254 characters long: the server accepts them, and the field's
    # maxlength must not make the browser cut them at the username's 150.
    email = f"{'a' * 150}@example.test"
    user = UserFactory(username="longmail", email=email)
    client = Client()

    _login(client, email, PASSWORD)

    assert _signed_in_as(client) == str(user.pk)
    username_input = re.search(
        r'<input[^>]*name="username"[^>]*>', html(Client().get("/accounts/login/"))
    )
    assert username_input is not None
    assert 'maxlength="254"' in username_input.group()


def test_login_with_a_wrong_password_shows_the_error(officer_a: User) -> None:
    client = Client()
    response = _login(client, "officer_a", "wrong-password")

    assert response.status_code == 200
    assert_shows(response, _invalid_login_message())
    assert _signed_in_as(client) is None
    attempt = AccessAttempt.objects.get(username="officer_a")
    assert attempt.failures_since_start == 1


def test_login_of_an_unknown_user_shows_the_same_error(hanoi: Hanoi) -> None:
    response = _login(Client(), "nobody@example.test", PASSWORD)
    assert response.status_code == 200
    assert_shows(response, _invalid_login_message())


def test_login_of_an_inactive_user_is_refused(officer_a: User) -> None:
    officer_a.is_active = False
    officer_a.save()
    client = Client()

    response = _login(client, "officer_a", PASSWORD)

    assert response.status_code == 200
    assert _signed_in_as(client) is None


def test_login_is_locked_out_after_the_failure_limit(officer_a: User) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "officer_a", "wrong-password")
        assert response.status_code == 200
        assert_shows(response, _invalid_login_message())
    fifth = _login(client, "officer_a", "wrong-password")
    assert fifth.status_code == 429

    sixth = _login(client, "officer_a", PASSWORD)

    assert sixth.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in sixth.templates]
    assert_shows(sixth, "Too many failed sign-in attempts")
    assert _signed_in_as(client) is None
    attempt = AccessAttempt.objects.get(username="officer_a")
    assert attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
    assert attempt.ip_address == "127.0.0.1"


@pytest.mark.parametrize(
    "spelling",
    ["OFFICER_A", " officer_a ", "Officer_A", "officer_a@example.test", "OFFICER_A@EXAMPLE.TEST"],
)
def test_login_lock_out_counts_every_spelling_of_one_account(
    officer_a: User, spelling: str
) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "officer_a", "wrong-password")

    response = _login(client, spelling, PASSWORD)

    assert response.status_code == 429
    assert _signed_in_as(client) is None


def test_login_failures_under_mixed_spellings_lock_the_account(officer_a: User) -> None:
    spellings = ["officer_a", "OFFICER_A", " officer_a", "officer_a@example.test", "Officer_A"]
    client = Client()
    for spelling in spellings:
        _login(client, spelling, "wrong-password")

    assert _login(client, "officer_a", PASSWORD).status_code == 429
    assert _signed_in_as(client) is None
    assert AccessAttempt.objects.get().username == "officer_a"


def test_login_locked_out_page_shows_a_readable_cool_off_time(officer_a: User) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = _login(client, "officer_a", "wrong-password")

    assert response.status_code == 429
    page = html(response)
    assert "PT15M" not in page  # an ISO 8601 duration means nothing to a ward officer
    assert "15" in page


def test_login_lock_out_is_per_username(officer_a: User, officer_b: User) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "officer_a", "wrong-password")

    _login(client, "officer_b", PASSWORD)

    assert _signed_in_as(client) == str(officer_b.pk)


def test_login_success_resets_the_failure_count(officer_a: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(Client(), "officer_a", "wrong-password")
    _login(Client(), "officer_a", PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(Client(), "officer_a", "wrong-password").status_code == 200

    client = Client()
    _login(client, "officer_a", PASSWORD)
    assert _signed_in_as(client) == str(officer_a.pk)


def test_login_follows_a_local_next_url(officer_a: User) -> None:
    response = _login(Client(), "officer_a", PASSWORD, next="/units/")
    assert response["Location"] == "/units/"


def test_login_refuses_an_external_next_url(officer_a: User) -> None:
    response = _login(Client(), "officer_a", PASSWORD, next="https://evil.example/phish")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_page_redirects_a_signed_in_user(officer_a: User) -> None:
    response = client_for(officer_a).get("/accounts/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"


# --- logout ----------------------------------------------------------------------------------


def test_logout_by_post_ends_the_session(officer_a: User) -> None:
    client = client_for(officer_a)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert _signed_in_as(client) is None
    assert client.get("/").status_code == 302


def test_logout_by_get_is_not_allowed(officer_a: User) -> None:
    client = client_for(officer_a)
    assert client.get("/accounts/logout/").status_code == 405
    assert _signed_in_as(client) == str(officer_a.pk)


# --- password change -------------------------------------------------------------------------


def _change(client: Client, old: str, new1: str, new2: str | None = None) -> object:
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new1, "new_password2": new2 or new1},
    )


def test_password_change_with_a_wrong_old_password_shows_the_error(officer_a: User) -> None:
    response = _change(client_for(officer_a), "not-my-password", NEW_PASSWORD)

    assert response.status_code == 200
    assert_shows(response, PasswordChangeForm.error_messages["password_incorrect"])
    officer_a.refresh_from_db()
    assert officer_a.check_password(PASSWORD)
    assert not AuditEvent.objects.exists()


def test_password_change_with_mismatched_passwords_shows_the_error(officer_a: User) -> None:
    response = _change(client_for(officer_a), PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")

    assert response.status_code == 200
    assert_shows(response, PasswordChangeForm.error_messages["password_mismatch"])
    officer_a.refresh_from_db()
    assert officer_a.check_password(PASSWORD)


def test_password_change_with_a_weak_password_shows_the_validators_messages(
    officer_a: User,
) -> None:
    weak = "12345678"
    with pytest.raises(ValidationError) as refused:
        password_validation.validate_password(weak, officer_a)
    expected = [translated(message) for message in refused.value.messages]

    response = _change(client_for(officer_a), PASSWORD, weak)

    assert response.status_code == 200
    for message in expected:
        assert_shows(response, message)
    officer_a.refresh_from_db()
    assert officer_a.check_password(PASSWORD)
    assert not AuditEvent.objects.exists()


def test_password_change_saves_audits_and_keeps_the_session(officer_a: User) -> None:
    client = client_for(officer_a)

    response = _change(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/"
    officer_a.refresh_from_db()
    assert officer_a.check_password(NEW_PASSWORD)
    (event,) = AuditEvent.objects.filter(verb="accounts.change_password")
    assert event.actor == officer_a
    assert event.target_id == str(officer_a.pk)
    home = client.get("/")
    assert home.status_code == 200
    assert_shows(home, "Your password was changed.")


def test_password_change_new_password_signs_in_and_old_does_not(officer_a: User) -> None:
    _change(client_for(officer_a), PASSWORD, NEW_PASSWORD)

    old = Client()
    _login(old, "officer_a", PASSWORD)
    new = Client()
    _login(new, "officer_a", NEW_PASSWORD)

    assert _signed_in_as(old) is None
    assert _signed_in_as(new) == str(officer_a.pk)


def test_password_change_anonymous_is_redirected_to_login(anonymous: Client) -> None:
    response = anonymous.get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/password/"


# --- API tokens ------------------------------------------------------------------------------


def test_token_create_shows_the_key_once_and_stores_only_its_digest(officer_a: User) -> None:
    client = client_for(officer_a)

    response = client.post("/accounts/tokens/", {"name": "Báo cáo BI"})

    assert response.status_code == 200
    key = response.context["new_key"]
    assert len(key) >= 40
    assert key in html(response)
    token = ApiToken.objects.get(user=officer_a)
    assert token.name == "Báo cáo BI"
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert key not in stored
    (event,) = AuditEvent.objects.filter(verb="accounts.create_api_token")
    assert (event.actor, event.target_id) == (officer_a, str(token.pk))
    assert event.details == {"name": "Báo cáo BI"}
    assert key not in str(event.details)

    listing = client.get("/accounts/tokens/")
    assert key not in html(listing)
    assert f"<code>{token.prefix}…</code>" in html(listing)
    assert "Báo cáo BI" in html(listing)


def test_token_create_without_a_name_is_refused(officer_a: User) -> None:
    response = client_for(officer_a).post("/accounts/tokens/", {"name": "   "})

    assert response.status_code == 200
    assert response.context["new_key"] is None
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.exists()


def test_token_list_shows_only_my_tokens(officer_a: User, officer_b: User) -> None:
    create_api_token(actor=officer_a, name="Của tôi")
    create_api_token(actor=officer_b, name="Của người khác")

    page = html(client_for(officer_a).get("/accounts/tokens/"))

    assert "Của tôi" in page
    assert "Của người khác" not in page


def test_token_revoke_sets_revoked_at_and_audits(officer_a: User) -> None:
    token, _key = create_api_token(actor=officer_a, name="Tạm thời")
    client = client_for(officer_a)

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/tokens/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    (event,) = AuditEvent.objects.filter(verb="accounts.revoke_api_token")
    assert (event.actor, event.target_id) == (officer_a, str(token.pk))
    listing = client.get("/accounts/tokens/")
    assert_shows(listing, "Revoked")
    assert f"/accounts/tokens/{token.pk}/revoke/" not in html(listing)


def test_token_revoke_twice_is_refused_with_a_message(officer_a: User) -> None:
    token, _key = create_api_token(actor=officer_a, name="Tạm thời")
    client = client_for(officer_a)
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    first_revoked_at = token.revoked_at

    response = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)

    assert_shows(response, "This token was already revoked.")
    token.refresh_from_db()
    assert token.revoked_at == first_revoked_at
    assert AuditEvent.objects.filter(verb="accounts.revoke_api_token").count() == 1


def test_token_revoke_of_another_users_token_is_not_found(officer_a: User, officer_b: User) -> None:
    token, _key = create_api_token(actor=officer_a, name="Của A")

    response = client_for(officer_b).post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEvent.objects.filter(verb="accounts.revoke_api_token").exists()


def test_token_revoke_by_get_is_not_allowed(officer_a: User) -> None:
    token, _key = create_api_token(actor=officer_a, name="Tạm thời")
    assert client_for(officer_a).get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_list_anonymous_is_redirected_to_login(anonymous: Client, db: None) -> None:
    response = anonymous.post("/accounts/tokens/", {"name": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not ApiToken.objects.exists()

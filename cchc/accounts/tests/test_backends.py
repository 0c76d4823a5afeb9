from cchc.accounts.backends import UsernameOrEmailBackend
from cchc.accounts.models import User
from cchc.accounts.tests.factories import PASSWORD

backend = UsernameOrEmailBackend()


def test_authenticate_by_username_or_email_ignoring_case(officer_a: User) -> None:
    assert backend.authenticate(None, username="officer_a", password=PASSWORD) == officer_a
    assert backend.authenticate(None, username="Officer_A", password=PASSWORD) == officer_a
    assert (
        backend.authenticate(None, username=" OFFICER_A@example.test ", password=PASSWORD)
        == officer_a
    )


def test_authenticate_refuses_a_wrong_password(officer_a: User) -> None:
    assert backend.authenticate(None, username="officer_a", password="sai") is None


def test_authenticate_refuses_an_unknown_user(officer_a: User) -> None:
    assert backend.authenticate(None, username="khong-co", password=PASSWORD) is None
    assert backend.authenticate(None, username="khong@co.test", password=PASSWORD) is None


def test_authenticate_refuses_missing_credentials(officer_a: User) -> None:
    assert backend.authenticate(None, username="", password=PASSWORD) is None
    assert backend.authenticate(None, username="officer_a", password=None) is None


def test_authenticate_refuses_an_inactive_user(officer_a: User) -> None:
    officer_a.is_active = False
    officer_a.save()
    assert backend.authenticate(None, username="officer_a", password=PASSWORD) is None

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from cchc.accounts.models import User


def find_login_user(typed: str | None) -> User | None:
    """The user a typed sign-in name designates: the username or the e-mail address, any
    capitalisation, surrounding spaces ignored. The one lookup used by sign-in and lock-out."""
    text = (typed or "").strip()
    if not text:
        return None
    field = "email__iexact" if "@" in text else "username__iexact"
    return User.objects.filter(**{field: text}).order_by("pk").first()


def login_name(typed: str | None) -> str:
    """The one spelling of a typed sign-in name: the account's username when it designates one,
    else the text trimmed and case-folded. `CB00008`, `" cb00008 "` and `cb00008@…` are one
    name, so the failures typed under any of them count together."""
    user = find_login_user(typed)
    return user.username if user is not None else (typed or "").strip().casefold()


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: django-axes counts failures under `login_name`."""
    if credentials:
        typed = credentials.get("username")
    else:
        typed = getattr(request, "POST", {}).get("username")
    return login_name(typed if isinstance(typed, str) else None)


class UsernameOrEmailBackend(ModelBackend):
    """Sign in with the username or the e-mail address (case-insensitive)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = find_login_user(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

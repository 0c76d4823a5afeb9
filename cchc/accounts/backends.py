from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from cchc.accounts.models import User


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
        field = "email__iexact" if "@" in username else "username__iexact"
        user = User.objects.filter(**{field: username.strip()}).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

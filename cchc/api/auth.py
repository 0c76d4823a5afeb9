"""API authentication: a personal token (Authorization: Bearer …) or the browser session."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from cchc.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(digest=ApiToken.digest_of(token))
            .first()
        )
        if found is None:
            return None
        found.touch()
        request.user = found.user
        return found.user


class ReadSessionAuth(SessionAuth):
    """The signed-in browser session, for the docs page's "try it out" (read-only endpoints)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


API_AUTH = [TokenAuth(), ReadSessionAuth()]
# Writes (POST): a token only, so that a page on another site cannot write through a signed-in
# browser session.
TOKEN_ONLY = [TokenAuth()]

"""What the API tests share: a client that authenticates with a fresh token."""

from typing import Any

from django.test import Client

from cchc.accounts.actions import create_api_token
from cchc.accounts.models import User


class ApiClient:
    """A Django test client that sends `Authorization: Bearer <key>` on every request."""

    def __init__(self, user: User) -> None:
        self.token, self.key = create_api_token(actor=user, name="test")
        self.client = Client()

    def get(self, path: str, params: dict | None = None) -> Any:
        return self.client.get(path, params or {}, HTTP_AUTHORIZATION=f"Bearer {self.key}")

from django.urls import URLPattern, URLResolver

from cchc.api.api import api
from cchc.core.access import public


def _mark(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """The API authenticates each request itself (token or session) and answers 401 as JSON,
    so Django's login redirect must not apply; every endpoint is still gated by API_AUTH."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = public(pattern.callback)
            pattern.callback.access = "api"  # type: ignore[attr-defined]
    return patterns


app_name = "api-v1"
urlpatterns = _mark(list(api.urls[0]))

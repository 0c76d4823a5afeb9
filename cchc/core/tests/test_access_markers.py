"""Every view says who may reach it (cchc.core.access), or is a known third-party view."""

import pytest
from django.urls import get_resolver

from cchc.core.tests.helpers import walk

# Third-party views that gate access themselves.
ALLOWED_UNMARKED_PREFIXES = (
    "django.contrib.admin.",  # the admin site checks is_staff on every view
    "django.contrib.auth.views.",  # admin's password views, behind the admin site
    "django.contrib.contenttypes.views.",  # admin "view on site", behind the admin site
)


def test_every_view_has_a_permission_marker() -> None:
    unmarked = []
    for route, view in walk(get_resolver().url_patterns):
        module = getattr(view, "__module__", "")
        if getattr(view, "access", None) in {"public", "member", "city_admin", "api"}:
            continue
        if module.startswith(ALLOWED_UNMARKED_PREFIXES) or route.startswith("admin/"):
            continue
        unmarked.append(f"{route} -> {module}.{getattr(view, '__name__', view)}")
    assert unmarked == []


@pytest.mark.django_db
def test_anonymous_reaches_only_login_public_pages_and_static(client) -> None:
    public = {
        "accounts/login/": 200,
        "healthz": 200,
        "static/css/app.css": 200,
        "api/v1/docs": 200,
        "api/v1/openapi.json": 200,
    }
    for route, status in public.items():
        assert client.get(f"/{route}").status_code == status, route
    for route, view in walk(get_resolver().url_patterns):
        if getattr(view, "access", None) in {"public", "api"} or "<" in route:
            continue
        if route.startswith("admin/"):
            continue
        response = client.get(f"/{route}")
        # LoginRequiredMiddleware answers before the view's method check (a POST-only view's 405)
        # or its access marker (403): every anonymous request goes to the login page.
        assert response.status_code == 302, route
        assert response["Location"].startswith("/accounts/login/"), route

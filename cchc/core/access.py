"""Permission markers for views.

Every view carries one of these, so that a test can walk the URL resolver and refuse a view that
does not say who may reach it (cchc/core/tests/test_access_markers.py). Record-level scoping is
still done inside the view with `get_<noun>_for_user` / `.for_user(user)`.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

View = Callable[..., HttpResponseBase]


def public(view: View) -> View:
    """Anyone, signed in or not (login page, public forms, health check)."""
    view = login_not_required(view)
    view.access = "public"  # type: ignore[attr-defined]
    return view


def member(view: View) -> View:
    """Any signed-in user; the view scopes every record to the user's units."""
    view.access = "member"  # type: ignore[attr-defined]
    return view


def city_admin(view: View) -> View:
    """City administrators only (Department of Home Affairs); others get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not getattr(request.user, "is_city_admin", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.access = "city_admin"  # type: ignore[attr-defined]
    return wrapped

"""Who may see or handle data-subject requests, and whose data a user may download.

- The members of a request's unit (or of a unit above it) see it; its focal points and heads,
  and city administrators, record and answer requests (they carry out an erasure).
- Every signed-in user downloads what the platform holds about themselves, nobody else's.
"""

from typing import Any

from django.http import Http404

from cchc.accounts.models import Membership
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.permissions import roles_over
from cchc.privacy.models import DataRequest

HANDLER_ROLES = {Membership.Role.FOCAL_POINT, Membership.Role.HEAD}


def can_handle_requests(user: Any, unit: OrgUnit) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_city_admin or bool(roles_over(user, unit) & HANDLER_ROLES)


def handled_units(user: Any) -> Any:
    """The units whose requests `user` may record: every visible unit they handle (a city
    administrator: the home province's)."""
    units = OrgUnit.objects.visible_to(user).select_related(None)
    if user.is_city_admin:
        return units.in_home_province()
    return units.filter(pk__in=[u.pk for u in units if can_handle_requests(user, u)])


def get_request_for_user(user: Any, pk: int, *, handle: bool = False) -> DataRequest:
    """The request `pk` if `user` sees it (and handles it, with `handle`); else 404."""
    found = DataRequest.objects.for_user(user).select_related("unit").filter(pk=pk).first()
    if found is None or (handle and not can_handle_requests(user, found.unit)):
        raise Http404
    return found

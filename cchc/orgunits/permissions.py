"""Who may see or change which organisation unit."""

from typing import Any

from django.http import Http404

from cchc.accounts.models import Membership
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.queries import home_province

EDIT_ROLES = (Membership.Role.FOCAL_POINT,)


def roles_over(user: Any, unit: OrgUnit) -> set[str]:
    """The roles `user` holds in `unit` or in one of its ancestors."""
    return {role for path, role in user.unit_roles if unit.path.startswith(path)}


def can_edit_unit(user: Any, unit: OrgUnit) -> bool:
    """City administrators, and focal points of the unit or an ancestor, edit a current unit."""
    if not unit.is_current or not user.is_authenticated:
        return False
    if user.is_city_admin:
        return True
    return bool(roles_over(user, unit) & set(EDIT_ROLES))


def can_create_unit(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_city_admin)


def get_unit_for_user(user: Any, pk: int, *, write: bool = False) -> OrgUnit:
    """The unit if `user` may see it (and edit it, with `write`); otherwise 404, the same
    answer as for a unit that does not exist."""
    try:
        unit = OrgUnit.objects.visible_to(user).select_related("parent").get(pk=pk)
    except OrgUnit.DoesNotExist:
        raise Http404 from None
    if write and not can_edit_unit(user, unit):
        raise Http404
    return unit


def can_manage_chart(user: Any) -> bool:
    """Only city administrators create, move, merge, end and import the organisation chart."""
    return bool(user.is_authenticated and user.is_city_admin)


def get_chart_unit(user: Any, pk: int) -> OrgUnit:
    """A current unit of the home province's chart (not the province itself) that `user` may
    move, merge or end; otherwise 404."""
    province = home_province()
    if not can_manage_chart(user) or province is None:
        raise Http404
    unit = (
        OrgUnit.objects.current()
        .filter(pk=pk, path__subtree=province.path, legacy=False)
        .exclude(pk=province.pk)
        .select_related("parent")
        .first()
    )
    if unit is None:
        raise Http404
    return unit

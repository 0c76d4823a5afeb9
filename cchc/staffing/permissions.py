"""Who may see or record headcount.

- Everyone signed in sees the summary and history of the units they see
  (OrgUnit.objects.visible_to): a ward officer their ward, with what its pre-2025 wards carried.
- City administrators record figures for any unit, also for ended ones (the pre-2025 wards'
  history), import files and change the policy.
- A unit's focal points (of the unit or an ancestor) record the figures of their current units.
- Anyone else: 404 for a unit they do not see, 403 for one they see but may not record.
"""

from typing import Any

from django.http import Http404

from cchc.orgunits.models import OrgUnit, OrgUnitQuerySet
from cchc.staffing.models import RECORD_ROLES, can_record_headcount

__all__ = ["can_import_headcount", "can_record_headcount", "get_unit_for_user", "recordable_units"]


def can_import_headcount(user: Any) -> bool:
    """Whoever records the figures of some unit (each row is checked against its unit)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_city_admin or any(role in RECORD_ROLES for _p, role in user.unit_roles)


def recordable_units(user: Any) -> OrgUnitQuerySet:
    """The units `user` may record figures for: every unit for a city administrator, the
    current units under their focal-point memberships for anyone else."""
    if user.is_city_admin:
        return OrgUnit.objects.all()
    paths = [path for path, role in user.unit_roles if role in RECORD_ROLES]
    units = OrgUnit.objects.none()
    for path in paths:
        units |= OrgUnit.objects.current().filter(path__subtree=path)
    return units


def get_unit_for_user(user: Any, pk: int) -> OrgUnit:
    """The unit if `user` sees it; 404 otherwise, the same answer as for no such unit."""
    unit = OrgUnit.objects.visible_to(user).select_related("parent").filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit

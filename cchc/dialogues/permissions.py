"""Who may see or do what with dialogue conferences and petitions.

- City administrators see and handle everything.
- The members of a conference's host unit (or of a unit above it) see the conference and its
  petitions; its focal points and heads manage it: record petitions, screen, merge, route,
  publish answers and close.
- The members of the unit a petition is routed to see that petition (and its conference); its
  focal points and heads answer it.
- A citizen's name, contact and attachments are shown only to the unit handling the petition:
  the focal points and heads of its receiving unit and of its responsible unit (or of a unit
  above them). Everyone else who sees the petition (viewers, inspectors, a city administrator
  holding no such role) sees them masked (Law 91/2025/QH15; docs/domain/personal-data.md).
- Anyone else gets 404; those who see a record but may not change it get 403. Viewers and
  inspectors only read.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cchc.accounts.models import Membership
from cchc.dialogues.models import Conference, Petition
from cchc.orgunits.models import OrgUnit, in_subtrees
from cchc.orgunits.permissions import roles_over

MANAGER_ROLES = {Membership.Role.FOCAL_POINT, Membership.Role.HEAD}


def _manages(user: Any, unit: OrgUnit | None) -> bool:
    if not user.is_authenticated or unit is None:
        return False
    return user.is_city_admin or bool(roles_over(user, unit) & MANAGER_ROLES)


def can_see_petitioner(user: Any, petition: Petition) -> bool:
    """Whether `user` sees the petitioner's name, contact and attachments unmasked: a focal
    point or head of the receiving or the responsible unit (or above). No query: the units are
    loaded with the petition and the roles once per request."""
    if not user.is_authenticated:
        return False
    units = [unit for unit in (petition.unit, petition.responsible_unit) if unit is not None]
    return any(roles_over(user, unit) & MANAGER_ROLES for unit in units)


def can_announce_conference(user: Any, unit: OrgUnit) -> bool:
    return _manages(user, unit)


def can_manage_conference(user: Any, conference: Conference) -> bool:
    return _manages(user, conference.host_unit)


def can_record_petition(user: Any, unit: OrgUnit) -> bool:
    return _manages(user, unit)


def can_screen_petition(user: Any, petition: Petition) -> bool:
    """Screen, merge, route, publish, close: the receiving unit's managers."""
    return _manages(user, petition.unit)


def can_answer_petition(user: Any, petition: Petition) -> bool:
    if petition.status not in (Petition.Status.ROUTED, Petition.Status.ANSWERED):
        return False
    return _manages(user, petition.responsible_unit) or _manages(user, petition.unit)


def manageable_units(user: Any) -> Any:
    """The units in which the user may announce conferences and record petitions (a city
    administrator: the home province's)."""
    units = OrgUnit.objects.current()
    if user.is_city_admin:
        return units.in_home_province()
    paths = [path for path, role in user.unit_roles if role in MANAGER_ROLES]
    if not paths:
        return units.none()
    return units.filter(in_subtrees(paths))


def get_conference_for_user(user: Any, pk: int, *, manage: bool = False) -> Conference:
    """The conference if the user sees it ; with `manage`, 403 unless they
    manage it; 404 when they do not see it."""
    conference = (
        Conference.objects.for_user(user)
        .select_related("host_unit", "chair", "created_by")
        .filter(pk=pk)
        .first()
    )
    if conference is None:
        raise Http404
    if manage and not can_manage_conference(user, conference):
        raise PermissionDenied
    return conference


def get_petition_for_user(
    user: Any, pk: int, *, screen: bool = False, answer: bool = False
) -> Petition:
    """The petition if the user sees it; with `screen` only for the receiving unit's managers,
    with `answer` only for those who may answer it (403 for the others who see it); 404
    for a petition the user does not see."""
    petition = (
        Petition.objects.for_user(user)
        .select_related(
            "conference", "unit", "responsible_unit", "field", "issue_group", "merged_into"
        )
        .filter(pk=pk)
        .first()
    )
    if petition is None:
        raise Http404
    if screen and not can_screen_petition(user, petition):
        raise PermissionDenied
    if answer and not can_answer_petition(user, petition):
        raise PermissionDenied
    return petition

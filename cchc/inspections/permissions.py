"""Who may see or do what with inspections.

- City administrators, inspectors of the inspecting unit (or an ancestor) and the team manage
  an inspection: staff it, start it, conclude it, export its minutes.
- Only team members record findings and re-inspection verdicts (the actions check it too).
- Inspected units see their inspections (a surprise one once started, an incognito one once
  concluded), the findings and recommendations about their own units, and change nothing.
- Anyone else: 404.
"""

from typing import Any

from django.http import Http404

from cchc.accounts.models import Membership
from cchc.inspections.models import FindingFile, Inspection, Recommendation
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.permissions import roles_over

INSPECTOR_ROLES = {Membership.Role.INSPECTOR}


def can_create_inspection(user: Any) -> bool:
    """City administrators and inspectors (of any unit) open inspections."""
    if not user.is_authenticated:
        return False
    return user.is_city_admin or any(role in INSPECTOR_ROLES for _p, role in user.unit_roles)


def inspecting_units(user: Any) -> Any:
    """The units on whose behalf `user` may open an inspection."""
    if user.is_city_admin:
        return OrgUnit.objects.current().in_home_province()
    paths = [path for path, role in user.unit_roles if role in INSPECTOR_ROLES]
    units = OrgUnit.objects.none()
    for path in paths:
        units |= OrgUnit.objects.current().filter(path__subtree=path)
    return units


def is_team_member(user: Any, inspection: Inspection) -> bool:
    team = getattr(inspection, "_team_user_ids", None)
    if team is None:
        team = set(inspection.team.values_list("user_id", flat=True))
        inspection._team_user_ids = team  # type: ignore[attr-defined]
    return user.pk in team


def can_manage_inspection(user: Any, inspection: Inspection) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_city_admin or is_team_member(user, inspection):
        return True
    return bool(roles_over(user, inspection.unit) & INSPECTOR_ROLES)


def can_record_finding(user: Any, inspection: Inspection) -> bool:
    return (
        inspection.status == Inspection.Status.IN_PROGRESS
        and user.is_authenticated
        and is_team_member(user, inspection)
    )


def get_inspection_for_user(user: Any, pk: int, *, manage: bool = False) -> Inspection:
    """The inspection if the user sees it; with `manage`, only if they may manage it. 404
    otherwise, the same answer as for an inspection that does not exist (a surprise inspection
    not yet started does not exist for its targets)."""
    inspection = (
        Inspection.objects.for_user(user)
        .select_related("unit", "plan", "created_by")
        .filter(pk=pk)
        .first()
    )
    if inspection is None:
        raise Http404
    if manage and not can_manage_inspection(user, inspection):
        raise Http404
    return inspection


def visible_findings(user: Any, inspection: Inspection) -> Any:
    """All findings for those who manage the inspection; the findings about their own units
    for the inspected units."""
    findings = inspection.findings.all()
    if can_manage_inspection(user, inspection):
        return findings
    return findings.filter(unit__in=OrgUnit.objects.visible_to(user))


def get_finding_file_for_user(user: Any, pk: int) -> FindingFile:
    stored = FindingFile.objects.select_related("finding").filter(pk=pk).first()
    if stored is None:
        raise Http404
    inspection = get_inspection_for_user(user, stored.finding.inspection_id)
    if not visible_findings(user, inspection).filter(pk=stored.finding_id).exists():
        raise Http404
    return stored


def get_recommendation_for_user(user: Any, pk: int) -> Recommendation:
    rec = (
        Recommendation.objects.for_user(user)
        .select_related("conclusion__inspection", "unit", "person", "task")
        .filter(pk=pk)
        .first()
    )
    if rec is None:
        raise Http404
    return rec

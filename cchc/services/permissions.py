"""Who sees which dossiers and scores, and who issues apology letters: each unit its own (and
its subtree's), the city all (OrgUnit.objects.visible_to)."""

from typing import Any

from django.http import Http404

from cchc.accounts.models import Membership
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.permissions import roles_over
from cchc.services.models import ApologyLetter, Dossier

APOLOGY_ROLES = {Membership.Role.FOCAL_POINT, Membership.Role.HEAD}


def get_unit_for_user(user: Any, pk: int) -> OrgUnit:
    """The unit if `user` sees it; otherwise 404 (the same answer as for no such unit)."""
    try:
        return OrgUnit.objects.visible_to(user).get(pk=pk)
    except OrgUnit.DoesNotExist:
        raise Http404 from None


def get_dossier_for_user(user: Any, pk: int) -> Dossier:
    try:
        return Dossier.objects.for_user(user).select_related("unit").get(pk=pk)
    except Dossier.DoesNotExist:
        raise Http404 from None


def get_letter_for_user(user: Any, pk: int) -> ApologyLetter:
    try:
        return ApologyLetter.objects.select_related("dossier__unit").get(
            pk=pk, dossier__in=Dossier.objects.for_user(user)
        )
    except ApologyLetter.DoesNotExist:
        raise Http404 from None


def can_issue_apology(user: Any, dossier: Dossier) -> bool:
    """The dossier's unit's focal points and heads (or of a unit above it) issue its letters."""
    if not user.is_authenticated:
        return False
    return bool(roles_over(user, dossier.unit) & APOLOGY_ROLES)


def can_manage_index(user: Any) -> bool:
    """City administrators import files and close months."""
    return bool(user.is_authenticated and user.is_city_admin)

"""Who may see and do what with ratings, responsibilities, disciplinary decisions and policies.

The assessing level of a unit's or head's rating is the city: city administrators assess it and
a head of the city unit (or of an ancestor: the People's Committee) approves it. The assessing
level of a person's rating is the person's unit: its heads and focal points (or city
administrators) assess, its heads approve. Nobody assesses, approves or handles their own.
"""

from typing import Any

from django.http import Http404

from cchc.accounts.models import Membership
from cchc.orgunits.permissions import roles_over
from cchc.ratings.models import Rating, Responsibility

ASSESSOR_ROLES = {Membership.Role.HEAD, Membership.Role.FOCAL_POINT}


def _assessing_path(rating: Rating) -> str:
    """The path of the unit whose head approves: the person's unit, or the city (the root of
    the unit's path, e.g. "/01/")."""
    if rating.kind == Rating.Kind.PERSON:
        return rating.unit.path
    return "/" + rating.unit.path.split("/")[1] + "/"


def _own(user: Any, rating: Rating) -> bool:
    return rating.person_id == user.pk


def can_assess_rating(user: Any, rating: Rating) -> bool:
    if rating.is_frozen or _own(user, rating) or not user.is_authenticated:
        return False
    if user.is_city_admin:
        return True
    return rating.kind == Rating.Kind.PERSON and bool(
        roles_over(user, rating.unit) & ASSESSOR_ROLES
    )


def can_approve_rating(user: Any, rating: Rating) -> bool:
    """Heads of the assessing level (superusers too) approve assessed ratings, not their own."""
    if rating.status != Rating.Status.ASSESSED or _own(user, rating):
        return False
    return is_approver(user, rating)


def can_reopen_rating(user: Any, rating: Rating) -> bool:
    return rating.is_frozen and not _own(user, rating) and is_approver(user, rating)


def is_approver(user: Any, rating: Rating) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    assessing = _assessing_path(rating)
    return any(
        role == Membership.Role.HEAD and assessing.startswith(path)
        for path, role in user.unit_roles
    )


def can_respond_to_rating(user: Any, rating: Rating) -> bool:
    """The rated person responds: the person of a head's or person's rating, a head of the unit
    for the unit's rating; once, after the assessment (the window is checked by the action)."""
    if rating.assessed_at is None or rating.responded_at is not None:
        return False
    if rating.kind != Rating.Kind.UNIT:
        return _own(user, rating)
    return (rating.unit.path, Membership.Role.HEAD) in user.unit_roles


def get_rating_for_user(user: Any, pk: int) -> Rating:
    """The rating if `user` may see it (Rating.objects.for_user); otherwise 404."""
    rating = (
        Rating.objects.for_user(user)
        .select_related("round__policy", "unit", "person", "assessed_by", "approved_by")
        .filter(pk=pk)
        .first()
    )
    if rating is None:
        raise Http404
    return rating


def can_handle_responsibility(user: Any, responsibility: Responsibility) -> bool:
    """Heads of the unit (or above) and city administrators decide the handling and follow it
    up; never on their own record."""
    if responsibility.person_id == user.pk or not user.is_authenticated:
        return False
    if user.is_city_admin:
        return True
    return Membership.Role.HEAD in roles_over(user, responsibility.unit)


def can_explain_delay(user: Any, responsibility: Responsibility) -> bool:
    """The person who answers for the task gives the reason for the delay."""
    return responsibility.is_open and responsibility.person_id == user.pk


def get_responsibility_for_user(user: Any, pk: int) -> Responsibility:
    record = (
        Responsibility.objects.for_user(user)
        .select_related("task", "person", "unit", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404
    return record


def can_record_discipline(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_city_admin)


def can_publish_policy(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_city_admin)

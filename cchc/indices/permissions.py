"""Who may see and do what in the index.

Frameworks: every member reads them; city administrators import, publish and copy them.
Rounds and assessments: city administrators see everything; a round's council members see the
whole round and appraise; a unit's members see only their own unit's assessment, and its focal
points and heads score, submit and respond for it (members of a parent unit do not). Results
are for the council and city administrators until published, then for everyone.
"""

from typing import Any

from django.db.models import Q
from django.http import Http404

from cchc.accounts.models import Membership
from cchc.indices.models import Assessment, AssessmentRound, CouncilMember, Framework
from cchc.orgunits.models import own_or_viewed, own_unit_paths, viewer_paths

SCORER_ROLES = {Membership.Role.FOCAL_POINT, Membership.Role.HEAD}


def can_manage_frameworks(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_city_admin)


def get_framework_for_user(user: Any, pk: int) -> Framework:
    """The framework (every member may read it); 404 when it does not exist."""
    framework = (
        Framework.objects.select_related("published_by", "copied_from").filter(pk=pk).first()
    )
    if framework is None:
        raise Http404
    return framework


def council_member(user: Any, rating_round: AssessmentRound) -> CouncilMember | None:
    if not user.is_authenticated:
        return None
    return CouncilMember.objects.filter(round=rating_round, user=user).first()


def is_chair(user: Any, rating_round: AssessmentRound) -> bool:
    member = council_member(user, rating_round)
    return bool(member and member.is_chair)


def can_see_whole_round(user: Any, rating_round: AssessmentRound) -> bool:
    """City administrators and the round's council see every unit of the round."""
    return bool(user.is_city_admin or council_member(user, rating_round))


def rounds_for(user: Any) -> Q:
    """A filter of the rounds `user` sees: all for city administrators; those of their council
    and those in which one of their units (or a unit of the subtree a viewer views) assesses
    itself."""
    if user.is_city_admin:
        return Q()
    return Q(council__user=user) | own_or_viewed(user, "assessments__unit__path")


def assessments_for(user: Any) -> Q:
    """A filter of the assessments `user` sees (get_assessment_for_user for many): all for city
    administrators; else those of their own units (and of the subtree a viewer views) and of the
    rounds whose council they sit on."""
    if user.is_city_admin:
        return Q()
    council = CouncilMember.objects.filter(user=user).values("round_id")
    return own_or_viewed(user) | Q(round_id__in=council)


def get_round_for_user(user: Any, pk: int) -> AssessmentRound:
    found = (
        AssessmentRound.objects.filter(rounds_for(user), pk=pk)
        .select_related("framework", "opened_by")
        .distinct()
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_assessment_for_user(user: Any, pk: int) -> Assessment:
    """An assessment of one of `user`'s own units or of the subtree a viewer views (read only:
    can_score says who acts), or any for city administrators and the round's council; 404
    otherwise."""
    assessment = Assessment.objects.select_related("round__framework", "unit").filter(pk=pk).first()
    if assessment is None:
        raise Http404
    path = assessment.unit.path
    if path in own_unit_paths(user) or any(path.startswith(p) for p in viewer_paths(user)):
        return assessment
    if can_see_whole_round(user, assessment.round):
        return assessment
    raise Http404


def can_score(user: Any, assessment: Assessment) -> bool:
    """The unit's own focal points and heads score, submit and respond."""
    return any(
        path == assessment.unit.path and role in SCORER_ROLES for path, role in user.unit_roles
    )


def can_see_results(user: Any, round_: AssessmentRound) -> bool:
    """City administrators and the round's council members always; every other signed-in
    user once the round is published."""
    if not user.is_authenticated:
        return False
    if round_.is_published or user.is_city_admin:
        return True
    return CouncilMember.objects.filter(round=round_, user=user).exists()


def get_round_for_results(user: Any, pk: int) -> AssessmentRound:
    """The round, if the user may see its results; 404 otherwise."""
    round_ = (
        AssessmentRound.objects.select_related("framework", "published_by").filter(pk=pk).first()
    )
    if round_ is None or not can_see_results(user, round_):
        raise Http404
    return round_

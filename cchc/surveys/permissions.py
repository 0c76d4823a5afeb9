"""Who may see and do what in satisfaction surveys.

City administrators see, create and review every campaign and unit. Any other user sees the
campaigns surveying one of their own units (membership of exactly that unit, not of a parent),
and within them only those units: their results, link, QR code and poster. A viewer reads the
same of every surveyed unit in the subtree they view (a city viewer: the whole city). A unit's
own focal points and heads review its responses and enter interviews and paper forms for it; a
response "appears as received for reviewers of that unit only". Everything else answers 404.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from cchc.accounts.models import Membership
from cchc.orgunits.models import own_or_viewed
from cchc.surveys.models import Campaign, CampaignUnit, Response

REVIEWER_ROLES = {Membership.Role.FOCAL_POINT, Membership.Role.HEAD}


def reviewed_unit_paths(user: Any) -> set[str]:
    """The paths of the units whose responses `user` reviews as focal point or head."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {path for path, role in user.unit_roles if role in REVIEWER_ROLES}


def can_manage_campaigns(user: Any) -> bool:
    """City administrators create and close campaigns."""
    return bool(getattr(user, "is_authenticated", False) and user.is_city_admin)


def campaigns_for(user: Any) -> Q:
    """A filter of the campaigns `user` sees: all for city administrators; else those that
    survey one of their own units, or a unit in the subtree a viewer views."""
    if getattr(user, "is_authenticated", False) and user.is_city_admin:
        return Q()
    return Q(pk__in=CampaignUnit.objects.filter(own_or_viewed(user)).values("campaign_id"))


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    if not getattr(user, "is_authenticated", False):
        return Campaign.objects.none()
    return Campaign.objects.filter(campaigns_for(user))


def campaign_units_for(user: Any) -> Q:
    """A filter of the surveyed units (CampaignUnit) `user` sees."""
    if getattr(user, "is_authenticated", False) and user.is_city_admin:
        return Q()
    return own_or_viewed(user)


def sees_whole_campaign(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_city_admin)


def visible_unit_ids(user: Any, campaign: Campaign) -> list[int] | None:
    """The OrgUnit ids of `campaign` whose figures `user` reads; None means all of them."""
    if sees_whole_campaign(user):
        return None
    rows = CampaignUnit.objects.filter(campaign_units_for(user), campaign=campaign)
    return list(rows.values_list("unit_id", flat=True))


def get_campaign_for_user(user: Any, pk: int) -> Campaign:
    """A campaign `user` sees (404 otherwise)."""
    found = (
        visible_campaigns(user).select_related("questionnaire", "created_by").filter(pk=pk).first()
    )
    if found is None:
        raise Http404
    return found


def get_campaign_unit_for_user(user: Any, pk: int) -> CampaignUnit:
    """A surveyed unit `user` sees: any for city administrators, else one of their own units."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    found = (
        CampaignUnit.objects.filter(campaign_units_for(user), pk=pk)
        .select_related("campaign__questionnaire", "unit")
        .first()
    )
    if found is None:
        raise Http404
    return found


def can_review(user: Any, campaign_unit: CampaignUnit) -> bool:
    """City administrators and the unit's own focal points and heads review its responses and
    enter interviews and paper forms for it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_city_admin:
        return True
    return campaign_unit.unit.path in reviewed_unit_paths(user)


def reviewable_units(user: Any, campaign: Campaign) -> QuerySet[CampaignUnit]:
    """The surveyed units of `campaign` whose responses `user` reviews."""
    units = CampaignUnit.objects.filter(campaign=campaign).select_related("unit")
    if not getattr(user, "is_authenticated", False):
        return units.none()
    if user.is_city_admin:
        return units
    return units.filter(unit__path__in=reviewed_unit_paths(user))


def responses_for_reviewer(user: Any) -> Q:
    """A filter of the responses `user` reviews."""
    if getattr(user, "is_authenticated", False) and user.is_city_admin:
        return Q()
    return Q(campaign_unit__unit__path__in=reviewed_unit_paths(user))


def get_response_for_reviewer(user: Any, pk: int) -> Response:
    """A response `user` reviews (404 otherwise: a response of another unit is not shown)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    found = (
        Response.objects.filter(responses_for_reviewer(user), pk=pk)
        .select_related("campaign_unit__campaign__questionnaire", "campaign_unit__unit")
        .first()
    )
    if found is None:
        raise Http404
    return found

"""Who may see or do what with procedures.

- City administrators see and manage everything: import the catalogue, open and approve review
  campaigns, approve plans, approve and publish workflows.
- A unit (its focal points and heads) sees the procedures it implements, records its own
  reviews in campaigns that name it, proposes plans and writes draft workflows for itself.
- Officers of other units see neither; a record they may not see is 404, one they see but may
  not change is refused (403 or the action's message).
"""

from typing import Any

from django.conf import settings
from django.http import Http404

from cchc.orgunits.models import OrgUnit
from cchc.procedures.models import (
    Procedure,
    ReviewCampaign,
    SimplificationPlan,
    Workflow,
)

# Roles that act for a unit (record its reviews, propose its plans, write its workflows).
EDIT_ROLES = frozenset({"focal_point", "head"})


def acts_for(user: Any, unit: OrgUnit) -> bool:
    """City administrators act for every unit; a focal point or head for their unit's subtree.
    The views check it (through the functions below) before they call an action: the actions
    check no role (docs/architecture.md)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_city_admin:
        return True
    return any(unit.path.startswith(path) and role in EDIT_ROLES for path, role in user.unit_roles)


def is_admin(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_city_admin)


def units_acted_for(user: Any) -> Any:
    """The current units for which `user` records reviews, plans and workflows."""
    units = OrgUnit.objects.visible_to(user).current()
    if user.is_city_admin:
        return units
    return units.filter(pk__in=[u.pk for u in units if acts_for(user, u)])


def get_procedure_for_user(user: Any, pk: int) -> Procedure:
    procedure = Procedure.objects.for_user(user).filter(pk=pk).first()
    if procedure is None:
        raise Http404
    return procedure


def campaigns_for_user(user: Any) -> Any:
    """Administrators see every campaign; a unit those that name it as a reviewer."""
    if user.is_city_admin:
        return ReviewCampaign.objects.all()
    visible = OrgUnit.objects.visible_to(user)
    return ReviewCampaign.objects.filter(
        pk__in=ReviewCampaign.reviewer_units.through.objects.filter(orgunit__in=visible).values(
            "reviewcampaign_id"
        )
    )


def campaign_reviews_for_user(user: Any, campaign: ReviewCampaign) -> Any:
    """The campaign's reviews `user` may read: every one for a city administrator, or for all
    when CCHC_SHARE_CAMPAIGN_REVIEWS is on; otherwise those of the units the user sees (another
    reviewer unit's findings, proposals and reasons stay hidden)."""
    reviews = campaign.reviews.select_related("unit")
    if user.is_city_admin or settings.CCHC_SHARE_CAMPAIGN_REVIEWS:
        return reviews
    return reviews.filter(unit__in=OrgUnit.objects.visible_to(user))


def get_campaign_for_user(user: Any, pk: int) -> ReviewCampaign:
    campaign = campaigns_for_user(user).select_related("unit").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


def plans_for_user(user: Any) -> Any:
    if user.is_city_admin:
        return SimplificationPlan.objects.all()
    return SimplificationPlan.objects.filter(unit__in=OrgUnit.objects.visible_to(user))


def get_plan_for_user(user: Any, pk: int) -> SimplificationPlan:
    plan = plans_for_user(user).select_related("procedure", "unit", "review").filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def get_workflow_for_user(user: Any, pk: int, *, write: bool = False) -> Workflow:
    """The workflow if its unit is visible to `user`; with `write`, only if they act for it."""
    workflow = (
        Workflow.objects.for_user(user).select_related("procedure", "unit").filter(pk=pk).first()
    )
    if workflow is None or (write and not acts_for(user, workflow.unit)):
        raise Http404
    return workflow


def can_edit_plan(user: Any, plan: SimplificationPlan) -> bool:
    return not plan.is_approved and acts_for(user, plan.unit)


def can_edit_workflow(user: Any, workflow: Workflow) -> bool:
    return workflow.is_draft and acts_for(user, workflow.unit)


def can_review_in(user: Any, campaign: ReviewCampaign) -> bool:
    if not campaign.is_open:
        return False
    return any(acts_for(user, unit) for unit in campaign.reviewer_units.all())

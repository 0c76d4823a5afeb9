"""Review campaigns: open one, record a unit's review of a procedure, approve the campaign.
Each action runs in one transaction with its audit event; a refusal is a ValidationError with
a specific message and nothing written."""

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.orgunits.models import OrgUnit
from cchc.procedures.actions.checks import check_decision
from cchc.procedures.models import (
    Procedure,
    Review,
    ReviewCampaign,
)

if TYPE_CHECKING:
    from cchc.accounts.models import User


@transaction.atomic
def open_review_campaign(
    *,
    actor: "User",
    title: str,
    year: int,
    unit: OrgUnit,
    procedures: list[Procedure],
    reviewer_units: list[OrgUnit],
    deadline: datetime.date,
) -> ReviewCampaign:
    """Open a review campaign over `procedures`, reviewed by `reviewer_units`. Writes
    "procedures.open_campaign". Refuses an empty procedure or reviewer
    list, an abolished procedure and a deadline outside the campaign's year or after it."""
    if not procedures:
        raise ValidationError({"procedures": _("Choose at least one procedure to review.")})
    if not reviewer_units:
        raise ValidationError({"reviewer_units": _("Choose at least one reviewer unit.")})
    abolished = [p.code for p in procedures if p.is_abolished]
    if abolished:
        raise ValidationError(
            {
                "procedures": _("Abolished procedures cannot be reviewed: %(codes)s.")
                % {"codes": ", ".join(abolished)}
            }
        )
    if deadline.year < year:
        raise ValidationError({"deadline": _("The deadline falls before the campaign's year.")})
    campaign = ReviewCampaign.objects.create(
        title=title, year=year, unit=unit, deadline=deadline, created_by=actor
    )
    campaign.procedures.set(procedures)
    campaign.reviewer_units.set(reviewer_units)
    audit.record(
        actor,
        "procedures.open_campaign",
        campaign,
        unit=unit,
        details={"procedures": len(procedures), "reviewer_units": len(reviewer_units)},
    )
    return campaign


@transaction.atomic
def record_review(
    campaign: ReviewCampaign,
    *,
    actor: "User",
    procedure: Procedure,
    unit: OrgUnit,
    findings: str,
    proposal: str,
    reasons: str = "",
) -> Review:
    """Record (or correct) `unit`'s review of `procedure` in an open campaign. Writes
    "procedures.record_review" with the changes. Refuses an approved campaign, a procedure
    outside the campaign, a unit that is not a reviewer,
    a review another unit already recorded, empty findings, an unknown proposal, and a
    proposal other than "keep" without reasons."""
    campaign = ReviewCampaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_open:
        raise ValidationError(_("The campaign has been approved; its reviews are final."))
    if not campaign.procedures.filter(pk=procedure.pk).exists():
        raise ValidationError(
            _("The procedure %(code)s is not part of this campaign.") % {"code": procedure.code}
        )
    if not campaign.reviewer_units.filter(pk=unit.pk).exists():
        raise ValidationError(
            {"unit": _("%(unit)s is not a reviewer in this campaign.") % {"unit": unit.name}}
        )
    if not findings.strip():
        raise ValidationError({"findings": _("Write down what the review found.")})
    if proposal not in Review.Proposal.values:
        raise ValidationError({"proposal": _("Choose a proposal.")})
    if proposal != Review.Proposal.KEEP and not reasons.strip():
        raise ValidationError({"reasons": _("Give the reasons for the proposal.")})
    review = Review.objects.filter(campaign=campaign, procedure=procedure).first()
    if review is not None and review.unit_id != unit.pk:
        raise ValidationError(
            _("%(unit)s has already reviewed this procedure in this campaign.")
            % {"unit": review.unit.name}
        )
    fields = ["findings", "proposal", "reasons"]
    before = audit.snapshot(review, fields) if review else {}
    review = review or Review(campaign=campaign, procedure=procedure, unit=unit)
    review.findings, review.proposal, review.reasons = findings, proposal, reasons
    review.recorded_by = actor
    review.save()
    audit.record(
        actor,
        "procedures.record_review",
        review,
        unit=unit,
        changes=audit.diff(before, audit.snapshot(review, fields)),
    )
    return review


@transaction.atomic
def approve_review_campaign(
    campaign: ReviewCampaign,
    *,
    actor: "User",
    decision_number: str,
    decision_date: datetime.date | None,
) -> ReviewCampaign:
    """Approve an open campaign by decision: its reviews become final and every procedure it
    proposes to abolish is marked abolished. Writes "procedures.approve_campaign" with the
    counts. Refuses an approved campaign, a campaign without reviews and a
    decision without number or date, or dated in the future."""
    campaign = ReviewCampaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_open:
        raise ValidationError(_("The campaign has already been approved."))
    check_decision(decision_number, decision_date)
    reviews = list(campaign.reviews.all())
    if not reviews:
        raise ValidationError(_("No procedure has been reviewed yet; nothing to approve."))
    abolish = [r.procedure_id for r in reviews if r.proposal == Review.Proposal.ABOLISH]
    for procedure in Procedure.objects.filter(pk__in=abolish):
        procedure.status = Procedure.Status.ABOLISHED
        procedure.save(update_fields=["status", "updated_at"])
    campaign.status = ReviewCampaign.Status.APPROVED
    campaign.decision_number, campaign.decision_date = decision_number.strip(), decision_date
    campaign.save(update_fields=["status", "decision_number", "decision_date"])
    audit.record(
        actor,
        "procedures.approve_campaign",
        campaign,
        unit=campaign.unit,
        details={
            "decision": campaign.decision_number,
            "reviews": len(reviews),
            "abolished": len(abolish),
        },
    )
    return campaign

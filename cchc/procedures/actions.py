"""Every change to review campaigns, simplification plans and workflows. The catalogue import
is `imports.py`. Each action runs in one transaction with its audit event; a refusal is a
ValidationError with a specific message and nothing written."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.orgunits.models import OrgUnit
from cchc.procedures import scoring
from cchc.procedures.models import (
    HourlyValue,
    Procedure,
    Review,
    ReviewCampaign,
    SimplificationPlan,
    Workflow,
    WorkflowStep,
    acts_for,
)

if TYPE_CHECKING:
    from cchc.accounts.models import User


def _number(value: Decimal) -> str:
    """1754.5 → "1.754,5" (the Vietnamese way) for refusal messages."""
    value = Decimal(value).normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return f"{value:,f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _require_admin(actor: "User") -> None:
    if not actor.is_city_admin:
        raise ValidationError(_("Only a city administrator may do this."))


def _require_unit(actor: "User", unit: OrgUnit) -> None:
    if not acts_for(actor, unit):
        raise ValidationError(
            _("You do not act for %(unit)s and cannot change its records.") % {"unit": unit.name}
        )


def _check_decision(number: str, date: datetime.date | None) -> None:
    if not number.strip():
        raise ValidationError({"decision_number": _("Give the number of the decision.")})
    if date is None:
        raise ValidationError({"decision_date": _("Give the date of the decision.")})
    if date > timezone.localdate():
        raise ValidationError({"decision_date": _("The decision date cannot be in the future.")})


def _check_not_abolished(procedure: Procedure) -> None:
    if procedure.is_abolished:
        raise ValidationError(
            _("The procedure %(code)s has been abolished; it takes no plan or workflow.")
            % {"code": procedure.code}
        )


def _check_implements(procedure: Procedure, unit: OrgUnit) -> None:
    if not procedure.units.filter(pk=unit.pk).exists():
        raise ValidationError(
            {
                "unit": _("%(unit)s does not implement the procedure %(code)s.")
                % {"unit": unit.name, "code": procedure.code}
            }
        )


# --- review campaigns ------------------------------------------------------------------------


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
    "procedures.open_campaign". Refuses a non-administrator, an empty procedure or reviewer
    list, an abolished procedure and a deadline outside the campaign's year or after it."""
    _require_admin(actor)
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
    outside the campaign, a unit that is not a reviewer or that the actor does not act for,
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
    _require_unit(actor, unit)
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
    counts. Refuses a non-administrator, an approved campaign, a campaign without reviews and a
    decision without number or date, or dated in the future."""
    _require_admin(actor)
    campaign = ReviewCampaign.objects.select_for_update().get(pk=campaign.pk)
    if not campaign.is_open:
        raise ValidationError(_("The campaign has already been approved."))
    _check_decision(decision_number, decision_date)
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


# --- simplification plans --------------------------------------------------------------------


# Upper bounds of a plan's figures: beyond them a figure is a typing error, and the yearly cost
# (× times × subjects) must still fit the database's 64-bit integers.
LIMITS: dict[str, int | Decimal] = {
    "hours_before": Decimal(100_000),
    "hours_after": Decimal(100_000),
    "documents_before": 1_000,
    "documents_after": 1_000,
    "steps_before": 1_000,
    "steps_after": 1_000,
    "fees_before": 10**11,
    "fees_after": 10**11,
    "other_before": 10**11,
    "other_after": 10**11,
    "times_per_year": 10_000,
    "subjects_per_year": 10**7,
}


@dataclass(frozen=True)
class PlanFigures:
    """A plan's before/after figures, as a form or the API gives them."""

    hours_before: Decimal
    hours_after: Decimal
    times_per_year: int
    subjects_per_year: int
    documents_before: int = 0
    documents_after: int = 0
    steps_before: int = 0
    steps_after: int = 0
    fees_before: int = 0
    fees_after: int = 0
    other_before: int = 0
    other_after: int = 0

    def check(self) -> None:
        """Refuse negative figures, naming the first one, and fewer than one time or subject."""
        labels = {
            "hours_before": _("Working hours before"),
            "hours_after": _("Working hours after"),
            "documents_before": _("Documents before"),
            "documents_after": _("Documents after"),
            "steps_before": _("Steps before"),
            "steps_after": _("Steps after"),
            "fees_before": _("Fees and charges before"),
            "fees_after": _("Fees and charges after"),
            "other_before": _("Other costs before"),
            "other_after": _("Other costs after"),
        }
        for name, label in labels.items():
            if getattr(self, name) < 0:
                raise ValidationError(
                    {
                        name: _("%(figure)s cannot be negative (%(value)s).")
                        % {"figure": label, "value": _number(Decimal(getattr(self, name)))}
                    }
                )
        if self.times_per_year < 1:
            raise ValidationError({"times_per_year": _("Times per year must be at least 1.")})
        if self.subjects_per_year < 1:
            raise ValidationError({"subjects_per_year": _("Subjects per year must be at least 1.")})
        for name, limit in LIMITS.items():
            if getattr(self, name) > limit:
                label = (
                    labels.get(name)
                    or {
                        "times_per_year": _("Times per year"),
                        "subjects_per_year": _("Subjects per year"),
                    }[name]
                )
                raise ValidationError(
                    {
                        name: _("%(figure)s is at most %(limit)s (%(value)s).")
                        % {
                            "figure": label,
                            "limit": _number(Decimal(limit)),
                            "value": _number(Decimal(getattr(self, name))),
                        }
                    }
                )

    def comparison(self, hourly_value: int) -> scoring.Comparison:
        def burden(side: str) -> scoring.Burden:
            return scoring.Burden(
                hours=getattr(self, f"hours_{side}"),
                fees=getattr(self, f"fees_{side}"),
                other=getattr(self, f"other_{side}"),
                times_per_year=self.times_per_year,
                subjects=self.subjects_per_year,
            )

        return scoring.compare(burden("before"), burden("after"), hourly_value)


def plan_comparison(plan: SimplificationPlan) -> scoring.Comparison:
    """The step-by-step cost of a stored plan (with the hourly value it was priced at)."""
    return figures_of(plan).comparison(plan.hourly_value)


def figures_of(plan: SimplificationPlan) -> PlanFigures:
    return PlanFigures(**{name: getattr(plan, name) for name in PlanFigures.__dataclass_fields__})


@transaction.atomic
def create_simplification_plan(
    procedure: Procedure,
    *,
    actor: "User",
    unit: OrgUnit,
    year: int,
    figures: PlanFigures,
    review: Review | None = None,
    notes: str = "",
) -> SimplificationPlan:
    """Write a draft simplification plan for `procedure`, priced with today's hourly value.
    Writes "procedures.create_plan" with the yearly costs. Refuses an abolished procedure, a
    unit that does not implement it or that the actor does not act for, negative figures,
    fewer than one time or subject per year, and a review of another procedure."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _check_not_abolished(procedure)
    _check_implements(procedure, unit)
    _require_unit(actor, unit)
    figures.check()
    if review is not None and review.procedure_id != procedure.pk:
        raise ValidationError(_("The review is about another procedure."))
    hourly_value = HourlyValue.objects.value_on(timezone.localdate())
    plan = SimplificationPlan(
        procedure=procedure,
        unit=unit,
        review=review,
        year=year,
        notes=notes,
        hourly_value=hourly_value,
        created_by=actor,
        **{name: getattr(figures, name) for name in PlanFigures.__dataclass_fields__},
    )
    _price(plan, figures.comparison(hourly_value))
    plan.save()
    audit.record(
        actor,
        "procedures.create_plan",
        plan,
        unit=unit,
        details={"hourly_value": hourly_value, **figures.comparison(hourly_value).as_dict()},
    )
    return plan


MAX_YEARLY = 10**18  # VND: far above any procedure; the columns hold 64-bit integers


def _price(plan: SimplificationPlan, comparison: scoring.Comparison) -> None:
    if max(comparison.before.yearly, comparison.after.yearly) > MAX_YEARLY:
        raise ValidationError(
            _(
                "The yearly cost comes to more than %(limit)s dong: check the times per year "
                "and the subjects."
            )
            % {"limit": _number(Decimal(MAX_YEARLY))}
        )
    plan.cost_before = comparison.before.yearly
    plan.cost_after = comparison.after.yearly
    plan.saving = comparison.saving
    plan.cut_pct = comparison.cut_pct


@transaction.atomic
def edit_simplification_plan(
    plan: SimplificationPlan,
    *,
    actor: "User",
    version: int,
    year: int,
    figures: PlanFigures,
    notes: str = "",
) -> SimplificationPlan:
    """Change a draft plan's year, figures and measures; it is priced again with today's hourly
    value. Writes "procedures.edit_plan" with the costs before and after.

    Refuses an approved plan, a plan saved by someone else since `version` was read (nothing is
    overwritten), an actor who does not act for the plan's unit, an abolished procedure and the
    figures' own refusals."""
    plan = (
        SimplificationPlan.objects.select_for_update()
        .select_related("procedure", "unit")
        .get(pk=plan.pk)
    )
    if plan.is_approved:
        raise ValidationError(_("The plan has already been approved."))
    if plan.version != version:
        raise ValidationError(
            _(
                "Someone else saved this plan since you opened it: reload it and make your "
                "changes again."
            )
        )
    _require_unit(actor, plan.unit)
    _check_not_abolished(plan.procedure)
    figures.check()
    before = {
        "cost_before": plan.cost_before,
        "cost_after": plan.cost_after,
        "cut_pct": str(plan.cut_pct),
    }
    hourly_value = HourlyValue.objects.value_on(timezone.localdate())
    for name in PlanFigures.__dataclass_fields__:
        setattr(plan, name, getattr(figures, name))
    plan.year, plan.notes, plan.hourly_value = year, notes, hourly_value
    _price(plan, figures.comparison(hourly_value))
    plan.version += 1
    plan.save()
    after = {
        "cost_before": plan.cost_before,
        "cost_after": plan.cost_after,
        "cut_pct": str(plan.cut_pct),
    }
    audit.record(
        actor,
        "procedures.edit_plan",
        plan,
        unit=plan.unit,
        changes={key: [before[key], after[key]] for key in before if before[key] != after[key]},
    )
    return plan


@transaction.atomic
def approve_simplification_plan(
    plan: SimplificationPlan,
    *,
    actor: "User",
    decision_number: str,
    decision_date: datetime.date | None,
) -> SimplificationPlan:
    """Approve a draft plan by decision. Writes "procedures.approve_plan" with the saving.
    Refuses a non-administrator, an approved plan, a plan on an abolished procedure, and a
    decision without number or date, or dated in the future."""
    _require_admin(actor)
    plan = (
        SimplificationPlan.objects.select_for_update().select_related("procedure").get(pk=plan.pk)
    )
    if plan.is_approved:
        raise ValidationError(_("The plan has already been approved."))
    _check_not_abolished(plan.procedure)
    _check_decision(decision_number, decision_date)
    plan.status = SimplificationPlan.Status.APPROVED
    plan.decision_number, plan.decision_date = decision_number.strip(), decision_date
    plan.save(update_fields=["status", "decision_number", "decision_date"])
    audit.record(
        actor,
        "procedures.approve_plan",
        plan,
        unit=plan.unit,
        details={"decision": plan.decision_number, "saving": plan.saving},
    )
    return plan


# --- workflows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepInput:
    actor: str
    work: str
    hours: Decimal
    documents: str = ""


def _check_steps(procedure: Procedure, steps: list[StepInput]) -> Decimal:
    """The steps' total hours; refuses no steps, an empty actor or work, hours not above zero
    and a total over the legal processing time (giving both figures)."""
    if not steps:
        raise ValidationError(_("A workflow needs at least one step."))
    for number, step in enumerate(steps, start=1):
        if not step.actor.strip() or not step.work.strip():
            raise ValidationError(
                _("Step %(n)s needs who is responsible and the work.") % {"n": number}
            )
        if step.hours <= 0:
            raise ValidationError(
                _("Step %(n)s: the time must be more than 0 working hours (%(hours)s).")
                % {"n": number, "hours": _number(step.hours)}
            )
    total = sum((step.hours for step in steps), Decimal(0))
    if not scoring.workflow_fits([step.hours for step in steps], procedure.processing_days):
        raise ValidationError(
            _(
                "The steps take %(total)s working hours, more than the legal processing time "
                "of %(days)s working days (%(legal)s working hours)."
            )
            % {
                "total": _number(total),
                "days": _number(procedure.processing_days),
                "legal": _number(scoring.days_to_hours(procedure.processing_days)),
            }
        )
    return total


def _write_steps(workflow: Workflow, steps: list[StepInput]) -> None:
    WorkflowStep.objects.bulk_create(
        WorkflowStep(
            workflow=workflow,
            order=number,
            actor=step.actor.strip(),
            work=step.work.strip(),
            hours=step.hours,
            documents=step.documents.strip(),
        )
        for number, step in enumerate(steps, start=1)
    )


@transaction.atomic
def create_workflow(
    procedure: Procedure, *, actor: "User", unit: OrgUnit, steps: list[StepInput]
) -> Workflow:
    """Write a draft workflow (the next version for `procedure` × `unit`) with its ordered
    steps. Writes "procedures.create_workflow". Refuses an abolished procedure, a unit that
    does not implement it or that the actor does not act for, and steps that fail
    `_check_steps` (none, empty, non-positive hours, longer than the legal time)."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    _check_not_abolished(procedure)
    _check_implements(procedure, unit)
    _require_unit(actor, unit)
    total = _check_steps(procedure, steps)
    latest = Workflow.objects.filter(procedure=procedure, unit=unit).aggregate(v=Max("version"))
    workflow = Workflow.objects.create(
        procedure=procedure,
        unit=unit,
        version=(latest["v"] or 0) + 1,
        total_hours=total,
        created_by=actor,
    )
    _write_steps(workflow, steps)
    audit.record(
        actor,
        "procedures.create_workflow",
        workflow,
        unit=unit,
        details={"version": workflow.version, "steps": len(steps), "hours": str(total)},
    )
    return workflow


@transaction.atomic
def edit_workflow(workflow: Workflow, *, actor: "User", steps: list[StepInput]) -> Workflow:
    """Replace the steps of a draft workflow. Writes "procedures.edit_workflow" with the
    totals before and after. Refuses a workflow that is no longer a draft, an actor who does
    not act for its unit, and steps that fail `_check_steps`."""
    workflow = (
        Workflow.objects.select_for_update().select_related("procedure", "unit").get(pk=workflow.pk)
    )
    if not workflow.is_draft:
        raise ValidationError(_("Only a draft workflow can be edited; start a new version."))
    _require_unit(actor, workflow.unit)
    total = _check_steps(workflow.procedure, steps)
    before = {"steps": workflow.steps.count(), "hours": str(workflow.total_hours)}
    workflow.steps.all().delete()
    _write_steps(workflow, steps)
    workflow.total_hours = total
    workflow.save(update_fields=["total_hours"])
    after = {"steps": len(steps), "hours": str(total)}
    audit.record(
        actor,
        "procedures.edit_workflow",
        workflow,
        unit=workflow.unit,
        changes=audit.diff(before, after),
    )
    return workflow


@transaction.atomic
def approve_workflow(
    workflow: Workflow,
    *,
    actor: "User",
    decision_number: str,
    decision_date: datetime.date | None,
) -> Workflow:
    """Approve a draft workflow by decision. Writes "procedures.approve_workflow". Refuses a
    non-administrator, a workflow that is not a draft, one on an abolished procedure, one whose
    steps no longer fit the (re-imported) legal time, and a decision without number or date,
    or dated in the future."""
    _require_admin(actor)
    workflow = (
        Workflow.objects.select_for_update().select_related("procedure", "unit").get(pk=workflow.pk)
    )
    if not workflow.is_draft:
        raise ValidationError(_("Only a draft workflow can be approved."))
    _check_not_abolished(workflow.procedure)
    steps = [StepInput(s.actor, s.work, s.hours, s.documents) for s in workflow.steps.all()]
    _check_steps(workflow.procedure, steps)
    _check_decision(decision_number, decision_date)
    workflow.status = Workflow.Status.APPROVED
    workflow.decision_number, workflow.decision_date = decision_number.strip(), decision_date
    workflow.save(update_fields=["status", "decision_number", "decision_date"])
    audit.record(
        actor,
        "procedures.approve_workflow",
        workflow,
        unit=workflow.unit,
        details={"decision": workflow.decision_number, "version": workflow.version},
    )
    return workflow


@transaction.atomic
def publish_workflow(workflow: Workflow, *, actor: "User") -> Workflow:
    """Publish an approved workflow; earlier approved or published versions for the same
    procedure and unit become superseded. Writes "procedures.publish_workflow" with the
    versions superseded. Refuses a non-administrator, a workflow that is not approved and one
    with a later version already approved or published."""
    _require_admin(actor)
    workflow = Workflow.objects.select_for_update().select_related("unit").get(pk=workflow.pk)
    if workflow.status != Workflow.Status.APPROVED:
        raise ValidationError(_("Only an approved workflow can be published."))
    in_force = Workflow.objects.filter(
        procedure=workflow.procedure_id, unit=workflow.unit_id, status__in=Workflow.IN_FORCE
    ).exclude(pk=workflow.pk)
    later = in_force.filter(version__gt=workflow.version).order_by("version").first()
    if later is not None:
        raise ValidationError(
            _("Version %(version)s of this workflow is already approved or published.")
            % {"version": later.version}
        )
    earlier = list(in_force.filter(version__lt=workflow.version))
    for old in earlier:
        old.status = Workflow.Status.SUPERSEDED
        old.save(update_fields=["status"])
    workflow.status = Workflow.Status.PUBLISHED
    workflow.published_at = timezone.now()
    workflow.save(update_fields=["status", "published_at"])
    audit.record(
        actor,
        "procedures.publish_workflow",
        workflow,
        unit=workflow.unit,
        details={"superseded": [old.version for old in earlier]},
    )
    return workflow


@dataclass(frozen=True)
class BaselineInput:
    """A procedure's scope flag and its figures as of the baseline year (None: not known)."""

    business_related: bool
    baseline_year: int | None
    baseline_days: Decimal | None
    baseline_cost: int | None


BASELINE_FIELDS = ["business_related", "baseline_year", "baseline_days", "baseline_cost"]


@transaction.atomic
def set_procedure_baseline(
    procedure: Procedure, *, actor: "User", baseline: BaselineInput
) -> Procedure:
    """Set whether `procedure` relates to production and business (the scope of Resolution
    66/NQ-CP) and its processing time and yearly compliance cost as of the baseline year.
    Writes "procedures.set_baseline" with the changes.

    Refuses an actor who is not a city administrator, a baseline year outside 2000 to this
    year, figures without a year (or a year without figures), a negative time or cost, and a
    time with more than one decimal."""
    _require_admin(actor)
    year, days, cost = baseline.baseline_year, baseline.baseline_days, baseline.baseline_cost
    days = None if days is None else Decimal(days)
    if (year is None) != (days is None) or (days is None) != (cost is None):
        raise ValidationError(
            _("Give the baseline year, processing time and compliance cost together.")
        )
    if year is not None and not 2000 <= year <= timezone.localdate().year:
        raise ValidationError(
            {"baseline_year": _("The baseline year must be from 2000 to this year.")}
        )
    if days is not None and (days < 0 or days != days.quantize(Decimal("0.1")) or days >= 10**5):
        raise ValidationError(
            {"baseline_days": _("The processing time is a number of days with one decimal.")}
        )
    if cost is not None and not 0 <= cost < 10**15:
        raise ValidationError({"baseline_cost": _("The compliance cost cannot be negative.")})
    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    before = audit.snapshot(locked, BASELINE_FIELDS)
    locked.business_related = baseline.business_related
    locked.baseline_year, locked.baseline_days, locked.baseline_cost = year, days, cost
    locked.save(update_fields=[*BASELINE_FIELDS, "updated_at"])
    changes = audit.diff(before, audit.snapshot(locked, BASELINE_FIELDS))
    audit.record(actor, "procedures.set_baseline", locked, changes=changes)
    return locked

"""Simplification plans: the before/after figures and their limits, create, edit and approve a
plan (priced at the year's hourly value). Each action runs in one transaction with its audit
event; a refusal is a ValidationError with a specific message and nothing written."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.orgunits.models import OrgUnit
from cchc.procedures import scoring
from cchc.procedures.actions.checks import (
    check_decision,
    check_implements,
    check_not_abolished,
    vi_number,
)
from cchc.procedures.models import (
    HourlyValue,
    Procedure,
    Review,
    SimplificationPlan,
)

if TYPE_CHECKING:
    from cchc.accounts.models import User


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
                        % {"figure": label, "value": vi_number(Decimal(getattr(self, name)))}
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
                            "limit": vi_number(Decimal(limit)),
                            "value": vi_number(Decimal(getattr(self, name))),
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
    unit that does not implement it, negative figures,
    fewer than one time or subject per year, and a review of another procedure."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    check_not_abolished(procedure)
    check_implements(procedure, unit)
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
            % {"limit": vi_number(Decimal(MAX_YEARLY))}
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
    overwritten), an abolished procedure and the
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
    check_not_abolished(plan.procedure)
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
    Refuses an approved plan, a plan on an abolished procedure, and a
    decision without number or date, or dated in the future."""
    plan = (
        SimplificationPlan.objects.select_for_update().select_related("procedure").get(pk=plan.pk)
    )
    if plan.is_approved:
        raise ValidationError(_("The plan has already been approved."))
    check_not_abolished(plan.procedure)
    check_decision(decision_number, decision_date)
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

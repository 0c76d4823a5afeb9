"""Internal workflows (quy trình nội bộ): create, edit, approve and publish a procedure's steps.
Each action runs in one transaction with its audit event; a refusal is a ValidationError with
a specific message and nothing written."""

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
from cchc.procedures.actions.checks import (
    check_decision,
    check_implements,
    check_not_abolished,
    vi_number,
)
from cchc.procedures.models import (
    Procedure,
    Workflow,
    WorkflowStep,
)

if TYPE_CHECKING:
    from cchc.accounts.models import User


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
                % {"n": number, "hours": vi_number(step.hours)}
            )
    total = sum((step.hours for step in steps), Decimal(0))
    if not scoring.workflow_fits([step.hours for step in steps], procedure.processing_days):
        raise ValidationError(
            _(
                "The steps take %(total)s working hours, more than the legal processing time "
                "of %(days)s working days (%(legal)s working hours)."
            )
            % {
                "total": vi_number(total),
                "days": vi_number(procedure.processing_days),
                "legal": vi_number(scoring.days_to_hours(procedure.processing_days)),
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
    does not implement it, and steps that fail
    `_check_steps` (none, empty, non-positive hours, longer than the legal time)."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    check_not_abolished(procedure)
    check_implements(procedure, unit)
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
    totals before and after. Refuses a workflow that is no longer a draft and steps that
    fail `_check_steps`."""
    workflow = (
        Workflow.objects.select_for_update().select_related("procedure", "unit").get(pk=workflow.pk)
    )
    if not workflow.is_draft:
        raise ValidationError(_("Only a draft workflow can be edited; start a new version."))
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
    """Approve a draft workflow by decision. Writes "procedures.approve_workflow". Refuses
    a workflow that is not a draft, one on an abolished procedure, one whose
    steps no longer fit the (re-imported) legal time, and a decision without number or date,
    or dated in the future."""
    workflow = (
        Workflow.objects.select_for_update().select_related("procedure", "unit").get(pk=workflow.pk)
    )
    if not workflow.is_draft:
        raise ValidationError(_("Only a draft workflow can be approved."))
    check_not_abolished(workflow.procedure)
    steps = [StepInput(s.actor, s.work, s.hours, s.documents) for s in workflow.steps.all()]
    _check_steps(workflow.procedure, steps)
    check_decision(decision_number, decision_date)
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

"""Plans and tasks: create, issue, copy, assign to many units, edit, cancel."""

import datetime
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.core.uploads import check_upload
from cchc.orgunits.models import OrgUnit
from cchc.plans.actions.progress import refresh_ancestors
from cchc.plans.models import ContentArea, Plan, Task, assignment_day

if TYPE_CHECKING:
    from cchc.accounts.models import User

TASK_FIELDS = [
    "title",
    "description",
    "area",
    "lead_unit",
    "responsible",
    "expected_output",
    "deadline",
    "priority",
    "weight",
]
QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


def parse_deadline(text: str, *, year: int) -> datetime.date:
    """A deadline typed as dd/mm/yyyy, yyyy-mm-dd, or "Q1".."Q4" (the quarter's last day in
    `year`; "Q2/2027" names the year). Raises ValidationError on anything else."""
    text = text.strip()
    quarter = re.fullmatch(r"(?i)(?:q|quý)\s*([1-4])(?:\s*/\s*(\d{4}))?", text)
    if quarter:
        month, day = QUARTER_END[int(quarter.group(1))]
        return datetime.date(int(quarter.group(2) or year), month, day)
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        _("“%(text)s” is not a deadline: write dd/mm/yyyy or a quarter such as Q2.")
        % {"text": text}
    )


@transaction.atomic
def create_plan(
    *,
    actor: "User | None",
    unit: OrgUnit,
    year: int,
    title: str,
    parent: Plan | None = None,
) -> Plan:
    """Create a draft plan of `unit` for `year`, optionally concretising a city plan.

    Writes "plans.create_plan". Refuses a second plan of the same unit and year, a parent plan
    of another year or not yet issued.
    """
    if Plan.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(
            _("%(unit)s already has a plan for %(year)s.") % {"unit": unit, "year": year}
        )
    if parent is not None and (parent.year != year or not parent.is_issued):
        raise ValidationError(_("A unit plan concretises an issued city plan of the same year."))
    plan = Plan.objects.create(unit=unit, year=year, title=title.strip(), parent=parent)
    audit.record(actor, "plans.create_plan", plan, unit=unit, details={"year": year})
    return plan


@transaction.atomic
def issue_plan(
    plan: Plan,
    *,
    actor: "User",
    document_number: str,
    document_date: datetime.date,
    signer: str,
    attachment: UploadedFile | None = None,
) -> Plan:
    """Issue a draft plan under its signed document; its tasks count from the document date.
    Writes "plans.issue_plan".

    Refuses a plan already issued, a missing number or signer, a document dated outside the
    plan's year or the year before, a deadline earlier than the document date, or an invalid
    attachment.
    """
    if plan.is_issued:
        raise ValidationError(_("This plan is already issued."))
    if not document_number.strip() or not signer.strip():
        raise ValidationError(_("The document number and the signer are required."))
    if document_date.year not in (plan.year - 1, plan.year):
        raise ValidationError(
            _("The document date must fall in the plan's year or the year before.")
        )
    early = plan.tasks.filter(deadline__lt=document_date).order_by("deadline").first()
    if early is not None:
        raise ValidationError(
            _("Task %(code)s is due %(deadline)s, before the plan's date.")
            % {"code": early.code, "deadline": f"{early.deadline:%d/%m/%Y}"}
        )
    if attachment is not None:
        checked = check_upload(attachment)
        plan.attachment.save(checked.storage_name(), attachment, save=False)
    plan.document_number = document_number.strip()
    plan.document_date = document_date
    plan.signer = signer.strip()
    plan.status = Plan.Status.ISSUED
    plan.issued_at = timezone.now()
    plan.version = F("version") + 1
    plan.save()
    plan.refresh_from_db()
    # The tasks written while the plan was a draft count from the plan's date.
    plan.tasks.filter(assigned_on__isnull=True).update(assigned_on=document_date)
    audit.record(
        actor,
        "plans.issue_plan",
        plan,
        unit=plan.unit,
        details={
            "document_number": plan.document_number,
            "document_date": str(document_date),
        },
    )
    return plan


def _check_task(
    plan: Plan, *, code: str, deadline: datetime.date, weight: Decimal, exclude: Task | None = None
) -> None:
    same_code = plan.tasks.filter(code=code)
    if exclude is not None:
        same_code = same_code.exclude(pk=exclude.pk)
    if not code.strip():
        raise ValidationError({"code": _("A task needs a code.")})
    if same_code.exists():
        raise ValidationError(
            {"code": _("The code %(code)s is already used in this plan.") % {"code": code}}
        )
    start = plan.document_date or datetime.date(plan.year, 1, 1)
    if deadline < start:
        raise ValidationError(
            {
                "deadline": _("The deadline %(deadline)s is before the plan's date %(start)s.")
                % {"deadline": f"{deadline:%d/%m/%Y}", "start": f"{start:%d/%m/%Y}"}
            }
        )
    if weight <= 0:
        raise ValidationError({"weight": _("The weight must be positive.")})


@transaction.atomic
def create_task(
    plan: Plan,
    *,
    actor: "User | None",
    code: str,
    title: str,
    area: ContentArea,
    lead_unit: OrgUnit,
    deadline: datetime.date,
    description: str = "",
    cooperating_units: list[OrgUnit] | None = None,
    responsible: "User | None" = None,
    expected_output: str = "",
    priority: str = Task.Priority.NORMAL,
    weight: Decimal = Decimal("1"),
    parent: Task | None = None,
    implements: Task | None = None,
    source: str = Task.Source.PLAN,
    source_ref: str = "",
) -> Task:
    """Add a task to `plan`. Writes "plans.create_task" on the lead unit.

    Refuses a duplicate code in the plan, a deadline before the plan's date (or 1 January of its
    year), a non-positive weight, a parent from another plan, and a lead unit that has ended.
    """
    _check_task(plan, code=code, deadline=deadline, weight=weight)
    if parent is not None and parent.plan_id != plan.pk:
        raise ValidationError({"parent": _("The parent task belongs to another plan.")})
    if not lead_unit.is_current:
        raise ValidationError({"lead_unit": _("The lead unit has ended.")})
    task = Task.objects.create(
        plan=plan,
        code=code.strip(),
        title=title.strip(),
        description=description,
        area=area,
        lead_unit=lead_unit,
        responsible=responsible,
        expected_output=expected_output,
        deadline=deadline,
        original_deadline=deadline,
        assigned_on=assignment_day(plan),
        priority=priority,
        weight=weight,
        parent=parent,
        implements=implements,
        source=source,
        source_ref=source_ref,
    )
    if cooperating_units:
        task.cooperating_units.set(cooperating_units)
    audit.record(actor, "plans.create_task", task, unit=lead_unit, details={"code": task.code})
    return task


@transaction.atomic
def assign_task_to_units(task: Task, *, actor: "User", units: list[OrgUnit]) -> list[Task]:
    """Assign `task` to many units at once: one child task per unit, same title, area, deadline
    and weight, code "<parent code>.<unit code>". Writes "plans.assign_task" with the count.

    Refuses an empty list, a unit that already has a child of this task, and a task that is
    completed or cancelled.
    """
    if not units:
        raise ValidationError(_("Choose at least one unit."))
    if not task.is_open:
        raise ValidationError(_("A completed or cancelled task cannot be assigned."))
    taken = set(task.children.values_list("lead_unit_id", flat=True))
    clash = [u for u in units if u.pk in taken]
    if clash:
        raise ValidationError(
            _("Already assigned to: %(units)s.") % {"units": ", ".join(str(u) for u in clash)}
        )
    children = [
        Task(
            plan=task.plan,
            code=f"{task.code}.{unit.code}",
            title=task.title,
            description=task.description,
            area=task.area,
            lead_unit=unit,
            expected_output=task.expected_output,
            deadline=task.deadline,
            original_deadline=task.deadline,
            assigned_on=assignment_day(task.plan),
            priority=task.priority,
            weight=task.weight,
            parent=task,
            source=task.source,
            source_ref=task.source_ref,
        )
        for unit in units
    ]
    for child in children:
        _check_task(task.plan, code=child.code, deadline=child.deadline, weight=child.weight)
    created = Task.objects.bulk_create(children)
    audit.record(
        actor,
        "plans.assign_task",
        task,
        unit=task.lead_unit,
        details={
            "units": len(created),
            "codes": [c.code for c in created][:50],
        },
    )
    return created


@transaction.atomic
def update_task(task: Task, *, actor: "User", version: int, **values: Any) -> Task:
    """Edit a task's fields (TASK_FIELDS); the deadline changes only by an approved extension
    once the plan is issued. Writes "plans.update_task" with before/after.

    Refuses a stale `version`, a closed (completed or cancelled) task, and the checks of
    create_task.
    """
    unknown = set(values) - set(TASK_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if not task.is_open:
        raise ValidationError(_("A completed or cancelled task cannot be edited."))
    if task.plan.is_issued and "deadline" in values and values["deadline"] != task.deadline:
        raise ValidationError(
            {"deadline": _("In an issued plan the deadline moves only by an approved extension.")}
        )
    before = audit.snapshot(task, TASK_FIELDS)
    for name, value in values.items():
        setattr(task, name, value)
    changes = audit.diff(before, audit.snapshot(task, TASK_FIELDS))
    if not changes:
        return task
    _check_task(task.plan, code=task.code, deadline=task.deadline, weight=task.weight, exclude=task)
    if not task.plan.is_issued:
        task.original_deadline = task.deadline
    updated = Task.objects.filter(pk=task.pk, version=version).update(
        version=F("version") + 1,
        updated_at=timezone.now(),
        original_deadline=task.original_deadline,
        **{name: getattr(task, name) for name in TASK_FIELDS},
    )
    if not updated:
        raise ValidationError(
            _("Someone else changed this task while you were editing. Reload and try again.")
        )
    task.refresh_from_db()
    audit.record(actor, "plans.update_task", task, unit=task.lead_unit, changes=changes)
    return task


@transaction.atomic
def cancel_task(task: Task, *, actor: "User", reason: str) -> Task:
    """Cancel an open task (it leaves every total). Writes "plans.cancel_task".

    Refuses an empty reason and a task already completed or cancelled.
    """
    if not reason.strip():
        raise ValidationError(_("Give the reason for cancelling."))
    if not task.is_open:
        raise ValidationError(_("This task is already completed or cancelled."))
    task.cancelled_at = timezone.now()
    task.cancel_reason = reason.strip()
    task.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    refresh_ancestors(task)
    audit.record(actor, "plans.cancel_task", task, unit=task.lead_unit, details={"reason": reason})
    return task


@transaction.atomic
def copy_plan(plan: Plan, *, actor: "User", year: int) -> Plan:
    """Copy `plan` as a draft for `year`: same title (year replaced), same tasks with deadlines
    moved by the difference in years. Writes "plans.copy_plan".

    Refuses a year that already has a plan for the unit.
    """
    shift = year - plan.year
    copy = create_plan(
        actor=actor,
        unit=plan.unit,
        year=year,
        title=plan.title.replace(str(plan.year), str(year)),
    )
    new_ids: dict[int, Task] = {}
    for task in _parents_first(list(plan.tasks.prefetch_related("cooperating_units"))):
        deadline = _shift_year(task.original_deadline, shift)
        new = Task.objects.create(
            plan=copy,
            code=task.code,
            title=task.title,
            description=task.description,
            area=task.area,
            lead_unit=task.lead_unit,
            responsible=task.responsible,
            expected_output=task.expected_output,
            deadline=deadline,
            original_deadline=deadline,
            priority=task.priority,
            weight=task.weight,
            parent=new_ids.get(task.parent_id) if task.parent_id else None,
            source=task.source,
            source_ref=task.source_ref,
        )
        new.cooperating_units.set(task.cooperating_units.all())
        new_ids[task.pk] = new
    audit.record(
        actor,
        "plans.copy_plan",
        copy,
        unit=plan.unit,
        details={
            "from_plan": plan.pk,
            "tasks": len(new_ids),
        },
    )
    return copy


def _parents_first(tasks: list[Task]) -> list[Task]:
    ordered: list[Task] = []
    placed: set[int | None] = {None}
    while len(ordered) < len(tasks):
        ready = [t for t in tasks if t.pk not in placed and t.parent_id in placed]
        ordered += ready
        placed |= {t.pk for t in ready}
    return ordered


def _shift_year(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)

"""HTTP input of the plans pages. Forms validate shapes only; every rule of the domain is
checked by the action, whose ValidationError the view puts back on the form (add_action_error)."""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Membership, User
from cchc.core.forms import (
    DATE_PLACEHOLDER,
    CheckboxList,
    ModelChoiceField,
    MultipleFileField,
    UnitChoiceField,
    UnitMultipleChoiceField,
    UserChoiceField,
)
from cchc.orgunits.models import OrgUnit
from cchc.plans.actions import parse_deadline
from cchc.plans.models import ContentArea, Plan, Task, TaskStatus, status_filter
from cchc.plans.permissions import ASSIGNER_ROLES, can_create_plan

# Units a plan is issued by, or a task assigned to by kind; not the public service units.
PLAN_UNIT_KINDS = (
    OrgUnit.Kind.PROVINCE,
    OrgUnit.Kind.DEPARTMENT,
    OrgUnit.Kind.WARD,
    OrgUnit.Kind.COMMUNE,
    OrgUnit.Kind.SPECIAL_ZONE,
)
ASSIGN_KINDS = [
    (OrgUnit.Kind.WARD, _("All wards")),
    (OrgUnit.Kind.COMMUNE, _("All communes")),
    (OrgUnit.Kind.SPECIAL_ZONE, _("All special zones")),
    (OrgUnit.Kind.DEPARTMENT, _("All departments and agencies")),
]


def plan_units_for(user: User) -> Any:
    """The current units `user` may issue a plan for: every unit of the usual kinds in the home
    province for a city administrator, otherwise the units where the user is a focal point or
    head."""
    units = OrgUnit.objects.current().filter(kind__in=PLAN_UNIT_KINDS, legacy=False)
    if user.is_city_admin:
        units = units.in_home_province()
        return units.order_by("path")
    paths = [path for path, role in user.unit_roles if role in ASSIGNER_ROLES]
    return units.filter(path__in=paths).order_by("path")


def city_plans_for(user: User) -> Any:
    """Issued plans that a unit plan of `user` may concretise: those of an ancestor (or own)
    unit of the user's units."""
    prefixes = {
        "/".join(path.split("/")[:n]) + "/"
        for path, _role in user.unit_roles
        for n in range(2, path.count("/") + 1)
    }
    plans = Plan.objects.filter(status=Plan.Status.ISSUED).select_related("unit")
    if not user.is_city_admin:
        plans = plans.filter(unit__path__in=prefixes)
    return plans.order_by("-year", "unit__path")


class PlanFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("All years")), *[(year, str(year)) for year in years]]
        self.fields["year"].choices = choices  # type: ignore[attr-defined]


class PlanCreateForm(forms.Form):
    unit = UnitChoiceField(label=_("Issuing unit"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300)
    parent = ModelChoiceField(
        label=_("City plan it concretises"), queryset=Plan.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = plan_units_for(user)  # type: ignore[attr-defined]
        self.fields["parent"].queryset = city_plans_for(user)  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean() or {}
        unit, parent = data.get("unit"), data.get("parent")
        if unit is not None and not can_create_plan(self.user, unit):
            self.add_error("unit", _("You cannot issue a plan for this unit."))
        if unit is not None and parent is not None and not unit.path.startswith(parent.unit.path):
            self.add_error("parent", _("Choose a plan of a unit above the issuing unit."))
        return data


class PlanIssueForm(forms.Form):
    document_number = forms.CharField(label=_("Document number"), max_length=50)
    document_date = forms.DateField(
        label=_("Document date"), widget=forms.DateInput(attrs=DATE_PLACEHOLDER)
    )
    signer = forms.CharField(label=_("Signer"), max_length=150)
    attachment = forms.FileField(label=_("Signed document"), required=False)


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *TaskStatus.choices]
    )
    area = ModelChoiceField(
        label=_("Content area"),
        queryset=ContentArea.objects.all(),
        required=False,
        empty_label=_("All areas"),
    )
    unit = UnitChoiceField(
        label=_("Lead unit"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def apply(self, tasks: Any, today: datetime.date) -> Any:
        """`tasks` narrowed to the chosen status (derived as in Task.status_on), area, unit."""
        if not self.is_valid():
            return tasks
        data = self.cleaned_data
        if data.get("status"):
            tasks = tasks.filter(status_filter(data["status"], today))
        if data.get("area"):
            tasks = tasks.filter(area=data["area"])
        if data.get("unit"):
            tasks = tasks.filter(lead_unit=data["unit"])
        return tasks


class WorkspaceFilterForm(TaskFilterForm):
    """ "My tasks": open tasks by default (overdue first), searchable by code or title, narrowed
    by status, content area, lead unit and a deadline range."""

    OPEN, ALL = "", "all"

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    deadline_from = forms.DateField(
        label=_("Deadline from"), required=False, widget=forms.DateInput(attrs=DATE_PLACEHOLDER)
    )
    deadline_to = forms.DateField(
        label=_("Deadline to"), required=False, widget=forms.DateInput(attrs=DATE_PLACEHOLDER)
    )

    field_order = ["q", "status", "unit", "area", "deadline_from", "deadline_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (self.OPEN, _("Open")),
            *TaskStatus.choices,
            (self.ALL, _("All")),
        ]

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("deadline_from"), data.get("deadline_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def apply(self, tasks: Any, today: datetime.date) -> Any:
        if not self.is_valid():
            return tasks.open()
        data = self.cleaned_data
        status = data.get("status", self.OPEN)
        if status == self.OPEN:
            tasks = tasks.open()
        elif status != self.ALL:
            tasks = tasks.filter(status_filter(status, today))
        if data.get("area"):
            tasks = tasks.filter(area=data["area"])
        if data.get("unit"):
            tasks = tasks.filter(lead_unit=data["unit"])
        if data.get("q"):
            tasks = tasks.filter(Q(code__icontains=data["q"]) | Q(title__icontains=data["q"]))
        if data.get("deadline_from"):
            tasks = tasks.filter(deadline__gte=data["deadline_from"])
        if data.get("deadline_to"):
            tasks = tasks.filter(deadline__lte=data["deadline_to"])
        return tasks


class DeadlineField(forms.CharField):
    """A deadline typed as dd/mm/yyyy or a quarter ("Q2"), read in the plan's year."""

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Deadline"))
        kwargs.setdefault("help_text", _("dd/mm/yyyy, or a quarter such as Q2 (its last day)."))
        kwargs.setdefault("widget", forms.TextInput(attrs=DATE_PLACEHOLDER))
        super().__init__(*args, max_length=20, **kwargs)
        self.year = year

    def clean(self, value: Any) -> datetime.date | None:
        text = super().clean(value)
        if isinstance(text, datetime.date):
            return text
        return parse_deadline(text, year=self.year) if text else None


class TaskFieldsForm(forms.Form):
    """The fields a task's creator sets and its assigner may later edit (TASK_FIELDS)."""

    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    area = ModelChoiceField(label=_("Content area"), queryset=ContentArea.objects.all())
    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=OrgUnit.objects.none())
    responsible = UserChoiceField(
        label=_("Responsible person"), queryset=User.objects.none(), required=False
    )
    expected_output = forms.CharField(label=_("Expected output"), max_length=500, required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Task.Priority.choices, initial=Task.Priority.NORMAL
    )
    weight = forms.DecimalField(
        label=_("Weight"), max_digits=6, decimal_places=2, initial=Decimal("1")
    )

    def __init__(self, *args: Any, plan: Plan, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        units = task_units_for(user, plan)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                is_active=True,
                memberships__unit__in=units,
                memberships__role__in=[Membership.Role.FOCAL_POINT, Membership.Role.HEAD],
            )
            .distinct()
            .order_by("full_name")
        )
        self.fields["deadline"] = DeadlineField(year=plan.year)
        self.order_fields(["code", "title", "description", "area", "lead_unit"])


def task_units_for(user: User, plan: Plan) -> Any:
    """Current units that a task of `plan` may be assigned to: the plan unit's subtree."""
    return (
        OrgUnit.objects.visible_to(user).current().subtree_of(plan.unit).order_by("depth", "path")
    )


class TaskCreateForm(TaskFieldsForm):
    code = forms.CharField(label=_("Code"), max_length=40)
    cooperating_units = UnitMultipleChoiceField(
        label=_("Cooperating units"), queryset=OrgUnit.objects.none(), required=False
    )
    parent = ModelChoiceField(label=_("Parent task"), queryset=Task.objects.none(), required=False)
    implements = ModelChoiceField(
        label=_("Implements city task"),
        queryset=Task.objects.none(),
        required=False,
        help_text=_("The task of the city plan that this task of the unit's plan carries out."),
    )
    source = forms.ChoiceField(
        label=_("Origin"), choices=Task.Source.choices, initial=Task.Source.PLAN
    )
    source_ref = forms.CharField(
        label=_("Origin reference"),
        max_length=100,
        required=False,
        help_text=_("E.g. the briefing conclusion a commitment comes from."),
    )

    def __init__(self, *args: Any, plan: Plan, user: User, **kwargs: Any) -> None:
        super().__init__(*args, plan=plan, user=user, **kwargs)
        self.fields["cooperating_units"].queryset = task_units_for(user, plan)  # type: ignore[attr-defined]
        self.fields["parent"].queryset = plan.tasks.order_by("code")  # type: ignore[attr-defined]
        if plan.parent_id:  # a unit plan: its tasks implement tasks of the city plan
            city_tasks = Task.objects.filter(plan_id=plan.parent_id).order_by("code")
            self.fields["implements"].queryset = city_tasks  # type: ignore[attr-defined]
        else:
            del self.fields["implements"]


class TaskEditForm(TaskFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, task: Task, user: User, **kwargs: Any) -> None:
        initial = {name: getattr(task, name) for name in EDIT_FIELDS}
        initial |= {"deadline": f"{task.deadline:%d/%m/%Y}", "version": task.version}
        super().__init__(*args, plan=task.plan, user=user, initial=initial, **kwargs)
        if task.plan.is_issued:
            # The deadline of an issued plan moves only through an approved extension.
            self.fields["deadline"].disabled = True
            self.fields["deadline"].help_text = _("Changed only by an approved extension.")


EDIT_FIELDS = [
    "title",
    "description",
    "area",
    "lead_unit",
    "responsible",
    "expected_output",
    "priority",
    "weight",
]


class CancelTaskForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300, required=False)


class AssignForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Every unit of these kinds under the plan's unit"),
        choices=ASSIGN_KINDS,
        widget=CheckboxList,
        required=False,
    )
    units = UnitMultipleChoiceField(
        label=_("And/or these units"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    def __init__(self, *args: Any, task: Task, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = task.children.values("lead_unit")
        self.candidates = task_units_for(user, task.plan).exclude(pk__in=taken)
        self.candidates = self.candidates.exclude(pk=task.lead_unit_id)
        self.fields["units"].queryset = self.candidates  # type: ignore[attr-defined]

    def chosen_units(self) -> list[OrgUnit]:
        """The units picked by kind and by name, each once, in tree order."""
        data = self.cleaned_data
        by_kind = Q(kind__in=data.get("kinds") or [])
        by_name = Q(pk__in=[unit.pk for unit in data.get("units") or []])
        return list(self.candidates.filter(by_kind | by_name))


class ReportForm(forms.Form):
    percent = forms.IntegerField(
        label=_("Progress %"), widget=forms.NumberInput(attrs={"min": 0, "max": 100})
    )
    narrative = forms.CharField(
        label=_("Progress made"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    is_completion = forms.BooleanField(label=_("The task is completed"), required=False)
    output = forms.CharField(
        label=_("Output delivered"),
        max_length=500,
        required=False,
        help_text=_("Required for a completion report, e.g. the number of the decision issued."),
    )
    evidence = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, Word, Excel, images or text; several files may be chosen."),
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ExtensionRequestForm(forms.Form):
    new_deadline = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs=DATE_PLACEHOLDER)
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ExtensionDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda value: value == "1"
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseMonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%m/%Y", "%Y-%m"],
        widget=forms.TextInput(attrs={"placeholder": "mm/yyyy"}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=500)

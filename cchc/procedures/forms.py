"""HTTP input of the procedure pages. The actions make the checks that matter; these forms turn
text into values and show the actions' refusals on the right field."""

import datetime
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import ModelChoiceField, UnitChoiceField, UnitMultipleChoiceField
from cchc.core.text import fold
from cchc.procedures.actions import BaselineInput, PlanFigures, StepInput
from cchc.procedures.models import Procedure, Review, SimplificationPlan, Workflow

DATE = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})
SMALL = {"class": "form-select form-select-sm"}
CONTROL = {"class": "form-control form-control-sm"}


def preselect_single(field: Any) -> None:
    """A choice of one (the usual case for a ward's officer) comes chosen."""
    first_two = list(field.queryset[:2])
    if len(first_two) == 1:
        field.initial = first_two[0].pk


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    field = forms.ChoiceField(label=_("Field"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Procedure.Level.choices]
    )
    unit = UnitChoiceField(label=_("Implementing unit"), queryset=None, required=False)

    def __init__(self, *args: Any, fields: list[str], units: QuerySet[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("All fields")), *((f, f) for f in fields)]  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].empty_label = _("All units")  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs.update(
            {"class": "form-control form-control-sm", "placeholder": _("Code or name")}
        )
        for name in ("field", "level", "unit"):
            self.fields[name].widget.attrs.update(SMALL)

    def apply(self, rows: QuerySet[Procedure]) -> QuerySet[Procedure]:
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        if data["q"]:
            rows = rows.filter(Q(search_name__contains=fold(data["q"])) | Q(code=data["q"].strip()))
        if data["field"]:
            rows = rows.filter(field=data["field"])
        if data["level"]:
            rows = rows.filter(level=data["level"])
        if data["unit"]:
            through = Procedure.units.through.objects.filter(orgunit=data["unit"])
            rows = rows.filter(pk__in=through.values("procedure_id"))
        return rows


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Procedure list (.xlsx)"),
        help_text=_(
            "The national database export or the template; the whole file is refused if any "
            "row is wrong."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class DecisionForm(forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=50)
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE)


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    unit = UnitChoiceField(label=_("Organising unit"), queryset=None)
    codes = forms.CharField(
        label=_("Procedure codes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One per line or separated by ;. Leave empty and choose a field instead."),
    )
    field = forms.ChoiceField(label=_("All procedures of a field"), required=False)
    reviewer_units = UnitMultipleChoiceField(
        label=_("Reviewer units"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args: Any, units: QuerySet[Any], fields: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["reviewer_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["field"].choices = [("", "—"), *((f, f) for f in fields)]  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        codes = [c.strip() for c in re.split(r"[;,\n]", data.get("codes") or "") if c.strip()]
        procedures = Procedure.objects.active()
        chosen = list(procedures.filter(code__in=codes)) if codes else []
        missing = sorted(set(codes) - {p.code for p in chosen})
        if missing:
            self.add_error(
                "codes", _("Unknown or abolished codes: %(codes)s.") % {"codes": ", ".join(missing)}
            )
        if data.get("field"):
            chosen += list(procedures.filter(field=data["field"]).exclude(code__in=codes))
        data["procedures"] = chosen
        return data


class ReviewForm(forms.Form):
    procedure: forms.ModelChoiceField[Procedure] = ModelChoiceField(
        label=_("Procedure"), queryset=None
    )
    unit = UnitChoiceField(label=_("Reviewer unit"), queryset=None)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    proposal = forms.ChoiceField(label=_("Proposal"), choices=Review.Proposal.choices)
    reasons = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, procedures: Any, units: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        preselect_single(self.fields["unit"])


class PlanForm(forms.Form):
    UNITS = [("days", _("working days")), ("hours", _("working hours"))]

    unit = UnitChoiceField(label=_("Proposing unit"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    time_unit = forms.ChoiceField(label=_("Times given in"), choices=UNITS, initial="days")
    time_before = forms.DecimalField(label=_("Processing time before"), decimal_places=2)
    time_after = forms.DecimalField(label=_("Processing time after"), decimal_places=2)
    documents_before = forms.IntegerField(label=_("Documents before"))
    documents_after = forms.IntegerField(label=_("Documents after"))
    steps_before = forms.IntegerField(label=_("Steps before"), initial=0)
    steps_after = forms.IntegerField(label=_("Steps after"), initial=0)
    fees_before = forms.IntegerField(label=_("Fees and charges before (VND)"), initial=0)
    fees_after = forms.IntegerField(label=_("Fees and charges after (VND)"), initial=0)
    other_before = forms.IntegerField(label=_("Other costs before (VND)"), initial=0)
    other_after = forms.IntegerField(label=_("Other costs after (VND)"), initial=0)
    times_per_year = forms.IntegerField(label=_("Times per year"), initial=1)
    subjects_per_year = forms.IntegerField(label=_("Subjects per year"))
    notes = forms.CharField(
        label=_("Simplification measures"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, units: Any, procedure: Procedure, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        preselect_single(self.fields["unit"])
        self.fields["year"].initial = timezone.localdate().year
        self.fields["time_before"].initial = procedure.processing_days
        self.fields["documents_before"].initial = procedure.document_count
        self.fields["fees_before"].initial = procedure.fees

    def for_plan(self, plan: SimplificationPlan) -> None:
        """Editing a draft: its unit stays, the fields start from its figures (in hours), and
        the version read travels with the form (the action refuses a stale one)."""
        self.fields["unit"].disabled = True
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, initial=plan.version)
        initial = {name: getattr(plan, name) for name in PlanFigures.__dataclass_fields__}
        initial |= {
            "unit": plan.unit,
            "year": plan.year,
            "time_unit": "hours",
            "time_before": plan.hours_before,
            "time_after": plan.hours_after,
            "notes": plan.notes,
        }
        for name, value in initial.items():
            if name in self.fields:
                self.fields[name].initial = value

    def figures(self) -> PlanFigures:
        data = self.cleaned_data
        factor = Decimal(8) if data["time_unit"] == "days" else Decimal(1)
        return PlanFigures(
            hours_before=data["time_before"] * factor,
            hours_after=data["time_after"] * factor,
            **{
                name: data[name]
                for name in PlanFigures.__dataclass_fields__
                if not name.startswith("hours_")
            },
        )


class StepForm(forms.Form):
    actor = forms.CharField(
        label=_("Responsible"), max_length=200, required=False, widget=forms.TextInput(CONTROL)
    )
    work = forms.CharField(
        label=_("Work"), required=False, widget=forms.Textarea({**CONTROL, "rows": 2})
    )
    hours = forms.DecimalField(
        label=_("Working hours"),
        decimal_places=2,
        required=False,
        widget=forms.TextInput({**CONTROL, "inputmode": "decimal"}),
    )
    documents = forms.CharField(
        label=_("Documents and forms"),
        max_length=500,
        required=False,
        widget=forms.TextInput(CONTROL),
    )

    def step(self) -> StepInput | None:
        data = self.cleaned_data
        if not (data.get("actor") or data.get("work") or data.get("hours") is not None):
            return None
        hours = data.get("hours")
        return StepInput(
            actor=data.get("actor") or "",
            work=data.get("work") or "",
            hours=hours if isinstance(hours, Decimal) else Decimal(0),
            documents=data.get("documents") or "",
        )


StepFormSet = forms.formset_factory(StepForm, extra=0, max_num=40, absolute_max=40)
EXTRA_STEPS = 3  # empty rows under an existing workflow; a new one gets twice as many


def step_formset(data: Any = None, *, workflow: Workflow | None = None) -> Any:
    """The steps of `workflow` (or none) and a few empty rows to add more without JavaScript."""
    initial = []
    if workflow is not None:
        initial = [
            {"actor": s.actor, "work": s.work, "hours": s.hours, "documents": s.documents}
            for s in workflow.steps.all()
        ]
    initial += [{}] * (EXTRA_STEPS if initial else 2 * EXTRA_STEPS)
    return StepFormSet(data, initial=initial, prefix="steps")


def steps_of(formset: Any) -> list[StepInput]:
    return [step for form in formset.forms if (step := form.step()) is not None]


class WorkflowUnitForm(forms.Form):
    unit = UnitChoiceField(label=_("Implementing unit"), queryset=None)

    def __init__(self, *args: Any, units: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        preselect_single(self.fields["unit"])


class OverviewForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        required=False,
        widget=forms.NumberInput(CONTROL),
    )

    def year_or_current(self) -> int:
        if self.is_valid() and self.cleaned_data["year"]:
            return int(self.cleaned_data["year"])
        return datetime.date.today().year


class BaselineForm(forms.Form):
    """A procedure's scope flag and baseline figures (Resolution 66/NQ-CP)."""

    business_related = forms.BooleanField(
        label=_("Related to production and business"), required=False
    )
    baseline_year = forms.IntegerField(
        label=_("Baseline year"), required=False, min_value=2000, max_value=2100
    )
    baseline_days = forms.DecimalField(
        label=_("Processing time in the baseline year (working days)"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=1,
        localize=True,
    )
    baseline_cost = forms.IntegerField(
        label=_("Yearly compliance cost in the baseline year (VND)"),
        required=False,
        min_value=0,
        max_value=10**15 - 1,
    )

    @classmethod
    def for_procedure(cls, procedure: Procedure, data: Any = None) -> "BaselineForm":
        initial = {
            "business_related": procedure.business_related,
            "baseline_year": procedure.baseline_year,
            "baseline_days": procedure.baseline_days,
            "baseline_cost": procedure.baseline_cost,
        }
        return cls(data, initial=initial)

    def baseline(self) -> BaselineInput:
        data = self.cleaned_data
        return BaselineInput(
            data["business_related"],
            data["baseline_year"],
            data["baseline_days"],
            data["baseline_cost"],
        )

"""HTTP input of the framework pages. Forms check shapes; the actions and the import check the
rules, and the views put their refusal back on the form."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import User
from cchc.core.forms import (
    CheckboxList,
    ModelChoiceField,
    ModelMultipleChoiceField,
    UnitMultipleChoiceField,
)
from cchc.indices.actions import KINDS
from cchc.indices.models import Assessment, Framework, TargetGroup
from cchc.orgunits.models import OrgUnit
from cchc.plans.models import ProgressReport, Task

FIRST_YEAR, LAST_YEAR = 2000, 2100


def points_field(label: Any) -> forms.DecimalField:
    """Points typed the Vietnamese way (2,25) on a decimal keypad on phones."""
    return forms.DecimalField(
        label=label,
        max_digits=6,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class ImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    group = forms.ChoiceField(label=_("Target group"), choices=TargetGroup.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    appraisal_max = forms.DecimalField(
        label=_("Appraisal points"),
        max_digits=6,
        decimal_places=2,
        min_value=Decimal(0),
        initial=Decimal(70),
    )
    survey_max = forms.DecimalField(
        label=_("Survey points"),
        max_digits=6,
        decimal_places=2,
        min_value=Decimal(0),
        initial=Decimal(30),
    )
    is_illustrative = forms.BooleanField(
        label=_("The maxima are illustrative"),
        required=False,
        help_text=_("Tick it when the official maxima are not public."),
    )
    file = forms.FileField(
        label=_("Annex file (.xlsx)"),
        help_text=_("One criterion per row; the whole file is refused if any row is wrong."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class CopyForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year of the copy"), min_value=FIRST_YEAR, max_value=LAST_YEAR
    )


class CouncilForm(forms.Form):
    members = ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.filter(is_active=True).order_by("full_name", "username"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    chair = ModelChoiceField(
        label=_("Chair"),
        queryset=User.objects.filter(is_active=True).order_by("full_name", "username"),
    )


class ProposalForm(forms.Form):
    points = points_field(_("Proposed points"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the points differ from the unit's self-score."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ResponseForm(forms.Form):
    text = forms.CharField(
        label=_("The unit's response"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One response only, within the time given."),
    )


# --- self-assessment rounds and assessments (views/rounds) -------------------------------------


class RoundOpenForm(forms.Form):
    """Open a round for a published framework: its units default to every current unit of the
    framework's target group (the page lists them ticked; the administrator may untick)."""

    framework = ModelChoiceField(
        label=_("Framework"), queryset=Framework.objects.none(), widget=forms.HiddenInput
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    deadline = forms.DateField(
        label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    units = UnitMultipleChoiceField(
        label=_("Units that assess themselves"),
        queryset=OrgUnit.objects.none(),
        widget=CheckboxList,
    )
    majority_percent = forms.DecimalField(
        label=_("Council majority (percent of the members)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal("99.99"),
        initial=Decimal(50),
        help_text=_("A criterion is decided when more than this share of the members agree."),
    )
    response_days = forms.IntegerField(
        label=_("Days for the unit's response"), min_value=0, max_value=60, initial=5
    )

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = target_units(framework)
        self.fields["framework"].queryset = Framework.objects.filter(  # type: ignore[attr-defined]
            pk=framework.pk
        )
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        self.initial.setdefault("framework", framework.pk)
        self.initial.setdefault("units", list(units.values_list("pk", flat=True)))


def target_units(framework: Framework) -> "QuerySet[OrgUnit]":
    """The home province's current units of the framework's target group, by tree order."""
    units = OrgUnit.objects.current().in_home_province()
    return units.filter(kind__in=KINDS[framework.group]).order_by("path")


class FrameworkChoiceForm(forms.Form):
    framework = ModelChoiceField(
        label=_("Published framework"),
        queryset=Framework.objects.filter(status=Framework.Status.PUBLISHED).order_by(
            "-year", "group"
        ),
    )


class RoundFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Assessment.Status.choices],
    )


class ScoreForm(forms.Form):
    points = points_field(_("Self-score"))
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence document"))


class CiteForm(forms.Form):
    """Cite the unit's own tasks of the year and their reports (others are not choices)."""

    tasks = ModelMultipleChoiceField(label=_("Tasks"), queryset=Task.objects.none(), required=False)
    reports = ModelMultipleChoiceField(
        label=_("Progress reports"), queryset=ProgressReport.objects.none(), required=False
    )

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tasks = citable_tasks(assessment)
        self.fields["tasks"].queryset = tasks  # type: ignore[attr-defined]
        self.fields["reports"].queryset = ProgressReport.objects.filter(  # type: ignore[attr-defined]
            task__in=tasks
        )


def citable_tasks(assessment: Assessment) -> "QuerySet[Task]":
    """The tasks the assessed unit leads with a deadline in the framework's year."""
    return Task.objects.filter(
        lead_unit_id=assessment.unit_id, deadline__year=assessment.round.framework.year
    ).order_by("deadline", "code")


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have checked the results: publish them, they can no longer change."),
        error_messages={"required": _("Tick the box to confirm the publication.")},
    )

"""HTTP input of the inspections pages. Forms validate shapes; the actions check the rules."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import Membership, User
from cchc.core.forms import (
    DATE_PLACEHOLDER,
    CheckboxList,
    ModelChoiceField,
    ModelMultipleChoiceField,
    MultipleFileField,
    UnitChoiceField,
    UnitMultipleChoiceField,
    UserChoiceField,
    UserMultipleChoiceField,
)
from cchc.inspections.models import (
    ChecklistItem,
    Finding,
    Inspection,
    InspectionPlan,
    TeamMember,
    Verdict,
)
from cchc.orgunits.models import OrgUnit, in_subtrees


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs=DATE_PLACEHOLDER)
    )


def inspector_users() -> QuerySet[User]:
    """Who may be named on a team from the user list: inspectors and city administrators."""
    roles = (Membership.Role.INSPECTOR, Membership.Role.CITY_ADMIN, Membership.Role.HEAD)
    return (
        User.objects.filter(is_active=True, memberships__role__in=roles)
        .distinct()
        .order_by("full_name", "username")
    )


class InspectionFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Inspection.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Inspection.Status.choices],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def apply(self, inspections: QuerySet[Inspection]) -> QuerySet[Inspection]:
        if not self.is_valid():
            return inspections
        data = self.cleaned_data
        if data["year"]:
            inspections = inspections.filter(start_date__year=data["year"])
        if data["kind"]:
            inspections = inspections.filter(kind=data["kind"])
        if data["status"]:
            inspections = inspections.filter(status=data["status"])
        if data["q"]:
            text = data["q"].strip()
            inspections = inspections.filter(
                Q(title__icontains=text)
                | Q(decision_number__icontains=text)
                | Q(targets__unit__name__icontains=text)
            ).distinct()
        return inspections


class InspectionPlanForm(forms.Form):
    unit = UnitChoiceField(label=_("Issuing unit"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=300)
    document_number = forms.CharField(label=_("Document number"), max_length=50, required=False)
    document_date = _date(_("Document date"), required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class InspectionForm(forms.Form):
    unit = UnitChoiceField(label=_("Inspecting unit"), queryset=OrgUnit.objects.none())
    plan = ModelChoiceField(
        label=_("Inspection plan"), queryset=InspectionPlan.objects.none(), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Inspection.Kind.choices)
    decision_number = forms.CharField(label=_("Decision number"), max_length=50)
    decision_date = _date(_("Decision date"))
    decision_signer = forms.CharField(label=_("Decision signed by"), max_length=150)
    start_date = _date(_("Start date"))
    end_date = _date(_("End date"))
    targets = UnitMultipleChoiceField(
        label=_("Inspected units"),
        queryset=OrgUnit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    checklist = ModelMultipleChoiceField(
        label=_("Scope"), queryset=ChecklistItem.objects.filter(is_active=True), widget=CheckboxList
    )
    persons = UserMultipleChoiceField(
        label=_("Persons inspected (optional)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Members of the inspected units whose work is checked in person."),
    )
    head = UserChoiceField(label=_("Team head"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["plan"].queryset = InspectionPlan.objects.filter(  # type: ignore[attr-defined]
            unit__in=units
        )
        kinds = (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.PUBLIC_SERVICE, *OrgUnit.LOWER_KINDS)
        self.fields["targets"].queryset = (  # type: ignore[attr-defined]
            OrgUnit.objects.current().in_home_province().filter(kind__in=kinds).order_by("path")
        )
        self.fields["head"].queryset = inspector_users()  # type: ignore[attr-defined]
        self.fields["persons"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, memberships__unit__kind__in=kinds)
            .distinct()
            .order_by("full_name", "username")
        )
        if not self.is_bound:
            self.fields["checklist"].initial = list(self.fields["checklist"].queryset)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["target_persons"] = {}
        targets = {unit.pk: unit for unit in data.get("targets") or []}
        for person in data.get("persons") or []:
            unit_ids = [
                pk for pk in person.memberships.values_list("unit_id", flat=True) if pk in targets
            ]
            if not unit_ids:
                self.add_error(
                    "persons",
                    _("%(person)s is not a member of any inspected unit.")
                    % {"person": person.get_full_name() or person.username},
                )
                continue
            data["target_persons"].setdefault(unit_ids[0], []).append(person)
        return data


class TeamMemberForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=TeamMember.Role.choices)
    user = UserChoiceField(label=_("User"), queryset=User.objects.none(), required=False)
    name = forms.CharField(label=_("Or outside member's name"), max_length=150, required=False)
    position = forms.CharField(label=_("Position and agency"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = inspector_users()  # type: ignore[attr-defined]


class FindingForm(forms.Form):
    unit = UnitChoiceField(label=_("Inspected unit"), queryset=OrgUnit.objects.none())
    item = ModelChoiceField(label=_("Checklist item"), queryset=ChecklistItem.objects.none())
    severity = forms.ChoiceField(label=_("Severity"), choices=Finding.Severity.choices)
    description = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4})
    )
    person = UserChoiceField(
        label=_("Person concerned"), queryset=User.objects.none(), required=False
    )
    against_head = forms.BooleanField(label=_("Concerns the head of the unit"), required=False)
    photos = MultipleFileField(
        label=_("Photos or files"),
        required=False,
        help_text=_("Photos (JPG, PNG) or documents (PDF, DOCX), 10 at most."),
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(inspection_targets__inspection=inspection).order_by("path")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["item"].queryset = inspection.checklist.all()  # type: ignore[attr-defined]
        paths = units.values_list("path", flat=True)
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(in_subtrees(paths, "memberships__unit__path"), is_active=True)
            .distinct()
            .order_by("full_name")
        )
        self.fields["photos"].widget.attrs["accept"] = "image/*,.pdf,.docx,.doc"


class ConclusionForm(forms.Form):
    number = forms.CharField(label=_("Conclusion number"), max_length=50)
    date = _date(_("Date"))
    signer = forms.CharField(label=_("Signed by"), max_length=150)
    text = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 6}))


class RecommendationForm(forms.Form):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 2}))
    unit = UnitChoiceField(label=_("Responsible unit"), queryset=OrgUnit.objects.none())
    person = UserChoiceField(
        label=_("Responsible person"), queryset=User.objects.none(), required=False
    )
    deadline = _date(_("Deadline"))

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(inspection_targets__inspection=inspection).order_by("path")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        paths = units.values_list("path", flat=True)
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(in_subtrees(paths, "memberships__unit__path"), is_active=True)
            .distinct()
            .order_by("full_name")
        )


MAX_RECOMMENDATIONS = 30


def recommendation_formset(rows: int) -> type[forms.BaseFormSet]:
    """The recommendations formset with `rows` empty rows (3 to MAX_RECOMMENDATIONS)."""
    return forms.formset_factory(
        RecommendationForm,
        extra=max(3, min(rows, MAX_RECOMMENDATIONS)),
        max_num=MAX_RECOMMENDATIONS,
        validate_max=True,
    )


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=Verdict.Value.choices, widget=forms.RadioSelect
    )
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("Evidence file"), required=False)


class OverviewForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import ModelMultipleChoiceField, UnitChoiceField
from cchc.orgunits.models import OrgUnit


class UnitForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = OrgUnit
        fields = ["name", "short_name", "kind", "valid_from", "valid_to"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "valid_to": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date is before the start date."))
        return data


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Search units"), required=False, max_length=100)
    ended = forms.BooleanField(label=_("Show ended units"), required=False)


class _ChartUnitChoice(UnitChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{'— ' * getattr(obj, 'level', 0)}{obj.name} ({obj.code})"


def _chart_queryset(chart: list[OrgUnit], exclude: OrgUnit | None = None) -> list[OrgUnit]:
    return [u for u in chart if exclude is None or not u.path.startswith(exclude.path)]


class _ChartChoices:
    """A choice field over the chart's units in tree order, without re-querying them."""

    @staticmethod
    def set(field: forms.ModelChoiceField, units: list[OrgUnit]) -> None:
        field.queryset = OrgUnit.objects.filter(pk__in=[u.pk for u in units])
        field.choices = [("", "---------"), *((u.pk, field.label_from_instance(u)) for u in units)]


class ChartUnitForm(forms.Form):
    """A new unit of the chart: a department, a sub-division or a public service unit."""

    parent = _ChartUnitChoice(label=_("Parent unit"), queryset=OrgUnit.objects.none())
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("Unique, without “/” or spaces; for example 01-SNV or 01-SNV-TTLT."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=120, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (OrgUnit.Kind.DEPARTMENT.value, OrgUnit.Kind.DEPARTMENT.label),
            (OrgUnit.Kind.PUBLIC_SERVICE.value, OrgUnit.Kind.PUBLIC_SERVICE.label),
        ],
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )

    def __init__(self, *args: Any, chart: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _ChartChoices.set(self.fields["parent"], chart)  # type: ignore[arg-type]


class MoveForm(forms.Form):
    parent = _ChartUnitChoice(label=_("New parent unit"), queryset=OrgUnit.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, chart: list[OrgUnit], unit: OrgUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _ChartChoices.set(self.fields["parent"], _chart_queryset(chart, exclude=unit))  # type: ignore[arg-type]
        if unit.parent is not None:
            self.fields["parent"].help_text = _("Now under %(parent)s.") % {
                "parent": unit.parent.name
            }


class EndForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Last day"),
        help_text=_("The unit exists until this day included."),
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MergeForm(forms.Form):
    units = ModelMultipleChoiceField(
        label=_("Units to merge"),
        queryset=OrgUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They end the day before the merger; their current sub-units move."),
    )
    into = _ChartUnitChoice(label=_("Receiving unit"), queryset=OrgUnit.objects.none())
    merged_on = forms.DateField(
        label=_("Merged on"),
        help_text=_("The first day of the merged unit."),
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )

    def __init__(self, *args: Any, chart: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        movable = [u for u in chart if getattr(u, "level", 0) > 0]
        units = self.fields["units"]
        units.queryset = OrgUnit.objects.filter(pk__in=[u.pk for u in movable])  # type: ignore[attr-defined]
        units.choices = [(u.pk, f"{u.name} ({u.code})") for u in movable]  # type: ignore[attr-defined]
        _ChartChoices.set(self.fields["into"], chart)  # type: ignore[arg-type]

    def clean(self) -> dict:
        data = super().clean() or {}
        into, units = data.get("into"), data.get("units") or []
        if into is not None and into in units:
            self.add_error("into", _("A unit cannot be merged into itself."))
        return data


class ChartImportForm(forms.Form):
    file = forms.FileField(
        label=_("Chart file (.xlsx or .csv)"),
        help_text=_("Fill in the template; the whole file is refused if any row is wrong."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (write nothing)"),
        required=False,
    )

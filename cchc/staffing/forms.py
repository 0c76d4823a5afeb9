"""HTTP input of the staffing pages. Forms validate shapes; the actions check the rules (a
negative figure is refused by record_headcount, with its own message)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.core.text import fold
from cchc.orgunits.models import OrgUnit
from cchc.staffing.actions import HeadcountInput
from cchc.staffing.models import MAX_FIGURE, Headcount, StaffingPolicy
from cchc.staffing.queries import Share, Summary, SummaryRow

NUMBER = {"inputmode": "numeric", "class": "form-control text-end"}


class SummaryFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(
        label=_("Kind of unit"),
        required=False,
        choices=[("", _("All kinds of unit")), *OrgUnit.Kind.choices],
    )
    below = forms.BooleanField(label=_("Below target only"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def chosen_year(self, default: int) -> int:
        if self.is_valid() and self.cleaned_data["year"]:
            return int(self.cleaned_data["year"])
        return default

    def apply(self, summary: Summary) -> list[SummaryRow]:
        """The summary's rows that pass the filters (the totals stay those of every row)."""
        rows = summary.rows
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        if data["kind"]:
            rows = [row for row in rows if row.unit.kind == data["kind"]]
        if data["below"]:
            rows = [row for row in rows if row.below_target]
        if data["q"]:
            text = fold(data["q"])
            rows = [
                row
                for row in rows
                if text in row.unit.search_name or row.unit.code == data["q"].strip()
            ]
        return rows


class HeadcountForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    civil_assigned = forms.IntegerField(
        max_value=MAX_FIGURE,
        label=_("Civil-servant posts assigned"),
        widget=forms.TextInput(attrs=NUMBER),
    )
    civil_actual = forms.IntegerField(
        max_value=MAX_FIGURE,
        label=_("Civil servants in post"),
        required=False,
        help_text=_("Leave empty if not known."),
        widget=forms.TextInput(attrs=NUMBER),
    )
    public_assigned = forms.IntegerField(
        max_value=MAX_FIGURE,
        label=_("Public-employee posts assigned"),
        widget=forms.TextInput(attrs=NUMBER),
    )
    public_budget_assigned = forms.IntegerField(
        max_value=MAX_FIGURE,
        label=_("Of which paid from the state budget"),
        required=False,
        help_text=_(
            "Public-employee posts paid from the state budget; the rest are self-financed. "
            "Leave empty if not split."
        ),
        widget=forms.TextInput(attrs=NUMBER),
    )
    public_actual = forms.IntegerField(
        max_value=MAX_FIGURE,
        label=_("Public employees in post"),
        required=False,
        help_text=_("Leave empty if not known."),
        widget=forms.TextInput(attrs=NUMBER),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    @classmethod
    def for_record(cls, record: Headcount | None, year: int, data: Any = None) -> "HeadcountForm":
        initial: dict[str, Any] = {"year": year, "version": 0}
        if record is not None:
            initial.update(
                version=record.version,
                civil_assigned=record.civil_assigned,
                civil_actual=record.civil_actual,
                public_assigned=record.public_assigned,
                public_budget_assigned=record.public_budget_assigned,
                public_actual=record.public_actual,
            )
        return cls(data, initial=initial)

    def figures(self) -> HeadcountInput:
        data = self.cleaned_data
        return HeadcountInput(
            civil_assigned=data["civil_assigned"],
            public_assigned=data["public_assigned"],
            civil_actual=data["civil_actual"],
            public_actual=data["public_actual"],
            public_budget_assigned=data["public_budget_assigned"],
        )


class PolicyForm(forms.Form):
    baseline_year = forms.IntegerField(label=_("Baseline year"))
    target_percent = forms.DecimalField(
        label=_("Reduction target (%)"),
        max_digits=5,
        decimal_places=2,
        localize=True,  # "12,5" in Vietnamese
        help_text=_("The share of the baseline's assigned posts to be cut."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    @classmethod
    def for_policy(cls, policy: StaffingPolicy, data: Any = None) -> "PolicyForm":
        initial = {
            "baseline_year": policy.baseline_year,
            "target_percent": policy.target_percent,
            "version": policy.version,
        }
        return cls(data, initial=initial)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Headcount file (.xlsx)"),
        help_text=_("Fill in the template; the whole file is refused if any row is wrong."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class SharesForm(forms.Form):
    """One share (percent) per successor of an ended unit, named `share_<successor id>`."""

    def __init__(self, shares: list[Share], data: Any = None) -> None:
        super().__init__(data)
        self.successors = [share.successor for share in shares]
        for share in shares:
            self.fields[f"share_{share.successor.pk}"] = forms.DecimalField(
                label=share.successor.name,
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                localize=True,
                initial=share.share,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}),
            )

    def shares(self) -> dict[int, Decimal]:
        return {unit.pk: self.cleaned_data[f"share_{unit.pk}"] for unit in self.successors}

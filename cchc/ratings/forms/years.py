"""The city's exception to the cap on excellent civil servants (Decree 335 point 5(b))."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.orgunits.models import OrgUnit


class CapExceptionForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), max_length=40)
    group = forms.CharField(
        label=_("Group of similar tasks"),
        max_length=100,
        required=False,
        help_text=_("Blank: every group of the unit."),
    )
    excellent_pct = forms.DecimalField(
        label=_("Excellent at most (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        required=False,
        help_text=_("Blank: no cap for this unit and group this year."),
    )
    reason = forms.CharField(label=_("Reason (outstanding achievements)"), widget=forms.Textarea)

    def clean_unit(self) -> OrgUnit:
        code = self.cleaned_data["unit"].strip()
        unit = OrgUnit.objects.filter(code=code, legacy=False).first()
        if unit is None:
            raise forms.ValidationError(_("No unit has this code."))
        return unit

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["group"] = (data.get("group") or "").strip()
        return data

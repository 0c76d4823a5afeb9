from django import forms
from django.utils.translation import gettext_lazy as _

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

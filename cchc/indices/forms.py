"""HTTP input of the framework pages. Forms check shapes; the actions and the import check the
rules, and the views put their refusal back on the form."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.indices.models import TargetGroup

FIRST_YEAR, LAST_YEAR = 2000, 2100


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

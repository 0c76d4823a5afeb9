"""Inputs of the service index pages."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    dossiers = forms.FileField(label=_("Dossiers file (CSV or XLSX)"), required=False)
    feedback = forms.FileField(label=_("Feedback file (CSV or XLSX)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("dossiers") and not data.get("feedback"):
            raise forms.ValidationError(_("Choose a dossiers file, a feedback file or both."))
        for key in ("dossiers", "feedback"):
            upload = data.get(key)
            if upload and not upload.name.lower().endswith((".csv", ".xlsx")):
                self.add_error(key, _("A .csv or .xlsx file made from the template."))
        return data


class ApologyForm(forms.Form):
    number = forms.CharField(label=_("Letter number"), max_length=40)
    issued_on = forms.DateField(
        label=_("Date"), initial=timezone.localdate, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    new_due_on = forms.DateField(
        label=_("New date for the result"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"]
    )
    reason = forms.CharField(
        label=_("Reason for the delay"), widget=forms.Textarea(attrs={"rows": 3})
    )
    signer = forms.CharField(label=_("Signed by"), max_length=200)


def parse_month(year: int, month: int) -> datetime.date:
    try:
        return datetime.date(year, month, 1)
    except ValueError:
        from django.http import Http404

        raise Http404 from None

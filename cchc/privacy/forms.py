from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.orgunits.models import OrgUnit
from cchc.privacy.models import DataRequest

DATE = {"type": "date"}


class RequestForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit addressed"), queryset=OrgUnit.objects.none())
    kind = forms.ChoiceField(label=_("Request"), choices=DataRequest.Kind.choices)
    record = forms.ChoiceField(label=_("Record concerned"), choices=DataRequest.Record.choices)
    reference = forms.CharField(label=_("Petition code"), max_length=40, required=False)
    requester_name = forms.CharField(label=_("Requester"), max_length=200)
    requester_contact = forms.CharField(label=_("Requester's address or contact"), max_length=200)
    received_on = forms.DateField(label=_("Date received"), widget=forms.DateInput(attrs=DATE))
    details = forms.CharField(
        label=_("What is asked"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    outcome = forms.CharField(
        label=_("Answer given to the requester"), widget=forms.Textarea(attrs={"rows": 3})
    )
    refuse = forms.BooleanField(label=_("Refused (write the reasons)"), required=False)

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import UnitChoiceField
from cchc.dialogues.models import CONTACT_LIMIT
from cchc.orgunits.models import OrgUnit
from cchc.privacy.models import DataRequest

DATE = {"type": "date"}


class RequestForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit addressed"), queryset=OrgUnit.objects.none())
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


class SubjectForm(forms.Form):
    """The public "my data" page: the citizen names their petition (its code) or survey response
    (its receipt code) and proves control with the contact they gave or a one-time code sent
    there; then asks to see, correct, withdraw consent or erase (Law 91/2025/QH15 Art. 4)."""

    class Step(models.TextChoices):
        SEND = "send", _("Send me a one-time code")
        SHOW = "show", _("See my data")
        CORRECT = "correct", _("Correct my contact")
        WITHDRAW = "withdraw", _("Withdraw my consent (erase my contact)")
        ERASE = "erase", _("Erase my personal data")

    code = forms.CharField(
        label=_("Petition code or survey receipt code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    contact = forms.CharField(
        label=_("The phone number or e-mail you gave"),
        max_length=CONTACT_LIMIT,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    one_time_code = forms.CharField(
        label=_("One-time code"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    grant = forms.CharField(required=False, widget=forms.HiddenInput)
    step = forms.ChoiceField(choices=Step.choices, initial=Step.SHOW, widget=forms.HiddenInput)
    new_contact = forms.CharField(
        label=_("Corrected contact"), max_length=CONTACT_LIMIT, required=False
    )

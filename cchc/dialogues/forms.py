"""HTTP input of the dialogues pages. Forms validate shapes only; every rule of the domain is
checked by the action, whose ValidationError the view puts back on the form (add_action_error).

The public petition form (PublicPetitionForm) follows the survey form's conventions: an
optional contact stored only when the submitter ticks the box, and a honeypot field that people
never see (a robot filling it in gets its petition stored flagged, not dropped).
"""

import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import User
from cchc.core.forms import (
    CheckboxList,
    ModelChoiceField,
    ModelMultipleChoiceField,
    MultipleFileField,
    UnitChoiceField,
)
from cchc.core.privacy import CONSENT_VERSION, CONSENT_WORDINGS
from cchc.dialogues.actions import MAX_FILES, TITLE_LIMIT, CommitmentSpec
from cchc.dialogues.models import (
    CONTACT_LIMIT,
    CONTENT_LIMIT,
    Answer,
    Audience,
    Conference,
    Field,
    IssueGroup,
    Petition,
    PetitionQuerySet,
)
from cchc.orgunits.models import OrgUnit
from cchc.plans.models import ContentArea

DATE = {"placeholder": "dd/mm/yyyy"}


class ConferenceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    level = forms.ChoiceField(label=_("Level"), choices=Conference.Level.choices)
    host_unit = UnitChoiceField(label=_("Host unit"), queryset=OrgUnit.objects.none())
    starts_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE))
    starts_time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"placeholder": "hh:mm"})
    )
    chair_name = forms.CharField(
        label=_("Chaired by"), max_length=200, help_text=_("Name and position of the chair.")
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False)
    audiences = forms.MultipleChoiceField(
        label=_("Audience"), choices=Audience.choices, widget=CheckboxList
    )
    sector = forms.CharField(
        label=_("Sector"),
        max_length=200,
        required=False,
        help_text=_("When the conference is for one sector (e.g. tourism businesses)."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_public = forms.BooleanField(
        label=_("Announce on the public page (and take petitions there)"),
        required=False,
        initial=True,
    )
    plan_document = forms.FileField(label=_("Plan document"), required=False)

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_unit"].queryset = units.order_by("path")  # type: ignore[attr-defined]

    def action_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        day, time = data.pop("starts_on"), data.pop("starts_time")
        data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, time))
        return data


class HoldForm(forms.Form):
    attendance = forms.IntegerField(label=_("Attendance"), min_value=0)
    minutes_text = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    minutes_file = forms.FileField(label=_("Minutes (signed file)"), required=False)


class PetitionFields(forms.Form):
    """What a petition says, whoever enters it."""

    submitter_type = forms.ChoiceField(
        label=_("You are"), choices=Petition.SubmitterType.choices, widget=forms.RadioSelect
    )
    submitter_name = forms.CharField(
        label=_("Name or organisation (optional)"), max_length=200, required=False
    )
    field = ModelChoiceField(
        label=_("Field"),
        queryset=Field.objects.filter(is_active=True),
        required=False,
        empty_label=_("— not sure —"),
    )
    title = forms.CharField(label=_("Subject"), max_length=TITLE_LIMIT)
    content = forms.CharField(
        label=_("Your petition"),
        max_length=CONTENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("At most 5,000 characters."),
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_("Up to 3 files of at most 5 MB each: PDF, Word, Excel, images."),
    )

    def clean_attachments(self) -> list:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("At most %(n)s files per petition."), params={"n": MAX_FILES}
            )
        return files


class PublicPetitionForm(PetitionFields):
    share_contact = forms.BooleanField(
        label=CONSENT_WORDINGS[CONSENT_VERSION],
        required=False,
    )
    contact = forms.CharField(
        label=_("Phone number or e-mail address"), max_length=CONTACT_LIMIT, required=False
    )
    # A plausible name for robots; hidden from people by CSS, from screen readers by
    # aria-hidden on its wrapper, and out of the keyboard's way with tabindex=-1.
    website = forms.CharField(
        label=_("Website"),
        required=False,
        max_length=CONTACT_LIMIT,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contact = (data.get("contact") or "").strip()
        if data.get("share_contact") and not contact:
            self.add_error("contact", _("Write your phone number or e-mail, or untick the box."))
        elif contact and not data.get("share_contact"):
            self.add_error(
                "share_contact", _("Tick the box to agree to give your contact, or clear it.")
            )
        return data

    def is_robot(self) -> bool:
        return bool(str(self.cleaned_data.get("website") or "").strip())

    def action_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "content": data["content"],
            "submitter_type": data["submitter_type"],
            "submitter_name": data.get("submitter_name") or "",
            "contact": (data.get("contact") or "") if data.get("share_contact") else "",
            "consent_version": CONSENT_VERSION if data.get("share_contact") else "",
            "field": data.get("field"),
            "files": data.get("attachments") or [],
        }


class RecordPetitionForm(PetitionFields):
    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[
            (Petition.Channel.MEETING, Petition.Channel.MEETING.label),
            (Petition.Channel.WRITING, Petition.Channel.WRITING.label),
        ],
    )
    contact = forms.CharField(
        label=_("Contact (only with the submitter's consent)"),
        max_length=CONTACT_LIMIT,
        required=False,
    )
    received_on = forms.DateField(
        label=_("Date received"), required=False, widget=forms.DateInput(attrs=DATE)
    )

    field_order = ["channel", "received_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["submitter_type"].label = _("Submitter")

    def action_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["files"] = data.pop("attachments") or []
        return data


class ScreenForm(forms.Form):
    field = ModelChoiceField(label=_("Field"), queryset=Field.objects.filter(is_active=True))
    issue_group = ModelChoiceField(
        label=_("Issue group"),
        queryset=IssueGroup.objects.filter(is_active=True).select_related("field"),
    )


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Code of the petition on the same matter"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "KN-2026-7KQ4-M9XD"}),
    )


class RouteForm(forms.Form):
    unit = UnitChoiceField(label=_("Responsible unit"), queryset=OrgUnit.objects.none())
    deadline = forms.DateField(
        label=_("Deadline for the answer"), widget=forms.DateInput(attrs=DATE)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (  # type: ignore[attr-defined]
            OrgUnit.objects.current().in_home_province().filter(legacy=False).order_by("path")
        )


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 6}))
    given_at = forms.ChoiceField(label=_("Given"), choices=Answer.GivenAt.choices)
    answered_on = forms.DateField(label=_("Date of the answer"), widget=forms.DateInput(attrs=DATE))
    document_number = forms.CharField(
        label=_("Document number (written answer)"), max_length=50, required=False
    )
    commit = forms.BooleanField(
        label=_("The answer commits the unit to act: follow it as a task"), required=False
    )
    commitment_title = forms.CharField(
        label=_("What the unit commits to do"), max_length=500, required=False
    )
    commitment_deadline = forms.DateField(
        label=_("Commitment deadline"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    commitment_area = ModelChoiceField(
        label=_("Content area"), queryset=ContentArea.objects.all(), required=False
    )
    commitment_output = forms.CharField(label=_("Expected output"), max_length=500, required=False)
    commitment_responsible = ModelChoiceField(
        label=_("Responsible person"), queryset=User.objects.none(), required=False
    )

    # The names create_task's refusals use, on this form's fields.
    ALIASES = {
        "deadline": "commitment_deadline",
        "title": "commitment_title",
        "area": "commitment_area",
    }

    def __init__(self, *args: Any, unit: OrgUnit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unit is not None:
            self.fields["commitment_responsible"].queryset = (  # type: ignore[attr-defined]
                User.objects.filter(is_active=True, memberships__unit=unit)
                .distinct()
                .order_by("full_name", "username")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("commit"):
            for name in ("commitment_title", "commitment_deadline", "commitment_area"):
                if not data.get(name):
                    self.add_error(name, _("Needed for a commitment."))
        return data

    def action_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        commitment = None
        if data.get("commit"):
            commitment = CommitmentSpec(
                title=data["commitment_title"],
                deadline=data["commitment_deadline"],
                area=data["commitment_area"],
                responsible=data.get("commitment_responsible"),
                expected_output=data.get("commitment_output") or "",
            )
        return {
            "text": data["text"],
            "given_at": data["given_at"],
            "answered_on": data["answered_on"],
            "document_number": data.get("document_number") or "",
            "commitment": commitment,
        }


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class PublishForm(forms.Form):
    petitions = ModelMultipleChoiceField(
        label=_("Answers to publish"), queryset=Petition.objects.none(), widget=CheckboxList
    )

    def __init__(self, *args: Any, petitions: PetitionQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["petitions"].queryset = petitions  # type: ignore[attr-defined]


class PetitionFilterForm(forms.Form):
    q = forms.CharField(label=_("Code or subject"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open")), ("all", _("All")), *Petition.Status.choices],
    )
    field = ModelChoiceField(
        label=_("Field"), queryset=Field.objects.all(), required=False, empty_label=_("All")
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def apply(self, petitions: PetitionQuerySet) -> PetitionQuerySet:
        if not self.is_valid():
            return petitions.open()
        data = self.cleaned_data
        status = data.get("status") or ""
        if status == "":
            petitions = petitions.open()
        elif status != "all":
            petitions = petitions.filter(status=status)
        if data.get("field"):
            petitions = petitions.filter(field=data["field"])
        text = (data.get("q") or "").strip()
        if text:
            petitions = petitions.filter(code__iexact=text) | petitions.filter(
                title__icontains=text
            )
        if data.get("overdue"):
            petitions = petitions.filter(
                status__in=[Petition.Status.SCREENED, Petition.Status.ROUTED],
                deadline__lt=timezone.localdate(),
            )
        return petitions


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Petition code"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "KN-2026-7KQ4-M9XD", "autocomplete": "off"}),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()

"""Forms built from a questionnaire: one field per question, for the public form and for an
interviewer typing a respondent's answers.

ResponseForm checks what a browser can get wrong (an option that is not offered, a required
question left out, a text too long); record_response checks everything again against the
questionnaire and its refusals come back on the question's field (add_record_error). The
public page adds the optional contact and the honeypot (PublicResponseForm).

Then the questionnaire editor's forms, and the staff pages' forms: a new campaign, a review
decision, the filters of the review queue, a paper-form upload.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.boundfield import BoundField
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import ModelChoiceField
from cchc.core.privacy import CONSENT_VERSION, CONSENT_WORDINGS
from cchc.orgunits.models import OrgUnit
from cchc.surveys.models import (
    MAX_SCALE_POINTS,
    TEXT_LIMIT,
    CampaignUnit,
    Element,
    Question,
    Questionnaire,
    Response,
    Section,
)

CONTACT_LIMIT = 200


def _pick(language: str, vi: str, en: str) -> str:
    return en if language.startswith("en") and en else vi


def _scale_labels(questionnaire: Questionnaire, language: str) -> list[str]:
    labels = questionnaire.scale_labels_en if language.startswith("en") else []
    return list(labels or questionnaire.scale_labels_vi or [])


@dataclass
class SectionFields:
    section: Section
    title: str
    fields: list[BoundField]


class ResponseForm(forms.Form):
    """One field per question of `questionnaire`, named by the question's code, labelled in
    `language` ("vi" or "en"): a rating as radio buttons labelled with the scale, a single
    choice as radio buttons, a multiple choice as checkboxes, a short text as a text area."""

    answer_error_messages = {"required": _("Answer this question.")}

    def __init__(self, questionnaire: Questionnaire, language: str, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.language = language
        self.sections = list(questionnaire.sections.all())
        self.questions = list(
            questionnaire.questions.select_related("section").prefetch_related("options")
        )
        for question in self.questions:
            self.fields[question.code] = self._field(question)

    def _field(self, question: Question) -> forms.Field:
        label = _pick(self.language, question.text_vi, question.text_en)
        common: dict[str, Any] = {
            "label": label,
            "required": question.required,
            "error_messages": self.answer_error_messages,
        }
        if question.type == Question.Type.RATING:
            labels = _scale_labels(self.questionnaire, self.language)
            choices = [
                (str(point), labels[point - 1] if point <= len(labels) else str(point))
                for point in range(1, self.questionnaire.scale_points + 1)
            ]
            return forms.TypedChoiceField(
                choices=choices, coerce=int, widget=forms.RadioSelect, empty_value=None, **common
            )
        if question.has_options:
            choices = [
                (option.value, _pick(self.language, option.label_vi, option.label_en))
                for option in question.options.all()
            ]
            if question.type == Question.Type.SINGLE:
                return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        return forms.CharField(
            max_length=TEXT_LIMIT,
            widget=forms.Textarea(attrs={"rows": 3}),
            **common,
        )

    def question_sections(self) -> list[SectionFields]:
        """The bound fields grouped by section, in the questionnaire's order."""
        grouped: dict[int, list[BoundField]] = {}
        for question in self.questions:
            grouped.setdefault(question.section_id, []).append(self[question.code])
        return [
            SectionFields(
                section=section,
                title=_pick(self.language, section.title_vi, section.title_en),
                fields=grouped.get(section.pk, []),
            )
            for section in self.sections
            if grouped.get(section.pk)
        ]

    def answers(self) -> dict[str, Any]:
        """The cleaned answers for record_response: {code: rating, option value(s) or text},
        unanswered questions left out."""
        values: dict[str, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.code)
            if value not in (None, "", []):
                values[question.code] = value
        return values

    def add_record_error(self, error: ValidationError) -> None:
        """Show record_response's refusal on the question it names, else above the form."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                field = name if name in self.fields and name != NON_FIELD_ERRORS else None
                self.add_error(field, messages)
        else:
            self.add_error(None, error.messages)


class PublicResponseForm(ResponseForm):
    """The public form: the questions, an optional contact the respondent chooses to give, and
    a honeypot field that people never see (robots fill it in; the response is then flagged)."""

    share_contact = forms.BooleanField(
        label=CONSENT_WORDINGS[CONSENT_VERSION],
        required=False,
    )
    contact = forms.CharField(
        label=_("Phone number or e-mail address"),
        max_length=CONTACT_LIMIT,
        required=False,
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

    def contact_to_store(self) -> str:
        """The contact, only when the respondent agreed to give it."""
        if not self.cleaned_data.get("share_contact"):
            return ""
        return str(self.cleaned_data.get("contact") or "").strip()

    def consent_version(self) -> str:
        """The consent wording's version the respondent ticked, "" when they did not."""
        return CONSENT_VERSION if self.cleaned_data.get("share_contact") else ""

    def is_robot(self) -> bool:
        return bool(str(self.cleaned_data.get("website") or "").strip())


# --- staff forms: a draft questionnaire's settings and a new question ---------------------------

SCALE_LABEL_LIMIT = 100
OPTION_VALUE_LIMIT = 20
OPTION_LABEL_LIMIT = 300


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class QuestionnaireSettingsForm(forms.Form):
    """The titles, notes and rating scale of a draft questionnaire (update_questionnaire).
    The scale's labels are typed one per line, from the lowest point to the highest."""

    title_vi = forms.CharField(label=_("Title (Vietnamese)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scale_points = forms.IntegerField(
        label=_("Points on the rating scale"), min_value=2, max_value=MAX_SCALE_POINTS
    )
    scale_labels_vi = forms.CharField(
        label=_("Scale labels (Vietnamese)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One label per line, from the lowest point to the highest."),
    )
    scale_labels_en = forms.CharField(
        label=_("Scale labels (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One label per line, from the lowest point to the highest."),
    )
    satisfied_from = forms.IntegerField(
        label=_("Satisfied from"),
        min_value=1,
        max_value=MAX_SCALE_POINTS,
        help_text=_(
            "The lowest point of the scale counted as satisfied, e.g. 4 on a 5-point scale."
        ),
    )

    @classmethod
    def initial_for(cls, questionnaire: Questionnaire) -> dict[str, Any]:
        return {
            "title_vi": questionnaire.title_vi,
            "title_en": questionnaire.title_en,
            "notes": questionnaire.notes,
            "scale_points": questionnaire.scale_points,
            "scale_labels_vi": "\n".join(questionnaire.scale_labels_vi or []),
            "scale_labels_en": "\n".join(questionnaire.scale_labels_en or []),
            "satisfied_from": questionnaire.satisfied_from,
        }

    def _labels(self, name: str) -> list[str]:
        labels = _lines(self.cleaned_data[name])
        if any(len(label) > SCALE_LABEL_LIMIT for label in labels):
            raise ValidationError(
                _("A scale label has at most %(limit)s characters.") % {"limit": SCALE_LABEL_LIMIT}
            )
        return labels

    def clean_scale_labels_vi(self) -> list[str]:
        return self._labels("scale_labels_vi")

    def clean_scale_labels_en(self) -> list[str]:
        return self._labels("scale_labels_en")

    def settings(self) -> dict[str, Any]:
        """The cleaned settings, named as update_questionnaire takes them."""
        return dict(self.cleaned_data)


class QuestionForm(forms.Form):
    """A new question at the end of a section (add_question). Options are typed one per line
    as "value | Vietnamese label | English label"; a section other than service delivery has
    no element field."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("Names the question in forms, imports and exports, e.g. C19."),
    )
    type = forms.ChoiceField(label=_("Type"), choices=Question.Type.choices)
    text_vi = forms.CharField(
        label=_("Question (Vietnamese)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    text_en = forms.CharField(
        label=_("Question (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    element = forms.ChoiceField(
        label=_("Element"),
        required=False,
        choices=[("", _("None")), *Element.choices],
        help_text=_("The service-delivery element a rating question measures."),
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "1 | Có | Yes\n2 | Không | No"}),
        help_text=_(
            "For a choice question: one option per line, “value | Vietnamese label | "
            "English label”. Leave empty for a rating or a short text."
        ),
    )

    def __init__(self, *args: Any, section: Section, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"section-{section.pk}")
        super().__init__(*args, **kwargs)
        self.section = section
        if section.kind != Section.Kind.SERVICE:
            del self.fields["element"]

    def clean_options(self) -> list[tuple[str, str, str]]:
        options = []
        errors = []
        for number, line in enumerate(self.cleaned_data["options"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) > 3:
                errors.append(
                    _("Line %(line)s: write “value | Vietnamese label | English label”.")
                    % {"line": number}
                )
                continue
            value, vi, en = [*parts, "", ""][:3]
            if len(value) > OPTION_VALUE_LIMIT:
                errors.append(
                    _("Line %(line)s: a value has at most %(limit)s characters.")
                    % {"line": number, "limit": OPTION_VALUE_LIMIT}
                )
            elif value and not vi:
                errors.append(
                    _("Line %(line)s: give the option a Vietnamese label.") % {"line": number}
                )
            elif max(len(vi), len(en)) > OPTION_LABEL_LIMIT:
                errors.append(
                    _("Line %(line)s: a label has at most %(limit)s characters.")
                    % {"line": number, "limit": OPTION_LABEL_LIMIT}
                )
            options.append((value, vi, en))
        if errors:
            raise ValidationError(errors)
        return options

    def question(self) -> dict[str, Any]:
        """The cleaned question, named as add_question takes it."""
        data = dict(self.cleaned_data)
        data.setdefault("element", "")
        return data


# --- the staff pages' forms ---------------------------------------------------------------------


class QuestionnaireChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} (v{obj.version})"


class MarginField(forms.DecimalField):
    """A decimal typed either way: 0.05 or the Vietnamese 0,05."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


UNIT_LINE = re.compile(r"^\s*([^,;\t]+?)\s*[,;\t]\s*([0-9][0-9.\s]*)\s*$")


class CampaignForm(forms.Form):
    questionnaire = QuestionnaireChoiceField(
        label=_("Questionnaire"),
        queryset=Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED),
        help_text=_("Only published questionnaires can be used."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    period_start = forms.DateField(
        label=_("Period start"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = forms.DateField(
        label=_("Period end"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    margin = MarginField(
        label=_("Margin of error"),
        initial=Decimal("0.05"),
        max_digits=4,
        decimal_places=3,
        min_value=Decimal("0.001"),
        max_value=Decimal("0.999"),
        help_text=_("e in n = N / (1 + N·e²), e.g. 0.05."),
    )
    units = forms.CharField(
        label=_("Units and their transactions"),
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "00004, 1200\n00070, 850"}),
        help_text=_(
            "One unit per line: the unit code, a comma, and N, the number of transactions "
            "in the period."
        ),
    )

    def clean_units(self) -> list[tuple[OrgUnit, int]]:
        lines = [
            (number, line)
            for number, line in enumerate(self.cleaned_data["units"].splitlines(), start=1)
            if line.strip()
        ]
        parsed: list[tuple[int, str, int]] = []
        errors = []
        for number, line in lines:
            match = UNIT_LINE.match(line)
            if match is None:
                errors.append(
                    gettext("Line %(line)s: write “unit code, number of transactions”.")
                    % {"line": number}
                )
                continue
            population = int(re.sub(r"[.\s]", "", match.group(2)))
            parsed.append((number, match.group(1), population))
        codes = {code for _n, code, _p in parsed}
        units = {
            unit.code: unit
            for unit in OrgUnit.objects.current()
            .in_home_province()
            .filter(code__in=codes, legacy=False)
        }
        result = []
        for number, code, population in parsed:
            unit = units.get(code)
            if unit is None:
                errors.append(
                    gettext("Line %(line)s: no current unit has the code %(code)s.")
                    % {"line": number, "code": code}
                )
                continue
            result.append((unit, population))
        if errors:
            raise ValidationError(errors)
        return result


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Response.Status.ACCEPTED, _("Accept")),
            (Response.Status.REJECTED, _("Reject")),
            (Response.Status.FLAGGED, _("Flag for a second look")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        help_text=_("Required to reject a response."),
    )


class QueueFilterForm(forms.Form):
    unit = ModelChoiceField(label=_("Unit"), queryset=CampaignUnit.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        initial="pending",
        choices=[
            ("pending", _("Waiting for review")),
            ("", _("All")),
            *Response.Status.choices,
        ],
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = units
        field.label_from_instance = lambda obj: obj.unit.name  # type: ignore[method-assign]
        field.empty_label = gettext("All units")

    def apply(self, responses: Any) -> Any:
        status = "pending"
        if self.is_bound and self.is_valid():
            # a link naming only the unit shows what waits for review, as the unbound form does
            status = self.cleaned_data["status"] if "status" in self.data else "pending"
            if self.cleaned_data["unit"] is not None:
                responses = responses.filter(campaign_unit=self.cleaned_data["unit"])
        if status == "pending":
            return responses.pending()
        if status:
            return responses.filter(status=status)
        return responses


class PaperImportForm(forms.Form):
    file = forms.FileField(
        label=_("Paper forms (.xlsx)"),
        help_text=_("Fill in the template; the whole file is refused if any row is wrong."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

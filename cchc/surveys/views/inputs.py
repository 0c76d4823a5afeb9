"""The staff pages' forms: a new campaign, a review decision, the filters of the review queue,
a paper-form upload. (The respondents' form is cchc/surveys/forms.py.)"""

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cchc.orgunits.models import OrgUnit
from cchc.surveys.models import CampaignUnit, Questionnaire, Response


def add_action_error(form: forms.Form, error: ValidationError) -> None:
    """Show an action's refusal on the field it names when the form has it, else above."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class QuestionnaireChoiceField(forms.ModelChoiceField):
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
            for unit in OrgUnit.objects.current().filter(code__in=codes, legacy=False)
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
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=CampaignUnit.objects.none(), required=False
    )
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

"""Input of the periodic report pages."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import ModelChoiceField, UnitChoiceField
from cchc.orgunits.models import OrgUnit
from cchc.reports.models import PeriodicReport, ReportPeriod, ReportSection

TEXT_FIELDS = ("results", "limitations", "causes")


class StartForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)
    period = ModelChoiceField(label=_("Period"), queryset=ReportPeriod.objects.all())

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    """The document fields and one text area per section part, named `<section id>-<part>`."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.CharField(label=_("Number and symbol"), max_length=50, required=False)
    signer_position = forms.CharField(label=_("Signer's position"), max_length=150, required=False)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=150, required=False)
    recipients = forms.CharField(
        label=_("Recipients (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, report: PeriodicReport, sections: list[ReportSection], **kwargs: Any
    ) -> None:
        texts = {t.section_id: t for t in report.texts.all()}
        initial = {
            "version": report.version,
            "number": report.number,
            "signer_position": report.signer_position,
            "signer_name": report.signer_name,
            "recipients": report.recipients,
        }
        for section in sections:
            for part in self.parts(section):
                text = texts.get(section.pk)
                initial[f"{section.pk}-{part}"] = getattr(text, part) if text else ""
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.sections = sections
        labels = {
            "results": _("Results"),
            "limitations": _("Limitations"),
            "causes": _("Causes"),
        }
        for section in sections:
            for part in self.parts(section):
                self.fields[f"{section.pk}-{part}"] = forms.CharField(
                    label=labels[part] if section.narrative else _("Content"),
                    required=False,
                    max_length=20000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                )

    @staticmethod
    def parts(section: ReportSection) -> tuple[str, ...]:
        return TEXT_FIELDS if section.narrative else ("results",)

    def header(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in ("number", "signer_position", "signer_name", "recipients")
        }

    def texts(self) -> dict[int, dict[str, str]]:
        return {
            section.pk: {
                part: self.cleaned_data[f"{section.pk}-{part}"] for part in self.parts(section)
            }
            for section in self.sections
        }

    def section_fields(self) -> list[tuple[ReportSection, list[forms.BoundField]]]:
        return [
            (section, [self[f"{section.pk}-{part}"] for part in self.parts(section)])
            for section in self.sections
        ]


class ValueForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    indicator = forms.CharField(max_length=20, widget=forms.HiddenInput)
    value = forms.DecimalField(
        label=_("Value"), required=False, max_digits=18, decimal_places=2, min_value=0
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

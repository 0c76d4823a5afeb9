"""HTTP input of the composite index pages; the actions check the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.composite import pipeline as pipelines
from cchc.composites.actions import MAX_REPLICATIONS


class ImportForm(forms.Form):
    name = forms.CharField(label=_("Name of the index"), max_length=200)
    meta_file = forms.FileField(
        label=_("Indicator metadata (iMeta)"), help_text=_("CSV (UTF-8) or XLSX")
    )
    data_file = forms.FileField(
        label=_("Indicator data (iData)"), help_text=_("CSV (UTF-8) or XLSX")
    )


class PipelineForm(forms.Form):
    text = forms.CharField(
        label=_("Pipeline (JSON)"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "form-control font-monospace small"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def for_index(cls, pipeline: dict[str, Any], version: int) -> "PipelineForm":
        return cls(initial={"text": pipelines.dumps(pipeline), "version": version})


class RunForm(forms.Form):
    replications = forms.IntegerField(
        label=_("Replications for rank intervals"),
        min_value=0,
        max_value=MAX_REPLICATIONS,
        initial=200,
        help_text=_("0: no uncertainty analysis."),
    )
    seed = forms.IntegerField(label=_("Random seed"), min_value=0, max_value=2**31, initial=1)
    weight_noise = forms.IntegerField(
        label=_("Weight noise (± %)"), min_value=1, max_value=90, initial=25
    )

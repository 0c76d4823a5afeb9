"""HTTP input of the composite index pages; the actions check the rules."""

import json
from typing import Any, cast

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


# The alternatives the run form offers for each step whose choice is doubted (COINr's
# sensitivity analysis: each is tried beside the pipeline's own setting). The keys of each
# option override those of the pipeline's step (cchc.composite.uncertainty).
Options = dict[str, tuple[Any, dict[str, Any]]]

NORMALISATIONS: Options = {
    "minmax": (_("Min–max 0–100"), {"method": "minmax", "lower": 0, "upper": 100}),
    "zscore": (_("z-score (mean 0, sd 1)"), {"method": "zscore", "mean": 0, "sd": 1}),
    "rank": (_("Ranks"), {"method": "rank"}),
}
AGGREGATIONS: Options = {
    "arithmetic": (_("Arithmetic mean"), {"method": "arithmetic"}),
    "geometric": (_("Geometric mean (values must be positive)"), {"method": "geometric"}),
    "harmonic": (_("Harmonic mean (values must be non-zero)"), {"method": "harmonic"}),
}
IMPUTATIONS: Options = {
    "none": (_("No imputation"), {"method": "none"}),
    "mean": (_("Indicator mean"), {"method": "mean"}),
    "median": (_("Indicator median"), {"method": "median"}),
}
TREATMENTS: Options = {
    "none": (_("No outlier treatment"), {"winmax": 0, "log": False}),
    "strict": (
        _("Stricter: |skewness| > 1.5 and kurtosis > 3"),
        {"skew_threshold": 1.5, "kurt_threshold": 3.0},
    ),
    "loose": (
        _("Looser: |skewness| > 2.5 and kurtosis > 4.5"),
        {"skew_threshold": 2.5, "kurt_threshold": 4.5},
    ),
}
# (field, step, name of the assumption, options)
ALTERNATIVES: list[tuple[str, str, str, Options]] = [
    ("normalisations", "normalise", "normalisation", NORMALISATIONS),
    ("aggregations", "aggregate", "aggregation", AGGREGATIONS),
    ("imputations", "impute", "imputation", IMPUTATIONS),
    ("treatments", "treat", "treatment", TREATMENTS),
]


def _alternatives(label: Any, options: Options) -> forms.MultipleChoiceField:
    """Check boxes of the alternatives of one step, none ticked by default."""
    return forms.MultipleChoiceField(
        label=label,
        choices=[(key, text) for key, (text, _option) in options.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class RunForm(forms.Form):
    """A run and the assumptions of its uncertainty analysis: noisy weights at the levels
    chosen, and the alternatives tried beside the pipeline's own normalisation, aggregation,
    imputation and outlier treatment."""

    replications = forms.IntegerField(
        label=_("Replications for rank intervals"),
        min_value=0,
        max_value=MAX_REPLICATIONS,
        initial=200,
        help_text=_("0: no uncertainty analysis."),
    )
    seed = forms.IntegerField(label=_("Random seed"), min_value=0, max_value=2**31, initial=1)
    weight_noise = forms.IntegerField(
        label=_("Weight noise (± %)"),
        min_value=0,
        max_value=90,
        initial=25,
        help_text=_("0: the weights are not varied."),
    )
    noise_levels = forms.TypedMultipleChoiceField(
        label=_("Levels whose weights are varied"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    normalisations = _alternatives(_("Also try the normalisation"), NORMALISATIONS)
    aggregations = _alternatives(_("Also try the aggregation"), AGGREGATIONS)
    imputations = _alternatives(_("Also try the imputation"), IMPUTATIONS)
    treatments = _alternatives(_("Also try the outlier treatment"), TREATMENTS)

    def __init__(self, *args: Any, max_level: int = 2, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedMultipleChoiceField, self.fields["noise_levels"])
        field.choices = [
            (
                level,
                _("Level %(n)s (indicators)") % {"n": level}
                if level == 1
                else _("Level %(n)s") % {"n": level},
            )
            for level in range(1, max(max_level, 2))
        ]
        field.initial = list(range(2, max_level)) or [1]

    def assumptions(self, pipeline: dict[str, Any]) -> list[dict[str, Any]]:
        """The assumptions chosen, in the engine's terms (cchc.composite.uncertainty); call
        after is_valid(). Each alternative list starts with the pipeline's own setting."""
        data = self.cleaned_data
        chosen: list[dict[str, Any]] = []
        if data["weight_noise"] and data["noise_levels"]:
            factor = data["weight_noise"] / 100
            levels = {str(level): factor for level in data["noise_levels"]}
            chosen.append({"name": "weights", "type": "noisy_weights", "levels": levels})
        for field, step, name, options in ALTERNATIVES:
            picked = [options[key][1] for key in data[field]]
            if picked:
                own = pipelines.step_of(pipeline, step)
                nominal: dict[str, Any] = {} if own or step != "treat" else TREATMENTS["none"][1]
                chosen.append(
                    {"name": name, "type": "alternatives", "step": step,
                     "options": [nominal, *picked]}
                )  # fmt: skip
        return chosen


def describe(assumptions: list[dict[str, Any]]) -> list[str]:
    """One line per assumption of a run, in the words of the run form."""
    lines = []
    names = {step: (field, options) for field, step, _name, options in ALTERNATIVES}
    for assumption in assumptions:
        if assumption["type"] == "noisy_weights":
            for level, factor in sorted(assumption["levels"].items()):
                lines.append(
                    _("Weights of level %(level)s varied by up to ±%(noise)s%%")
                    % {"level": level, "noise": round(factor * 100)}
                )
            continue
        field, options = names.get(assumption["step"], ("", {}))
        labels = [
            str(
                next((label for label, opt in options.values() if opt == option), None)
                or (_("the pipeline's own") if i == 0 else json.dumps(option, ensure_ascii=False))
            )
            for i, option in enumerate(assumption["options"])
        ]
        label = RunForm.base_fields[field].label if field else assumption["step"]
        lines.append(f"{label}: {', '.join(labels)}")
    return lines

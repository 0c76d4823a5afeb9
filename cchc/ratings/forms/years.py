"""The city's exception to the cap on excellent civil servants (Decree 335 point 5(b))."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import ModelChoiceField, UnitChoiceField
from cchc.orgunits.models import OrgUnit
from cchc.ratings.models import RatingPolicy


class CapExceptionForm(forms.Form):
    unit = forms.CharField(label=_("Unit code"), max_length=40)
    group = forms.CharField(
        label=_("Group of similar tasks"),
        max_length=100,
        required=False,
        help_text=_("Blank: every group of the unit."),
    )
    excellent_pct = forms.DecimalField(
        label=_("Excellent at most (%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        required=False,
        help_text=_("Blank: no cap for this unit and group this year."),
    )
    reason = forms.CharField(label=_("Reason (outstanding achievements)"), widget=forms.Textarea)

    def clean_unit(self) -> OrgUnit:
        code = self.cleaned_data["unit"].strip()
        unit = OrgUnit.objects.filter(code=code, legacy=False).first()
        if unit is None:
            raise forms.ValidationError(_("No unit has this code."))
        return unit

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["group"] = (data.get("group") or "").strip()
        return data


class UnitPickForm(forms.Form):
    """The unit whose staff groups or agency points are shown (GET), among `units`."""

    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.none(),
        to_field_name="code",
        empty_label=_("— choose a unit —"),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class StaffGroupsForm(forms.Form):
    """The group of similar tasks of each person of one unit (Decree 335 point 5(a)); blank:
    the unit's single group. One field per person, `p<pk>`."""

    def __init__(self, *args: Any, people: list[Any], groups: dict[int, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.people = people
        for person in people:
            self.fields[f"p{person.pk}"] = forms.CharField(
                label=person.full_name or person.username,
                max_length=100,
                required=False,
                initial=groups.get(person.pk, ""),
            )

    def rows(self) -> list[tuple[Any, Any]]:
        return [(person, self[f"p{person.pk}"]) for person in self.people]

    def groups(self) -> dict[int, str]:
        return {p.pk: (self.cleaned_data[f"p{p.pk}"] or "").strip() for p in self.people}


class AgencyPointsForm(forms.Form):
    """An agency's yearly points on each agency criterion of the policy, `c<pk>`."""

    def __init__(
        self, *args: Any, criteria: list[Any], points: dict[int, Decimal], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=str(criterion),
                min_value=Decimal(0),
                max_value=criterion.max_points,
                max_digits=5,
                decimal_places=2,
                initial=points.get(criterion.pk),
                help_text=_("At most %(max)s points.") % {"max": criterion.max_points},
            )
        self.criteria = criteria

    def points(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class RoundPolicyForm(forms.Form):
    """The policy a month's round is rated under: its scope's default or a preset."""

    policy = ModelChoiceField(
        label=_("Policy"), queryset=RatingPolicy.objects.none(), empty_label=None
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, policies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = policies  # type: ignore[attr-defined]

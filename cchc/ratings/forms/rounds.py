"""HTTP input of the rounds pages: the filters of the round and period tables, and the
assessment, response and reopening forms. Shapes only: the actions check the rules."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from cchc.core.forms import UnitChoiceField
from cchc.orgunits.models import OrgUnit
from cchc.ratings.models import Band, GeneralCriterion, PeerGroup, Rating

STEP = Decimal("0.25")
CRITERION_PREFIX = "criterion_"


def _cleaned(form: forms.Form) -> dict[str, Any]:
    """The valid filter values, or none at all when the query string is unusable."""
    return form.cleaned_data if form.is_bound and form.is_valid() else {}


class PeriodFilterForm(forms.Form):
    """Whom to list (units, heads or persons; units by default) and which peer group."""

    kind = forms.ChoiceField(label=_("Rated"), choices=Rating.Kind.choices, required=False)
    peer_group = forms.ChoiceField(
        label=_("Peer group"),
        choices=[("", _("All groups")), *PeerGroup.choices],
        required=False,
    )

    @property
    def kind_value(self) -> str:
        return _cleaned(self).get("kind") or Rating.Kind.UNIT

    def apply(self, ratings: QuerySet[Rating]) -> QuerySet[Rating]:
        ratings = ratings.filter(kind=self.kind_value)
        if peer := _cleaned(self).get("peer_group"):
            ratings = ratings.filter(peer_group=peer)
        return ratings


class RoundFilterForm(PeriodFilterForm):
    """The period filters plus band, status and unit."""

    band = forms.ChoiceField(
        label=_("Rating"), choices=[("", _("All ratings")), *Band.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *Rating.Status.choices],
        required=False,
    )
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("All units"),
    )

    def __init__(self, *args: Any, units: QuerySet[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def apply(self, ratings: QuerySet[Rating]) -> QuerySet[Rating]:
        ratings = super().apply(ratings)
        data = _cleaned(self)
        for name in ("band", "status", "unit"):
            if data.get(name):
                ratings = ratings.filter(**{name: data[name]})
        return ratings


class AssessForm(forms.Form):
    """One points field per general sub-criterion of the round's policy, a comment, and the
    version of the rating the assessor saw (optimistic locking)."""

    comment = forms.CharField(
        label=_("Assessor's comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, criteria: list[GeneralCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        comment = self.fields.pop("comment")
        for criterion in criteria:
            self.fields[f"{CRITERION_PREFIX}{criterion.pk}"] = forms.DecimalField(
                label=str(criterion),
                min_value=Decimal(0),
                max_value=criterion.max_points,
                max_digits=5,
                decimal_places=2,
                step_size=STEP,
                # Typed the Vietnamese way (4,5) on a decimal keypad on phones.
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                help_text=_("From 0 to %(max)s points.")
                % {"max": floatformat(criterion.max_points, "-2")},
            )
        self.fields["comment"] = comment

    @classmethod
    def for_rating(cls, rating: Rating, criteria: list[GeneralCriterion]) -> "AssessForm":
        """The unbound form, filled with the points already given."""
        initial: dict[str, Any] = {"version": rating.version, "comment": rating.assessor_comment}
        for score in rating.general_scores.all():
            initial[f"{CRITERION_PREFIX}{score.criterion_id}"] = score.points
        return cls(criteria=criteria, initial=initial)

    def points(self) -> dict[int, Decimal]:
        """criterion id → points, for actions.assess_rating."""
        return {
            int(name.removeprefix(CRITERION_PREFIX)): value
            for name, value in self.cleaned_data.items()
            if name.startswith(CRITERION_PREFIX)
        }


class RespondForm(forms.Form):
    text = forms.CharField(
        label=_("Your response"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

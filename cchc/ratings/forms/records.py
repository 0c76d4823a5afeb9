"""HTTP input of the responsibility, discipline and policy pages. Forms check shapes; the
actions check the rules, and the views put an action's refusal back on the form."""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cchc.accounts.models import User
from cchc.core.forms import DATE_PLACEHOLDER, UnitChoiceField
from cchc.orgunits.models import OrgUnit
from cchc.ratings.models import (
    Discipline,
    GeneralCriterion,
    RatingPolicy,
    Responsibility,
    Scope,
)

UNDECIDED = "none"  # Handling.UNDECIDED is "", which a filter reads as "any handling"


# --- responsibilities --------------------------------------------------------------------------


class ResponsibilityFilterForm(forms.Form):
    STATUS_CHOICES = [("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))]

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    unit = UnitChoiceField(
        label=_("Unit"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All")
    )
    role = forms.ChoiceField(
        label=_("Answers as"),
        choices=[("", _("All")), *Responsibility.Role.choices],
        required=False,
    )
    handling = forms.ChoiceField(label=_("Handling"), required=False)
    month = forms.TypedChoiceField(
        label=_("Last found overdue"),
        required=False,
        coerce=datetime.date.fromisoformat,
        empty_value=None,
    )

    def __init__(self, *args: Any, records: QuerySet[Responsibility], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(pk__in=records.values("unit_id")).order_by("path")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        handlings = [
            (UNDECIDED if value == "" else value, label)
            for value, label in Responsibility.Handling.choices
        ]
        self.fields["handling"].choices = [("", _("All")), *handlings]  # type: ignore[attr-defined]
        months = records.order_by().dates("last_month", "month", order="DESC")
        self.fields["month"].choices = [  # type: ignore[attr-defined]
            ("", _("All months")),
            *[(month.isoformat(), f"{month:%m/%Y}") for month in months],
        ]

    def apply(self, records: QuerySet[Responsibility]) -> QuerySet[Responsibility]:
        """`records` narrowed to the chosen filters; open ones only unless told otherwise."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        status = data.get("status") or "open"
        if status == "open":
            records = records.filter(closed_at__isnull=True)
        elif status == "closed":
            records = records.filter(closed_at__isnull=False)
        if data.get("unit"):
            records = records.filter(unit=data["unit"])
        if data.get("role"):
            records = records.filter(role=data["role"])
        if data.get("handling"):
            handling = data["handling"]
            records = records.filter(handling="" if handling == UNDECIDED else handling)
        if data.get("month"):
            records = records.filter(last_month=data["month"])
        return records


class ExplainForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the delay"), widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class HandlingForm(forms.Form):
    handling = forms.ChoiceField(
        label=_("Handling"),
        choices=[c for c in Responsibility.Handling.choices if c[0] != ""],
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class FollowUpForm(forms.Form):
    text = forms.CharField(
        label=_("What was done, what comes next"), widget=forms.Textarea(attrs={"rows": 3})
    )
    close = forms.BooleanField(label=_("Close the record: the delay is settled"), required=False)


# --- discipline --------------------------------------------------------------------------------


class DisciplineForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    person = forms.CharField(
        label=_("Person (username)"),
        max_length=150,
        required=False,
        help_text=_("Leave empty for a decision against the unit as a collective."),
    )
    number = forms.CharField(label=_("Decision number"), max_length=50)
    decided_on = forms.DateField(
        label=_("Decision date"), widget=forms.DateInput(attrs=DATE_PLACEHOLDER)
    )
    ground = forms.ChoiceField(
        label=_("Ground"), choices=Discipline.Ground.choices, initial=Discipline.Ground.DISCIPLINE
    )
    form = forms.ChoiceField(
        label=_("Form of discipline"),
        choices=[("", "—"), *Discipline.Form.choices],
        required=False,
        help_text=_("For a disciplinary decision only."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.current().in_home_province().order_by("path")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean_person(self) -> User | None:
        username = self.cleaned_data["person"].strip()
        if not username:
            return None
        person = User.objects.filter(username=username, is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("No active user has this username."))
        return person


# --- policies ----------------------------------------------------------------------------------

# RatingPolicy fields entered as they are stored; the two deductions are entered in per cent.
RULE_FIELDS = [
    "general_max",
    "task_max",
    "weight_quantity",
    "weight_quality",
    "weight_progress",
    "extension_is_delay",
    "excellent_min",
    "good_min",
    "complete_min",
    "excellent_cap_pct",
    "response_days",
]
POINT_FIELDS = [
    "general_max",
    "task_max",
    "excellent_min",
    "good_min",
    "complete_min",
    "excellent_cap_pct",
]
DEDUCTIONS = {"review_deduction": "review_deduction_pct", "delay_deduction": "delay_deduction_pct"}
Criterion = tuple[str, str, Decimal]
CODE_MAX = GeneralCriterion._meta.get_field("code").max_length or 10
TITLE_MAX = GeneralCriterion._meta.get_field("title").max_length or 300


def _percent_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=1,
        help_text=_("Per cent of the task's share, e.g. 25."),
    )


class PolicyForm(forms.Form):
    valid_from = forms.DateField(
        label=_("In force from"),
        widget=forms.DateInput(attrs=DATE_PLACEHOLDER),
        help_text=_("Months from this day on are rated under the new version."),
    )
    name = forms.CharField(label=_("Name"), max_length=300)
    scope = forms.TypedChoiceField(
        label=_("Rates"),
        choices=Scope.choices,
        required=False,
        empty_value=Scope.CIVIL_SERVICE,
        initial=Scope.CIVIL_SERVICE,
        help_text=_(
            "Public service units and their public employees are rated only under a policy of "
            "their own scope (the Law on Public Employees), never under Decree 335."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    review_deduction_pct = _percent_field(_("Deduction per failed review (%)"))
    delay_deduction_pct = _percent_field(_("Deduction per delay (%)"))
    criteria = forms.CharField(
        label=_("General sub-criteria"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One sub-criterion a line: code | title | maximum points. "
            "The maxima must add up to the general criteria points."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(RatingPolicy, fields=RULE_FIELDS))
        for name in RULE_FIELDS:
            field = self.fields[name]
            if isinstance(field, forms.DecimalField):
                field.validators.append(MinValueValidator(Decimal(0)))
                field.widget.attrs["min"] = "0"
            if name in POINT_FIELDS:
                field.validators.append(MaxValueValidator(Decimal(100)))
                field.widget.attrs["max"] = "100"
        weights, rest = RULE_FIELDS[:5], RULE_FIELDS[5:]
        self.order_fields(
            ["valid_from", "name", "scope", "notes", *weights, *DEDUCTIONS.values(), *rest]
        )

    def clean_criteria(self) -> list[Criterion]:
        criteria, errors = parse_criteria(self.cleaned_data["criteria"])
        if errors:
            raise forms.ValidationError(errors)
        return criteria

    def rules(self) -> dict[str, Any]:
        """The RatingPolicy fields for publish_policy: the rule fields, the deductions as
        fractions, and the notes."""
        data = self.cleaned_data
        rules = {name: data[name] for name in RULE_FIELDS}
        for field, pct in DEDUCTIONS.items():
            rules[field] = data[pct] / 100
        return rules | {"notes": data["notes"], "scope": data["scope"]}


def parse_criteria(text: str) -> tuple[list[Criterion], list[str]]:
    """The sub-criteria typed one a line as "code | title | maximum points" (blank lines
    skipped; a title may itself hold "|"), and the errors, each naming its line."""
    criteria: list[Criterion] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            criteria.append(_criterion(line))
        except ValueError as error:
            errors.append(str(_("Line %(number)s: %(error)s") % {"number": number, "error": error}))
    if not criteria and not errors:
        errors.append(str(_("List at least one sub-criterion.")))
    return criteria, errors


def _criterion(line: str) -> Criterion:
    if line.count("|") < 2:
        raise ValueError(_("write code | title | maximum points."))
    code, rest = line.split("|", 1)
    title, points = rest.rsplit("|", 1)
    code, title, points = code.strip(), title.strip(), points.strip()
    if not code or len(code) > CODE_MAX:
        raise ValueError(_("the code must have 1 to %(max)s characters.") % {"max": CODE_MAX})
    if not title or len(title) > TITLE_MAX:
        raise ValueError(_("the title must have 1 to %(max)s characters.") % {"max": TITLE_MAX})
    try:
        value = Decimal(points.replace(",", "."))
    except InvalidOperation:
        raise ValueError(
            _("“%(points)s” is not a number of points.") % {"points": points}
        ) from None
    if not value.is_finite() or value <= 0 or value > 100 or value != round(value, 2):
        raise ValueError(_("the maximum must be above 0 and at most 100, with two decimals."))
    return code, title, value


def policy_initial(latest: RatingPolicy | None) -> dict[str, Any]:
    """The form pre-filled from the latest version, in force from the next month (or the day
    after the latest version, if that is later)."""
    today = timezone.localdate()
    next_month = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    if latest is None:
        return {"valid_from": next_month}
    criteria = latest.criteria.all()
    return {
        "scope": latest.scope,
        "valid_from": max(next_month, latest.valid_from + datetime.timedelta(days=1)),
        "name": latest.name,
        "notes": latest.notes,
        **{name: getattr(latest, name) for name in RULE_FIELDS},
        **{pct: _plain(getattr(latest, name) * 100) for name, pct in DEDUCTIONS.items()},
        "criteria": "\n".join(f"{c.code} | {c.title} | {_plain(c.max_points)}" for c in criteria),
    }


def _plain(value: Decimal) -> str:
    """5.00 → "5", 2.50 → "2.5": as one would type it."""
    return f"{value.normalize():f}"

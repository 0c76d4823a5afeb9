"""Every change to headcount: record one unit's figures for a year (with an optimistic lock)
and change the policy. The XLSX import is in cchc.staffing.imports."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.orgunits.models import OrgUnit
from cchc.staffing.models import (
    FIGURES,
    MIN_YEAR,
    Headcount,
    StaffingPolicy,
    can_record_headcount,
)

if TYPE_CHECKING:
    from cchc.accounts.models import User


@dataclass(frozen=True)
class HeadcountInput:
    """One unit's figures for a year. Actual staff may be unknown (None)."""

    civil_assigned: int
    public_assigned: int
    civil_actual: int | None = None
    public_actual: int | None = None


def figure_labels() -> dict[str, str]:
    return {
        "civil_assigned": _("Civil-servant posts assigned"),
        "civil_actual": _("Civil servants in post"),
        "public_assigned": _("Public-employee posts assigned"),
        "public_actual": _("Public employees in post"),
    }


def max_year(today: datetime.date | None = None) -> int:
    """Posts are assigned ahead: figures up to next year are accepted."""
    return (today or timezone.localdate()).year + 1


def check_year(year: int) -> None:
    """Refuse a year before MIN_YEAR or after next year."""
    if not MIN_YEAR <= year <= max_year():
        raise ValidationError(
            {
                "year": _("The year must be between %(first)s and %(last)s.")
                % {"first": MIN_YEAR, "last": max_year()}
            }
        )


def check_figures(figures: HeadcountInput) -> None:
    """Refuse a negative figure, naming each one."""
    labels = figure_labels()
    errors = {
        name: _("%(figure)s cannot be negative.") % {"figure": labels[name]}
        for name in FIGURES
        if (value := getattr(figures, name)) is not None and value < 0
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_headcount(
    unit: OrgUnit, *, actor: "User", year: int, figures: HeadcountInput, version: int
) -> Headcount:
    """Create or replace `unit`'s figures for `year`. Writes "staffing.record" with the
    changes. `version` is the version of the record the user edited (0: there was none).

    Refuses an actor who may not record the unit's figures, a year out of range, a negative
    figure, and a concurrent edit: a record that appeared or changed since the form was shown
    (the user reloads and decides again), so nobody overwrites another's figures unseen.
    """
    if not can_record_headcount(actor, unit):
        raise ValidationError(_("You may not record the headcount of %(unit)s.") % {"unit": unit})
    check_year(year)
    check_figures(figures)
    current = Headcount.objects.select_for_update().filter(unit=unit, year=year).first()
    found = current.version if current else 0
    if found != version:
        raise ValidationError(
            _(
                "Someone else has changed the figures of %(unit)s for %(year)s meanwhile. "
                "Reload the page to see them, then enter yours again."
            )
            % {"unit": unit, "year": year}
        )
    if current is None:
        return _create(unit, actor=actor, year=year, figures=figures)
    before = audit.snapshot(current, list(FIGURES))
    for name in FIGURES:
        setattr(current, name, getattr(figures, name))
    current.version += 1
    current.updated_by = actor
    current.save()
    changes = audit.diff(before, audit.snapshot(current, list(FIGURES)))
    audit.record(
        actor, "staffing.record", current, unit=unit, changes=changes, details={"year": year}
    )
    return current


def _create(unit: OrgUnit, *, actor: "User", year: int, figures: HeadcountInput) -> Headcount:
    try:
        with transaction.atomic():
            record = Headcount.objects.create(
                unit=unit,
                year=year,
                updated_by=actor,
                **{name: getattr(figures, name) for name in FIGURES},
            )
    except IntegrityError:
        # Another request created it between our read and our insert.
        raise ValidationError(
            _(
                "Someone else has changed the figures of %(unit)s for %(year)s meanwhile. "
                "Reload the page to see them, then enter yours again."
            )
            % {"unit": unit, "year": year}
        ) from None
    changes = {name: [None, value] for name, value in audit.snapshot(record, list(FIGURES)).items()}
    audit.record(
        actor, "staffing.record", record, unit=unit, changes=changes, details={"year": year}
    )
    return record


@transaction.atomic
def update_policy(
    policy: StaffingPolicy,
    *,
    actor: "User",
    baseline_year: int,
    target_percent: Decimal,
    version: int,
) -> StaffingPolicy:
    """Change the baseline year and the reduction target. Writes "staffing.update_policy" with
    the changes.

    Refuses an actor who is not a city administrator, a baseline year before MIN_YEAR or in
    the future, a target not above 0% or above 100% or with more than two decimals, and a
    policy changed by someone else since the form was shown.
    """
    if not actor.is_city_admin:
        raise ValidationError(_("Only city administrators change the staffing policy."))
    today = timezone.localdate()
    if not MIN_YEAR <= baseline_year <= today.year:
        raise ValidationError(
            {
                "baseline_year": _("The baseline year must be between %(first)s and %(last)s.")
                % {"first": MIN_YEAR, "last": today.year}
            }
        )
    if not Decimal(0) < target_percent <= Decimal(100) or target_percent != target_percent.quantize(
        Decimal("0.01")
    ):
        raise ValidationError(
            {"target_percent": _("The target must be above 0% and at most 100%, two decimals.")}
        )
    locked = StaffingPolicy.objects.select_for_update().get(pk=policy.pk)
    if locked.version != version:
        raise ValidationError(
            _("Someone else has changed the policy meanwhile. Reload the page and try again.")
        )
    fields = ["baseline_year", "target_percent"]
    before = audit.snapshot(locked, fields)
    locked.baseline_year = baseline_year
    locked.target_percent = target_percent
    locked.version += 1
    locked.save()
    changes = audit.diff(before, audit.snapshot(locked, fields))
    audit.record(actor, "staffing.update_policy", locked, changes=changes)
    return locked

"""Every change to headcount: record one unit's figures for a year (with an optimistic lock),
change the policy, and set the shares of an ended unit's figures among its successors. The
XLSX imports are in cchc.staffing.imports."""

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
    SuccessorShare,
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
    public_budget_assigned: int | None = None


def figure_labels() -> dict[str, str]:
    return {
        "civil_assigned": _("Civil-servant posts assigned"),
        "civil_actual": _("Civil servants in post"),
        "public_assigned": _("Public-employee posts assigned"),
        "public_budget_assigned": _("Of which paid from the state budget"),
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


def check_lifetime(unit: OrgUnit, year: int, *, merged: bool | None = None) -> str | None:
    """The message refusing figures of `unit` for a year outside its lifetime, else None: a
    unit has none after the year it ended (a ward ended in 2025 has none for 2026: they would
    be carried to its successors), and a unit formed from predecessors (`merged`; read when
    None) none before the year it began — those years are its predecessors'. A unit without
    predecessors keeps its earlier history (the departments re-registered on 01/07/2025)."""
    if unit.valid_to is not None and year > unit.valid_to.year:
        return _("%(unit)s ended on %(day)s: it has no figures for %(year)s.") % {
            "unit": unit,
            "day": unit.valid_to.strftime("%d/%m/%Y"),
            "year": year,
        }
    if unit.valid_from is None or year >= unit.valid_from.year:
        return None
    if merged is None:
        merged = unit.predecessors.exists()
    if merged:
        return _("%(unit)s exists from %(day)s: it has no figures for %(year)s.") % {
            "unit": unit,
            "day": unit.valid_from.strftime("%d/%m/%Y"),
            "year": year,
        }
    return None


def check_figures(figures: HeadcountInput) -> None:
    """Refuse a negative figure, naming each one, and more budget-paid public-employee posts
    than public-employee posts."""
    labels = figure_labels()
    errors = {
        name: _("%(figure)s cannot be negative.") % {"figure": labels[name]}
        for name in FIGURES
        if (value := getattr(figures, name)) is not None and value < 0
    }
    budget = figures.public_budget_assigned
    if not errors and budget is not None and budget > figures.public_assigned:
        errors["public_budget_assigned"] = budget_error()
    if errors:
        raise ValidationError(errors)


def budget_error() -> str:
    return _("The posts paid from the state budget cannot exceed the public-employee posts.")


@transaction.atomic
def record_headcount(
    unit: OrgUnit, *, actor: "User", year: int, figures: HeadcountInput, version: int
) -> Headcount:
    """Create or replace `unit`'s figures for `year`. Writes "staffing.record" with the
    changes. `version` is the version of the record the user edited (0: there was none).

    Refuses an actor who may not record the unit's figures, a year out of range or outside
    the unit's lifetime, a negative figure, more budget-paid posts than public-employee posts,
    and a concurrent edit: a record that appeared or changed since the form was shown
    (the user reloads and decides again), so nobody overwrites another's figures unseen.
    """
    if not can_record_headcount(actor, unit):
        raise ValidationError(_("You may not record the headcount of %(unit)s.") % {"unit": unit})
    check_year(year)
    if (message := check_lifetime(unit, year)) is not None:
        raise ValidationError({"year": message})
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


HUNDRED = Decimal(100)


def check_shares(predecessor: OrgUnit, shares: dict[int, Decimal]) -> list[str]:
    """The reasons to refuse `shares` ({successor id: percent}) for `predecessor`: an ended
    unit with successors, a share for each of them and no other, each from 0 to 100 with two
    decimals at most, adding up to exactly 100."""
    if predecessor.is_current:
        return [_("%(unit)s has not ended: its figures stay its own.") % {"unit": predecessor}]
    successors = {u.pk: u for u in predecessor.successors.all()}
    if not successors:
        return [_("%(unit)s has no successor to share its figures.") % {"unit": predecessor}]
    errors = []
    if unknown := set(shares) - set(successors):
        names = ", ".join(str(u) for u in OrgUnit.objects.filter(pk__in=unknown).order_by("path"))
        errors.append(
            _("%(names)s is not a successor of %(unit)s.") % {"names": names, "unit": predecessor}
        )
    if missing := set(successors) - set(shares):
        names = ", ".join(sorted(str(successors[pk]) for pk in missing))
        errors.append(_("A share is missing for %(names)s.") % {"names": names})
    for value in shares.values():
        if not Decimal(0) <= value <= HUNDRED or value != value.quantize(Decimal("0.01")):
            errors.append(_("A share is a percent from 0 to 100, two decimals at most."))
            break
    total = sum(shares.values(), Decimal(0))
    if not errors and total != HUNDRED:
        errors.append(
            _("The shares of %(unit)s add up to %(total)s%%, not 100%%.")
            % {"unit": predecessor, "total": total}
        )
    return errors


@transaction.atomic
def set_successor_shares(
    predecessor: OrgUnit, *, actor: "User", shares: dict[int, Decimal]
) -> list[SuccessorShare]:
    """Replace the shares ({successor id: percent}) in which `predecessor`'s figures are
    carried to its successors; once set they are confirmed (no longer the equal default).
    Writes "staffing.set_shares" with the shares before and after.

    Refuses an actor who is not a city administrator, and shares `check_shares` refuses (a
    current unit, a missing or foreign successor, a share out of range, a sum other than 100).
    """
    if not actor.is_city_admin:
        raise ValidationError(_("Only city administrators set the successor shares."))
    if errors := check_shares(predecessor, shares):
        raise ValidationError(errors)
    existing = SuccessorShare.objects.select_for_update().filter(predecessor=predecessor)
    before = {str(s.successor_id): str(s.share) for s in existing}
    existing.delete()
    rows = SuccessorShare.objects.bulk_create(
        SuccessorShare(predecessor=predecessor, successor_id=pk, share=value, updated_by=actor)
        for pk, value in sorted(shares.items())
    )
    after = {str(pk): str(value) for pk, value in sorted(shares.items())}
    audit.record(
        actor,
        "staffing.set_shares",
        predecessor,
        unit=predecessor,
        changes={"shares": [before or None, after]},
    )
    return rows

"""A procedure's baseline (the year, days and cost the targets are measured against). The action
runs in one transaction with its audit event; a refusal is a ValidationError with a specific
message and nothing written."""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.procedures.models import (
    Procedure,
)

if TYPE_CHECKING:
    from cchc.accounts.models import User


@dataclass(frozen=True)
class BaselineInput:
    """A procedure's scope flag and its figures as of the baseline year (None: not known)."""

    business_related: bool
    baseline_year: int | None
    baseline_days: Decimal | None
    baseline_cost: int | None


BASELINE_FIELDS = ["business_related", "baseline_year", "baseline_days", "baseline_cost"]


@transaction.atomic
def set_procedure_baseline(
    procedure: Procedure, *, actor: "User", baseline: BaselineInput
) -> Procedure:
    """Set whether `procedure` relates to production and business (the scope of Resolution
    66/NQ-CP) and its processing time and yearly compliance cost as of the baseline year.
    Writes "procedures.set_baseline" with the changes.

    Refuses a baseline year outside 2000 to this
    year, figures without a year (or a year without figures), a negative time or cost, and a
    time with more than one decimal."""
    year, days, cost = baseline.baseline_year, baseline.baseline_days, baseline.baseline_cost
    days = None if days is None else Decimal(days)
    if (year is None) != (days is None) or (days is None) != (cost is None):
        raise ValidationError(
            _("Give the baseline year, processing time and compliance cost together.")
        )
    if year is not None and not 2000 <= year <= timezone.localdate().year:
        raise ValidationError(
            {"baseline_year": _("The baseline year must be from 2000 to this year.")}
        )
    if days is not None and (days < 0 or days != days.quantize(Decimal("0.1")) or days >= 10**5):
        raise ValidationError(
            {"baseline_days": _("The processing time is a number of days with one decimal.")}
        )
    if cost is not None and not 0 <= cost < 10**15:
        raise ValidationError({"baseline_cost": _("The compliance cost cannot be negative.")})
    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    before = audit.snapshot(locked, BASELINE_FIELDS)
    locked.business_related = baseline.business_related
    locked.baseline_year, locked.baseline_days, locked.baseline_cost = year, days, cost
    locked.save(update_fields=[*BASELINE_FIELDS, "updated_at"])
    changes = audit.diff(before, audit.snapshot(locked, BASELINE_FIELDS))
    audit.record(actor, "procedures.set_baseline", locked, changes=changes)
    return locked

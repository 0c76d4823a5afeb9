"""The checks every procedures action shares: a decision's number and date, a procedure still
in force and implemented by the unit; numbers in refusals. Roles are checked by the views
through permissions.py, never here."""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.orgunits.models import OrgUnit
from cchc.procedures.models import Procedure

if TYPE_CHECKING:
    pass


def vi_number(value: Decimal) -> str:
    """1754.5 → "1.754,5" (the Vietnamese way) for refusal messages."""
    value = Decimal(value).normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return f"{value:,f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def check_decision(number: str, date: datetime.date | None) -> None:
    if not number.strip():
        raise ValidationError({"decision_number": _("Give the number of the decision.")})
    if date is None:
        raise ValidationError({"decision_date": _("Give the date of the decision.")})
    if date > timezone.localdate():
        raise ValidationError({"decision_date": _("The decision date cannot be in the future.")})


def check_not_abolished(procedure: Procedure) -> None:
    if procedure.is_abolished:
        raise ValidationError(
            _("The procedure %(code)s has been abolished; it takes no plan or workflow.")
            % {"code": procedure.code}
        )


def check_implements(procedure: Procedure, unit: OrgUnit) -> None:
    if not procedure.units.filter(pk=unit.pk).exists():
        raise ValidationError(
            {
                "unit": _("%(unit)s does not implement the procedure %(code)s.")
                % {"unit": unit.name, "code": procedure.code}
            }
        )

"""The yearly classification's decisions: groups of similar tasks, exceptions to the cap
(Decree 335 point 5(b)) and the agencies' yearly general points."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.models import User
from cchc.core import audit
from cchc.orgunits.models import OrgUnit
from cchc.ratings.models import (
    AgencyCriterion,
    AgencyScore,
    CapException,
    RatingPolicy,
    StaffGroup,
)

MAX_YEAR = 2100


def _check_year(year: int) -> None:
    if not 2000 <= year <= MAX_YEAR:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})


@transaction.atomic
def set_staff_group(*, actor: User, unit: OrgUnit, person: User, name: str) -> StaffGroup | None:
    """Put `person` in the group of civil servants with similar tasks `name` of `unit` (the
    cap of point 5(a) counts within it); an empty name puts them back in the unit's single
    group. Writes "ratings.set_staff_group" with the group before and after. Refuses a name
    longer than 100 characters."""
    name = name.strip()
    if len(name) > 100:
        raise ValidationError({"name": _("A group's name has at most 100 characters.")})
    current = StaffGroup.objects.select_for_update().filter(unit=unit, person=person).first()
    before = current.name if current else ""
    group = None
    if not name and current is not None:
        current.delete()
    elif name:
        group, _created = StaffGroup.objects.update_or_create(
            unit=unit, person=person, defaults={"name": name}
        )
    audit.record(
        actor,
        "ratings.set_staff_group",
        group or person,
        unit=unit,
        changes={"group": [before, name]},
        details={"person": person.username},
    )
    return group


@transaction.atomic
def grant_cap_exception(
    *,
    actor: User,
    year: int,
    unit: OrgUnit,
    reason: str,
    group: str = "",
    excellent_pct: Decimal | None = None,
) -> CapException:
    """Decree 335 point 5(b): let `unit` (an organisation with outstanding achievements) rate
    more of its civil servants excellent in `year`, in `group` (blank: all its groups), up to
    `excellent_pct` percent (None: no cap). Replaces an earlier exception for the same year,
    unit and group. Writes "ratings.grant_cap_exception" with the reason and the share.

    Refuses an empty reason, a share outside 0–100, an implausible year and a grant by anyone
    but a city administrator (the decision is the city's)."""
    _check_year(year)
    if not actor.is_city_admin:
        raise ValidationError(_("Only the city decides an exception to the cap."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the exception.")})
    if excellent_pct is not None and not 0 <= excellent_pct <= 100:
        raise ValidationError({"excellent_pct": _("The share is a percentage from 0 to 100.")})
    exception, _created = CapException.objects.update_or_create(
        year=year,
        unit=unit,
        group=group.strip(),
        defaults={
            "excellent_pct": excellent_pct,
            "reason": reason.strip(),
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
    )
    audit.record(
        actor,
        "ratings.grant_cap_exception",
        exception,
        unit=unit,
        details={
            "year": year,
            "group": exception.group,
            "excellent_pct": None if excellent_pct is None else str(excellent_pct),
            "reason": exception.reason,
        },
    )
    return exception


@transaction.atomic
def assess_agency_year(
    *, actor: User, year: int, unit: OrgUnit, policy: RatingPolicy, points: dict[int, Decimal]
) -> list[AgencyScore]:
    """Give `unit` its points on every agency criterion of `policy` for `year` (the 30 general
    points of the agency's yearly rating), replacing earlier ones. Writes
    "ratings.assess_agency" with the total before and after.

    Refuses an implausible year, a missing or unknown criterion, points outside 0 to a
    criterion's maximum, and an assessor who is not a city administrator."""
    _check_year(year)
    if not actor.is_city_admin:
        raise ValidationError(_("Only the city rates its agencies."))
    criteria = {c.pk: c for c in AgencyCriterion.objects.filter(policy=policy)}
    if not criteria or set(points) != set(criteria):
        raise ValidationError(_("Give points for every agency criterion."))
    for pk, value in points.items():
        if not 0 <= value <= criteria[pk].max_points:
            raise ValidationError(
                _("%(criterion)s: points must be between 0 and %(max)s.")
                % {"criterion": criteria[pk], "max": criteria[pk].max_points}
            )
    old = AgencyScore.objects.filter(year=year, unit=unit)
    before = sum((s.points for s in old), Decimal(0)) if old.exists() else None
    old.delete()
    now = timezone.now()
    scores = AgencyScore.objects.bulk_create(
        AgencyScore(
            year=year, unit=unit, criterion_id=pk, points=value, assessed_by=actor, assessed_at=now
        )
        for pk, value in points.items()
    )
    total = sum(points.values(), Decimal(0))
    audit.record(
        actor,
        "ratings.assess_agency",
        unit,
        unit=unit,
        changes={"general_points": [None if before is None else str(before), str(total)]},
        details={"year": year, "policy": policy.pk},
    )
    return scores

"""Decisions that force "not complete" and the follow-up of responsibilities."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.models import User
from cchc.core import audit
from cchc.core.bulk import insert_rows
from cchc.orgunits.models import OrgUnit
from cchc.plans.models import MonthClose
from cchc.plans.queries import month_bounds
from cchc.ratings.actions.rounds import rebands, refresh_leaders
from cchc.ratings.models import (
    Discipline,
    FollowUp,
    RatingRound,
    Responsibility,
)
from cchc.ratings.queries import (
    head_on,
    overdue_at,
)

# Discipline -------------------------------------------------------------------------------


@transaction.atomic
def record_discipline(
    *,
    actor: User,
    unit: OrgUnit,
    person: User | None,
    number: str,
    decided_on: datetime.date,
    form: str = "",
    reason: str,
    ground: str = Discipline.Ground.DISCIPLINE,
) -> Discipline:
    """Record a decision that forces "not complete" (Decree 335, the cases (b)–(d)): a
    disciplinary decision from reprimand up (`form`), a conclusion of ideological or ethical
    decline against a person, or corruption or waste found in `unit` (no person: its heads,
    who manage it directly). The ratings of its month that are not approved are recomputed
    (the heads' staff part, then the bands), and the year's classification reads it. Writes
    "ratings.record_discipline".

    Refuses a decision dated in the future, an empty number or reason, a disciplinary decision
    without its form, and a conclusion of decline without a person.
    """
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The decision date cannot be in the future.")})
    if not number.strip() or not reason.strip():
        raise ValidationError(_("Give the decision number and the reason."))
    if ground not in Discipline.Ground.values:
        raise ValidationError({"ground": _("Choose the ground of the decision.")})
    if ground == Discipline.Ground.DISCIPLINE and form not in Discipline.Form.values:
        raise ValidationError({"form": _("Choose the form of discipline.")})
    if ground == Discipline.Ground.DECLINE and person is None:
        raise ValidationError({"person": _("A conclusion of decline names the person.")})
    discipline = Discipline.objects.create(
        unit=unit,
        person=person,
        number=number.strip(),
        decided_on=decided_on,
        form=form if ground == Discipline.Ground.DISCIPLINE else "",
        ground=ground,
        reason=reason.strip(),
        recorded_by=actor,
    )
    for rating_round in RatingRound.objects.filter(month=decided_on.replace(day=1)):
        refresh_leaders(rating_round)
        rebands(rating_round)
    audit.record(
        actor,
        "ratings.record_discipline",
        discipline,
        unit=unit,
        details={
            "number": discipline.number,
            "ground": ground,
            "person": person.username if person else None,
        },
    )
    return discipline


# Responsibility ---------------------------------------------------------------------------


@transaction.atomic
def record_responsibilities(close: MonthClose, *, actor: User | None) -> int:
    """For every task overdue at the end of the closed month: create the responsibility of its
    responsible person and of its lead unit's head on that day, or update it (days overdue,
    deadline, unit, last month found; what people wrote in it stays). Called with
    generate_round when a month is closed. Writes "ratings.record_responsibilities" with the
    count. Idempotent: a second run rewrites the same values."""
    first, last = month_bounds(close.month)
    overdue = list(overdue_at(last))
    heads = head_on(last, {unit_id for _pk, unit_id, _p, _d in overdue})
    records = [
        Responsibility(
            task_id=task_id,
            person_id=person,
            role=role,
            unit_id=unit_id,
            first_month=first,
            last_month=first,
            deadline=deadline,
            days_overdue=(last - deadline).days,
        )
        for task_id, unit_id, person_id, deadline in overdue
        for person, role in (
            (person_id, Responsibility.Role.RESPONSIBLE),
            (heads.get(unit_id), Responsibility.Role.HEAD),
        )
        if person is not None
    ]
    insert_rows(Responsibility, records, upsert=RESPONSIBILITY_UPSERT)
    audit.record(
        actor,
        "ratings.record_responsibilities",
        close,
        details={"month": f"{first:%Y-%m}", "records": len(records)},
    )
    return len(records)


# A record found again keeps its first month, its explanation, handling and follow-up.
RESPONSIBILITY_UPSERT = (
    "ON CONFLICT (task_id, person_id, role) DO UPDATE SET last_month = excluded.last_month,"
    " deadline = excluded.deadline, days_overdue = excluded.days_overdue,"
    " unit_id = excluded.unit_id"
)


def _responsibility(responsibility: Responsibility, version: int | None) -> Responsibility:
    current = Responsibility.objects.select_for_update().get(pk=responsibility.pk)
    if version is not None and current.version != version:
        raise ValidationError(
            _("Someone else changed this record while you were editing it. Reload and try again.")
        )
    if not current.is_open:
        raise ValidationError(_("This responsibility is closed."))
    return current


@transaction.atomic
def explain_delay(
    responsibility: Responsibility, *, actor: User, reason: str, version: int | None = None
) -> Responsibility:
    """Record the reason the person gives for the delay. Writes "ratings.explain_delay".
    Refuses an empty reason, a closed record and a stale `version`."""
    responsibility = _responsibility(responsibility, version)
    if not reason.strip():
        raise ValidationError({"reason": _("Write the reason for the delay.")})
    before = responsibility.reason
    responsibility.reason = reason.strip()
    responsibility.version += 1
    responsibility.save(update_fields=["reason", "version"])
    audit.record(
        actor,
        "ratings.explain_delay",
        responsibility,
        unit=responsibility.unit,
        changes={"reason": [before, responsibility.reason]},
    )
    return responsibility


@transaction.atomic
def decide_handling(
    responsibility: Responsibility,
    *,
    actor: User,
    handling: str,
    note: str = "",
    version: int | None = None,
) -> Responsibility:
    """Decide how the delay is handled (reminder, written explanation, self-criticism,
    disciplinary proposal). Writes "ratings.decide_handling" with before/after.
    Refuses an undecided choice, a closed record, a stale `version` and a decision on one's
    own responsibility."""
    responsibility = _responsibility(responsibility, version)
    if handling not in Responsibility.Handling.values or not handling:
        raise ValidationError({"handling": _("Choose how the delay is handled.")})
    if responsibility.person_id == actor.pk:
        raise ValidationError(_("Nobody decides on their own responsibility."))
    before = responsibility.handling
    responsibility.handling = handling
    responsibility.handling_note = note.strip()
    responsibility.decided_by = actor
    responsibility.decided_at = timezone.now()
    responsibility.version += 1
    responsibility.save(
        update_fields=["handling", "handling_note", "decided_by", "decided_at", "version"]
    )
    audit.record(
        actor,
        "ratings.decide_handling",
        responsibility,
        unit=responsibility.unit,
        changes={"handling": [before, handling]},
    )
    return responsibility


@transaction.atomic
def add_follow_up(
    responsibility: Responsibility, *, actor: User, text: str, close: bool = False
) -> FollowUp:
    """Add a follow-up note; with `close` the responsibility is settled. Writes
    "ratings.follow_up". Refuses an empty note and a closed record."""
    responsibility = _responsibility(responsibility, None)
    if not text.strip():
        raise ValidationError({"text": _("Write the follow-up.")})
    note = FollowUp.objects.create(responsibility=responsibility, author=actor, text=text.strip())
    if close:
        responsibility.closed_at = timezone.now()
        responsibility.version += 1
        responsibility.save(update_fields=["closed_at", "version"])
    audit.record(
        actor,
        "ratings.follow_up",
        responsibility,
        unit=responsibility.unit,
        details={"closed": close},
    )
    return note

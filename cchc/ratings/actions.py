"""Every change to ratings: policies, rounds, assessment, response, approval, reopening,
disciplinary decisions and the follow-up of responsibilities."""

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cchc.accounts.models import Membership, User
from cchc.core import audit
from cchc.orgunits.models import OrgUnit
from cchc.plans.jobs import email_notifications
from cchc.plans.models import MonthClose, Notification
from cchc.plans.queries import month_bounds
from cchc.ratings.models import (
    Discipline,
    FollowUp,
    GeneralCriterion,
    GeneralScore,
    Rating,
    RatingPolicy,
    RatingRound,
    Responsibility,
    cents,
    peer_group_of,
)
from cchc.ratings.queries import (
    PersonKey,
    forced_by_discipline,
    head_on,
    heads_in_month,
    month_figures,
    overdue_at,
)
from cchc.ratings.scoring import Figures, assign_bands, score

BATCH = 1000
# The Rating fields copied from scoring.Figures, then the ones scoring.score computes.
FROM_FIGURES = [
    "tasks",
    "completed",
    "late",
    "not_completed",
    "failed_reviews",
    "extensions",
    "weight_assigned",
    "weight_completed",
    "weight_quality",
    "weight_progress",
]
FIGURE_FIELDS = [
    *FROM_FIGURES,
    "quantity_pct",
    "quality_pct",
    "progress_pct",
    "task_points",
    "total",
]
BAND_FIELDS = ["score_band", "band", "cap_applied", "discipline"]
Key = tuple[str, int, int | None]


# Policies ---------------------------------------------------------------------------------


@transaction.atomic
def publish_policy(
    *,
    actor: User,
    valid_from: datetime.date,
    name: str,
    criteria: list[tuple[str, str, Decimal]],
    **rules: Any,
) -> RatingPolicy:
    """Publish a new version of the rating rules, in force from `valid_from`, with its general
    sub-criteria (code, title, maximum). `rules` are RatingPolicy fields (weights, deductions,
    thresholds, cap, response days). Rounds already generated keep the version they were rated
    under. Writes "ratings.publish_policy".

    Refuses a date not after the latest version's, sub-criteria whose maxima do not add up to
    the general points, duplicate codes, thresholds out of order and weights that are all zero.
    """
    latest = RatingPolicy.objects.order_by("-valid_from").first()
    if latest is not None and valid_from <= latest.valid_from:
        raise ValidationError(
            {
                "valid_from": _("A new version must start after %(day)s, the latest one.")
                % {"day": f"{latest.valid_from:%d/%m/%Y}"}
            }
        )
    policy = RatingPolicy(valid_from=valid_from, name=name.strip(), published_by=actor, **rules)
    _check_policy(policy, criteria)
    policy.save()
    GeneralCriterion.objects.bulk_create(
        GeneralCriterion(policy=policy, code=code, title=title, max_points=points, order=order)
        for order, (code, title, points) in enumerate(criteria)
    )
    audit.record(
        actor,
        "ratings.publish_policy",
        policy,
        details={"valid_from": valid_from.isoformat(), "criteria": len(criteria)},
    )
    return policy


def _check_policy(policy: RatingPolicy, criteria: list[tuple[str, str, Decimal]]) -> None:
    if not criteria:
        raise ValidationError({"criteria": _("List at least one general sub-criterion.")})
    codes = [code for code, _title, _points in criteria]
    if len(set(codes)) != len(codes):
        raise ValidationError({"criteria": _("Each sub-criterion needs its own code.")})
    total = sum((points for _code, _title, points in criteria), Decimal(0))
    if total != policy.general_max:
        raise ValidationError(
            {
                "criteria": _("The sub-criteria add up to %(total)s points, not %(max)s.")
                % {"total": total, "max": policy.general_max}
            }
        )
    if policy.general_max + policy.task_max != 100:
        raise ValidationError(_("General and task points must add up to 100."))
    if not (policy.excellent_min > policy.good_min > policy.complete_min >= 0):
        raise ValidationError(_("The thresholds must go down from excellent to complete."))
    if policy.weight_quantity + policy.weight_quality + policy.weight_progress <= 0:
        raise ValidationError(_("At least one of the three weights must be above zero."))


# Rounds -----------------------------------------------------------------------------------


@transaction.atomic
def generate_round(close: MonthClose, *, actor: User | None) -> RatingRound | None:
    """Rate the closed month `close`: one Rating per lead unit with tasks in the month, per
    head who held the head position of such a unit during it, and per (responsible person,
    unit), each with the month's task figures (queries.month_figures) under the policy in
    force on the month's first day; bands with discipline and cap. Writes
    "ratings.generate_round" with the counts. (The close also calls record_responsibilities.)

    Idempotent: run again (as `rate_month` does, or when a reopened month is closed again) it
    recomputes the ratings that are not approved, keeping their general points, writes those
    that changed, adds new subjects and removes ratings whose subject no longer has tasks;
    approved ratings stay as they are. Returns None, changing nothing, when no policy is in
    force for the month.
    """
    first, last = month_bounds(close.month)
    existing = RatingRound.objects.select_for_update().filter(month=first).first()
    policy = existing.policy if existing else RatingPolicy.objects.in_force(first)
    if policy is None:
        return None
    rating_round = existing or RatingRound(month=first, policy=policy)
    rating_round.close = close
    rating_round.generated_at = timezone.now()
    rating_round.save()
    by_unit, by_person = month_figures(policy, first, last)
    wanted = _subjects(rating_round, by_unit, by_person)
    counts = _store(rating_round, wanted)
    audit.record(
        actor,
        "ratings.generate_round",
        rating_round,
        details={"month": f"{first:%Y-%m}", "policy": policy.pk, **counts},
    )
    return rating_round


def _subjects(
    rating_round: RatingRound, by_unit: dict[int, Figures], by_person: dict[PersonKey, Figures]
) -> dict[Key, Rating]:
    """The ratings the month should have, keyed by (kind, unit, person), figures filled in."""
    first, last = month_bounds(rating_round.month)
    month_days = last.day
    units = {
        unit.pk: unit
        for unit in OrgUnit.objects.filter(pk__in=list(by_unit)).only("pk", "name", "kind")
    }
    people = dict(
        User.objects.filter(pk__in={p for p, _u in by_person}).values_list("pk", "full_name")
    )
    heads = heads_in_month(first, last, list(by_unit))
    head_people = {p for held in heads.values() for p in held if p not in people}
    people |= dict(User.objects.filter(pk__in=head_people).values_list("pk", "full_name"))
    wanted: dict[Key, Rating] = {}

    def add(kind: str, unit_id: int, person_id: int | None, figures: Figures, **extra: Any) -> None:
        unit = units[unit_id]
        peer = peer_group_of(unit.kind)
        label = unit.name if person_id is None else f"{people.get(person_id) or '—'} · {unit.name}"
        cap = f"person:{unit_id}" if kind == Rating.Kind.PERSON else f"{kind}:{peer}"
        rating = Rating(
            round=rating_round,
            kind=kind,
            unit_id=unit_id,
            person_id=person_id,
            peer_group=peer,
            cap_group=cap,
            label=label[:300],
            month_days=month_days,
            **extra,
        )
        _fill(rating, rating_round.policy, figures)
        wanted[(kind, unit_id, person_id)] = rating

    for unit_id, figures in by_unit.items():
        add(Rating.Kind.UNIT, unit_id, None, figures)
        for person_id, days in heads.get(unit_id, {}).items():
            add(Rating.Kind.HEAD, unit_id, person_id, figures, days_held=days)
    for (person_id, unit_id), figures in by_person.items():
        add(Rating.Kind.PERSON, unit_id, person_id, figures)
    return wanted


def _fill(rating: Rating, policy: RatingPolicy, figures: Figures) -> None:
    result = score(policy, figures)
    for name in FROM_FIGURES:
        setattr(rating, name, getattr(figures, name))
    rating.quantity_pct = result.quantity_pct
    rating.quality_pct = result.quality_pct
    rating.progress_pct = result.progress_pct
    rating.task_points = result.task_points
    rating.total = cents(result.task_points + (rating.general_points or 0))


def _store(rating_round: RatingRound, wanted: dict[Key, Rating]) -> dict[str, int]:
    """Write `wanted` over the round's ratings, banded together with the approved ones (which
    count in the cap and stay untouched): insert the new, update those that changed (general
    points kept), delete those whose subject is gone."""
    first, last = month_bounds(rating_round.month)
    current = {(r.kind, r.unit_id, r.person_id): r for r in rating_round.ratings.all()}
    banded: list[Rating] = [r for key, r in current.items() if r.is_frozen]
    for key, rating in wanted.items():
        old = current.get(key)
        if old is not None and old.is_frozen:
            continue
        if old is not None:
            rating.pk = old.pk
            rating.general_points = old.general_points
            rating.total = cents(rating.task_points + (old.general_points or 0))
        banded.append(rating)
    forced_by_discipline(banded, first, last)
    assign_bands(rating_round.policy, banded)
    old_by_pk = {r.pk: r for r in current.values()}
    new = [r for r in banded if r.pk is None]
    changed = [
        r
        for r in banded
        if r.pk is not None and not r.is_frozen and _state(r) != _state(old_by_pk[r.pk])
    ]
    stale = [r.pk for key, r in current.items() if key not in wanted and not r.is_frozen]
    Rating.objects.filter(pk__in=stale).delete()
    insert_rows(Rating, new)
    Rating.objects.bulk_update(changed, STORED_FIELDS, batch_size=BATCH)
    return {"added": len(new), "updated": len(changed), "removed": len(stale)}


# What generate_round may change in a rating that is not approved.
STORED_FIELDS = [
    *FIGURE_FIELDS,
    "label",
    "days_held",
    "month_days",
    "peer_group",
    "cap_group",
    *BAND_FIELDS,
]


STORED_ATTNAMES = [name + "_id" if name == "discipline" else name for name in STORED_FIELDS]


def _state(rating: Rating) -> tuple[Any, ...]:
    return tuple(getattr(rating, name) for name in STORED_ATTNAMES)


def insert_rows(model: type[models.Model], objects: list[Any], *, upsert: str = "") -> None:
    """Insert `objects` (unsaved instances of `model`) with their attribute values as they are,
    ROWS_PER_INSERT rows per statement, all full statements in one executemany (the driver
    parses the statement once). Django's bulk_create prepares every field of every row in
    Python, and one statement per row costs a round trip each: both took most of the time of
    rating a city-sized month (bench/ratings.py). No default or auto field is filled in beyond
    what the constructor did. `upsert` is an optional "ON CONFLICT …" clause (PostgreSQL and
    SQLite ≥ 3.24 share the syntax)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.attname) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"

    def statement(rows: int) -> str:
        # Names from the model's metadata and a constant clause: nothing from user input.
        values = ", ".join([row] * rows)
        return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES {values} {upsert}"  # noqa: S608

    def params(chunk: list[Any]) -> list[Any]:
        return [getattr(o, f.attname) for o in chunk for f in fields]

    full = len(objects) - len(objects) % ROWS_PER_INSERT
    chunks = [objects[i : i + ROWS_PER_INSERT] for i in range(0, full, ROWS_PER_INSERT)]
    with connection.cursor() as cursor:
        if chunks:
            cursor.executemany(statement(ROWS_PER_INSERT), [params(c) for c in chunks])
        if full < len(objects):
            cursor.execute(statement(len(objects) - full), params(objects[full:]))


# 100 rows of at most ~50 columns: far under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
ROWS_PER_INSERT = 100


def rebands(rating_round: RatingRound, cap_groups: Iterable[str] | None = None) -> int:
    """Assign the bands of the round's ratings that are not approved (discipline and cap,
    scoring.assign_bands), in all cap groups or only in `cap_groups`; store those that
    changed. Returns how many changed. Called by the actions that change a total or a
    disciplinary decision; writes no audit event of its own (its caller does)."""
    ratings = rating_round.ratings.only(
        "pk", "kind", "unit_id", "person_id", "cap_group", "label", "total", "status", *BAND_FIELDS
    )
    if cap_groups is not None:
        ratings = ratings.filter(cap_group__in=list(cap_groups))
    ratings_list = list(ratings)
    before = {r.pk: (r.score_band, r.band, r.cap_applied, r.discipline_id) for r in ratings_list}
    first, last = month_bounds(rating_round.month)
    forced_by_discipline(ratings_list, first, last)
    assign_bands(rating_round.policy, ratings_list)
    changed = [
        r
        for r in ratings_list
        if before[r.pk] != (r.score_band, r.band, r.cap_applied, r.discipline_id)
    ]
    Rating.objects.bulk_update(changed, BAND_FIELDS, batch_size=BATCH)
    return len(changed)


# Assessment, response, approval -------------------------------------------------------------


def _check_version(rating: Rating, version: int | None) -> Rating:
    current = Rating.objects.select_for_update().get(pk=rating.pk)
    if version is not None and current.version != version:
        raise ValidationError(
            _("Someone else changed this rating while you were editing it. Reload and try again.")
        )
    return current


@transaction.atomic
def assess_rating(
    rating: Rating,
    *,
    actor: User,
    points: dict[int, Decimal],
    comment: str = "",
    version: int | None = None,
) -> Rating:
    """Enter the general-criteria points (criterion id → points) with a comment: the rating's
    general points, total and (with its cap group) band are recomputed; it becomes
    "assessed". Writes "ratings.assess" with the points before and after, and notifies the
    rated (notify_assessed).

    Refuses an approved rating, a stale `version`, a missing or unknown sub-criterion, and
    points below zero or above a sub-criterion's maximum.
    """
    rating = _check_version(rating, version)
    if rating.is_frozen:
        raise ValidationError(_("An approved rating cannot be changed; reopen it first."))
    criteria = {c.pk: c for c in rating.round.policy.criteria.all()}
    if set(points) != set(criteria):
        raise ValidationError(_("Give points for every general sub-criterion."))
    for pk, value in points.items():
        if not 0 <= value <= criteria[pk].max_points:
            raise ValidationError(
                _("%(criterion)s: points must be between 0 and %(max)s.")
                % {"criterion": criteria[pk], "max": criteria[pk].max_points}
            )
    before = rating.general_points
    rating.general_scores.all().delete()
    GeneralScore.objects.bulk_create(
        GeneralScore(rating=rating, criterion_id=pk, points=value) for pk, value in points.items()
    )
    rating.general_points = cents(sum(points.values(), Decimal(0)))
    rating.total = cents(rating.task_points + rating.general_points)
    rating.assessor_comment = comment.strip()
    rating.assessed_by = actor
    rating.assessed_at = timezone.now()
    rating.status = Rating.Status.ASSESSED
    rating.version += 1
    rating.save()
    rebands(rating.round, [rating.cap_group])
    rating.refresh_from_db()
    audit.record(
        actor,
        "ratings.assess",
        rating,
        unit=rating.unit,
        changes={"general_points": [_num(before), _num(rating.general_points)]},
        details={"total": _num(rating.total), "band": rating.band},
    )
    notify_assessed(rating)
    return rating


def notify_assessed(rating: Rating) -> None:
    """Tell the rated (the person; for a unit, its heads) that the rating was assessed and
    until when they may respond: an in-app notice, e-mailed after commit (plans.jobs)."""
    if rating.kind == Rating.Kind.UNIT:
        heads = Membership.objects.filter(
            unit=rating.unit, role=Membership.Role.HEAD, user__is_active=True
        )
        users = list(heads.values_list("user_id", flat=True))
    else:
        users = [rating.person_id] if rating.person_id else []
    deadline = response_deadline(rating)
    with translation.override("vi"):
        message = _(
            "The rating of %(label)s for %(month)s was assessed: %(total)s points, %(band)s. "
            "You may respond until %(day)s."
        ) % {
            "label": rating.label,
            "month": f"{rating.round.month:%m/%Y}",
            "total": number_format(rating.total, 2),
            "band": rating.get_band_display(),
            "day": f"{deadline:%d/%m/%Y}" if deadline else "",
        }
    notices = Notification.objects.bulk_create(
        [
            Notification(
                user_id=user,
                kind=Notification.Kind.RATING,
                link=rating.get_absolute_url(),
                message=message[:500],
                key=f"rating:{rating.pk}:v{rating.version}",
            )
            for user in users
        ]
    )
    ids = [n.pk for n in notices]
    transaction.on_commit(lambda: email_notifications.enqueue(ids) if ids else None)


def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def response_deadline(rating: Rating) -> datetime.date | None:
    """The last day on which the rated person may respond (None before the assessment)."""
    if rating.assessed_at is None:
        return None
    days = rating.round.policy.response_days
    return timezone.localdate(rating.assessed_at) + datetime.timedelta(days=days)


@transaction.atomic
def respond_to_rating(
    rating: Rating, *, actor: User, text: str, today: datetime.date | None = None
) -> Rating:
    """Record the rated person's response (once). The figures do not change; a response that
    shows an error leads the approver to reopen the rating. Writes "ratings.respond".

    Refuses a rating not yet assessed, a second response, an empty text and a response after
    the window (policy.response_days from the assessment).
    """
    rating = Rating.objects.select_for_update().get(pk=rating.pk)
    deadline = response_deadline(rating)
    if deadline is None:
        raise ValidationError(_("The rating has not been assessed yet."))
    if rating.responded_at is not None:
        raise ValidationError(_("A response has already been given."))
    if (today or timezone.localdate()) > deadline:
        raise ValidationError(
            _("Responses were accepted until %(day)s.") % {"day": f"{deadline:%d/%m/%Y}"}
        )
    if not text.strip():
        raise ValidationError({"text": _("Write the response.")})
    rating.response = text.strip()
    rating.responded_by = actor
    rating.responded_at = timezone.now()
    rating.version += 1
    rating.save(update_fields=["response", "responded_by", "responded_at", "version"])
    audit.record(actor, "ratings.respond", rating, unit=rating.unit)
    return rating


@transaction.atomic
def approve_ratings(ratings: Iterable[Rating], *, actor: User) -> int:
    """Approve assessed ratings: each is frozen (its band, with the cap and discipline as they
    stand) until reopened. Writes "ratings.approve" per rating. Returns how many.

    Refuses (all of them) when one is not assessed or is the approver's own.
    """
    # The unit and round come with the rows (each audit event names them), locked rows only.
    chosen = list(
        Rating.objects.select_for_update(of=("self",))
        .select_related("unit", "round")
        .filter(pk__in=[r.pk for r in ratings])
    )
    for rating in chosen:
        if rating.status != Rating.Status.ASSESSED:
            raise ValidationError(
                _("%(rating)s is not waiting for approval.") % {"rating": rating.label}
            )
        if rating.person_id == actor.pk:
            raise ValidationError(_("Nobody approves their own rating."))
    now = timezone.now()
    for rating in chosen:
        rating.status = Rating.Status.APPROVED
        rating.approved_by = actor
        rating.approved_at = now
        rating.version += 1
        audit.record(
            actor,
            "ratings.approve",
            rating,
            unit=rating.unit,
            details={"total": str(rating.total), "band": rating.band},
        )
    Rating.objects.bulk_update(chosen, ["status", "approved_by", "approved_at", "version"])
    return len(chosen)


@transaction.atomic
def reopen_rating(rating: Rating, *, actor: User, reason: str) -> Rating:
    """Reopen an approved rating so that it can be assessed again: back to "assessed", with the
    reason; its band is recomputed with its group. Writes "ratings.reopen".

    Refuses a rating that is not approved and an empty reason.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening.")})
    rating = Rating.objects.select_for_update().get(pk=rating.pk)
    if not rating.is_frozen:
        raise ValidationError(_("Only an approved rating can be reopened."))
    rating.status = Rating.Status.ASSESSED
    rating.reopen_reason = reason.strip()
    rating.approved_by = None
    rating.approved_at = None
    rating.version += 1
    rating.save()
    rebands(rating.round, [rating.cap_group])
    audit.record(
        actor, "ratings.reopen", rating, unit=rating.unit, details={"reason": rating.reopen_reason}
    )
    rating.refresh_from_db()
    return rating


# Discipline -------------------------------------------------------------------------------


@transaction.atomic
def record_discipline(
    *,
    actor: User,
    unit: OrgUnit,
    person: User | None,
    number: str,
    decided_on: datetime.date,
    form: str,
    reason: str,
) -> Discipline:
    """Record a disciplinary decision. The ratings of its month (if rated) that are not
    approved are re-banded: the person's head and person ratings, or without a person the
    unit's, become "not complete". Writes "ratings.record_discipline".

    Refuses a decision dated in the future and an empty number or reason.
    """
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The decision date cannot be in the future.")})
    if not number.strip() or not reason.strip():
        raise ValidationError(_("Give the decision number and the reason."))
    discipline = Discipline.objects.create(
        unit=unit,
        person=person,
        number=number.strip(),
        decided_on=decided_on,
        form=form,
        reason=reason.strip(),
        recorded_by=actor,
    )
    rating_round = RatingRound.objects.filter(month=decided_on.replace(day=1)).first()
    if rating_round is not None:
        rebands(rating_round)
    audit.record(
        actor,
        "ratings.record_discipline",
        discipline,
        unit=unit,
        details={"number": discipline.number, "person": person.username if person else None},
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

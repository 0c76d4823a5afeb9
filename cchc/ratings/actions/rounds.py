"""Policies, the monthly rounds (generation, bands, the leaders' formula) and the bulk insert."""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

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
from cchc.ratings.models import (
    Band,
    GeneralCriterion,
    Rating,
    RatingPolicy,
    RatingRound,
    Scope,
    cents,
    peer_group_of,
)
from cchc.ratings.queries import (
    PersonKey,
    forced_by_discipline,
    heads_in_month,
    month_figures,
)
from cchc.ratings.scoring import (
    HUNDRED,
    ZERO,
    Figures,
    assign_bands,
    leader_task_points,
    organising_pct,
    score,
    staff_pct,
    task_pct,
)

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
LEADER_FIELDS = ["own_pct", "staff_pct", "organising_pct"]
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
    scope = rules.get("scope", Scope.CIVIL_SERVICE)
    latest = (
        RatingPolicy.objects.filter(scope=scope, is_default=rules.get("is_default", True))
        .order_by("-valid_from")
        .first()
    )
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
    """Rate the closed month `close`, one round per scope (docs/ratings.md, "Scope"): the
    Decree 335 round of administrative agencies and civil servants, and, only when the city
    publishes a policy for them, the round of public service units and their public employees
    (units of kind public_service never enter the Decree 335 round). Returns the Decree 335
    round (None when no policy is in force for it). See generate_scope_round."""
    figures: FiguresCache = {}
    rounds = {
        scope: generate_scope_round(close, scope=scope, actor=actor, figures=figures)
        for scope in Scope.values
    }
    return rounds[Scope.CIVIL_SERVICE]


# The month's figures per (review deduction, delay deduction, extension counted as a delay):
# the two scopes' rounds read the tasks once when their policies deduct alike.
FiguresCache = dict[tuple[Any, ...], tuple[dict[int, Figures], dict[PersonKey, Figures]]]


def generate_scope_round(
    close: MonthClose, *, scope: str, actor: User | None, figures: FiguresCache | None = None
) -> RatingRound | None:
    """Rate the closed month `close` for `scope`: one Rating per lead unit of the scope with
    tasks in the month, per head who held the head position of such a unit during it, and per
    (responsible person, unit), each with the month's task figures (queries.month_figures)
    under the round's policy (the scope's default in force on the month's first day, or the
    preset the round chose); heads by the leaders' formula; bands indicative, never capped.
    Writes "ratings.generate_round" with the counts.

    Idempotent: run again (as `rate_month` does, or when a reopened month is closed again) it
    recomputes the ratings that are not approved, keeping their general points, writes those
    that changed, adds new subjects and removes ratings whose subject no longer has tasks;
    approved ratings stay as they are. Returns None, changing nothing, when no policy applies.
    """
    first, last = month_bounds(close.month)
    existing = RatingRound.objects.select_for_update().filter(month=first, scope=scope).first()
    policy = existing.policy if existing else RatingPolicy.objects.in_force(first, scope)
    if policy is None:
        return None
    rating_round = existing or RatingRound(month=first, scope=scope, policy=policy)
    rating_round.close = close
    rating_round.generated_at = timezone.now()
    rating_round.save()
    cache = {} if figures is None else figures
    rules = (policy.review_deduction, policy.delay_deduction, policy.extension_is_delay)
    if rules not in cache:
        cache[rules] = month_figures(policy, first, last)
    by_unit, by_person = _in_scope(scope, *cache[rules])
    wanted = _subjects(rating_round, by_unit, by_person)
    counts = _store(rating_round, wanted)
    audit.record(
        actor,
        "ratings.generate_round",
        rating_round,
        details={"month": f"{first:%Y-%m}", "scope": scope, "policy": policy.pk, **counts},
    )
    return rating_round


def _in_scope(
    scope: str, by_unit: dict[int, Figures], by_person: dict[PersonKey, Figures]
) -> tuple[dict[int, Figures], dict[PersonKey, Figures]]:
    """The figures of the units `scope` rates: public service units only for the public
    employees' scope, every other unit for Decree 335. One query."""
    public = set(
        OrgUnit.objects.filter(pk__in=list(by_unit), kind=OrgUnit.Kind.PUBLIC_SERVICE).values_list(
            "pk", flat=True
        )
    )
    keep = (
        (lambda unit: unit in public)
        if scope == Scope.PUBLIC_EMPLOYEE
        else (lambda unit: unit not in public)
    )
    return (
        {unit: f for unit, f in by_unit.items() if keep(unit)},
        {key: f for key, f in by_person.items() if keep(key[1])},
    )


@transaction.atomic
def choose_round_policy(
    rating_round: RatingRound, *, actor: User, policy: RatingPolicy, reason: str
) -> RatingRound:
    """Rate the month's round under another policy of its scope (a preset such as Hà Nội's
    3814/3251 framework): the ratings are recomputed under it. Writes "ratings.choose_policy"
    with the policies before and after and the reason.

    Refuses a policy of another scope or not yet in force on the month's first day, an empty
    reason, and a round with any rating already assessed or approved (their general points
    were given under the other policy's criteria)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the choice.")})
    if policy.scope != rating_round.scope or policy.valid_from > rating_round.month:
        raise ValidationError(_("This policy does not apply to this round."))
    if rating_round.ratings.exclude(status=Rating.Status.COMPUTED).exists():
        raise ValidationError(
            _("Ratings of this round were already assessed: the policy can no longer change.")
        )
    before = rating_round.policy_id
    rating_round.policy = policy
    rating_round.save(update_fields=["policy"])
    rating_round.ratings.all().delete()
    generate_scope_round(rating_round.close, scope=rating_round.scope, actor=actor)
    audit.record(
        actor,
        "ratings.choose_policy",
        rating_round,
        changes={"policy": [before, policy.pk]},
        details={"reason": reason.strip()},
    )
    return rating_round


@transaction.atomic
def attach_round_policy(
    close: MonthClose, *, scope: str, actor: User, policy: RatingPolicy, reason: str
) -> RatingRound:
    """Rate the closed month `close` for `scope` under `policy` when the month has no round of
    that scope: public service units and their public employees leave the Decree 335 round and
    are rated only under a policy of their own scope (docs/ratings.md, "Scope"), which the city
    may attach to a month even when no default of that scope is in force (a preset, or a
    version published later than the month was closed). Writes "ratings.choose_policy" with
    the policy before (none) and after, the scope and the reason.

    Refuses an empty reason, a policy of another scope or not yet in force on the month's first
    day, a reopened month, and a month that already has a round of the scope
    (`choose_round_policy` changes that one)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the choice.")})
    first = close.month.replace(day=1)
    if policy.scope != scope or policy.valid_from > first:
        raise ValidationError(_("This policy does not apply to this round."))
    if close.is_open:
        raise ValidationError(_("The month is reopened: close it again first."))
    if RatingRound.objects.select_for_update().filter(month=first, scope=scope).exists():
        raise ValidationError(_("This month already has a round for them: change its policy."))
    rating_round = RatingRound.objects.create(
        month=first, scope=scope, close=close, policy=policy, generated_at=timezone.now()
    )
    generate_scope_round(close, scope=scope, actor=actor)
    audit.record(
        actor,
        "ratings.choose_policy",
        rating_round,
        changes={"policy": [None, policy.pk]},
        details={"reason": reason.strip(), "scope": scope},
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
    new_rating = rating_maker(round_id=rating_round.pk, month_days=month_days)

    def add(kind: str, unit_id: int, person_id: int | None, figures: Figures, **extra: Any) -> None:
        unit = units[unit_id]
        peer = peer_group_of(unit.kind)
        label = unit.name if person_id is None else f"{people.get(person_id) or '—'} · {unit.name}"
        cap = f"person:{unit_id}" if kind == Rating.Kind.PERSON else f"{kind}:{peer}"
        rating = new_rating(
            kind=kind,
            unit_id=unit_id,
            person_id=person_id,
            peer_group=peer,
            cap_group=cap,
            label=label[:300],
            **extra,
        )
        _fill(rating, rating_round.policy, figures)
        wanted[(kind, unit_id, person_id)] = rating

    policy = rating_round.policy
    for unit_id, figures in by_unit.items():
        add(Rating.Kind.UNIT, unit_id, None, figures)
        unit_pct = task_pct(policy, score(policy, figures))
        organising = organising_pct(policy, figures, unit_pct)
        for person_id, days in heads.get(unit_id, {}).items():
            # Own work: the tasks the head is responsible for; without any, the unit's work
            # they direct (docs/decisions, leaders).
            own = by_person.get((person_id, unit_id))
            own_pct = task_pct(policy, score(policy, own)) if own else unit_pct
            add(
                Rating.Kind.HEAD,
                unit_id,
                person_id,
                figures,
                days_held=days,
                own_pct=own_pct,
                organising_pct=organising,
                staff_pct=HUNDRED,
            )
    for (person_id, unit_id), figures in by_person.items():
        add(Rating.Kind.PERSON, unit_id, person_id, figures)
    return wanted


def rating_maker(**common: Any) -> Callable[..., Rating]:
    """A maker of unsaved Ratings, each with every field at its default but `common` and the
    values it is called with (attribute names: `round_id`, `unit_id`, …). It builds them
    positionally from a copied list of the defaults, read once: Model.__init__'s keyword path
    looks up a default per field and row, a quarter of generate_round's time at city scale
    (bench/ratings.py). The fields' defaults are immutable values (no callable, no dict)."""
    fields = Rating._meta.concrete_fields
    index = {field.attname: n for n, field in enumerate(fields)}
    blank = [field.get_default() for field in fields]
    for name, value in common.items():
        blank[index[name]] = value

    def make(**values: Any) -> Rating:
        row = blank.copy()
        for name, value in values.items():
            row[index[name]] = value
        return Rating(*row)

    return make


def _fill(rating: Rating, policy: RatingPolicy, figures: Figures) -> None:
    result = score(policy, figures)
    for name in FROM_FIGURES:
        setattr(rating, name, getattr(figures, name))
    rating.quantity_pct = result.quantity_pct
    rating.quality_pct = result.quality_pct
    rating.progress_pct = result.progress_pct
    rating.task_points = result.task_points
    if rating.kind == Rating.Kind.HEAD and rating.own_pct is not None:
        rating.task_points = leader_task_points(
            policy, rating.own_pct, rating.staff_pct or HUNDRED, rating.organising_pct or ZERO
        )
    rating.total = cents(rating.task_points + (rating.general_points or 0))


def _store(rating_round: RatingRound, wanted: dict[Key, Rating]) -> dict[str, int]:
    """Write `wanted` over the round's ratings, banded together with the approved ones (which
    count in the cap and stay untouched): insert the new, update those that changed (general
    points kept), delete those whose subject is gone."""
    first, last = month_bounds(rating_round.month)
    # The approved ratings as models (they are banded with the rest); of the others only what
    # is compared and kept, as tuples: a re-run with nothing changed reads the round's ratings
    # without building a model per row (bench/ratings.py, "generate_round again").
    frozen = {
        (r.kind, r.unit_id, r.person_id): r
        for r in rating_round.ratings.filter(status=Rating.Status.APPROVED)
    }
    # key → (pk, general points, stored state)
    current: dict[Key, tuple[int, Decimal | None, tuple[Any, ...]]] = {}
    for pk, kind, unit_id, person_id, general, *state in (
        rating_round.ratings.exclude(status=Rating.Status.APPROVED)
        .order_by()
        .values_list("pk", "kind", "unit_id", "person_id", "general_points", *STORED_ATTNAMES)
    ):
        current[(kind, unit_id, person_id)] = (pk, general, tuple(state))
    banded: list[Rating] = list(frozen.values())
    for key, rating in wanted.items():
        if key in frozen:
            continue
        old = current.get(key)
        if old is not None:
            rating.pk, rating.general_points = old[0], old[1]
            rating.total = cents(rating.task_points + (old[1] or 0))
        banded.append(rating)
    forced_by_discipline(banded, first, last)
    apply_leaders(rating_round.policy, banded)
    assign_bands(rating_round.policy, banded, cap=False)
    stored = {pk: state for pk, _general, state in current.values()}
    new = [r for r in banded if r.pk is None]
    changed = [
        r for r in banded if r.pk is not None and not r.is_frozen and _state(r) != stored[r.pk]
    ]
    stale = [kept[0] for key, kept in current.items() if key not in wanted]
    Rating.objects.filter(pk__in=stale).delete()
    insert_rows(Rating, new)
    Rating.objects.bulk_update(changed, STORED_FIELDS, batch_size=BATCH)
    return {"added": len(new), "updated": len(changed), "removed": len(stale)}


# What generate_round may change in a rating that is not approved.
STORED_FIELDS = [
    *FIGURE_FIELDS,
    *LEADER_FIELDS,
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


def apply_leaders(policy: RatingPolicy, ratings: list[Rating]) -> list[Rating]:
    """Set the staff part, task points and total of the head ratings in `ratings` that are not
    approved (Decree 335, leaders): the staff part is 100% when every other person rated in the
    unit that month is at least "complete" (by points, or forced by a decision), 50% (policy
    data) when any is not. The caller sets `discipline_id` first. Returns the heads changed."""
    by_unit: dict[int, set[int | None]] = {}
    for rating in ratings:
        if rating.kind != Rating.Kind.PERSON:
            continue
        forced = rating.discipline_id is not None
        if forced or policy.band_of(rating.total) == Band.NOT_COMPLETE:
            by_unit.setdefault(rating.unit_id, set()).add(rating.person_id)
    changed = []
    for rating in ratings:
        if rating.kind != Rating.Kind.HEAD or rating.is_frozen or rating.own_pct is None:
            continue
        others = by_unit.get(rating.unit_id, set()) - {rating.person_id}
        staff = staff_pct(policy, bool(others))
        points = leader_task_points(policy, rating.own_pct, staff, rating.organising_pct or ZERO)
        total = cents(points + (rating.general_points or 0))
        if (rating.staff_pct, rating.task_points, rating.total) != (staff, points, total):
            rating.staff_pct, rating.task_points, rating.total = staff, points, total
            changed.append(rating)
    return changed


def refresh_leaders(rating_round: RatingRound, unit_ids: Iterable[int] | None = None) -> int:
    """Recompute the head ratings of the round (of `unit_ids`, or all) after a person rating,
    a total or a decision changed: apply_leaders, then store the heads that changed. Writes no
    audit event of its own (its caller does). Returns how many changed."""
    ratings = rating_round.ratings.filter(kind__in=[Rating.Kind.PERSON, Rating.Kind.HEAD]).only(
        "pk",
        "kind",
        "unit_id",
        "person_id",
        "total",
        "task_points",
        "general_points",
        "status",
        "discipline_id",
        *LEADER_FIELDS,
    )
    if unit_ids is not None:
        ratings = ratings.filter(unit_id__in=list(unit_ids))
    ratings_list = list(ratings)
    first, last = month_bounds(rating_round.month)
    forced_by_discipline(ratings_list, first, last)
    changed = apply_leaders(rating_round.policy, ratings_list)
    Rating.objects.bulk_update(changed, ["staff_pct", "task_points", "total"], batch_size=BATCH)
    return len(changed)


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
    assign_bands(rating_round.policy, ratings_list, cap=False)
    changed = [
        r
        for r in ratings_list
        if before[r.pk] != (r.score_band, r.band, r.cap_applied, r.discipline_id)
    ]
    Rating.objects.bulk_update(changed, BAND_FIELDS, batch_size=BATCH)
    return len(changed)

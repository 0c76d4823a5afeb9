"""The rating formula and the bands, as pure functions of a policy and figures (no database).

docs/ratings.md states the rules and works examples through them; tests/test_scoring.py pins
those examples. Every percentage and point value is rounded to two decimals before the next step
uses it, so the calculation shown on a scorecard adds up exactly.
"""

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Protocol

from cchc.ratings.models import Band, CapBase, RatingPolicy, cents

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclasses.dataclass
class Figures:
    """The month's tasks of one rated unit or person. `weight_*` are sums of task weights:
    assigned, completed, and the quality and progress credit of the completed tasks after the
    deductions for failed reviews and delays."""

    tasks: int = 0
    completed: int = 0
    late: int = 0
    failed_reviews: int = 0
    extensions: int = 0
    weight_assigned: Decimal = ZERO
    weight_completed: Decimal = ZERO
    weight_quality: Decimal = ZERO
    weight_progress: Decimal = ZERO

    @property
    def not_completed(self) -> int:
        return self.tasks - self.completed

    def add(self, other: "Figures") -> None:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


def credit(share: Decimal, deduction: Decimal, times: int) -> Decimal:
    """What is left of a task's `share` after `times` deductions of `deduction` (never < 0)."""
    return share * max(ZERO, 1 - deduction * times)


def task_credit(
    policy: RatingPolicy, weight: Decimal, *, late: bool, failed: int, extensions: int
) -> tuple[Decimal, Decimal]:
    """The quality and progress credit of one completed task of `weight`."""
    delays = int(late) + (extensions if policy.extension_is_delay else 0)
    return (
        credit(weight, policy.review_deduction, failed),
        credit(weight, policy.delay_deduction, delays),
    )


@dataclasses.dataclass(frozen=True)
class Score:
    quantity_pct: Decimal
    quality_pct: Decimal
    progress_pct: Decimal
    task_points: Decimal


def score(policy: RatingPolicy, figures: Figures) -> Score:
    """quantity, quality and progress % of the weights assigned, and the task points:
    task_max × the policy-weighted mean of the three percentages / 100."""
    base = figures.weight_assigned
    if not base:
        return Score(ZERO, ZERO, ZERO, ZERO)
    quantity = cents(HUNDRED * figures.weight_completed / base)
    quality = cents(HUNDRED * figures.weight_quality / base)
    progress = cents(HUNDRED * figures.weight_progress / base)
    weights = policy.weight_quantity + policy.weight_quality + policy.weight_progress
    mean = (
        policy.weight_quantity * quantity
        + policy.weight_quality * quality
        + policy.weight_progress * progress
    ) / weights
    return Score(quantity, quality, progress, cents(policy.task_max * mean / HUNDRED))


class Banded(Protocol):
    """What the band assignment reads and writes: a Rating, or a quarter's or year's line."""

    total: Decimal
    label: str
    cap_group: str
    score_band: str
    band: str
    cap_applied: bool
    discipline_id: int | None

    @property
    def is_frozen(self) -> bool: ...


def task_pct(policy: RatingPolicy, result: Score) -> Decimal:
    """The task result of `result` as a percentage: the policy-weighted mean of quantity,
    quality and progress (what the task points are `task_max` × / 100)."""
    weights = policy.weight_quantity + policy.weight_quality + policy.weight_progress
    return cents(
        (
            policy.weight_quantity * result.quantity_pct
            + policy.weight_quality * result.quality_pct
            + policy.weight_progress * result.progress_pct
        )
        / weights
    )


def organising_pct(policy: RatingPolicy, unit: Figures, unit_pct: Decimal) -> Decimal:
    """A leader's organising capacity (Decree 335, leaders): 100% when the unit completed every
    planned task of the period on time and with quality (no late completion, no failed review,
    no approved extension when the policy counts one as a delay); otherwise the unit's own task
    result in percent (illustrative: the decree's lower tiers are not encoded)."""
    delays = unit.late + (unit.extensions if policy.extension_is_delay else 0)
    if unit.tasks and unit.completed == unit.tasks and not delays and not unit.failed_reviews:
        return HUNDRED
    return unit_pct


def staff_pct(policy: RatingPolicy, any_not_complete: bool) -> Decimal:
    """The results of the civil servants a leader manages (Decree 335, leaders): 100% when each
    of them is rated at least "complete", `leader_unit_partial_pct` (50%) when any is not."""
    return policy.leader_unit_partial_pct if any_not_complete else HUNDRED


def leader_task_points(
    policy: RatingPolicy, own: Decimal, staff: Decimal, organising: Decimal
) -> Decimal:
    """A leader's task points: task_max × the weighted mean of own work, the staff's results
    and organising capacity (weights: policy data, illustrative) / 100."""
    weights = policy.leader_own_weight + policy.leader_unit_weight + policy.leader_organising_weight
    mean = (
        policy.leader_own_weight * own
        + policy.leader_unit_weight * staff
        + policy.leader_organising_weight * organising
    ) / weights
    return cents(policy.task_max * mean / HUNDRED)


def cap_places(
    pct: Decimal | None, base: str, *, good: int, candidates: int, rated: int, approved: int = 0
) -> int:
    """How many of `candidates` (in the excellent band) stay excellent in one group.

    Decree 335 point 5(a) (`base` "good"): excellent ≤ pct × the number FINALLY rated good,
    the candidates moved by the cap being rated good too: the largest E with
    approved + E ≤ pct × (good + candidates − E). A preset counting the staff (`base` "rated",
    Hà Nội's A ≤ 30%): E ≤ pct × rated − approved. `pct` None (an exception under point 5(b)
    lifting the cap): every candidate stays."""
    if pct is None:
        return candidates
    share = pct / HUNDRED
    if base == CapBase.RATED:
        most = share * rated - approved
    else:
        most = (share * (good + candidates) - approved) / (1 + share)
    return max(0, min(candidates, int(most)))


def assign_bands(policy: RatingPolicy, items: Iterable[Banded], *, cap: bool = True) -> None:
    """Set `score_band`, `band` and `cap_applied` of the items that are not frozen. The caller
    sets `discipline_id` first: a disciplinary decision forces "not complete". Monthly and
    quarterly results pass `cap=False`: their band is indicative and never capped (the cap is a
    rule of the yearly classification, yearly.py).

    The cap, per `cap_group` (RatingPolicy.excellent_allowed): excellent ratings may not
    exceed cap% of the number rated good, counting as good the candidates the cap moves there;
    approved excellent ratings use their places first; the other candidates keep theirs by
    score, highest first (ties by label), and the rest are rated good with `cap_applied`.
    """
    groups: dict[str, list[Banded]] = defaultdict(list)
    for item in items:
        groups[item.cap_group].append(item)
    for members in groups.values():
        candidates = []
        for item in members:
            if item.is_frozen:
                continue
            item.score_band = policy.band_of(item.total)
            item.cap_applied = False
            item.band = Band.NOT_COMPLETE if item.discipline_id else item.score_band
            if item.band == Band.EXCELLENT:
                candidates.append(item)
        if not cap:
            continue
        # Bands before the cap moves anyone (final ones for approved ratings).
        good = sum(1 for item in members if item.band == Band.GOOD)
        frozen_excellent = sum(1 for i in members if i.is_frozen and i.band == Band.EXCELLENT)
        places = policy.excellent_allowed(good, len(candidates), frozen_excellent)
        candidates.sort(key=lambda item: (-item.total, item.label))
        for item in candidates[places:]:
            item.band = Band.GOOD
            item.cap_applied = True

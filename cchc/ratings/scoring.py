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

from cchc.ratings.models import Band, RatingPolicy, cents

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


def assign_bands(policy: RatingPolicy, items: Iterable[Banded]) -> None:
    """Set `score_band`, `band` and `cap_applied` of the items that are not frozen. The caller
    sets `discipline_id` first: a disciplinary decision forces "not complete".

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
        # Bands before the cap moves anyone (final ones for approved ratings).
        good = sum(1 for item in members if item.band == Band.GOOD)
        frozen_excellent = sum(1 for i in members if i.is_frozen and i.band == Band.EXCELLENT)
        places = policy.excellent_allowed(good, len(candidates), frozen_excellent)
        candidates.sort(key=lambda item: (-item.total, item.label))
        for item in candidates[places:]:
            item.band = Band.GOOD
            item.cap_applied = True

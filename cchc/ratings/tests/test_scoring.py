"""The formula, the bands, the cap and the discipline override (docs/ratings.md)."""

import dataclasses
from decimal import Decimal

import pytest

from cchc.ratings.models import Band, RatingPolicy
from cchc.ratings.scoring import Figures, assign_bands, score, task_credit

D = Decimal


def decree_335() -> RatingPolicy:
    """The default policy's rules (an unsaved copy: these tests need no database)."""
    return RatingPolicy(name="Nghị định 335", valid_from="2026-01-01")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        ("100", Band.EXCELLENT),
        ("90.0", Band.EXCELLENT),
        ("89.99", Band.GOOD),
        ("70", Band.GOOD),
        ("69.99", Band.COMPLETE),
        ("50", Band.COMPLETE),
        ("49.99", Band.NOT_COMPLETE),
        ("0", Band.NOT_COMPLETE),
    ],
)
def test_band_of_a_score_at_the_edges(total: str, band: str) -> None:
    assert decree_335().band_of(D(total)) == band


def test_score_of_the_worked_example() -> None:
    """docs/ratings.md example 1: 10 tasks, 8 completed, 1 failed review, 2 late."""
    policy = decree_335()
    figures = Figures(tasks=10, completed=8, late=2, failed_reviews=1, weight_assigned=D(10))
    figures.weight_completed = D(8)
    figures.weight_quality = D(8) - D("0.25")  # one failed review: a quarter of one task
    figures.weight_progress = D(8) - 2 * D("0.25")  # two late completions

    result = score(policy, figures)

    assert (result.quantity_pct, result.quality_pct, result.progress_pct) == (
        D("80.00"),
        D("77.50"),
        D("75.00"),
    )
    assert result.task_points == D("54.25")  # 70 × (80 + 77.5 + 75) / 3 / 100


def test_score_weights_tasks_by_their_weight() -> None:
    """docs/ratings.md example 2: a task of weight 3 done, one of weight 1 not done."""
    figures = Figures(tasks=2, completed=1, weight_assigned=D(4), weight_completed=D(3))
    figures.weight_quality = figures.weight_progress = D(3)

    result = score(decree_335(), figures)

    assert result.quantity_pct == D("75.00")
    assert result.task_points == D("52.50")


def test_score_with_unequal_policy_weights() -> None:
    policy = decree_335()
    policy.weight_quantity, policy.weight_quality, policy.weight_progress = D(2), D(1), D(1)
    figures = Figures(tasks=10, completed=8, weight_assigned=D(10), weight_completed=D(8))
    figures.weight_quality, figures.weight_progress = D("7.75"), D("7.5")

    # (2 × 80 + 77.5 + 75) / 4 = 78.125 → 70 × 0.78125 = 54.6875 → 54.69
    assert score(policy, figures).task_points == D("54.69")


def test_task_credit_deducts_a_quarter_per_failed_review_and_per_delay() -> None:
    policy = decree_335()
    assert task_credit(policy, D(1), late=False, failed=0, extensions=0) == (D(1), D(1))
    assert task_credit(policy, D(2), late=True, failed=1, extensions=1) == (D("1.5"), D("1.0"))
    # Never below zero, however many reviews failed.
    assert task_credit(policy, D(1), late=True, failed=5, extensions=4)[0] == 0


def test_task_credit_ignores_extensions_when_the_policy_says_so() -> None:
    policy = decree_335()
    policy.extension_is_delay = False
    assert task_credit(policy, D(1), late=False, failed=0, extensions=2) == (D(1), D(1))


def test_score_of_nothing_assigned_is_zero() -> None:
    assert score(decree_335(), Figures()).task_points == 0


@dataclasses.dataclass
class Line:
    label: str
    total: Decimal
    cap_group: str = "unit:wards"
    score_band: str = ""
    band: str = ""
    cap_applied: bool = False
    discipline_id: int | None = None
    frozen: bool = False

    @property
    def is_frozen(self) -> bool:
        return self.frozen


def _group(good: int, excellent: list[str]) -> list[Line]:
    lines = [Line(f"Good {n}", D(75 + n)) for n in range(good)]
    return lines + [Line(f"Excellent {total}", D(total)) for total in excellent]


def test_cap_keeps_twenty_percent_of_good_as_excellent() -> None:
    """10 good and 4 excellent candidates: 2 excellent; the two lowest are rated good."""
    lines = _group(10, ["95", "91", "93.5", "90"])

    assign_bands(decree_335(), lines)

    bands = {line.label: (line.band, line.cap_applied) for line in lines[10:]}
    assert bands == {
        "Excellent 95": (Band.EXCELLENT, False),
        "Excellent 93.5": (Band.EXCELLENT, False),
        "Excellent 91": (Band.GOOD, True),
        "Excellent 90": (Band.GOOD, True),
    }
    assert all(line.score_band == Band.EXCELLENT for line in lines[10:])
    assert all(line.band == Band.GOOD and not line.cap_applied for line in lines[:10])


def test_cap_counts_the_candidates_it_moves_as_good() -> None:
    """5 good and 68 candidates: 12 excellent, 12 ≤ 20% of the 61 then good (13 > 20% of 60)."""
    lines = _group(5, [str(90 + n / 10) for n in range(68)])

    assign_bands(decree_335(), lines)

    excellent = [line.total for line in lines if line.band == Band.EXCELLENT]
    assert excellent == [D(str(90 + n / 10)) for n in range(56, 68)]
    assert sum(line.cap_applied for line in lines) == 56


def test_cap_is_applied_per_group() -> None:
    wards = _group(10, ["95", "91"])
    departments = [Line("Sở A", D(96), cap_group="unit:departments")]

    assign_bands(decree_335(), [*wards, *departments])

    assert [line.band for line in wards[10:]] == [Band.EXCELLENT, Band.EXCELLENT]
    # Alone in its group: rated excellent it would exceed 20% of the none rated good.
    assert (departments[0].band, departments[0].cap_applied) == (Band.GOOD, True)


def test_cap_counts_approved_excellent_ratings_first() -> None:
    lines = _group(5, ["99", "92"])  # 20% of 5 good = 1 place
    lines[-1].frozen, lines[-1].band = True, Band.EXCELLENT  # 92, approved before

    assign_bands(decree_335(), lines)

    assert (lines[-2].band, lines[-2].cap_applied) == (Band.GOOD, True)
    assert lines[-1].band == Band.EXCELLENT


def test_discipline_forces_not_complete_and_frees_no_place() -> None:
    lines = _group(10, ["95", "91", "93"])
    lines[-3].discipline_id = 7  # 95, disciplined this month

    assign_bands(decree_335(), lines)

    assert (lines[-3].score_band, lines[-3].band) == (Band.EXCELLENT, Band.NOT_COMPLETE)
    assert [(line.band, line.cap_applied) for line in lines[-2:]] == [
        (Band.EXCELLENT, False),
        (Band.EXCELLENT, False),
    ]

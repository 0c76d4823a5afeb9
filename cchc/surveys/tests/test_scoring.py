"""The sample size rule, the satisfied share and the Wilson interval (pure, no database)."""

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.surveys.scoring import (
    mean_share,
    sample_size,
    satisfied_share,
    scaled_points,
    wilson_interval,
)

D = Decimal
populations = st.integers(min_value=1, max_value=10_000_000)
margins = st.decimals(min_value=D("0.001"), max_value=D("0.999"), places=3)


@pytest.mark.parametrize(
    ("population", "margin", "n"),
    [
        (1000, "0.05", 286),  # 1000 / 3.5 = 285.71 → 286
        (400, "0.05", 200),  # 400 / 2 = 200 exactly: not rounded up to 201
        (100, "0.05", 80),  # 100 / 1.25 = 80 exactly
        (1, "0.05", 1),
        (10, "0.1", 10),  # 10 / 1.1 = 9.09 → 10
        (1_000_000, "0.05", 400),  # 1e6 / 2501 = 399.84 → 400
        (5000, "0.03", 910),  # 5000 / 5.5 = 909.09 → 910
    ],
)
def test_sample_size_worked_examples(population: int, margin: str, n: int) -> None:
    assert sample_size(population, D(margin)) == n


def test_sample_size_of_the_documented_example() -> None:
    assert sample_size(1000, D("0.05")) == 286


def test_sample_size_of_a_whole_quotient_is_not_rounded_up() -> None:
    assert sample_size(400, D("0.05")) == 200
    assert sample_size(100, D("0.05")) == 80


@pytest.mark.parametrize(
    ("population", "margin"),
    [(0, "0.05"), (-5, "0.05"), (100, "0"), (100, "1"), (100, "-0.05"), (100, "NaN")],
)
def test_sample_size_refuses_bad_input(population: int, margin: str) -> None:
    with pytest.raises(ValueError, match="must be"):
        sample_size(population, D(margin))


@given(populations, margins)
def test_sample_size_is_within_the_population(population: int, margin: Decimal) -> None:
    assert 1 <= sample_size(population, margin) <= population


@given(populations, populations, margins)
def test_sample_size_grows_with_the_population(a: int, b: int, margin: Decimal) -> None:
    small, large = sorted((a, b))
    assert sample_size(small, margin) <= sample_size(large, margin)


@given(populations, margins)
def test_sample_size_never_exceeds_one_over_e_squared_rounded_up(
    population: int, margin: Decimal
) -> None:
    assert sample_size(population, margin) <= math.ceil(1 / margin**2)


def test_satisfied_share_in_percent() -> None:
    assert satisfied_share(2, 3) == D("66.67")
    assert satisfied_share(1, 8) == D("12.50")
    assert satisfied_share(0, 5) == D("0.00")
    assert satisfied_share(0, 0) is None


def test_mean_of_shares_and_points() -> None:
    assert mean_share([D("80"), D("90"), D("85.5")]) == D("85.17")
    assert mean_share([]) is None
    assert scaled_points(D("85.17"), D("30")) == D("25.55")


def test_wilson_interval_worked_example() -> None:
    """8 of 10 satisfied: 80% within [49.02, 94.33] at 95%."""
    low, high = wilson_interval(8, 10)
    assert (round(low, 2), round(high, 2)) == (49.02, 94.33)


def test_wilson_interval_at_the_edges() -> None:
    assert wilson_interval(0, 0) == (0.0, 100.0)
    low, high = wilson_interval(0, 20)
    assert low == 0.0
    assert round(high, 2) == 16.11
    low, high = wilson_interval(20, 20)
    assert high == 100.0
    assert round(low, 2) == 83.89


def test_wilson_interval_refuses_more_successes_than_trials() -> None:
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_interval(3, 2)


@given(
    st.integers(min_value=1, max_value=1_000_000).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    )
)
def test_wilson_interval_contains_the_share_within_bounds(case: tuple[int, int]) -> None:
    successes, n = case
    low, high = wilson_interval(successes, n)
    share = successes / n * 100
    assert 0 <= low <= share + 1e-9
    assert share - 1e-9 <= high <= 100

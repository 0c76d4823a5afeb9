"""Index % and ranking with ties (1, 2, 2, 4), pinned and as properties."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cchc.indices.scoring import competition_ranks, index_percent

D = Decimal
scores = st.lists(st.decimals(min_value=0, max_value=100, places=2), max_size=60)


def test_index_percent_adds_survey_points() -> None:
    assert index_percent(D("62.5"), D("27.08"), D(100)) == D("89.58")


def test_index_percent_without_a_survey_rescales_to_100() -> None:
    assert index_percent(D("63"), None, D(70)) == D("90.00")


def test_ties_share_a_rank_and_the_next_skips() -> None:
    assert competition_ranks([D(95), D(90), D(90), D(80)]) == [1, 2, 2, 4]
    assert competition_ranks([D(80), D(90), D(95), D(90)]) == [4, 2, 1, 2]


@given(values=scores)
def test_rank_is_one_plus_the_number_strictly_higher(values: list[Decimal]) -> None:
    ranks = competition_ranks(values)

    assert ranks == [1 + sum(other > value for other in values) for value in values]


@given(values=scores)
def test_equal_values_share_a_rank_and_higher_values_rank_better(values: list[Decimal]) -> None:
    ranks = competition_ranks(values)

    for i, a in enumerate(values):
        for j, b in enumerate(values):
            if a == b:
                assert ranks[i] == ranks[j]
            elif a > b:
                assert ranks[i] < ranks[j]

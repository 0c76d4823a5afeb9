"""Group boundaries of the index (A ≥ 90, B 80 to < 90, C 70 to < 80, none below), as
properties over any percentage and any thresholds a framework may set."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cchc.indices.models import Framework

percents = st.decimals(min_value=0, max_value=100, places=2)


@given(percent=percents)
def test_default_groups_follow_the_thresholds(percent: Decimal) -> None:
    group = Framework(year=2026, group="wards").group_of(percent)

    expected = "A" if percent >= 90 else "B" if percent >= 80 else "C" if percent >= 70 else None
    assert group == expected


@given(
    thresholds=st.lists(percents, min_size=3, max_size=3, unique=True).map(sorted),
    low=percents,
    high=percents,
)
def test_a_higher_index_never_gets_a_lower_group(
    thresholds: list[Decimal], low: Decimal, high: Decimal
) -> None:
    low, high = sorted([low, high])
    c, b, a = thresholds
    framework = Framework(year=2026, group="wards", group_a_min=a, group_b_min=b, group_c_min=c)
    order = {"A": 3, "B": 2, "C": 1, None: 0}

    assert order[framework.group_of(low)] <= order[framework.group_of(high)]
    assert framework.group_of(a) == "A"
    assert framework.group_of(c) == "C"

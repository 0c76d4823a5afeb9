"""The one rounding rule: half-up, with the worked examples of issue 14."""

from decimal import Decimal

from cchc.core.rounding import half_up, percent


def test_percent_one_of_sixteen_is_6_25_at_two_decimals_and_6_3_at_one() -> None:
    assert percent(1, 16) == Decimal("6.25")
    assert percent(1, 16, 1) == Decimal("6.3")  # Python's round(6.25, 1) gives 6.2
    assert round(100 / 16, 1) == 6.2  # why the helper exists


def test_percent_government_office_example_is_98_63() -> None:
    # 14,068 on time + 1,983 late completed of 16,274 due (on time + late + 223 overdue).
    assert percent(14_068 + 1_983, 14_068 + 1_983 + 223) == Decimal("98.63")
    assert percent(14_068, 16_274) == Decimal("86.44")


def test_percent_of_nothing_is_none() -> None:
    assert percent(0, 0) is None


def test_half_up_rounds_halves_away_from_zero() -> None:
    assert half_up(Decimal("2.5"), 0) == Decimal(3)
    assert half_up(0.125, 2) == Decimal("0.13")
    assert half_up(2.675, 2) == Decimal("2.68")
    assert half_up(Decimal("-1.25"), 1) == Decimal("-1.3")

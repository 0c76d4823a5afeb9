"""Article 27 of Circular 02/2017/TT-VPCP on the worked examples of docs/procedures.md."""

from decimal import Decimal

from cchc.procedures.scoring import Burden, compare, cost, cut_percent, days_to_hours, workflow_fits


def test_example_a_days_with_fees() -> None:
    """15 working days → 10 (80 h), fees 100,000 → 50,000, once a year by 1,200 subjects."""
    result = compare(
        Burden(hours=days_to_hours(Decimal(15)), fees=100_000, times_per_year=1, subjects=1200),
        Burden(hours=Decimal(80), fees=50_000, times_per_year=1, subjects=1200),
        40_000,
    )
    assert result.before.work == 4_800_000
    assert result.before.one == 4_900_000
    assert result.after.one == 3_250_000
    assert result.as_dict() == {
        "before": 5_880_000_000,
        "after": 3_900_000_000,
        "saving": 1_980_000_000,
        "cut_pct": "33.67",
    }


def test_example_b_hours_without_fees() -> None:
    """6 h → 2.5 h, no fees, twice a year by 3,000 subjects."""
    result = compare(
        Burden(hours=Decimal(6), times_per_year=2, subjects=3000),
        Burden(hours=Decimal("2.5"), times_per_year=2, subjects=3000),
        40_000,
    )
    assert (result.before.one, result.after.one) == (240_000, 100_000)
    assert result.as_dict() == {
        "before": 1_440_000_000,
        "after": 600_000_000,
        "saving": 840_000_000,
        "cut_pct": "58.33",
    }


def test_other_costs_add_to_one_procedure() -> None:
    one = cost(Burden(hours=Decimal("1.5"), fees=20_000, other=15_000), 40_000)
    assert (one.work, one.one, one.yearly) == (60_000, 95_000, 95_000)


def test_rounding_is_half_up() -> None:
    assert cost(Burden(hours=Decimal("0.01875")), 40_000).work == 750
    assert cost(Burden(hours=Decimal("0.0000125")), 40_000).work == 1  # 0.5 dong → 1
    assert cut_percent(3, 1) == Decimal("66.67")
    assert cut_percent(8, 7) == Decimal("12.50")
    assert cut_percent(0, 0) == Decimal("0.00")


def test_workflow_time_rule() -> None:
    assert workflow_fits([Decimal(4), Decimal(12), Decimal(8)], Decimal(3))  # 24 h = 3 days
    assert not workflow_fits([Decimal(4), Decimal(12), Decimal("8.5")], Decimal(3))
    assert workflow_fits([Decimal(4)], Decimal("0.5"))

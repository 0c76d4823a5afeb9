"""Compliance cost of a procedure (Circular 02/2017/TT-VPCP, Article 27) and the workflow time
rule. Pure functions on Decimal: the pages, the API and `manage.py compliance_cost` all call
these, so the figures agree everywhere. docs/procedures.md works two examples through by hand.

- cost of one = working hours × hourly value + fees and charges + other costs;
- yearly cost = cost of one × times per year × subjects per year;
- saving = yearly before − yearly after; cut % = saving / yearly before × 100.

VND amounts are rounded to whole dong and the cut to two decimals, half up.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HOURS_PER_DAY = Decimal(8)
CITY_TARGET_CUT = Decimal(30)  # % of time and cost, Hà Nội 2025
ONE = Decimal(1)
CENT = Decimal("0.01")


def vnd(value: Decimal) -> int:
    """Whole dong, half up."""
    return int(value.quantize(ONE, rounding=ROUND_HALF_UP))


def days_to_hours(days: Decimal) -> Decimal:
    return days * HOURS_PER_DAY


@dataclass(frozen=True)
class Burden:
    """What one subject spends on one procedure, and how often it is done in a year."""

    hours: Decimal
    fees: int = 0
    other: int = 0
    times_per_year: int = 1
    subjects: int = 1


@dataclass(frozen=True)
class Cost:
    """The cost of one procedure and of a year of it (VND), step by step for the page."""

    hours: Decimal
    hourly_value: int
    work: int  # hours × hourly value
    fees: int
    other: int
    one: int  # work + fees + other
    times_per_year: int
    subjects: int
    yearly: int  # one × times × subjects


def cost(burden: Burden, hourly_value: int) -> Cost:
    work = vnd(burden.hours * hourly_value)
    one = work + burden.fees + burden.other
    return Cost(
        hours=burden.hours,
        hourly_value=hourly_value,
        work=work,
        fees=burden.fees,
        other=burden.other,
        one=one,
        times_per_year=burden.times_per_year,
        subjects=burden.subjects,
        yearly=one * burden.times_per_year * burden.subjects,
    )


def cut_percent(before: int, after: int) -> Decimal:
    """(before − after) / before in percent, two decimals; 0 when there was no cost."""
    if before == 0:
        return Decimal("0.00")
    return (Decimal(before - after) * 100 / before).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Comparison:
    before: Cost
    after: Cost

    @property
    def saving(self) -> int:
        return self.before.yearly - self.after.yearly

    @property
    def cut_pct(self) -> Decimal:
        return cut_percent(self.before.yearly, self.after.yearly)

    def as_dict(self) -> dict[str, int | str]:
        """{"before", "after", "saving": VND integers, "cut_pct": "12.34"}."""
        return {
            "before": self.before.yearly,
            "after": self.after.yearly,
            "saving": self.saving,
            "cut_pct": str(self.cut_pct),
        }


def compare(before: Burden, after: Burden, hourly_value: int) -> Comparison:
    return Comparison(cost(before, hourly_value), cost(after, hourly_value))


def workflow_fits(step_hours: list[Decimal], legal_days: Decimal) -> bool:
    """The sum of a workflow's step hours may not exceed the legal time × 8 hours."""
    return sum(step_hours, Decimal(0)) <= days_to_hours(legal_days)

"""The tally counts the plan year to date; earlier years' unfinished tasks are carried over
apart (docs/domain/tally.md): worked examples of issue 14."""

import datetime

import pytest

from cchc.plans.actions import close_month
from cchc.plans.models import TallyRow
from cchc.plans.queries import tally_month
from cchc.plans.tests.factories import issued_city_plan, task_in
from cchc.plans.tests.helpers import backdate, complete, row_for

pytestmark = pytest.mark.django_db

JANUARY_2027 = datetime.date(2027, 1, 1)


@pytest.fixture
def two_years(hanoi, city_admin, officer_a):
    """2026: ward A's T1 (due 31/03/2026, never done) and T2 (done 18/03/2026), ward B's T3
    (due 25/03/2026, done late on 20/01/2027). 2027: ward A's N1 due 20/01/2027, done on time
    on 15/01/2027."""
    plan_2026 = issued_city_plan(hanoi.city, city_admin, year=2026)
    old = [
        task_in(plan_2026, hanoi.ward_a, city_admin, code="T1"),
        task_in(
            plan_2026, hanoi.ward_a, city_admin, code="T2", deadline=datetime.date(2026, 3, 20)
        ),
        task_in(
            plan_2026, hanoi.ward_b, city_admin, code="T3", deadline=datetime.date(2026, 3, 25)
        ),
    ]
    backdate(*old)
    complete(old[1], officer_a, city_admin, datetime.date(2026, 3, 18))
    complete(old[2], officer_a, city_admin, datetime.date(2027, 1, 20))
    plan_2027 = issued_city_plan(hanoi.city, city_admin, year=2027)
    new = task_in(
        plan_2027, hanoi.ward_a, city_admin, code="N1", deadline=datetime.date(2027, 1, 20)
    )
    backdate(new, day=datetime.date(2027, 1, 5))
    complete(new, officer_a, city_admin, datetime.date(2027, 1, 15))
    return old, new


def test_tally_of_january_2027_holds_no_2026_task(two_years, hanoi) -> None:
    rows = tally_month(JANUARY_2027)
    city = row_for(rows, TallyRow.Scope.CITY)
    # Only N1 (2027) is counted: assigned 1, completed on time; T3 completed late in January
    # belongs to the 2026 plan and is not counted in 2027's figures.
    assert (city["assigned"], city["on_time"], city["late"]) == (1, 1, 0)
    assert (city["in_term"], city["overdue"], city["due_in_month"]) == (0, 0, 1)
    # T1 is the only 2026 task still unfinished at 31/01/2027: carried over, apart.
    assert city["carried_over"] == 1
    ward_a = row_for(rows, TallyRow.Scope.UNIT, unit_id=hanoi.ward_a.pk)
    assert (ward_a["assigned"], ward_a["overdue"], ward_a["carried_over"]) == (1, 0, 1)
    ward_b = [
        r for r in rows if r["scope"] == TallyRow.Scope.UNIT and r["unit_id"] == hanoi.ward_b.pk
    ]
    assert ward_b == []  # T3 was completed: nothing of ward B's is counted in 2027


def test_tally_of_december_2026_counts_the_year_and_carries_nothing(two_years) -> None:
    city = row_for(tally_month(datetime.date(2026, 12, 1)), TallyRow.Scope.CITY)
    assert (city["assigned"], city["on_time"], city["overdue"], city["carried_over"]) == (
        3,
        1,
        2,
        0,
    )


def test_carried_over_stays_out_of_the_rates(two_years, city_admin) -> None:
    close = close_month(JANUARY_2027, actor=city_admin, today=datetime.date(2027, 2, 1))
    city = close.rows.get(scope=TallyRow.Scope.CITY)
    assert city.carried_over == 1
    assert (city.due, city.completion_rate, city.on_time_rate) == (1, 100, 100)


def test_rates_of_the_government_office_example() -> None:
    # "16.051 nhiệm vụ đến hạn đã hoàn thành, đạt 98,63%": 14,068 on time, 1,983 late, 223
    # overdue (due = 16,274).
    row = TallyRow(on_time=14_068, late=1_983, overdue=223, in_term=500)
    assert (row.due, row.completed) == (16_274, 16_051)
    assert str(row.completion_rate) == "98.63"
    assert str(row.on_time_rate) == "86.44"


def test_rates_are_rounded_half_up_and_none_when_nothing_is_due() -> None:
    assert str(TallyRow(on_time=1, overdue=15).on_time_rate) == "6.25"
    assert str(TallyRow(reviewed=16, reviews_passed=1).quality_rate) == "6.25"
    nothing = TallyRow(in_term=4)
    assert (nothing.completion_rate, nothing.on_time_rate) == (None, None)

"""plans.queries.receiving_plan: the plan that receives a generated task (an inspection's
remediation, a petition's commitment) is chosen by the date of the decision that creates it:
the unit's own issued plan of that year, else the nearest issued plan above it."""

import datetime

import pytest

from cchc.plans.actions import create_plan, issue_plan
from cchc.plans.queries import receiving_plan

pytestmark = pytest.mark.django_db


def issued(unit, actor, year: int, number: str):
    plan = create_plan(actor=actor, unit=unit, year=year, title=f"Kế hoạch CCHC năm {year}")
    return issue_plan(
        plan,
        actor=actor,
        document_number=number,
        document_date=datetime.date(year, 1, 5),
        signer="Chủ tịch UBND",
    )


def test_the_decision_date_picks_the_year_across_the_boundary(hanoi, city_admin) -> None:
    ward_2026 = issued(hanoi.ward_a, city_admin, 2026, "05/KH-UBND")
    city_2027 = issued(hanoi.city, city_admin, 2027, "01/KH-UBND")
    assert receiving_plan(hanoi.ward_a, datetime.date(2026, 12, 31)) == ward_2026
    # The ward has no plan of 2027 yet: the city's receives the task decided on 01/01/2027.
    assert receiving_plan(hanoi.ward_a, datetime.date(2027, 1, 1)) == city_2027
    # A unit without its own plan, decided in 2026 when the city had none issued: no plan.
    assert receiving_plan(hanoi.ward_b, datetime.date(2026, 12, 31)) is None


def test_only_issued_plans_receive_tasks(hanoi, city_admin) -> None:
    city_2026 = issued(hanoi.city, city_admin, 2026, "01/KH-UBND")
    create_plan(actor=city_admin, unit=hanoi.ward_a, year=2026, title="Dự thảo kế hoạch")
    assert receiving_plan(hanoi.ward_a, datetime.date(2026, 6, 1)) == city_2026

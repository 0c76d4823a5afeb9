"""The month tally (queries.tally_month) on the boundary days, and progress roll-up by weight."""

import datetime
from decimal import Decimal

import pytest

from cchc.accounts.tests.factories import UserFactory
from cchc.plans.actions import (
    cancel_task,
    create_plan,
    create_task,
    decide_extension,
    request_extension,
    return_report,
    submit_report,
)
from cchc.plans.models import ContentArea, QualityReview, TallyRow, Task
from cchc.plans.queries import roll_up_progress, tally_month, units_not_reported
from cchc.plans.tests.factories import issued_city_plan, task_in
from cchc.plans.tests.helpers import at, backdate, complete, report, row_for

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
COUNTS = ["assigned", "due_in_month", "on_time", "late", "in_term", "overdue"]


def counts(row: dict) -> dict:
    return {name: row[name] for name in COUNTS}


@pytest.fixture
def plan(hanoi, city_admin):
    return issued_city_plan(hanoi.city, city_admin)


def test_tally_month_categories_on_the_boundary_days(plan, hanoi, city_admin, officer_a) -> None:
    def task(code, deadline):
        return task_in(plan, hanoi.ward_a, city_admin, code=code, deadline=deadline)

    due_last_day = task("T1", datetime.date(2026, 3, 31))
    due_day_before = task("T2", datetime.date(2026, 3, 30))
    on_deadline = task("T3", datetime.date(2026, 3, 15))
    late = task("T4", datetime.date(2026, 3, 10))
    done_in_april = task("T5", datetime.date(2026, 3, 20))
    extended = task("T6", datetime.date(2026, 3, 25))
    due_in_april = task("T7", datetime.date(2026, 4, 30))
    backdate(due_last_day, due_day_before, on_deadline, late, done_in_april, extended, due_in_april)
    complete(on_deadline, officer_a, city_admin, datetime.date(2026, 3, 15))
    complete(late, officer_a, city_admin, datetime.date(2026, 3, 20))
    complete(done_in_april, officer_a, city_admin, datetime.date(2026, 4, 2))
    ask = request_extension(
        extended, actor=officer_a, reason="Chờ ý kiến", new_deadline=datetime.date(2026, 4, 15)
    )
    decide_extension(ask, actor=city_admin, approve=True)

    rows = tally_month(MARCH)

    city = row_for(rows, TallyRow.Scope.CITY)
    # in term: due 31/03 (the last day), extended to 15/04, due 30/04;
    # overdue: due 30/03, and the one completed only in April; due in March: all but 2.
    assert counts(city) == {
        "assigned": 7,
        "due_in_month": 5,
        "on_time": 1,
        "late": 1,
        "in_term": 3,
        "overdue": 2,
    }
    assert counts(row_for(rows, TallyRow.Scope.UNIT, unit_id=hanoi.ward_a.pk)) == counts(city)
    assert [r["scope"] for r in rows] == ["city", "unit", "area"]


def test_tally_month_leaves_out_cancelled_draft_later_and_parent_tasks(
    plan, hanoi, city_admin
) -> None:
    kept = task_in(plan, hanoi.ward_a, city_admin, code="T1")
    cancelled = task_in(plan, hanoi.ward_a, city_admin, code="T2")
    assigned_in_april = task_in(plan, hanoi.ward_a, city_admin, code="T3")
    parent = task_in(plan, hanoi.home_affairs, city_admin, code="P")
    children = [
        task_in(plan, unit, city_admin, code=f"P.{unit.code}", parent=parent)
        for unit in (hanoi.ward_a, hanoi.ward_b)
    ]
    draft = create_plan(actor=city_admin, unit=hanoi.ward_b, year=2026, title="Dự thảo")
    in_draft = task_in(draft, hanoi.ward_b, city_admin, code="D1")
    backdate(kept, cancelled, parent, in_draft, *children)
    backdate(assigned_in_april, day=datetime.date(2026, 4, 1))
    cancel_task(cancelled, actor=city_admin, reason="Không còn phù hợp")

    rows = tally_month(MARCH)

    assert row_for(rows, TallyRow.Scope.CITY)["assigned"] == 3  # kept and the two children
    unit_rows = {r["unit_id"]: r["assigned"] for r in rows if r["scope"] == TallyRow.Scope.UNIT}
    assert unit_rows == {hanoi.ward_a.pk: 2, hanoi.ward_b.pk: 1}  # no row for the parent's unit


def test_tally_month_per_area_and_person_and_reviews_of_the_month(
    plan, hanoi, city_admin, officer_a
) -> None:
    person = UserFactory(full_name="Trần Thị Phụ Trách")
    staffing = ContentArea.objects.exclude(code="TTHC").first()
    first = task_in(plan, hanoi.ward_a, city_admin, code="T1", responsible=person)
    second = task_in(plan, hanoi.ward_a, city_admin, code="T2", area=staffing)
    backdate(first, second)
    returned = report(first, officer_a, datetime.date(2026, 3, 5), completion=True)
    return_report(returned, actor=city_admin, reason="Thiếu minh chứng")
    complete(first, officer_a, city_admin, datetime.date(2026, 3, 12))
    QualityReview.objects.filter(report=returned).update(created_at=at(datetime.date(2026, 3, 6)))
    old = report(second, officer_a, datetime.date(2026, 2, 20), completion=True)
    return_report(old, actor=city_admin, reason="Sai mẫu")
    QualityReview.objects.filter(report=old).update(created_at=at(datetime.date(2026, 2, 21)))

    rows = tally_month(MARCH)

    unit = row_for(rows, TallyRow.Scope.UNIT, unit_id=hanoi.ward_a.pk)
    assert (unit["reviewed"], unit["reviews_passed"]) == (2, 1)  # February's review is left out
    by_person = row_for(rows, TallyRow.Scope.PERSON, person_id=person.pk)
    assert by_person["label"] == "Trần Thị Phụ Trách"
    assert (by_person["assigned"], by_person["on_time"], by_person["reviewed"]) == (1, 1, 2)
    area = row_for(rows, TallyRow.Scope.AREA, area_id=staffing.pk)
    assert (area["label"], area["assigned"], area["in_term"]) == (staffing.name, 1, 1)


def test_tally_month_reported_in_month_per_unit(plan, hanoi, city_admin, officer_a) -> None:
    reported = task_in(plan, hanoi.ward_a, city_admin, code="T1")
    silent = task_in(plan, hanoi.ward_b, city_admin, code="T2")
    nothing_open = task_in(plan, hanoi.home_affairs, city_admin, code="T3")
    backdate(reported, silent, nothing_open)
    report(reported, officer_a, datetime.date(2026, 3, 31))
    complete(nothing_open, officer_a, city_admin, datetime.date(2026, 2, 27))

    rows = tally_month(MARCH)

    flags = {
        r["unit_id"]: r["reported_in_month"] for r in rows if r["scope"] == TallyRow.Scope.UNIT
    }
    assert flags == {hanoi.ward_a.pk: True, hanoi.ward_b.pk: False, hanoi.home_affairs.pk: True}
    assert row_for(rows, TallyRow.Scope.CITY)["reported_in_month"] is False
    assert list(units_not_reported(MARCH)) == [hanoi.ward_b]


def test_tally_month_of_an_empty_month_is_one_city_row_of_zeros(plan) -> None:
    rows = tally_month(MARCH)
    assert len(rows) == 1
    assert counts(rows[0]) == dict.fromkeys(COUNTS, 0)


def test_roll_up_progress_weights_the_children(plan, hanoi, city_admin, officer_a) -> None:
    parent = task_in(plan, hanoi.home_affairs, city_admin, code="P")
    light = task_in(plan, hanoi.ward_a, city_admin, code="P.1", parent=parent)
    heavy = task_in(plan, hanoi.ward_a, city_admin, code="P.2", parent=parent, weight=Decimal(3))
    report(light, officer_a, datetime.date(2026, 3, 2), percent=100)
    assert roll_up_progress(parent) == 25
    assert roll_up_progress(light) == 100
    assert roll_up_progress(heavy) == 0


def test_roll_up_progress_recurses_counts_completed_as_100_and_skips_cancelled(
    plan, hanoi, city_admin, officer_a
) -> None:
    root = task_in(plan, hanoi.city, city_admin, code="R")
    middle = task_in(plan, hanoi.ward_a, city_admin, code="R.1", parent=root)
    done = task_in(plan, hanoi.ward_a, city_admin, code="R.1.1", parent=middle)
    half = task_in(plan, hanoi.ward_a, city_admin, code="R.1.2", parent=middle)
    other = task_in(plan, hanoi.ward_b, city_admin, code="R.2", parent=root)
    dropped = create_task(
        plan,
        actor=city_admin,
        code="R.3",
        title="Bỏ",
        area=other.area,
        lead_unit=hanoi.ward_b,
        deadline=other.deadline,
        parent=root,
        weight=Decimal(5),
    )
    complete(done, officer_a, city_admin, datetime.date(2026, 3, 3))
    report(half, officer_a, datetime.date(2026, 3, 4), percent=50)
    cancel_task(dropped, actor=city_admin, reason="Trùng nhiệm vụ")
    assert roll_up_progress(middle) == 75  # (100 + 50) / 2
    assert roll_up_progress(root) == 38  # (75 + 0) / 2, the cancelled child left out


def test_parent_progress_follows_its_children_by_weight(hanoi, city_admin, officer_a) -> None:
    from cchc.plans.actions import assign_task_to_units
    from cchc.plans.tests.factories import issued_city_plan, task_in

    plan = issued_city_plan(hanoi.city, city_admin)
    parent = task_in(plan, hanoi.city, city_admin, code="P", deadline=datetime.date(2026, 6, 30))
    child_a, child_b = assign_task_to_units(
        parent, actor=city_admin, units=[hanoi.ward_a, hanoi.ward_b]
    )
    Task.objects.filter(pk=child_b.pk).update(weight=3)
    submit_report(child_a, actor=officer_a, percent=80, narrative="Đang làm")
    parent.refresh_from_db()
    assert parent.progress == 20  # (80 × 1 + 0 × 3) / 4

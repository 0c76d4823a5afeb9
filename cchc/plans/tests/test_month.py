"""Closing a month freezes its tally; reopening needs a reason; `manage.py close_month`."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from cchc.core.models import AuditEvent
from cchc.plans.actions import (
    cancel_task,
    close_month,
    create_plan,
    decide_extension,
    reopen_month,
    request_extension,
)
from cchc.plans.models import MonthClose, TallyRow
from cchc.plans.tests.factories import issued_city_plan, task_in
from cchc.plans.tests.helpers import backdate, complete

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests assert messages by their English msgids: run them in English (the
    Vietnamese catalogue is checked by cchc/core/tests/test_translations.py)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


MARCH = datetime.date(2026, 3, 1)
APRIL_1 = datetime.date(2026, 4, 1)
FIELDS = ["scope", "unit_id", "area_id", "person_id", "label", "assigned", "due_in_month"]
FIELDS += ["on_time", "late", "in_term", "overdue", "reviewed", "reviews_passed"]
FIELDS += ["carried_over", "reported_in_month"]


def frozen(close: MonthClose) -> list[tuple]:
    return list(close.rows.order_by("pk").values_list("pk", *FIELDS))


def city(close: MonthClose) -> TallyRow:
    return close.rows.get(scope=TallyRow.Scope.CITY)


@pytest.fixture
def tasks(hanoi, city_admin, officer_a):
    """In March: ward A's T1 due 31/03 (open), T2 due 20/03 completed on 18/03 after a
    report; ward B's T3 due 25/03 (open, not reported)."""
    plan = issued_city_plan(hanoi.city, city_admin)
    made = [
        task_in(plan, hanoi.ward_a, city_admin, code="T1", deadline=datetime.date(2026, 3, 31)),
        task_in(plan, hanoi.ward_a, city_admin, code="T2", deadline=datetime.date(2026, 3, 20)),
        task_in(plan, hanoi.ward_b, city_admin, code="T3", deadline=datetime.date(2026, 3, 25)),
    ]
    backdate(*made)
    complete(made[1], officer_a, city_admin, datetime.date(2026, 3, 18))
    return made


def test_close_month_stores_the_tally_and_writes_the_audit_event(tasks, city_admin) -> None:
    close = close_month(MARCH, actor=city_admin, today=APRIL_1)
    assert (close.month, close.closed_by, close.is_open) == (MARCH, city_admin, False)
    totals = city(close)
    assert (totals.assigned, totals.on_time, totals.in_term, totals.overdue) == (3, 1, 1, 1)
    assert (totals.reviewed, totals.reviews_passed, totals.reported_in_month) == (1, 1, False)
    assert close.rows.filter(scope=TallyRow.Scope.UNIT).count() == 2
    event = AuditEvent.objects.get(verb="plans.close_month")
    assert (event.actor, event.target_id) == (city_admin, str(close.pk))
    assert event.details == {
        "month": "2026-03",
        "rows": 4,
        "reclosed": False,
        "assigned": 3,
        "on_time": 1,
        "late": 0,
        "in_term": 1,
        "overdue": 1,
        "carried_over": 0,
    }


def test_close_month_twice_returns_it_unchanged_and_writes_nothing(tasks, city_admin) -> None:
    close = close_month(MARCH, actor=city_admin, today=APRIL_1)
    rows = frozen(close)
    again = close_month(datetime.date(2026, 3, 17), actor=None, today=APRIL_1)
    assert again == close
    assert again.closed_by == city_admin
    assert frozen(again) == rows
    assert AuditEvent.objects.filter(verb="plans.close_month").count() == 1


def test_close_month_refuses_a_month_not_yet_ended(tasks, city_admin) -> None:
    with pytest.raises(ValidationError, match="has not ended yet"):
        close_month(MARCH, actor=city_admin, today=datetime.date(2026, 3, 31))
    assert not MonthClose.objects.exists()
    assert close_month(MARCH, actor=city_admin, today=APRIL_1).month == MARCH


def test_close_month_refuses_a_month_before_the_first_plan(hanoi, city_admin) -> None:
    with pytest.raises(ValidationError, match="No plan has been issued"):
        close_month(MARCH, actor=city_admin, today=APRIL_1)
    create_plan(actor=city_admin, unit=hanoi.ward_a, year=2025, title="Dự thảo")  # a draft
    issued_city_plan(hanoi.city, city_admin)  # dated 05/01/2026
    with pytest.raises(ValidationError, match="before the first plan, issued on 05/01/2026"):
        close_month(datetime.date(2025, 12, 1), actor=city_admin, today=APRIL_1)
    assert close_month(datetime.date(2026, 1, 1), actor=city_admin, today=APRIL_1)
    assert MonthClose.objects.count() == 1


def test_closed_month_is_frozen_when_tasks_change_afterwards(tasks, city_admin, officer_a) -> None:
    close = close_month(MARCH, actor=city_admin, today=APRIL_1)
    rows = frozen(close)
    first, _, third = tasks
    complete(first, officer_a, city_admin, datetime.date(2026, 3, 31))  # entered late
    ask = request_extension(
        third, actor=officer_a, reason="Chờ kinh phí", new_deadline=datetime.date(2026, 4, 30)
    )
    decide_extension(ask, actor=city_admin, approve=True)
    cancel_task(third, actor=city_admin, reason="Không còn phù hợp")
    assert frozen(MonthClose.objects.get(pk=close.pk)) == rows
    assert frozen(close_month(MARCH, actor=city_admin, today=APRIL_1)) == rows


def test_reopen_month_requires_a_reason(tasks, city_admin) -> None:
    close = close_month(MARCH, actor=city_admin, today=APRIL_1)
    with pytest.raises(ValidationError, match="reason for reopening"):
        reopen_month(close, actor=city_admin, reason="  ")
    close.refresh_from_db()
    assert not close.is_open
    assert not AuditEvent.objects.filter(verb="plans.reopen_month").exists()


def test_reopen_then_close_recomputes_the_month(tasks, city_admin, officer_a) -> None:
    close = close_month(MARCH, actor=city_admin, today=APRIL_1)
    old_rows = frozen(close)
    cancel_task(tasks[2], actor=city_admin, reason="Giao nhầm đơn vị")

    reopened = reopen_month(close, actor=city_admin, reason="Sở báo hủy nhiệm vụ T3")

    assert (reopened.is_open, reopened.reopen_reason) == (True, "Sở báo hủy nhiệm vụ T3")
    event = AuditEvent.objects.get(verb="plans.reopen_month")
    assert event.details == {"month": "2026-03", "reason": "Sở báo hủy nhiệm vụ T3"}
    assert frozen(reopened) == old_rows  # the old rows stay until the month is closed again
    with pytest.raises(ValidationError, match="already open"):
        reopen_month(reopened, actor=city_admin, reason="Lần nữa")

    reclosed = close_month(MARCH, actor=city_admin, today=APRIL_1)

    assert (reclosed.pk, reclosed.is_open) == (close.pk, False)
    assert (city(reclosed).assigned, city(reclosed).overdue) == (2, 0)
    assert city(reclosed).reported_in_month is True  # ward B has no task left
    assert not TallyRow.objects.filter(pk__in=[row[0] for row in old_rows]).exists()
    last = AuditEvent.objects.filter(verb="plans.close_month").order_by("pk").last()
    assert last.details["reclosed"] is True


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("close_month", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_close_month_command_prints_json_and_is_idempotent(tasks) -> None:
    first = json.loads(run_command("2026-03", "--json"))
    assert first == {
        "month": "2026-03",
        "units": 2,
        "assigned": 3,
        "due_in_month": 3,
        "on_time": 1,
        "late": 0,
        "in_term": 1,
        "overdue": 1,
        "reviewed": 1,
        "reviews_passed": 1,
        "carried_over": 0,
        "completion_rate": 50.0,  # 1 completed of 2 due (T2 on time, T3 overdue)
        "on_time_rate": 50.0,
        "not_reported": 1,
        "created": True,
    }
    again = json.loads(run_command("2026-03", "--json"))
    assert again == {**first, "created": False}
    assert "No changes: 03/2026 was already closed" in run_command("2026-03")
    assert MonthClose.objects.get().closed_by is None
    assert AuditEvent.objects.filter(verb="plans.close_month").count() == 1


def test_close_month_command_refuses_bad_input(tasks) -> None:
    with pytest.raises(CommandError, match="is not a month"):
        run_command("03/2026")
    with pytest.raises(CommandError, match="before the first plan"):
        run_command("2025-11")
    assert run_command("2026-02") == (
        "Closed 02/2026: 2 units, 3 tasks assigned, 0 on time, 0 late, 3 in term, 0 overdue, "
        "completion rate —; 0 carried over from earlier years.\n"
    )

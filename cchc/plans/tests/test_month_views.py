"""The month close page: city administrators close and reopen months through the actions."""

import datetime

import pytest
from django.urls import reverse

from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries, html
from cchc.plans.actions import close_month
from cchc.plans.models import MonthClose, TallyRow
from cchc.plans.tests.factories import issued_city_plan, task_in
from conftest import client_for

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def plan(hanoi, city_admin):
    plan = issued_city_plan(hanoi.city, city_admin)
    task = task_in(plan, hanoi.ward_a, city_admin, deadline=datetime.date(2026, 3, 20))
    task.__class__.objects.filter(pk=task.pk).update(assigned_on=datetime.date(2026, 1, 5))
    return plan


def test_month_close_page_closes_the_month(plan, city_admin) -> None:
    response = client_for(city_admin).post(reverse("plans:months"), {"month": "03/2026"})
    assert response.status_code == 302
    close = MonthClose.objects.get(month=MARCH)
    city = TallyRow.objects.get(close=close, scope=TallyRow.Scope.CITY)
    assert (city.assigned, city.overdue, city.due_in_month) == (1, 1, 1)
    assert AuditEvent.objects.filter(verb="plans.close_month").count() == 1
    page = html(client_for(city_admin).get(reverse("plans:months")))
    # The one task was due and is overdue: completed 0 of 1 due.
    assert 'data-testid="completion-rate">0,00%<' in page
    assert 'data-testid="carried-over">0<' in page


def test_month_close_page_refuses_a_month_not_ended(plan, city_admin) -> None:
    response = client_for(city_admin).post(reverse("plans:months"), {"month": "12/2099"})
    assert response.status_code == 200
    assert "12/2099" in html(response)
    assert not MonthClose.objects.exists()


def test_month_close_page_is_for_city_administrators_only(plan, officer_a) -> None:
    client = client_for(officer_a)
    assert client.get(reverse("plans:months")).status_code == 403
    assert client.post(reverse("plans:months"), {"month": "03/2026"}).status_code == 403
    assert not MonthClose.objects.exists()


def test_reopen_needs_a_reason_and_is_audited(plan, city_admin) -> None:
    close = close_month(MARCH, actor=city_admin)
    client = client_for(city_admin)
    client.post(reverse("plans:month_reopen", args=[close.pk]), {"reason": ""})
    close.refresh_from_db()
    assert close.is_open is False
    client.post(
        reverse("plans:month_reopen", args=[close.pk]), {"reason": "Sở Y tế báo cáo bổ sung"}
    )
    close.refresh_from_db()
    assert close.is_open is True
    assert close.reopen_reason == "Sở Y tế báo cáo bổ sung"
    assert AuditEvent.objects.filter(verb="plans.reopen_month").count() == 1


def test_month_list_query_count_is_constant(plan, city_admin) -> None:
    client = client_for(city_admin)
    months = iter(datetime.date(2026, m, 1) for m in range(3, 9))

    def add(n: int) -> None:
        for _ in range(n):
            close_month(next(months), actor=city_admin)

    assert_constant_queries(lambda: client.get(reverse("plans:months")), add)

import pytest
from django.urls import reverse

from cchc.core.models import Notification
from cchc.core.tests.helpers import assert_constant_queries, html
from conftest import client_for

pytestmark = pytest.mark.django_db


def notice(user, n: int) -> Notification:
    return Notification.objects.create(
        user=user, kind=Notification.Kind.OVERDUE, message=f"Nhiệm vụ {n} quá hạn", key=f"k{n}"
    )


def test_notifications_page_lists_only_my_notifications(officer_a, officer_b) -> None:
    notice(officer_a, 1)
    Notification.objects.create(user=officer_b, kind="overdue", message="Của người khác", key="x")
    page = html(client_for(officer_a).get(reverse("plans:notifications")))
    assert "Nhiệm vụ 1 quá hạn" in page
    assert "Của người khác" not in page


def test_mark_read_touches_only_my_notifications(officer_a, officer_b) -> None:
    mine, theirs = notice(officer_a, 1), notice(officer_b, 2)
    client_for(officer_a).post(reverse("plans:notifications_read"), {"id": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_notifications_page_query_count_is_constant(officer_a) -> None:
    client = client_for(officer_a)
    counter = iter(range(100))

    def add(n: int) -> None:
        for _ in range(n):
            notice(officer_a, next(counter))

    assert_constant_queries(lambda: client.get(reverse("plans:notifications")), add)


def test_notifications_page_requires_login(client) -> None:
    response = client.get(reverse("plans:notifications"))
    assert response.status_code == 302

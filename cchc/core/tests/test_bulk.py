"""core.bulk.insert_rows: every row written (full statements of ROWS_PER_INSERT rows and the
remainder), with the values as set on the instances, and an optional ON CONFLICT clause."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cchc.core.bulk import ROWS_PER_INSERT, insert_rows
from cchc.core.models import Notification

pytestmark = pytest.mark.django_db


def _user(username: str = "an", email: str = ""):
    # Core's tests import no app (the layers contract): the user model through Django.
    return get_user_model().objects.create(username=username, email=email)


def notices(user, count: int, prefix: str = "k") -> list[Notification]:
    """Unsaved rows with every column set: insert_rows fills in no default (not created_at)."""
    now = timezone.now()
    return [
        Notification(
            user_id=user.pk, kind="index", message=f"m{n}", key=f"{prefix}{n}", created_at=now
        )
        for n in range(count)
    ]


def test_writes_full_statements_and_the_remainder() -> None:
    user = _user()
    insert_rows(Notification, notices(user, ROWS_PER_INSERT * 2 + 7))
    assert Notification.objects.count() == ROWS_PER_INSERT * 2 + 7
    assert Notification.objects.get(key="k206").message == "m206"


def test_the_upsert_clause_applies() -> None:
    user = _user()
    insert_rows(Notification, notices(user, 3))
    insert_rows(Notification, notices(user, 5), upsert='ON CONFLICT ("user_id", "key") DO NOTHING')
    assert Notification.objects.count() == 5

"""core.actions.notify: one notification per user and key, the e-mail queued only after the
transaction commits (nothing written or sent when it rolls back)."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction

from cchc.core.actions import Notice, notices_to, notify
from cchc.core.models import Notification

pytestmark = pytest.mark.django_db


def _user(username: str = "an", email: str = ""):
    # Core's tests import no app (the layers contract): the user model through Django.
    return get_user_model().objects.create(username=username, email=email)


KIND = Notification.Kind.RATING


@pytest.fixture
def users():
    return [
        _user(username="an", email="an@example.gov.vn"),
        _user(username="binh", email="binh@example.gov.vn"),
    ]


def test_writes_one_row_per_user_and_queues_the_email_after_commit(
    users, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        twin = Notice(user_id=users[0].pk, kind=KIND, message="lặp lại", key="r:1")
        written = notify(
            [*notices_to([u.pk for u in users], kind=KIND, message="Đã chấm điểm", key="r:1"), twin]
        )
        assert len(written) == 2
        assert mail.outbox == []  # nothing sent before the commit
    rows = Notification.objects.order_by("user__username")
    assert [(n.user.username, n.kind, n.message, n.key) for n in rows] == [
        ("an", KIND, "Đã chấm điểm", "r:1"),
        ("binh", KIND, "Đã chấm điểm", "r:1"),
    ]
    assert len(callbacks) == 1  # one e-mail job for the batch, queued on commit
    callbacks[0]()
    assert sorted(m.to[0] for m in mail.outbox) == ["an@example.gov.vn", "binh@example.gov.vn"]
    assert all(n.emailed_at is not None for n in Notification.objects.all())


def test_a_key_already_notified_writes_and_sends_nothing(
    users, django_capture_on_commit_callbacks
) -> None:
    notify(notices_to([users[0].pk], kind=KIND, message="Lần đầu", key="r:2"))
    with django_capture_on_commit_callbacks() as callbacks:
        again = notify(notices_to([users[0].pk], kind=KIND, message="Lần hai", key="r:2"))
    assert again == []
    assert callbacks == []
    assert Notification.objects.get().message == "Lần đầu"


def test_nothing_is_written_or_queued_when_the_transaction_rolls_back(
    users, django_capture_on_commit_callbacks
) -> None:
    def failing_action() -> None:
        with transaction.atomic():
            notify(notices_to([users[1].pk], kind=KIND, message="Bị huỷ", key="r:3"))
            raise RuntimeError("the calling action failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_action()
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_message_is_cut_to_500_characters_and_keeps_task_and_link(users) -> None:
    notify(
        [
            Notice(
                user_id=users[0].pk,
                kind=Notification.Kind.INDEX,
                message="x" * 600,
                key="i:1",
                link="/indices/assessments/1/",
            )
        ]
    )
    notice = Notification.objects.get()
    assert (len(notice.message), notice.link, notice.task) == (500, "/indices/assessments/1/", None)


def test_many_notices_are_queued_in_batches(django_capture_on_commit_callbacks) -> None:
    many = [_user(username=f"u{n}") for n in range(205)]
    with django_capture_on_commit_callbacks() as callbacks:
        written = notify(notices_to([u.pk for u in many], kind=KIND, message="m", key="r:4"))
    assert len(written) == 205
    assert len(callbacks) == 2  # 200 + 5 (EMAIL_BATCH)

"""The Notification model moved from plans to core (core 0004, plans 0009): the rows written
under plans' table are kept, and the move can be reversed."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("core", "0003_worker_heartbeat_job_attempts"), ("plans", "0008_tally_carried_over")]
AFTER = [("core", "0004_notification_from_plans"), ("plans", "0009_notification_to_core")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_the_rows_and_reverses() -> None:
    old = migrate(BEFORE)
    user = old.get_model("accounts", "User").objects.create(username="an")
    old.get_model("plans", "Notification").objects.create(
        user=user, kind="overdue", message="Nhiệm vụ quá hạn", key="overdue:1:2026-03-31"
    )

    new = migrate(AFTER)
    moved = new.get_model("core", "Notification").objects.get()
    assert (moved.user_id, moved.kind, moved.message, moved.key) == (
        user.pk,
        "overdue",
        "Nhiệm vụ quá hạn",
        "overdue:1:2026-03-31",
    )
    assert "core_notification" in connection.introspection.table_names()
    assert "plans_notification" not in connection.introspection.table_names()

    back = migrate(BEFORE)
    assert back.get_model("plans", "Notification").objects.get().key == "overdue:1:2026-03-31"
    migrate(AFTER)

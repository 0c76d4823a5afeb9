"""Notification now lives in core (core's migration 0004 took over and renamed its table):
drop it from plans' state only, so that the rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0008_tally_carried_over"),
        ("core", "0004_notification_from_plans"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]

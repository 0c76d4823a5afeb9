"""The Notification model moves from plans to core (issue #15), keeping its rows.

The table plans_notification is taken over as it stands (state only), then renamed to
core_notification and its uniqueness constraint renamed with it; plans' migration 0009 then drops
the model from plans' state without touching the table."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_worker_heartbeat_job_attempts"),
        ("plans", "0008_tally_carried_over"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("before", "Deadline approaching"),
                                    ("due_today", "Due today"),
                                    ("overdue", "Overdue"),
                                    ("escalation", "Overdue task in your unit"),
                                    ("review", "Report to review"),
                                    ("decision", "Decision on your report"),
                                    ("not_reported", "Not reported this month"),
                                    ("rating", "Rating assessed"),
                                    ("index", "Reform index assessment"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("link", models.CharField(blank=True, max_length=200)),
                        ("message", models.CharField(max_length=500)),
                        ("key", models.CharField(max_length=120)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("emailed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "task",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="plans.task",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "notification",
                        "verbose_name_plural": "notifications",
                        "ordering": ["-created_at"],
                        "db_table": "plans_notification",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "key"), name="plans_notification_once"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="notification", table=None),
        migrations.RemoveConstraint(model_name="notification", name="plans_notification_once"),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(fields=("user", "key"), name="core_notification_once"),
        ),
    ]

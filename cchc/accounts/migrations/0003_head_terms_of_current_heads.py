"""A head term for every head membership that existed before terms were recorded, from the day
the membership was created."""

from django.db import migrations
from django.utils import timezone


def create(apps, schema_editor):
    Membership = apps.get_model("accounts", "Membership")
    HeadTerm = apps.get_model("accounts", "HeadTerm")
    for membership in Membership.objects.filter(role="head"):
        HeadTerm.objects.get_or_create(
            user_id=membership.user_id,
            unit_id=membership.unit_id,
            ended_on=None,
            defaults={"started_on": timezone.localdate(membership.created_at)},
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_headterm")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

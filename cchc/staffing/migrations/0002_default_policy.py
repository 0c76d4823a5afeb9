"""The staffing policy's single row: baseline year 2015, reduction target 10% (DOMAIN.md §1
item 7). StaffingPolicy.current() recreates it with the same defaults if it goes missing (a
transactional test's flush)."""

from decimal import Decimal

from django.db import migrations


def create(apps, schema_editor):
    StaffingPolicy = apps.get_model("staffing", "StaffingPolicy")
    StaffingPolicy.objects.get_or_create(
        pk=1, defaults={"baseline_year": 2015, "target_percent": Decimal("10.00")}
    )


class Migration(migrations.Migration):
    dependencies = [("staffing", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

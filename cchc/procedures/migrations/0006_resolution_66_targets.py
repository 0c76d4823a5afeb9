"""Resolution 66/NQ-CP (26/3/2025) on cutting and simplifying the administrative procedures
related to production and business (docs/domain/procedure-targets.md): in 2025 at least 30% of
the processing time and 30% of the compliance cost; in 2026 at least 50% of each against 2024.
ProcedureTarget.objects.for_year falls back to the same rows if the table is emptied."""

from decimal import Decimal

from django.db import migrations

SOURCE = "Nghị quyết 66/NQ-CP ngày 26/3/2025"
TARGETS = [(2025, 2024, Decimal(30), Decimal(30)), (2026, 2024, Decimal(50), Decimal(50))]


def create(apps, schema_editor):
    ProcedureTarget = apps.get_model("procedures", "ProcedureTarget")
    for year, base, time_target, cost_target in TARGETS:
        ProcedureTarget.objects.get_or_create(
            year=year,
            defaults={
                "baseline_year": base,
                "time_target": time_target,
                "cost_target": cost_target,
                "business_only": True,
                "source": SOURCE,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("procedures", "ProcedureTarget").objects.filter(
        year__in=[t[0] for t in TARGETS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0005_procedure_targets_and_baselines")]
    operations = [migrations.RunPython(create, remove)]

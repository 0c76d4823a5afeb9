"""The annex's dossier rows (TTHC.06–08) read the Decision 766 data of cchc.services."""

from django.db import migrations

SOURCES = {
    "TTHC.06": "dossiers_received",
    "TTHC.07": "dossiers_on_time",
    "TTHC.08": "dossiers_online",
}


def create(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    for code, source in SOURCES.items():
        Indicator.objects.filter(code=code, source="").update(source=source)


def unwire(apps, schema_editor):
    Indicator = apps.get_model("reports", "Indicator")
    Indicator.objects.filter(code__in=SOURCES, source__in=SOURCES.values()).update(source="")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_periods_sections_indicators"),
        ("services", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, unwire)]

"""The default Decision 766 framework, so that a fresh install computes the index."""

from django.db import migrations

from cchc.services.defaults import DECISION_766, SOURCE


def create(apps, schema_editor):
    Framework = apps.get_model("services", "Framework")
    if not Framework.objects.filter(code="qd766-2022").exists():
        Framework.objects.create(
            code="qd766-2022",
            version=1,
            name="Quyết định 766/QĐ-TTg (2022)",
            source=SOURCE,
            document=DECISION_766,
            is_default=True,
        )


def remove(apps, schema_editor):
    apps.get_model("services", "Framework").objects.filter(code="qd766-2022", version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]

"""The published external figures loaded by 0003 named their source after a brief outside the
repository. Name the publisher instead; the figures and where they were found are listed in
docs/domain/external-indices.md. Rows imported later (source "CSV") are left alone."""

from django.db import migrations


def rename(apps, schema_editor):
    ExternalResult = apps.get_model("indices", "ExternalResult")
    for result in ExternalResult.objects.filter(source__startswith="DOMAIN.md").select_related(
        "index"
    ):
        result.source = f"{result.index.publisher} (số liệu công bố, qua báo chí)"
        result.save(update_fields=["source"])


class Migration(migrations.Migration):
    dependencies = [("indices", "0008_result_rank_intervals")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]

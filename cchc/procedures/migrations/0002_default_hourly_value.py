"""The default value of one working hour: 40,000 VND from 2024-01-01 (DOMAIN.md §7)."""

import datetime
from typing import Any

from django.db import migrations


def create(apps: Any, schema_editor: Any) -> None:
    HourlyValue = apps.get_model("procedures", "HourlyValue")
    HourlyValue.objects.get_or_create(
        valid_from=datetime.date(2024, 1, 1),
        defaults={
            "value": 40_000,
            "source": "Thu nhập bình quân năm 2024 (Tổng cục Thống kê); 1 ngày làm việc = 8 giờ",
        },
    )


def remove(apps: Any, schema_editor: Any) -> None:
    apps.get_model("procedures", "HourlyValue").objects.filter(
        valid_from=datetime.date(2024, 1, 1)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]

"""The eight content areas of administrative reform (Hà Nội 2025, DOMAIN.md §3)."""

from django.db import migrations

AREAS = [
    ("CD", "Công tác chỉ đạo, điều hành cải cách hành chính", "Direction of reform work"),
    ("TC", "Cải cách thể chế", "Institutional reform"),
    ("TTHC", "Cải cách thủ tục hành chính", "Administrative procedures"),
    ("TCBM", "Cải cách tổ chức bộ máy hành chính nhà nước", "Organisational apparatus"),
    ("CV", "Cải cách chế độ công vụ", "Civil service"),
    ("TCC", "Cải cách tài chính công", "Public finance"),
    ("CĐS", "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số", "Digital government"),
    ("TĐ", "Tác động của cải cách hành chính đến phát triển kinh tế - xã hội",
     "Impact on socio-economic development"),
]


def create(apps, schema_editor):
    ContentArea = apps.get_model("plans", "ContentArea")
    for order, (code, name, name_en) in enumerate(AREAS, start=1):
        ContentArea.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

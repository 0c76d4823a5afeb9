"""The default scope of a public-duty inspection (DOMAIN.md §9); more items can be added."""

from django.db import migrations

ITEMS = [
    ("GIO", "Chấp hành thời giờ làm việc, kỷ luật, kỷ cương hành chính",
     "Working hours and discipline"),
    ("THAIDO", "Thái độ, tác phong, ứng xử với người dân, doanh nghiệp", "Attitude to citizens"),
    ("TTHC", "Giải quyết thủ tục hành chính", "Handling of procedures"),
    ("CHIDAO", "Thực hiện chỉ đạo, điều hành của cấp trên", "Execution of directives"),
    ("QTUX", "Thực hiện quy tắc ứng xử, đạo đức công vụ", "Code of conduct"),
]


def create(apps, schema_editor):
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    for order, (code, name, name_en) in enumerate(ITEMS, start=1):
        ChecklistItem.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

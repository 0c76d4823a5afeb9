"""The default rating policy: Decree 335/2025/NĐ-CP, in force from 01/01/2026.

100 points = 30 general + 70 task results; bands 90 / 70 / 50; at most 20% excellent of the
number rated good; 25% deducted per failed review and per delay. The decree does not publish
how quantity, quality and progress combine (DOMAIN.md §8): equal weights here. The split of
the 30 general points into sub-criteria is illustrative, to be set by each province.
"""

import datetime
from decimal import Decimal

from django.db import migrations

NAME = "Nghị định 335/2025/NĐ-CP (mặc định)"
NOTES = (
    "Trọng số số lượng, chất lượng, tiến độ bằng nhau và phân bổ 30 điểm tiêu chí chung là "
    "mặc định minh họa: văn bản không quy định, địa phương điều chỉnh khi ban hành phiên bản mới."
)
CRITERIA = [
    ("1", "Chính trị, tư tưởng", 5),
    ("2", "Đạo đức, lối sống", 5),
    ("3", "Tác phong, lề lối làm việc", 5),
    ("4", "Ý thức tổ chức kỷ luật", 5),
    ("5", "Năng lực lãnh đạo, quản lý, điều hành", 5),
    ("6", "Tinh thần trách nhiệm, thái độ phục vụ Nhân dân", 5),
]


def create(apps, schema_editor):
    RatingPolicy = apps.get_model("ratings", "RatingPolicy")
    GeneralCriterion = apps.get_model("ratings", "GeneralCriterion")
    # By name: later migrations add presets valid from the same day (0004).
    if not RatingPolicy.objects.filter(valid_from=datetime.date(2026, 1, 1), name=NAME).exists():
        policy = RatingPolicy.objects.create(
            valid_from=datetime.date(2026, 1, 1), name=NAME, notes=NOTES
        )
        for order, (code, title, points) in enumerate(CRITERIA):
            GeneralCriterion.objects.create(
                policy=policy, code=code, title=title, max_points=Decimal(points), order=order
            )


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

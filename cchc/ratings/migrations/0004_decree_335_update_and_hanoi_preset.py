"""The policies as data (issue #14): the Decree 335/2025/NĐ-CP default gains "năng lực đổi mới
sáng tạo, dám nghĩ dám làm" among the general criteria and the agencies' criteria (30 general +
70 task results); the Hà Nội preset of Quyết định 3814-QĐ/TU (2018), amended by 3251-QĐ/TU
(2022), that a month's round may choose: 20 discipline and ethics + 70 task results + 10 bonus,
levels A 90–100, B 70–< 90, C 50–< 70, D < 50, A at most 30% of the staff (40% for units the
city declares exceptional, by an exception with its reason).

The split of the general points into sub-criteria, the leader weights and the agency thresholds
are illustrative (the texts do not publish them): each city sets its own in a new version.
"""

import datetime
from decimal import Decimal

from django.db import migrations

DECREE_NOTES = (
    "Trọng số số lượng, chất lượng, tiến độ bằng nhau; phân bổ 30 điểm tiêu chí chung; trọng số "
    "ba phần kết quả của người đứng đầu (50/30/20) và ngưỡng xếp loại cơ quan là mặc định minh "
    "họa: văn bản không quy định, địa phương điều chỉnh khi ban hành phiên bản mới."
)
# Decree 335: political quality, ethics, public-service culture, discipline; responsibility and
# attitude serving people and businesses; innovation, "dám nghĩ dám làm". Six times 5 points,
# illustrative (leadership capacity is judged in a leader's task results, not here).
DECREE_CRITERIA = [
    ("1", "Chính trị, tư tưởng", 5),
    ("2", "Đạo đức, lối sống", 5),
    ("3", "Tác phong, lề lối làm việc, văn hóa thực thi công vụ", 5),
    ("4", "Ý thức tổ chức kỷ luật", 5),
    ("5", "Tinh thần trách nhiệm, thái độ phục vụ Nhân dân, doanh nghiệp", 5),
    ("6", "Năng lực đổi mới sáng tạo, dám nghĩ dám làm", 5),
]
INNOVATION = DECREE_CRITERIA[-1][1]
AGENCY_CRITERIA = [
    ("A1", "Chấp hành chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước", 8),
    ("A2", "Kỷ luật, kỷ cương hành chính", 8),
    ("A3", "Trách nhiệm của người đứng đầu", 7),
    ("A4", "Môi trường làm việc và văn hóa công vụ", 7),
]
HANOI_NAME = "Hà Nội: Quyết định 3814-QĐ/TU (2018), sửa đổi 3251-QĐ/TU (2022)"
HANOI_NOTES = (
    "20 điểm ý thức kỷ luật, đạo đức + 70 điểm kết quả thực hiện nhiệm vụ + 10 điểm thưởng; "
    "loại A từ 90, B từ 70 đến dưới 90, C từ 50 đến dưới 70, D dưới 50; loại A không quá 30% "
    "số người được đánh giá (40% với đơn vị có thành tích nổi trội, theo quyết định ngoại lệ). "
    "Phân bổ điểm thành phần là minh họa."
)
HANOI_CRITERIA = [
    ("1", "Ý thức tổ chức kỷ luật, chấp hành nội quy, quy chế", 7),
    ("2", "Phẩm chất đạo đức, lối sống, tác phong", 7),
    ("3", "Tinh thần trách nhiệm, thái độ phục vụ", 6),
    ("T", "Điểm thưởng (sáng kiến, thành tích nổi bật)", 10),
]
HANOI_LABELS = {"excellent": "A", "good": "B", "complete": "C", "not_complete": "D"}
DAY = datetime.date(2026, 1, 1)


def _criteria(model, policy, rows) -> None:
    for order, (code, title, points) in enumerate(rows):
        model.objects.create(
            policy=policy, code=code, title=title, max_points=Decimal(points), order=order
        )


def create(apps, schema_editor):
    RatingPolicy = apps.get_model("ratings", "RatingPolicy")
    GeneralCriterion = apps.get_model("ratings", "GeneralCriterion")
    GeneralScore = apps.get_model("ratings", "GeneralScore")
    AgencyCriterion = apps.get_model("ratings", "AgencyCriterion")
    decree = RatingPolicy.objects.filter(valid_from=DAY, is_default=True).first()
    if decree is not None:
        scored = GeneralScore.objects.filter(criterion__policy=decree).exists()
        if not scored and not decree.criteria.filter(title=INNOVATION).exists():
            decree.criteria.all().delete()
            _criteria(GeneralCriterion, decree, DECREE_CRITERIA)
            decree.notes = DECREE_NOTES
            decree.save(update_fields=["notes"])
        if not decree.agency_criteria.exists():
            _criteria(AgencyCriterion, decree, AGENCY_CRITERIA)
    if not RatingPolicy.objects.filter(name=HANOI_NAME).exists():
        hanoi = RatingPolicy.objects.create(
            valid_from=DAY,
            name=HANOI_NAME,
            notes=HANOI_NOTES,
            is_default=False,
            general_max=Decimal(30),
            task_max=Decimal(70),
            excellent_cap_pct=Decimal(30),
            cap_base="rated",
            band_labels=HANOI_LABELS,
        )
        _criteria(GeneralCriterion, hanoi, HANOI_CRITERIA)
        _criteria(AgencyCriterion, hanoi, AGENCY_CRITERIA)


class Migration(migrations.Migration):
    dependencies = [("ratings", "0003_yearly_classification_and_scope")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

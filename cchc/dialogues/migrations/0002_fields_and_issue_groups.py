"""The fields and issue groups that petitions are classified by (configurable reference data:
administrators add, rename or retire them). The seed follows the fields of Hà Nội's business
dialogues (DOMAIN.md §9: 6 fields); the groups are a starting point, not an official list."""

from typing import Any

from django.db import migrations

FIELDS = [
    ("DD", "Đất đai", "Land"),
    ("DT", "Đầu tư, kinh doanh", "Investment and business"),
    ("TP", "Thuế, phí, hải quan", "Taxes, fees and customs"),
    ("XD", "Quy hoạch, xây dựng", "Planning and construction"),
    ("TTHC", "Thủ tục hành chính", "Administrative procedures"),
    ("XH", "Môi trường, an sinh, đô thị", "Environment, welfare and urban life"),
]
GROUPS = [
    ("DD", "DD-GCN", "Cấp giấy chứng nhận quyền sử dụng đất", "Land-use certificates"),
    ("DD", "DD-THU", "Thu hồi, bồi thường, giải phóng mặt bằng", "Land recovery and compensation"),
    ("DD", "DD-THUE", "Thuê đất, giao đất", "Land lease and allocation"),
    ("DT", "DT-CTDT", "Chủ trương đầu tư", "Investment approvals"),
    ("DT", "DT-DKKD", "Đăng ký kinh doanh", "Business registration"),
    ("DT", "DT-HT", "Hỗ trợ doanh nghiệp, tiếp cận vốn", "Business support and credit"),
    ("TP", "TP-HOAN", "Hoàn thuế", "Tax refunds"),
    ("TP", "TP-PHI", "Phí, lệ phí", "Fees and charges"),
    ("XD", "XD-GP", "Cấp phép xây dựng", "Building permits"),
    ("XD", "XD-QH", "Quy hoạch chi tiết", "Detailed planning"),
    ("TTHC", "TTHC-HS", "Thời gian giải quyết hồ sơ", "Processing times"),
    ("TTHC", "TTHC-DVC", "Dịch vụ công trực tuyến", "Online public services"),
    ("TTHC", "TTHC-TD", "Thái độ, tác phong cán bộ", "Conduct of officials"),
    ("XH", "XH-MT", "Ô nhiễm môi trường", "Pollution"),
    ("XH", "XH-HT", "Hạ tầng, giao thông đô thị", "Urban infrastructure and traffic"),
    ("XH", "XH-AS", "An sinh xã hội", "Social welfare"),
]


def create(apps: Any, schema_editor: Any) -> None:
    Field = apps.get_model("dialogues", "Field")
    IssueGroup = apps.get_model("dialogues", "IssueGroup")
    fields = {}
    for order, (code, name, name_en) in enumerate(FIELDS, start=1):
        fields[code], _created = Field.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "order": order}
        )
    for order, (field, code, name, name_en) in enumerate(GROUPS, start=1):
        IssueGroup.objects.get_or_create(
            code=code,
            defaults={"field": fields[field], "name": name, "name_en": name_en, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("dialogues", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

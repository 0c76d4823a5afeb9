"""The reporting periods of guidance 581/BNV-CCHC (data windows and the Ministry's due day; the
city's internal due day is illustrative, a city administrator edits it), the outline's sections
and the annex rows (docs/domain/periodic-reports.md). Idempotent: `create` is also run by the
tests after a flush."""

from django.db import migrations

GUIDANCE = "Công văn 581/BNV-CCHC của Bộ Nội vụ (theo Nghị định 09/2019/NĐ-CP)"

# code, name, heading, order, from (day, month, previous year), to (day, month), due (day, month)
PERIODS = [
    ("q1", "Quý I", "quý I năm {year}", 1, (15, 12, True), (14, 3), (20, 3)),
    ("h1", "6 tháng đầu năm", "6 tháng đầu năm {year}", 2, (15, 12, True), (14, 6), (20, 6)),
    ("q3", "Quý III", "quý III năm {year}", 3, (15, 6, False), (14, 9), (20, 9)),
    ("year", "Năm", "năm {year}", 4, (15, 12, True), (14, 12), (20, 12)),
]
INTERNAL_DUE_DAY = 16  # illustrative: units report two days after the cut-off

# code, number, title, content area code (plans), narrative
SECTIONS = [
    ("direction", "I", "Công tác chỉ đạo, điều hành cải cách hành chính", "CD", True),
    ("institution", "II", "Cải cách thể chế", "TC", True),
    ("procedures", "III", "Cải cách thủ tục hành chính", "TTHC", True),
    ("apparatus", "IV", "Cải cách tổ chức bộ máy hành chính nhà nước", "TCBM", True),
    ("civil_service", "V", "Cải cách chế độ công vụ", "CV", True),
    ("public_finance", "VI", "Cải cách tài chính công", "TCC", True),
    ("digital", "VII", "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số", "CĐS", True),
    ("next_tasks", "VIII", "Nhiệm vụ trọng tâm kỳ tới", "", False),
    ("proposals", "IX", "Đề xuất, kiến nghị", "", False),
]

# code, section, label, unit of measure, source ("" = typed in by the unit)
INDICATORS = [
    ("CD.01", "direction", "Số nhiệm vụ cải cách hành chính được giao trong kế hoạch năm", "Nhiệm vụ", "tasks_assigned"),
    ("CD.02", "direction", "Số nhiệm vụ đã hoàn thành", "Nhiệm vụ", "tasks_completed"),
    ("CD.03", "direction", "Số nhiệm vụ hoàn thành đúng hạn", "Nhiệm vụ", "tasks_on_time"),
    ("CD.04", "direction", "Số nhiệm vụ quá hạn chưa hoàn thành", "Nhiệm vụ", "tasks_overdue"),
    ("CD.05", "direction", "Số cuộc kiểm tra cải cách hành chính đã thực hiện", "Cuộc", "inspections_held"),
    ("CD.06", "direction", "Số kiến nghị sau kiểm tra đã khắc phục xong", "Kiến nghị", "recommendations_remedied"),
    ("CD.07", "direction", "Số hội nghị đối thoại với người dân, doanh nghiệp đã tổ chức", "Hội nghị", "conferences_held"),
    ("CD.08", "direction", "Số phản ánh, kiến nghị tiếp nhận", "Phản ánh", "petitions_received"),
    ("CD.09", "direction", "Số phản ánh, kiến nghị đã trả lời", "Phản ánh", "petitions_answered"),
    ("TC.01", "institution", "Số văn bản quy phạm pháp luật được ban hành", "Văn bản", ""),
    ("TC.02", "institution", "Số văn bản quy phạm pháp luật được rà soát", "Văn bản", ""),
    ("TTHC.01", "procedures", "Số thủ tục hành chính được rà soát, đánh giá", "Thủ tục", "procedures_reviewed"),
    ("TTHC.02", "procedures", "Số thủ tục hành chính đề xuất đơn giản hóa", "Thủ tục", "procedures_simplify"),
    ("TTHC.03", "procedures", "Số thủ tục hành chính đề xuất bãi bỏ", "Thủ tục", "procedures_abolish"),
    ("TTHC.04", "procedures", "Chi phí tuân thủ cắt giảm được (phương án đã phê duyệt)", "Đồng/năm", "compliance_cost_saved"),
    ("TTHC.05", "procedures", "Số quy trình nội bộ giải quyết thủ tục hành chính được phê duyệt", "Quy trình", "workflows_approved"),
    ("TTHC.06", "procedures", "Số hồ sơ thủ tục hành chính tiếp nhận", "Hồ sơ", ""),
    ("TTHC.07", "procedures", "Số hồ sơ giải quyết đúng hạn", "Hồ sơ", ""),
    ("TTHC.08", "procedures", "Số hồ sơ tiếp nhận trực tuyến", "Hồ sơ", ""),
    ("TCBM.01", "apparatus", "Số cơ quan, đơn vị được sắp xếp, kiện toàn", "Đơn vị", ""),
    ("CV.01", "civil_service", "Biên chế công chức được giao", "Người", "civil_posts_assigned"),
    ("CV.02", "civil_service", "Số công chức có mặt", "Người", "civil_in_post"),
    ("CV.03", "civil_service", "Số lượng người làm việc được giao", "Người", "public_posts_assigned"),
    ("CV.04", "civil_service", "Số viên chức có mặt", "Người", "public_in_post"),
    ("TCC.01", "public_finance", "Số đơn vị sự nghiệp công tự bảo đảm chi thường xuyên", "Đơn vị", ""),
    ("CĐS.01", "digital", "Số dịch vụ công trực tuyến toàn trình được cung cấp", "Dịch vụ", ""),
]


def create(apps, schema_editor):
    ReportPeriod = apps.get_model("reports", "ReportPeriod")
    ReportSection = apps.get_model("reports", "ReportSection")
    Indicator = apps.get_model("reports", "Indicator")
    for code, name, heading, order, (fd, fm, prev), (td, tm), (dd, dm) in PERIODS:
        ReportPeriod.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "heading": heading, "order": order, "from_day": fd, "from_month": fm,
                "from_previous_year": prev, "to_day": td, "to_month": tm, "due_day": dd,
                "due_month": dm, "internal_due_day": INTERNAL_DUE_DAY, "source": GUIDANCE,
            },
        )
    sections = {}
    for order, (code, number, title, area, narrative) in enumerate(SECTIONS, start=1):
        sections[code], _ = ReportSection.objects.get_or_create(
            code=code,
            defaults={"number": number, "title": title, "order": order, "area_code": area,
                      "narrative": narrative},
        )
    for order, (code, section, label, measure, source) in enumerate(INDICATORS, start=1):
        Indicator.objects.get_or_create(
            code=code,
            defaults={"section": sections[section], "label": label, "measure": measure,
                      "source": source, "order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""The minutes (biên bản kiểm tra) of an inspection as DOCX (python-docx) and PDF (typst, from
`inspections/minutes.typ`), and the open recommendations as XLSX.

The minutes follow the layout of Decree 30/2020 (cchc.core.officialdoc: the issuing body and
"Số: …/BB-…", the national motto, place and date; at the bottom the team head's signature on the
right, the inspected unit's on the left, "Nơi nhận" under them), which exists only in
Vietnamese: their wording is fixed Vietnamese text here, not translatable strings. Fonts are the
vendored TTFs, system fonts ignored, so the PDF is the same on every server.
"""

import datetime
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.utils import timezone
from docx.enum.table import WD_TABLE_ALIGNMENT

from cchc.core.listexport import day, table_pdf, table_xlsx
from cchc.core.officialdoc import OfficialDocument, begin_docx, blank_number, end_docx
from cchc.core.typeset import typeset_pdf
from cchc.inspections.models import Finding, Inspection, Recommendation, TeamMember
from cchc.orgunits.queries import issuing_body, letterhead, place_date

TEMPLATE = Path(__file__).resolve().parent / "templates" / "inspections" / "minutes.typ"
KINDS = {
    Inspection.Kind.PLANNED: "Kiểm tra công vụ theo kế hoạch",
    Inspection.Kind.SURPRISE: "Kiểm tra công vụ đột xuất",
    Inspection.Kind.INCOGNITO: "Kiểm tra công vụ không báo trước (kiểm tra kín)",
}
ROLES = {
    TeamMember.Role.HEAD: "Trưởng đoàn",
    TeamMember.Role.DEPUTY: "Phó Trưởng đoàn",
    TeamMember.Role.MEMBER: "Thành viên",
}
SEVERITIES = {
    Finding.Severity.MINOR: "Nhẹ",
    Finding.Severity.MODERATE: "Trung bình",
    Finding.Severity.SERIOUS: "Nghiêm trọng",
}
STATUSES = {
    Recommendation.Status.OPEN: "Chưa phúc tra",
    Recommendation.Status.REMEDIED: "Đã khắc phục",
    Recommendation.Status.PARTLY: "Khắc phục một phần",
    Recommendation.Status.NOT_REMEDIED: "Chưa khắc phục",
}


def filename(inspection: Inspection, extension: str) -> str:
    """ASCII only: bien-ban-kiem-tra-12.pdf."""
    return f"bien-ban-kiem-tra-{inspection.pk}.{extension}"


def _team(inspection: Inspection) -> list[TeamMember]:
    members = list(inspection.team.select_related("user"))
    return sorted(members, key=lambda m: (TeamMember.ROLE_ORDER[TeamMember.Role(m.role)], m.pk))


def _member_line(member: TeamMember) -> str:
    position = f", {member.position}" if member.position else ""
    return f"Ông/Bà {member.display_name}{position} — {ROLES[TeamMember.Role(member.role)]}"


def _minutes(inspection: Inspection, head: str, targets: list[str]) -> OfficialDocument:
    """The minutes' header and signatures: issued by the inspecting unit, dated the day the
    inspection started, signed by the team head and the inspected unit."""
    when = timezone.localtime(inspection.started_at or timezone.now())
    body = issuing_body(inspection.unit)
    return OfficialDocument(
        **body,
        number=blank_number("BIÊN BẢN", body["issuer"]),
        place_date=place_date(when.date()),
        kind="BIÊN BẢN",
        summary=KINDS[Inspection.Kind(inspection.kind)],
        signer_position="TRƯỞNG ĐOÀN KIỂM TRA",
        signer_name=head,
        second_signer_position="ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA",
        recipients=[*targets, "Lưu: VT, hồ sơ kiểm tra"],
    )


def minutes_data(inspection: Inspection) -> dict[str, Any]:
    """Everything the minutes show, as JSON-ready Vietnamese text. Changes nothing."""
    document, content = _minutes_content(inspection)
    return {"doc": document.as_data(), **content}


def _minutes_content(inspection: Inspection) -> tuple[OfficialDocument, dict[str, Any]]:
    """The minutes' header and signatures, and their body as Vietnamese text."""
    team = _team(inspection)
    head = next((m.display_name for m in team if m.role == TeamMember.Role.HEAD), "")
    targets = [t.unit.name for t in inspection.targets.select_related("unit")]
    findings = list(
        inspection.findings.select_related("unit", "item", "person").order_by(
            "unit__path", "observed_at", "pk"
        )
    )
    groups: dict[str, list[list[str]]] = {}
    for finding in findings:
        person = f" (người liên quan: {finding.person.get_full_name()})" if finding.person else ""
        rows = groups.setdefault(finding.unit.name, [])
        rows.append(
            [
                str(len(rows) + 1),
                finding.item.name,
                finding.description + person,
                SEVERITIES[Finding.Severity(finding.severity)],
            ]
        )
    recommendations = []
    conclusion = getattr(inspection, "conclusion", None) if inspection.is_concluded else None
    if conclusion is not None:
        for rec in conclusion.recommendations.select_related("unit", "person"):
            who = rec.unit.name + (f" — {rec.person.get_full_name()}" if rec.person else "")
            recommendations.append([str(rec.number), rec.text, who, day(rec.deadline)])
    return _minutes(inspection, head, targets), {
        "opening": [
            f"Thực hiện Quyết định số {inspection.decision_number} ngày "
            f"{day(inspection.decision_date)} của {inspection.decision_signer} về việc "
            f"{inspection.title[:1].lower()}{inspection.title[1:]};",
            f"Thời gian kiểm tra: từ ngày {day(inspection.start_date)} đến ngày "
            f"{day(inspection.end_date)}.",
        ],
        "team": [_member_line(m) for m in team],
        "targets": targets,
        "scope": [item.name for item in inspection.checklist.all()],
        "findings": [{"unit": unit, "rows": rows} for unit, rows in groups.items()],
        "recommendations": recommendations,
        "closing": (
            "Biên bản được lập thành 02 bản có giá trị như nhau, đơn vị được kiểm tra giữ 01 "
            "bản, Đoàn kiểm tra giữ 01 bản. Biên bản đã được đọc lại cho các bên cùng nghe và "
            "thống nhất ký tên."
        ),
    }


def minutes_pdf(inspection: Inspection) -> bytes:
    """The PDF bytes of the minutes. Changes nothing."""
    return typeset_pdf(TEMPLATE, minutes_data(inspection))


def _table(document: Any, header: list[str], rows: Iterable[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def minutes_docx(inspection: Inspection) -> bytes:
    """The DOCX bytes of the minutes (the same content as the PDF). Changes nothing."""
    minutes, data = _minutes_content(inspection)
    document = begin_docx(minutes)
    for line in data["opening"]:
        document.add_paragraph(line)
    sections = [
        ("I. THÀNH PHẦN ĐOÀN KIỂM TRA", data["team"]),
        ("II. ĐƠN VỊ ĐƯỢC KIỂM TRA", data["targets"]),
        ("III. NỘI DUNG KIỂM TRA", data["scope"]),
    ]
    for title, lines in sections:
        document.add_paragraph().add_run(title).bold = True
        for line in lines:
            document.add_paragraph(line, style="List Bullet")
    document.add_paragraph().add_run("IV. KẾT QUẢ KIỂM TRA").bold = True
    if not data["findings"]:
        document.add_paragraph("Đoàn kiểm tra không ghi nhận tồn tại, hạn chế.")
    for group in data["findings"]:
        document.add_paragraph().add_run(group["unit"]).bold = True
        _table(document, ["TT", "Nội dung", "Tồn tại, hạn chế", "Mức độ"], group["rows"])
    if data["recommendations"]:
        document.add_paragraph().add_run("V. KIẾN NGHỊ").bold = True
        _table(
            document,
            ["TT", "Kiến nghị", "Đơn vị, người thực hiện", "Thời hạn"],
            data["recommendations"],
        )
    document.add_paragraph(data["closing"])
    return end_docx(document, minutes)


OPEN_COLUMNS = [
    ("Mã kiến nghị", 16),
    ("Đơn vị thực hiện", 32),
    ("Người thực hiện", 22),
    ("Kiến nghị", 60),
    ("Kết luận số", 16),
    ("Ngày kết luận", 14),
    ("Thời hạn", 14),
    ("Số ngày quá hạn", 12),
    ("Trạng thái", 18),
    ("Nhiệm vụ khắc phục", 18),
]


def _open_row(rec: Recommendation, today: datetime.date) -> list[Any]:
    return [
        rec.reference,
        rec.unit.name,
        rec.person.get_full_name() if rec.person else "",
        rec.text,
        rec.conclusion.number,
        rec.conclusion.date,
        rec.deadline,
        rec.days_overdue(today),
        STATUSES[Recommendation.Status(rec.status)],
        rec.task.code if rec.task else "",
    ]


def open_recommendations_xlsx(rows: Iterable[Recommendation], today: datetime.date) -> bytes:
    """The open recommendations as a workbook: dates as dates, header bold and frozen."""
    return table_xlsx(
        "Kiến nghị chưa khắc phục", OPEN_COLUMNS, (_open_row(rec, today) for rec in rows)
    )


def open_recommendations_pdf(rows: list[Recommendation], today: datetime.date) -> bytes:
    """The open recommendations as a PDF table (A4 landscape)."""
    overdue = sum(1 for rec in rows if rec.days_overdue(today))
    return table_pdf(
        letterhead=letterhead(today),
        title="DANH SÁCH KIẾN NGHỊ SAU KIỂM TRA CÔNG VỤ CHƯA KHẮC PHỤC",
        summary=f"Tổng số: {len(rows)} kiến nghị; quá hạn: {overdue}",
        headers=["Mã", "Đơn vị thực hiện", "Kiến nghị", "Thời hạn", "Quá hạn (ngày)", "Trạng thái"],
        widths=["3cm", "4.5cm", "1fr", "2.3cm", "2.2cm", "3cm"],
        rows=(
            [
                rec.reference,
                rec.unit.name,
                rec.text,
                day(rec.deadline),
                rec.days_overdue(today) or "—",
                STATUSES[Recommendation.Status(rec.status)],
            ]
            for rec in rows
        ),
        empty="Không có kiến nghị nào chưa khắc phục.",
    )


INSPECTION_COLUMNS = [
    ("Mã", 12),
    ("Tên đợt kiểm tra", 50),
    ("Hình thức", 24),
    ("Cơ quan kiểm tra", 28),
    ("Số quyết định", 16),
    ("Ngày quyết định", 14),
    ("Từ ngày", 14),
    ("Đến ngày", 14),
    ("Đơn vị được kiểm tra", 50),
    ("Số tồn tại, hạn chế", 12),
    ("Trạng thái", 16),
]
INSPECTION_STATUSES = {
    Inspection.Status.PLANNED: "Chưa tiến hành",
    Inspection.Status.IN_PROGRESS: "Đang kiểm tra",
    Inspection.Status.CONCLUDED: "Đã kết luận",
}


def _inspection_row(inspection: Inspection) -> list[Any]:
    return [
        inspection.code,
        inspection.title,
        KINDS[Inspection.Kind(inspection.kind)],
        inspection.unit.name,
        inspection.decision_number,
        inspection.decision_date,
        inspection.start_date,
        inspection.end_date,
        "; ".join(t.unit.name for t in inspection.targets.all()),
        getattr(inspection, "finding_count", 0),
        INSPECTION_STATUSES[Inspection.Status(inspection.status)],
    ]


def inspections_xlsx(rows: Iterable[Inspection]) -> bytes:
    """The inspections list as a workbook (rows carry `finding_count` and prefetched targets)."""
    return table_xlsx("Kiểm tra công vụ", INSPECTION_COLUMNS, map(_inspection_row, rows))


def inspections_pdf(rows: list[Inspection]) -> bytes:
    """The inspections list as a PDF table (rows as for inspections_xlsx)."""
    return table_pdf(
        letterhead=letterhead(timezone.localdate()),
        title="DANH SÁCH CÁC ĐỢT KIỂM TRA CÔNG VỤ",
        summary=f"Tổng số: {len(rows)} đợt kiểm tra",
        headers=[
            "Tên đợt kiểm tra",
            "Hình thức",
            "Quyết định",
            "Thời gian",
            "Đơn vị được kiểm tra",
            "Tồn tại",
            "Trạng thái",
        ],
        widths=["1fr", "2.6cm", "2.8cm", "3.2cm", "5cm", "1.6cm", "2.6cm"],
        rows=(
            [
                inspection.title,
                KINDS[Inspection.Kind(inspection.kind)],
                f"{inspection.decision_number} ngày {day(inspection.decision_date)}",
                f"{day(inspection.start_date)} – {day(inspection.end_date)}",
                "; ".join(t.unit.name for t in inspection.targets.all()),
                getattr(inspection, "finding_count", 0),
                INSPECTION_STATUSES[Inspection.Status(inspection.status)],
            ]
            for inspection in rows
        ),
        empty="Không có đợt kiểm tra nào.",
    )

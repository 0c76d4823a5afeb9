"""The petitions list as XLSX (openpyxl) and as a PDF typeset by typst from
`dialogues/petitions.typ`.

Like the ratings scorecard, the PDF is in Vietnamese whatever the reader's language (its
wording is fixed text here, not translatable strings), dates dd/mm/yyyy; fonts are the vendored
Be Vietnam Pro TTFs and system fonts are ignored, so the output is the same on every server.
User text reaches typst only as JSON strings (data.json), never as markup.
"""

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cchc.core.typeset import typeset_pdf
from cchc.dialogues.models import Petition
from cchc.orgunits.queries import home_province

TEMPLATE = Path(__file__).resolve().parent / "templates" / "dialogues" / "petitions.typ"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"

STATUSES = {
    Petition.Status.RECEIVED: "Đã tiếp nhận",
    Petition.Status.SCREENED: "Đã phân loại",
    Petition.Status.ROUTED: "Đã chuyển đơn vị chủ trì",
    Petition.Status.ANSWERED: "Đã trả lời",
    Petition.Status.PUBLISHED: "Đã công khai trả lời",
    Petition.Status.CLOSED: "Đã kết thúc",
}
CHANNELS = {
    Petition.Channel.WEB: "Trực tuyến trước hội nghị",
    Petition.Channel.MEETING: "Tại hội nghị",
    Petition.Channel.WRITING: "Bằng văn bản",
}
SUBMITTERS = {
    Petition.SubmitterType.CITIZEN: "Người dân",
    Petition.SubmitterType.ORGANISATION: "Tổ chức",
    Petition.SubmitterType.BUSINESS: "Doanh nghiệp",
}
COLUMNS = [
    ("Mã kiến nghị (code)", 16),
    ("Nội dung tóm tắt (title)", 48),
    ("Hội nghị (conference)", 36),
    ("Kênh (channel)", 22),
    ("Người gửi (submitter)", 14),
    ("Lĩnh vực (field)", 24),
    ("Nhóm vấn đề (issue_group)", 28),
    ("Đơn vị tiếp nhận (unit)", 28),
    ("Đơn vị chủ trì (responsible_unit)", 28),
    ("Thời hạn trả lời (deadline)", 14),
    ("Số ngày quá hạn (days_overdue)", 10),
    ("Trạng thái (status)", 20),
    ("Ngày tiếp nhận (received)", 14),
    ("Ngày công khai (published)", 14),
]


def filename(extension: str) -> str:
    return f"kien-nghi-{timezone.localdate():%Y-%m-%d}.{extension}"


def _days_overdue(petition: Petition, today: Any) -> int:
    if petition.status in (Petition.Status.SCREENED, Petition.Status.ROUTED) and (
        petition.deadline and petition.deadline < today
    ):
        return (today - petition.deadline).days
    return 0


def _row(petition: Petition, today: Any) -> list[Any]:
    return [
        petition.code,
        petition.title,
        petition.conference.title if petition.conference else "",
        CHANNELS[Petition.Channel(petition.channel)],
        SUBMITTERS[Petition.SubmitterType(petition.submitter_type)],
        petition.field.name if petition.field else "",
        petition.issue_group.name if petition.issue_group else "",
        petition.unit.name,
        petition.responsible_unit.name if petition.responsible_unit else "",
        petition.deadline,
        _days_overdue(petition, today),
        STATUSES[Petition.Status(petition.status)],
        timezone.localdate(petition.received_at),
        timezone.localdate(petition.published_at) if petition.published_at else None,
    ]


def petitions_xlsx(petitions: Iterable[Petition]) -> bytes:
    """The petitions as one sheet: header bold and frozen, dates as dates. Changes nothing."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kiến nghị")
    sheet.freeze_panes = "A2"
    for index, (_name, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    header = []
    for name, _width in COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    today = timezone.localdate()
    for petition in petitions:
        cells = []
        for value in _row(petition, today):
            cell = WriteOnlyCell(sheet, value=value)
            if hasattr(value, "isoformat"):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _day(value: Any) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


def _data(petitions: list[Petition]) -> dict[str, Any]:
    province = home_province()
    today = timezone.localdate()
    committee = f"ỦY BAN NHÂN DÂN {province.name.upper()}" if province else "ỦY BAN NHÂN DÂN"
    place = (province.short_name or province.name) if province else ""
    dated = f"ngày {today:%d} tháng {today:%m} năm {today:%Y}"
    return {
        "city": committee,
        "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập - Tự do - Hạnh phúc",
        "dated": f"{place}, {dated}" if place else dated.capitalize(),
        "title": "DANH SÁCH KIẾN NGHỊ, PHẢN ÁNH CỦA NGƯỜI DÂN, DOANH NGHIỆP",
        "count": str(len(petitions)),
        "rows": [
            [
                str(index),
                p.code,
                p.title,
                p.responsible_unit.name if p.responsible_unit else "—",
                _day(p.deadline),
                STATUSES[Petition.Status(p.status)],
            ]
            for index, p in enumerate(petitions, start=1)
        ],
        "overdue": str(sum(1 for p in petitions if _days_overdue(p, today))),
    }


def petitions_pdf(petitions: list[Petition]) -> bytes:
    """The PDF bytes of the petitions list (A4 landscape). Changes nothing."""
    return typeset_pdf(TEMPLATE, _data(petitions))

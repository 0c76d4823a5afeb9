"""The petitions and conferences lists as XLSX and PDF (cchc.core.listexport).

Like the ratings scorecard, the PDF is in Vietnamese whatever the reader's language (its
wording is fixed text here, not translatable strings), dates dd/mm/yyyy; fonts are the vendored
Be Vietnam Pro TTFs and system fonts are ignored, so the output is the same on every server.
User text reaches typst only as JSON strings (data.json), never as markup.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from cchc.core.listexport import day, table_pdf, table_xlsx
from cchc.core.privacy import mask
from cchc.dialogues.models import Conference, Petition
from cchc.orgunits.queries import letterhead

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
    # Unmasked only in the rows of the petitions the exporting user's unit handles.
    ("Tên người gửi (submitter_name)", 24),
    ("Liên hệ (contact)", 24),
]


def filename(extension: str, name: str = "kien-nghi") -> str:
    return f"{name}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _days_overdue(petition: Petition, today: Any) -> int:
    if petition.status in (Petition.Status.SCREENED, Petition.Status.ROUTED) and (
        petition.deadline and petition.deadline < today
    ):
        return (today - petition.deadline).days
    return 0


def _row(petition: Petition, today: Any, reveal: bool) -> list[Any]:
    name, contact = petition.submitter_name, petition.contact
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
        name if reveal else mask(name),
        contact if reveal else mask(contact),
    ]


def petitions_xlsx(
    petitions: Iterable[Petition], reveal: Callable[[Petition], bool] = lambda _p: False
) -> bytes:
    """The petitions as one sheet: header bold and frozen, dates as dates. The petitioner's
    name and contact appear only in the rows `reveal` allows (the unit handling the petition),
    masked in the others. Changes nothing."""
    today = timezone.localdate()
    return table_xlsx(
        "Kiến nghị", COLUMNS, (_row(petition, today, reveal(petition)) for petition in petitions)
    )


def petitions_pdf(petitions: list[Petition]) -> bytes:
    """The PDF of the petitions list (A4 landscape). Changes nothing."""
    today = timezone.localdate()
    overdue = sum(1 for p in petitions if _days_overdue(p, today))
    return table_pdf(
        letterhead=letterhead(today),
        title="DANH SÁCH KIẾN NGHỊ, PHẢN ÁNH CỦA NGƯỜI DÂN, DOANH NGHIỆP",
        summary=f"Tổng số: {len(petitions)} kiến nghị; quá hạn trả lời: {overdue}",
        headers=["Mã kiến nghị", "Nội dung tóm tắt", "Đơn vị chủ trì", "Thời hạn", "Trạng thái"],
        widths=["3.6cm", "1fr", "5cm", "2.4cm", "4.6cm"],
        rows=(
            [
                p.code,
                p.title,
                p.responsible_unit.name if p.responsible_unit else "—",
                day(p.deadline),
                STATUSES[Petition.Status(p.status)],
            ]
            for p in petitions
        ),
        empty="Không có kiến nghị nào.",
    )


LEVELS = {
    Conference.Level.CITY: "Cấp thành phố",
    Conference.Level.DEPARTMENT: "Cấp sở, ngành",
    Conference.Level.WARD: "Cấp xã, phường",
}
CONFERENCE_STATUSES = {
    Conference.Status.ANNOUNCED: "Đã thông báo",
    Conference.Status.HELD: "Đã tổ chức",
    Conference.Status.CLOSED: "Đã kết thúc",
}
CONFERENCE_COLUMNS = [
    ("Hội nghị (title)", 50),
    ("Cấp (level)", 16),
    ("Đơn vị chủ trì (host_unit)", 32),
    ("Ngày (date)", 14),
    ("Địa điểm (place)", 36),
    ("Số người dự (attendance)", 12),
    ("Số kiến nghị (petitions)", 12),
    ("Chờ xử lý (waiting)", 12),
    ("Trạng thái (status)", 16),
]


def _conference_row(conference: Conference) -> list[Any]:
    return [
        conference.title,
        LEVELS[Conference.Level(conference.level)],
        conference.host_unit.name,
        timezone.localdate(conference.starts_at),
        conference.place or conference.online_link,
        conference.attendance,
        getattr(conference, "petition_count", 0),
        getattr(conference, "waiting_count", 0),
        CONFERENCE_STATUSES[Conference.Status(conference.status)],
    ]


def conferences_xlsx(conferences: Iterable[Conference]) -> bytes:
    """The conferences list (rows annotated with petition_count and waiting_count)."""
    return table_xlsx("Hội nghị đối thoại", CONFERENCE_COLUMNS, map(_conference_row, conferences))


def conferences_pdf(conferences: list[Conference]) -> bytes:
    """The conferences list as a PDF (A4 landscape). Changes nothing."""
    return table_pdf(
        letterhead=letterhead(timezone.localdate()),
        title="DANH SÁCH HỘI NGHỊ ĐỐI THOẠI VỚI NGƯỜI DÂN, DOANH NGHIỆP",
        summary=f"Tổng số: {len(conferences)} hội nghị",
        headers=["Hội nghị", "Đơn vị chủ trì", "Ngày", "Số kiến nghị", "Trạng thái"],
        widths=["1fr", "5.5cm", "2.4cm", "2.4cm", "3.4cm"],
        rows=(
            [
                c.title,
                c.host_unit.name,
                day(timezone.localdate(c.starts_at)),
                getattr(c, "petition_count", 0),
                CONFERENCE_STATUSES[Conference.Status(c.status)],
            ]
            for c in conferences
        ),
        empty="Không có hội nghị nào.",
    )

"""Exports of the monthly briefing: XLSX (the tables), DOCX and PDF (the report with charts).

Every export takes the same `Briefing` the page shows (`cchc.reports.briefing`). The documents
are reports of the Department of Home Affairs in the layout of Decree 30/2020/NĐ-CP (the issuing
body, "Số: …/BC-SNV", the national motto, place and date, the signature and "Nơi nhận";
cchc.core.officialdoc), which exists only in Vietnamese, so their wording is fixed Vietnamese
text kept in this module rather than translatable strings.
"""

import datetime
from decimal import Decimal

from django.utils import formats, timezone, translation

from cchc.core.officialdoc import OfficialDocument
from cchc.orgunits.queries import TO_COMMITTEE, department_document
from cchc.reports.briefing import Briefing

TITLE = "BÁO CÁO"
CATEGORY_LABELS = {
    "on_time": "Hoàn thành đúng hạn",
    "late": "Hoàn thành quá hạn",
    "in_term": "Đang thực hiện trong hạn",
    "overdue": "Quá hạn chưa hoàn thành",
}
TOTAL_LABELS = [
    ("assigned", "Nhiệm vụ được giao"),
    ("due_in_month", "Đến hạn trong tháng"),
    ("on_time", CATEGORY_LABELS["on_time"]),
    ("late", CATEGORY_LABELS["late"]),
    ("in_term", CATEGORY_LABELS["in_term"]),
    ("overdue", CATEGORY_LABELS["overdue"]),
    ("completion_rate", "Tỷ lệ hoàn thành (đã hoàn thành / đến hạn)"),
    ("on_time_rate", "Tỷ lệ đúng hạn"),
    ("quality_rate", "Tỷ lệ đạt chất lượng"),
    ("carried_over", "Nhiệm vụ các năm trước chưa hoàn thành (theo dõi riêng)"),
]
RANKING_HEADERS = [
    "Hạng",
    "Đơn vị",
    "Được giao",
    "Đến hạn trong tháng",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Trong hạn",
    "Quá hạn",
    "Tỷ lệ hoàn thành",
    "Tỷ lệ đúng hạn",
    "Tỷ lệ đạt chất lượng",
    "Năm trước chuyển sang",
]
OVERDUE_HEADERS = [
    "Mã",
    "Nhiệm vụ",
    "Đơn vị chủ trì",
    "Người chịu trách nhiệm",
    "Thời hạn",
    "Số ngày quá hạn",
]
RATE_FIELDS = {"completion_rate", "on_time_rate", "quality_rate"}
RECIPIENTS = [TO_COMMITTEE, "Các cơ quan, đơn vị (để thực hiện)"]


def subtitle(briefing: Briefing) -> str:
    return f"Kết quả thực hiện nhiệm vụ cải cách hành chính tháng {briefing.month:%m/%Y}"


def official(briefing: Briefing) -> OfficialDocument:
    """The briefing's header, title and signature (its body is the exports' own): a report of
    the Department, dated the day the month was closed."""
    closed = timezone.localtime(briefing.close.closed_at).date()
    return department_document(
        closed, kind=TITLE, summary=subtitle(briefing), recipients=RECIPIENTS
    )


def filename(briefing: Briefing, extension: str) -> str:
    """ASCII only, so that every browser and mail client keeps it: bao-cao-cchc-2026-03.xlsx."""
    return f"bao-cao-cchc-{briefing.month:%Y-%m}.{extension}"


def number(value: Decimal | float | int | None, decimals: int = 0) -> str:
    """1.754 / 87,5 — Vietnamese grouping and decimal comma; "—" for no value."""
    if value is None:
        return "—"
    with translation.override("vi"):
        return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def percent(value: Decimal | None) -> str:
    """98,63% — a rate as computed (two decimals, half-up); "—" when nothing was due."""
    return "—" if value is None else f"{number(value, 2)}%"


def headline(briefing: Briefing) -> str:
    """The Government Office's sentence: "N nhiệm vụ đến hạn đã hoàn thành, đạt X%" (of the
    tasks due in the plan year to date), and the carried-over line (docs/domain/tally.md)."""
    totals = briefing.totals
    text = (
        f"Từ đầu năm đến hết tháng {briefing.month:%m/%Y}: {number(totals.due)} nhiệm vụ đến hạn, "
        f"{number(totals.completed)} nhiệm vụ đến hạn đã hoàn thành, "
        f"đạt {percent(totals.completion_rate)} (đúng hạn: {number(totals.on_time)}, "
        f"đạt {percent(totals.on_time_rate)}; quá hạn: {number(totals.late)})."
    )
    if totals.carried_over:
        text += (
            f" Nhiệm vụ các năm trước chuyển sang chưa hoàn thành: {number(totals.carried_over)}"
            " (theo dõi riêng, không tính vào tỷ lệ của năm)."
        )
    return text


def day(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


def scope_note(briefing: Briefing) -> str:
    if not briefing.scoped:
        return "Phạm vi: toàn Thành phố."
    return "Phạm vi: các đơn vị " + ", ".join(line.label for line in briefing.units) + "."


def overdue_note(briefing: Briefing) -> str:
    shown = len(briefing.overdue)
    if shown == briefing.overdue_total:
        return f"Tổng số: {number(briefing.overdue_total)} nhiệm vụ."
    return (
        f"Tổng số: {number(briefing.overdue_total)} nhiệm vụ; "
        f"liệt kê {number(shown)} nhiệm vụ quá hạn lâu nhất."
    )


def not_reported_note(briefing: Briefing) -> str:
    """The units that have not reported, in one paragraph (the report ends with its signature,
    not a list)."""
    if not briefing.not_reported:
        return "Tất cả các đơn vị đã báo cáo trong tháng."
    names = ", ".join(line.label for line in briefing.not_reported)
    return f"{number(len(briefing.not_reported))} đơn vị chưa báo cáo trong tháng: {names}."


def reopened_note(briefing: Briefing) -> str:
    return "Lưu ý: tháng này đã được mở lại, số liệu có thể thay đổi khi chốt số liệu lại."


def totals_rows(briefing: Briefing) -> list[list[str]]:
    """The city's totals as (label, formatted figure) lines, as both documents print them."""
    return [
        [label, percent(value) if name in RATE_FIELDS else number(value)]
        for name, label in TOTAL_LABELS
        for value in [getattr(briefing.totals, name)]
    ]


def ranking_rows(briefing: Briefing) -> list[list[str]]:
    """The ranking's lines, in RANKING_HEADERS' order, formatted."""
    return [
        [
            number(line.rank),
            line.label,
            number(line.counts.assigned),
            number(line.counts.due_in_month),
            number(line.counts.on_time),
            number(line.counts.late),
            number(line.counts.in_term),
            number(line.counts.overdue),
            percent(line.counts.completion_rate),
            percent(line.counts.on_time_rate),
            percent(line.counts.quality_rate),
            number(line.counts.carried_over),
        ]
        for line in briefing.units
    ]

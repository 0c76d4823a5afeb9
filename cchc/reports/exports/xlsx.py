"""The briefing's tables as an Excel workbook: numbers as numbers, rates as percentages,
dates as dates, bold and frozen header rows."""

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook

from cchc.core.xlsx import add_sheet
from cchc.reports.briefing import Briefing
from cchc.reports.exports import (
    OVERDUE_HEADERS,
    RANKING_HEADERS,
    RATE_FIELDS,
    TOTAL_LABELS,
    subtitle,
)

PERCENT = "0.00%"
DATE = "dd/mm/yyyy"
INTEGER = "#,##0"


def _rate(value: Decimal | None) -> float | None:
    """A rate in percent (98.63, already rounded half-up) as the fraction Excel's percent
    format expects (0.9863): exact, since dividing a decimal by 100 only moves its point."""
    return None if value is None else float(value / 100)


def _totals(book: Workbook, briefing: Briefing) -> None:
    rows = []
    for name, label in TOTAL_LABELS:
        value = getattr(briefing.totals, name)
        rows.append([label, _rate(value) if name in RATE_FIELDS else value])
    sheet = add_sheet(book, "Tổng hợp", ["Chỉ tiêu", subtitle(briefing)], rows, [34, 24], {})
    for (cell,), (name, _label) in zip(
        sheet.iter_rows(min_row=2, min_col=2, max_col=2), TOTAL_LABELS, strict=True
    ):
        cell.number_format = PERCENT if name in RATE_FIELDS else INTEGER


def _ranking(book: Workbook, briefing: Briefing) -> None:
    rows = [
        [
            line.rank,
            line.label,
            line.counts.assigned,
            line.counts.due_in_month,
            line.counts.on_time,
            line.counts.late,
            line.counts.in_term,
            line.counts.overdue,
            _rate(line.counts.completion_rate),
            _rate(line.counts.on_time_rate),
            _rate(line.counts.quality_rate),
            line.counts.carried_over,
        ]
        for line in briefing.units
    ]
    formats = dict.fromkeys(range(3, 9), INTEGER) | {9: PERCENT, 10: PERCENT, 11: PERCENT}
    formats[12] = INTEGER
    widths = [7, 40, 11, 12, 11, 12, 11, 11, 12, 12, 14, 12]
    add_sheet(book, "Xếp hạng đơn vị", RANKING_HEADERS, rows, widths, formats)


def _overdue(book: Workbook, briefing: Briefing) -> None:
    rows = [
        [t.code, t.title, t.lead_unit, t.responsible, t.deadline, t.days_overdue]
        for t in briefing.overdue
    ]
    formats = {5: DATE, 6: INTEGER}
    add_sheet(book, "Nhiệm vụ quá hạn", OVERDUE_HEADERS, rows, [14, 60, 32, 26, 12, 10], formats)


def _not_reported(book: Workbook, briefing: Briefing) -> None:
    rows = [[line.label] for line in briefing.not_reported]
    add_sheet(book, "Chưa báo cáo", ["Đơn vị chưa báo cáo trong tháng"], rows, [50], {})


def briefing_xlsx(briefing: Briefing) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _totals(book, briefing)
    _ranking(book, briefing)
    _overdue(book, briefing)
    _not_reported(book, briefing)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()

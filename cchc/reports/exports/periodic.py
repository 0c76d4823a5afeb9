"""Exports of a periodic report: DOCX and PDF in the Decree 30/2020 layout (cchc.core.officialdoc)
and the annex as XLSX in the Ministry's column order (STT, code, indicator, unit of measure,
value, source)."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from cchc.core.officialdoc import to_docx, to_pdf
from cchc.core.xlsx import append_row
from cchc.reports.document import ANNEX_HEADERS, ReportData, source_text


def report_docx(data: ReportData) -> bytes:
    return to_docx(data.official())


def report_pdf(data: ReportData) -> bytes:
    return to_pdf(data.official())


def report_xlsx(data: ReportData) -> bytes:
    """The annex: a title row, the header row, one row per indicator; the value is a number
    cell (empty when not given)."""
    book = Workbook()
    book.remove(book.active)
    sheet = book.create_sheet("Phụ lục")
    who = data.unit.name if data.unit else ""
    append_row(
        sheet, [f"Phụ lục số liệu cải cách hành chính {data.period.heading_for(data.year)} — {who}"]
    )
    sheet["A1"].font = Font(bold=True, name="Times New Roman", size=13)
    append_row(sheet, ANNEX_HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True, name="Times New Roman")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for n, row in enumerate(data.rows, start=1):
        append_row(
            sheet,
            [
                n,
                row.indicator.code,
                row.indicator.label,
                row.indicator.measure,
                None if row.value is None else float(row.value),
                source_text(row, data.is_city),
            ],
        )
    for letter, width in zip("ABCDEF", (6, 12, 60, 12, 16, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    for cells in sheet.iter_rows(min_row=3, min_col=5, max_col=5):
        for cell in cells:
            cell.number_format = "#,##0.##"
    sheet.freeze_panes = "A3"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()

"""A list exported as a workbook or as a PDF table with the administrative letterhead: the
shape every list page's export shares (petitions, conferences, inspections, recommendations).

The PDF is a working list, not a state document: the header of Decree 30/2020 (the issuing body,
the national name and motto, place and date; core/decree30.typ) on A4 landscape, then the
table, with no number and no signature (docs/domain/documents.md). It is in Vietnamese whatever
the reader's language, typeset by core/templates/core/list.typ from data.json: user text
reaches Typst only as JSON strings.
"""

import datetime
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cchc.core.officialdoc import OfficialDocument
from cchc.core.typeset import typeset_pdf
from cchc.core.xlsx import append_row, styled_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "core" / "list.typ"


def table_xlsx(
    sheet_name: str, columns: Sequence[tuple[str, int]], rows: Iterable[list[Any]]
) -> bytes:
    """One sheet: the header (name, width) bold and frozen, then `rows`, dates shown dd/mm/yyyy.
    Rows are written as they come (write-only), so a long list needs little memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name[:31])
    sheet.freeze_panes = "A2"
    for index, (_name, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for name, _width in columns:
        cell = styled_cell(sheet, name)
        cell.font = bold
        header.append(cell)
    append_row(sheet, header)
    for values in rows:
        append_row(sheet, [_cell(sheet, value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, datetime.date):
        return value
    cell = styled_cell(sheet, value)
    cell.number_format = "DD/MM/YYYY"
    return cell


def day(value: datetime.date | None) -> str:
    """A date as dd/mm/yyyy, or a dash."""
    return f"{value:%d/%m/%Y}" if value else "—"


def table_pdf(
    *,
    letterhead: dict[str, str],
    title: str,
    summary: str,
    headers: Sequence[str],
    widths: Sequence[str],
    rows: Iterable[Sequence[Any]],
    empty: str,
) -> bytes:
    """An A4 landscape PDF: `letterhead` (city, nation, motto, dated; orgunits.queries.letterhead),
    `title`, a `summary` line, then the table (`widths` in Typst lengths, e.g. "1cm" or "1fr";
    a first column "TT" numbers the rows) or `empty` when there are no rows."""
    body = [[str(index), *(str(value) for value in row)] for index, row in enumerate(rows, 1)]
    head = OfficialDocument(
        issuer=letterhead["city"], place_date=letterhead["dated"], kind=title, title=title
    )
    data = {
        "doc": head.as_data(),
        "summary": summary,
        "headers": ["TT", *headers],
        "widths": ["1cm", *widths],
        "rows": body,
        "empty": empty,
    }
    return typeset_pdf(TEMPLATE, data)

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
import itertools
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from cchc.core.officialdoc import OfficialDocument
from cchc.core.typeset import typeset_pdf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
# Up to this many rows a sheet is put together in memory (about 1 ms of fixed cost against
# 5 ms for constant_memory's temporary files, decision 0035); a longer list streams.
IN_MEMORY_ROWS = 1000
TEMPLATE = Path(__file__).resolve().parent / "templates" / "core" / "list.typ"


def table_xlsx(
    sheet_name: str, columns: Sequence[tuple[str, int]], rows: Iterable[Sequence[Any]]
) -> bytes:
    """One sheet: the header (name, width) bold, wrapped and frozen, then `rows`, dates shown
    dd/mm/yyyy.

    Written with XlsxWriter (decision 0035): a list of up to IN_MEMORY_ROWS rows is put
    together in memory; a longer one goes to temporary files as its rows come
    (constant_memory), so it needs little memory. Every value is written by its type: text
    always as text (never a formula, whatever it starts with), numbers as numbers, dates with
    the date format, None as an empty cell."""
    rows = iter(rows)
    first = list(itertools.islice(rows, IN_MEMORY_ROWS + 1))
    short = len(first) <= IN_MEMORY_ROWS
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True} if short else {"constant_memory": True}
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    date = workbook.add_format({"num_format": DATE_FORMAT})
    sheet.freeze_panes(1, 0)
    # Wrapped headers get the lines they need (up to four): a sheet keeps its heights as written.
    lines = max((math.ceil(len(name) / max(width, 1)) for name, width in columns), default=1)
    if lines > 1:
        sheet.set_row(0, 15 * min(lines, 4))
    for index, (name, width) in enumerate(columns):
        sheet.set_column(index, index, width)
        sheet.write_string(0, index, name, bold)
    for number, values in enumerate(itertools.chain(first, rows), start=1):
        for index, value in enumerate(values):
            _write(sheet, number, index, value, date)
    workbook.close()
    return buffer.getvalue()


def _write(sheet: Any, row: int, column: int, value: Any, date: Any) -> None:
    if value is None or value == "":  # no cell at all: read back as empty, not as ""
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, value)
    elif isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, date)
    else:
        sheet.write_string(row, column, str(value))


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

"""Reading data rows from an uploaded XLSX workbook laid out like a downloadable template, and
writing cells safely (`append_row`, `write_cell`, `text_cell`: typed text never becomes a formula).

Model-independent pieces shared by every import (plan tasks today; index annexes, paper survey
forms and procedures next): the upload checks, a zip-bomb guard, the header row recognised by
column keys, the data rows numbered as Excel numbers them, plain text and decimal cells, and
the (row, column, message) errors an import reports. What a row means is the caller's business.
"""

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from cchc.core.listexport import table_xlsx
from cchc.core.uploads import CheckedFile, check_upload

MAX_ROWS = 10_000
# A 10 MB .xlsx can inflate to gigabytes of XML: refuse archives that unpack past this.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
FIRST_DATA_ROW = 2

# What a broken or hostile workbook raises while openpyxl reads it. defusedxml (installed, so
# openpyxl parses through it) refuses a DOCTYPE's entities (XXE, billion laughs) with a
# ValueError; a malformed part raises ParseError.
UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, ParseError)

# (Excel row number, {column key: cell value})
Row = tuple[int, dict[str, Any]]


@dataclass(frozen=True)
class Column:
    """One column of an import template, recognised in the header by its `key` in brackets."""

    key: str
    name: str  # the Vietnamese name, also used to name the column in error messages
    hint: str = ""
    required: bool = False
    width: int = 18

    @property
    def header(self) -> str:
        """The template's header cell: "Thời hạn (deadline: dd/mm/yyyy hoặc Q1–Q4)"."""
        return f"{self.name} ({self.key}{': ' + self.hint if self.hint else ''})"

    @property
    def label(self) -> str:
        """The column as error messages name it: "Thời hạn (deadline)"."""
        return f"{self.name} ({self.key})"


@dataclass(frozen=True)
class RowError:
    """One wrong cell: its Excel row number, its column's label and what is wrong."""

    row: int
    column: str
    message: str


@dataclass
class ImportResult[T]:
    """The outcome of an all-or-nothing import: the objects created, or the errors (then none)."""

    rows: int
    created: list[T] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_workbook_upload(upload: UploadedFile) -> CheckedFile:
    """`check_upload` (size, extension matching content, SHA-256), then refuse anything that is
    not an .xlsx workbook, with a ValidationError naming the file."""
    checked = check_upload(upload)
    if checked.extension != "xlsx":
        raise ValidationError(
            _("%(name)s: import an Excel workbook (.xlsx) made from the template.")
            % {"name": checked.original_name}
        )
    return checked


def read_rows(
    upload: UploadedFile, *, name: str, columns: Sequence[Column], max_rows: int = MAX_ROWS
) -> list[Row]:
    """The non-empty rows of the first sheet as (Excel row number, {column key: value}).

    The first row is the header; each of `columns` is found there by its key (see
    `header_positions`). Raises ValidationError, naming the file as `name`, when the file is
    not a readable workbook, unpacks past MAX_UNCOMPRESSED_BYTES, lacks a required column or
    has more than `max_rows` non-empty data rows.
    """
    unreadable = ValidationError(
        _("%(name)s cannot be read as an Excel workbook.") % {"name": name}
    )
    try:
        _check_archive(upload)
        upload.seek(0)
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except UNREADABLE as error:
        raise unreadable from error
    try:
        values = workbook.worksheets[0].iter_rows(values_only=True)
        return list(_rows(values, columns=columns, max_rows=max_rows))
    except (*UNREADABLE, IndexError) as error:
        raise unreadable from error
    finally:
        workbook.close()


def _check_archive(upload: UploadedFile) -> None:
    """Refuse a zip bomb (sum the declared sizes before openpyxl inflates anything) and any
    part with a DOCTYPE, which Excel never writes and which XXE and billion-laughs attacks need."""
    upload.seek(0)
    with zipfile.ZipFile(upload) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
            raise ValidationError(_("The workbook is too large once unpacked."))
        for info in archive.infolist():
            if _has_doctype(archive, info):
                raise ValidationError(
                    _("The workbook contains a document type declaration; save it again in Excel.")
                )


# "<!DOCTYPE" as UTF-8 and as UTF-16 (little and big endian): the encodings XML allows here.
DOCTYPES = (b"<!DOCTYPE", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))
OVERLAP = max(len(marker) for marker in DOCTYPES)


def _has_doctype(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether the part contains a DOCTYPE, read in chunks (a part may be large)."""
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            window = tail + chunk
            if any(marker in window for marker in DOCTYPES):
                return True
            tail = window[-OVERLAP:]
    return False


def _rows(
    values: Iterator[tuple[Any, ...]], *, columns: Sequence[Column], max_rows: int
) -> Iterator[Row]:
    positions = header_positions(next(values, ()), columns=columns)
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise ValidationError(
            _("The first row lacks the columns: %(columns)s. Start from the template.")
            % {"columns": "; ".join(missing)}
        )
    count = 0
    for number, cells in enumerate(values, start=FIRST_DATA_ROW):
        if all(cell_text(cell) == "" for cell in cells):
            continue
        count += 1
        if count > max_rows:
            raise ValidationError(
                _("The file has more than %(max)s rows; split it.") % {"max": max_rows}
            )
        yield number, {key: cells[i] if i < len(cells) else None for key, i in positions.items()}


def header_positions(header: Iterable[Any], *, columns: Sequence[Column]) -> dict[str, int]:
    """Column key → index, recognised by the key in brackets ("Thời hạn (deadline: …)") or a
    bare key, so columns may be reordered and their Vietnamese names reworded. Unknown headers
    are ignored; for a key given twice the first column wins."""
    keys = {column.key for column in columns}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = cell_text(cell)
        match = re.search(r"\(\s*([a-z_]+)", text)
        key = match.group(1) if match else text.lower()
        if key in keys and key not in positions:
            positions[key] = index
    return positions


def cell_text(value: Any) -> str:
    """A cell as stripped text: "" for an empty cell, and a whole float without ".0" (Excel
    stores the typed code 12 as 12.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_decimal(value: Any) -> Decimal | None:
    """A cell as a Decimal, a decimal comma accepted ("1,5"): None for an empty cell and
    Decimal("NaN") for one that is not a number (a word, TRUE/FALSE), so a caller checks
    `is_finite()` before its own range checks."""
    text = cell_text(value).replace(",", ".")
    if not text:
        return None
    if isinstance(value, bool):
        return Decimal("NaN")
    try:
        return Decimal(text)
    except InvalidOperation:
        return Decimal("NaN")


# Writing. openpyxl stores any text starting with "=" as a live formula (data_type "f"), so a
# petition titled '=HYPERLINK("http://evil…")' would run in the reader's Excel. Every export
# writes its cells through these helpers, which keep such text as text (tests/test_xlsx_writers.py
# checks that no module writes cells another way).


def as_text(cell: Cell) -> Cell:
    """The cell, its value kept as typed text if openpyxl took it for a formula."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def text_cell(sheet: Any, value: Any) -> Any:
    """A value for `sheet.append` on a write-only sheet: a text cell when the value would
    otherwise be read as a formula, the value itself (or the given cell, neutralised) else."""
    if isinstance(value, Cell):
        return as_text(value)
    if isinstance(value, str) and value.startswith("="):
        return as_text(WriteOnlyCell(sheet, value=value))
    return value


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append a row to a sheet (write-only or not); no cell of it becomes a formula."""
    if isinstance(sheet, WriteOnlyWorksheet):
        sheet.append([text_cell(sheet, value) for value in values])
        return
    row = list(values)
    sheet.append(row)
    for column in range(1, len(row) + 1):
        as_text(sheet.cell(sheet._current_row, column))


def write_cell(sheet: Any, row: int, column: int, value: Any) -> Cell:
    """`sheet.cell(row, column, value)` on an ordinary sheet, never a formula."""
    return as_text(sheet.cell(row, column, value))


def styled_cell(sheet: Any, value: Any) -> Cell:
    """A write-only cell to style (bold header, date format…), never a formula."""
    return as_text(WriteOnlyCell(sheet, value=value))


def add_sheet(
    book: openpyxl.Workbook,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int],
    formats: dict[int, str],
    *,
    freeze: str = "A2",
) -> Worksheet:
    """A sheet of an export: a bold, wrapped header row, the rows (never formulas), the number
    format of each column in `formats` (1-based column: format), the column widths, and the
    panes frozen at `freeze` (below the header by default)."""
    sheet = book.create_sheet(title)
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        append_row(sheet, row)
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    return sheet


def errors_xlsx(errors: Iterable[Sequence[Any]]) -> bytes:
    """A refused import's error report: one line per error (row, column, message)."""
    columns = [("Dòng (row)", 8), ("Cột (column)", 40), ("Lỗi (message)", 80)]
    return table_xlsx("Lỗi", columns, errors)

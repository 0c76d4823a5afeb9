"""Import headcount from an XLSX file laid out like the downloadable template, all or nothing.
Reading the workbook (upload checks, header, rows, cells) is `cchc.core.xlsx`.

One row is one unit's figures for one year. The unit is its code; a pre-2025 unit (ward,
district) is written with a leading "~" ("~00004"), as in its path, because the old and the
new ward codes overlap. A row for a unit and year already recorded replaces its figures (the
file is the newer source); the count of replaced records is in the audit event.

Every row is checked first, with the units the actor may record and the existing records read
once; any error refuses the whole file and nothing is written. The records are written with
`bulk_create`/`bulk_update` and **one** "staffing.import" audit event with the counts
(docs/architecture.md: a bulk load writes one event with the counts, not one per row).
"""

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import openpyxl
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cchc.core import audit, xlsx
from cchc.core.xlsx import (
    Column,
    ImportResult,
    Row,
    RowError,
    append_row,
    cell_decimal,
    cell_text,
    write_cell,
)
from cchc.orgunits.models import OrgUnit
from cchc.staffing.actions import max_year
from cchc.staffing.models import FIGURES, MAX_FIGURE, MIN_YEAR, Headcount
from cchc.staffing.permissions import recordable_units

if TYPE_CHECKING:
    from cchc.accounts.models import User

LEGACY_PREFIX = "~"
LOOKUP_CHUNK = 500
TOO_MANY_DIGITS = 12  # beyond any year or figure; int() of 1E999999 would take seconds

# The file format (fixed, Vietnamese): the template, the import and the summary export share it.
COLUMNS = [
    Column("unit", "Mã đơn vị", "mã hiện hành; đơn vị trước 07/2025: ~mã", required=True),
    Column("year", "Năm", required=True, width=8),
    Column("civil_assigned", "Biên chế công chức giao", required=True),
    Column("civil_actual", "Công chức thực có", "để trống nếu chưa có"),
    Column("public_assigned", "Số người làm việc viên chức giao", required=True),
    Column("public_actual", "Viên chức thực có", "để trống nếu chưa có"),
    Column("unit_name", "Tên đơn vị", "chỉ để đọc, không nhập", width=40),
]
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
BOLD = Font(bold=True)


@dataclass
class _Record:
    unit_id: int
    year: int
    values: dict[str, int | None]


def unit_code(unit: OrgUnit) -> str:
    """The code a file uses for `unit`: "~00004" for a pre-2025 unit."""
    return f"{LEGACY_PREFIX}{unit.code}" if unit.legacy else unit.code


@transaction.atomic
def import_headcount(*, actor: "User", upload: UploadedFile) -> ImportResult[Headcount]:
    """Create or replace the figures listed in an XLSX upload, all or nothing. Writes one
    "staffing.import" event with the counts of records created and replaced.

    Refuses (ValidationError) a file that is not a valid .xlsx within the size limit, lacks a
    required column, has no rows or more than xlsx.MAX_ROWS. Returns the rows' errors, with
    nothing written, when any cell is wrong: a unit code that is not a unit whose figures the
    actor records, a year that is not a whole number from MIN_YEAR to next year, a unit and
    year given twice, a required figure missing, a figure that is not a whole number, is
    negative or absurdly large.
    """
    checked = xlsx.check_workbook_upload(upload)
    rows = xlsx.read_rows(upload, name=checked.original_name, columns=COLUMNS)
    if not rows:
        raise ValidationError(_("The file has no headcount rows."))
    records, errors = _validate(rows, actor=actor)
    if errors:
        return ImportResult(rows=len(rows), errors=errors)
    written, replaced = _write(records, actor=actor)
    audit.record(
        actor,
        "staffing.import",
        None,
        details={
            "created": len(written) - replaced,
            "replaced": replaced,
            "file": checked.original_name,
            "sha256": checked.sha256,
        },
    )
    return ImportResult(rows=len(rows), created=written)


def _units(actor: "User", rows: list[Row]) -> dict[str, int]:
    """File code → id of each unit named in the file whose figures the actor records."""
    codes = {cell_text(values.get("unit")) for _n, values in rows} - {""}
    current = sorted(c for c in codes if not c.startswith(LEGACY_PREFIX))
    legacy = sorted(c[1:] for c in codes if c.startswith(LEGACY_PREFIX))
    units = recordable_units(actor)
    found: dict[str, int] = {}
    for chunk_codes, is_legacy in [(current, False), (legacy, True)]:
        for start in range(0, len(chunk_codes), LOOKUP_CHUNK):
            chunk = chunk_codes[start : start + LOOKUP_CHUNK]
            prefix = LEGACY_PREFIX if is_legacy else ""
            found.update(
                (prefix + code, pk)
                for code, pk in units.filter(code__in=chunk, legacy=is_legacy).values_list(
                    "code", "id"
                )
            )
    return found


def _validate(rows: list[Row], *, actor: "User") -> tuple[list[_Record], list[RowError]]:
    checker = _RowChecker(_units(actor, rows))
    records = [record for number, values in rows if (record := checker.check(number, values))]
    return records, checker.errors


class _RowChecker:
    """Checks one row at a time, collecting every error; remembers the unit-years seen."""

    def __init__(self, units: dict[str, int]) -> None:
        self.units = units
        self.last_year = max_year()
        self.seen: dict[tuple[int, int], int] = {}
        self.errors: list[RowError] = []
        self.row = 0

    def error(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.row, COLUMN_BY_KEY[key].label, message))

    def check(self, row: int, values: dict[str, Any]) -> _Record | None:
        self.row, before = row, len(self.errors)
        unit_id = self.unit(cell_text(values.get("unit")))
        year = self.year(values.get("year"))
        figures = {
            name: self.figure(name, values.get(name), required=name.endswith("_assigned"))
            for name in FIGURES
        }
        if unit_id is not None and year is not None:
            first = self.seen.setdefault((unit_id, year), row)
            if first != row:
                self.error(
                    "year",
                    _("This unit and year are repeated: row %(row)s has them already.")
                    % {"row": first},
                )
        if len(self.errors) > before or unit_id is None or year is None:
            return None
        return _Record(unit_id, year, figures)

    def unit(self, code: str) -> int | None:
        if not code:
            self.error("unit", _("This cell is required."))
            return None
        unit_id = self.units.get(code)
        if unit_id is None:
            # One message for unknown and not-yours units, so codes cannot be probed.
            self.error(
                "unit",
                _("“%(code)s” is not the code of a unit whose headcount you record.")
                % {"code": code},
            )
        return unit_id

    def year(self, value: Any) -> int | None:
        number = self.whole(value)
        if number is None or not MIN_YEAR <= number <= self.last_year:
            self.error(
                "year",
                _("The year must be a whole number from %(first)s to %(last)s (“%(text)s”).")
                % {"first": MIN_YEAR, "last": self.last_year, "text": cell_text(value)},
            )
            return None
        return number

    def figure(self, key: str, value: Any, *, required: bool) -> int | None:
        if cell_text(value) == "":
            if required:
                self.error(key, _("This cell is required."))
            return None
        number = self.whole(value)
        if number is None:
            self.error(key, _("“%(text)s” is not a whole number.") % {"text": cell_text(value)})
        elif number < 0:
            self.error(key, _("The number cannot be negative (%(n)s).") % {"n": number})
        elif number > MAX_FIGURE:
            self.error(key, _("The number is too large (%(n)s).") % {"n": number})
        else:
            return number
        return None

    @staticmethod
    def whole(value: Any) -> int | None:
        """A whole number from a number cell, or from text of digits only: "9.000" or "9,000"
        in a text cell is refused (it would read as 9 — Vietnamese writes 9.000 for nine
        thousand), and a huge number (1E5000) is refused before it is ever converted."""
        if isinstance(value, str) and not value.strip().isdigit():
            return None
        number = cell_decimal(value)
        if number is None or not number.is_finite() or number != number.to_integral_value():
            return None
        if number.adjusted() > TOO_MANY_DIGITS:
            return None
        return int(number)


def _write(records: list[_Record], *, actor: "User") -> tuple[list[Headcount], int]:
    """Create the new records and replace the existing ones; (every record, count replaced)."""
    wanted = {(r.unit_id, r.year): r for r in records}
    now = timezone.now()
    existing: dict[tuple[int, int], Headcount] = {}
    pairs = sorted(wanted)
    for start in range(0, len(pairs), LOOKUP_CHUNK):
        condition = Q()
        for unit_id, year in pairs[start : start + LOOKUP_CHUNK]:
            condition |= Q(unit_id=unit_id, year=year)
        for record in Headcount.objects.select_for_update().filter(condition):
            existing[(record.unit_id, record.year)] = record
    for key, record in existing.items():
        for name in FIGURES:
            setattr(record, name, wanted[key].values[name])
        record.updated_by = actor
        record.updated_at = now
        record.version += 1
    Headcount.objects.bulk_update(
        existing.values(),
        [*FIGURES, "updated_by", "updated_at", "version"],
        batch_size=LOOKUP_CHUNK,
    )
    created = Headcount.objects.bulk_create(
        [
            Headcount(
                unit_id=r.unit_id,
                year=r.year,
                updated_by=actor,
                **r.values,
            )
            for key, r in wanted.items()
            if key not in existing
        ],
        batch_size=LOOKUP_CHUNK,
    )
    return [*created, *existing.values()], len(existing)


# --- workbooks: the template and the error report ---------------------------------------------


def template_xlsx(user: Any, year: int) -> bytes:
    """The import template: the header, one row per current unit the user records (its code,
    the year and its name filled in), the code column as text so "00004" keeps its zeros."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Biên chế"
    append_row(sheet, [column.header for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(1, index)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[1].height = 45
    sheet.freeze_panes = "A2"
    units = recordable_units(user).current().order_by("path").values_list("code", "name")
    for row, (code, name) in enumerate(units.iterator(chunk_size=2000), start=2):
        write_cell(sheet, row, 1, code).number_format = "@"
        write_cell(sheet, row, 2, year)
        write_cell(sheet, row, len(COLUMNS), name)
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def errors_xlsx(errors: list[list[Any]]) -> bytes:
    """The refused import's errors, one per row: (row, column, message)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Lỗi")
    for index, width in enumerate((8, 40, 80), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    append_row(sheet, ["Dòng (row)", "Cột (column)", "Lỗi (message)"])
    for row in errors:
        append_row(sheet, row)
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()

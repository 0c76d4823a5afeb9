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
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import openpyxl
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
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
from cchc.staffing.actions import budget_error, check_lifetime, check_shares, max_year
from cchc.staffing.models import FIGURES, MAX_FIGURE, MIN_YEAR, Headcount, SuccessorShare
from cchc.staffing.permissions import recordable_units
from cchc.staffing.queries import shares_of

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
    Column(
        "public_budget_assigned",
        "Viên chức giao hưởng lương từ ngân sách nhà nước",
        "phần còn lại: tự bảo đảm chi; để trống nếu chưa tách",
    ),
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
    year given twice, a year outside the unit's lifetime (an ended ward has no figures after
    it ended), more budget-paid than public-employee posts, a required figure missing, a
    figure that is not a whole number, is negative or absurdly large.
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


REQUIRED = {"civil_assigned", "public_assigned"}


def _units(actor: "User", rows: list[Row]) -> dict[str, OrgUnit]:
    """File code → each unit named in the file whose figures the actor records (only its id,
    code, name and dates are loaded)."""
    codes = {cell_text(values.get("unit")) for _n, values in rows} - {""}
    current = sorted(c for c in codes if not c.startswith(LEGACY_PREFIX))
    legacy = sorted(c[1:] for c in codes if c.startswith(LEGACY_PREFIX))
    units = recordable_units(actor)
    predecessors = OrgUnit.successors.through.objects.all()
    found: dict[str, OrgUnit] = {}
    for chunk_codes, is_legacy in [(current, False), (legacy, True)]:
        for start in range(0, len(chunk_codes), LOOKUP_CHUNK):
            chunk = chunk_codes[start : start + LOOKUP_CHUNK]
            prefix = LEGACY_PREFIX if is_legacy else ""
            found.update(
                (prefix + unit.code, unit)
                for unit in units.filter(code__in=chunk, legacy=is_legacy)
                .annotate(merged=Exists(predecessors.filter(to_orgunit_id=OuterRef("pk"))))
                .only("code", "name", "legacy", "valid_from", "valid_to")
            )
    return found


def _validate(rows: list[Row], *, actor: "User") -> tuple[list[_Record], list[RowError]]:
    checker = _RowChecker(_units(actor, rows))
    records = [record for number, values in rows if (record := checker.check(number, values))]
    return records, checker.errors


class _RowChecker:
    """Checks one row at a time, collecting every error; remembers the unit-years seen."""

    def __init__(self, units: dict[str, OrgUnit]) -> None:
        self.units = units
        self.last_year = max_year()
        self.seen: dict[tuple[int, int], int] = {}
        self.errors: list[RowError] = []
        self.row = 0

    def error(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.row, COLUMN_BY_KEY[key].label, message))

    def check(self, row: int, values: dict[str, Any]) -> _Record | None:
        self.row, before = row, len(self.errors)
        unit = self.unit(cell_text(values.get("unit")))
        year = self.year(values.get("year"))
        figures = {
            name: self.figure(name, values.get(name), required=name in REQUIRED) for name in FIGURES
        }
        budget, public = figures["public_budget_assigned"], figures["public_assigned"]
        if budget is not None and public is not None and budget > public:
            self.error("public_budget_assigned", budget_error())
        if unit is not None and year is not None:
            merged = bool(getattr(unit, "merged", False))
            if (message := check_lifetime(unit, year, merged=merged)) is not None:
                self.error("year", message)
            first = self.seen.setdefault((unit.pk, year), row)
            if first != row:
                self.error(
                    "year",
                    _("This unit and year are repeated: row %(row)s has them already.")
                    % {"row": first},
                )
        if len(self.errors) > before or unit is None or year is None:
            return None
        return _Record(unit.pk, year, figures)

    def unit(self, code: str) -> OrgUnit | None:
        if not code:
            self.error("unit", _("This cell is required."))
            return None
        unit = self.units.get(code)
        if unit is None:
            # One message for unknown and not-yours units, so codes cannot be probed.
            self.error(
                "unit",
                _("“%(code)s” is not the code of a unit whose headcount you record.")
                % {"code": code},
            )
        return unit

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


# --- successor shares ---------------------------------------------------------------------------

SHARE_COLUMNS = [
    Column("predecessor", "Mã đơn vị cũ", "đơn vị trước 07/2025: ~mã", required=True),
    Column("successor", "Mã đơn vị kế thừa", required=True),
    Column("share", "Tỷ lệ (%)", "các dòng của một đơn vị cũ cộng lại 100", required=True),
    Column("note", "Ghi chú", "chỉ để đọc, không nhập", width=40),
]
SHARE_COLUMN_BY_KEY = {column.key: column for column in SHARE_COLUMNS}


@transaction.atomic
def import_successor_shares(*, actor: "User", upload: UploadedFile) -> ImportResult[SuccessorShare]:
    """Set the successor shares listed in an XLSX upload (one row per predecessor and
    successor), all or nothing; each predecessor named gets exactly the file's shares, which
    are then confirmed. Writes one "staffing.import_shares" event with the counts.

    Refuses (ValidationError) an actor who is not a city administrator, and a file that is not
    a valid .xlsx, lacks a column or has no rows. Returns the rows' errors, nothing written,
    when a code is not a unit, a successor is not one of the predecessor's, a pair is repeated,
    a share is not a percent from 0 to 100, or a predecessor's shares miss a successor or do
    not add up to 100 (`check_shares`; reported on its first row).
    """
    if not actor.is_city_admin:
        raise ValidationError(_("Only city administrators set the successor shares."))
    checked = xlsx.check_workbook_upload(upload)
    rows = xlsx.read_rows(upload, name=checked.original_name, columns=SHARE_COLUMNS)
    if not rows:
        raise ValidationError(_("The file has no rows."))
    groups, errors = _share_groups(rows)
    if errors:
        return ImportResult(rows=len(rows), errors=errors)
    predecessors = [predecessor for predecessor, _first, _shares in groups]
    SuccessorShare.objects.filter(predecessor__in=predecessors).delete()
    created = SuccessorShare.objects.bulk_create(
        SuccessorShare(predecessor=predecessor, successor_id=pk, share=value, updated_by=actor)
        for predecessor, _first, shares in groups
        for pk, value in sorted(shares.items())
    )
    audit.record(
        actor,
        "staffing.import_shares",
        None,
        details={
            "predecessors": len(groups),
            "shares": len(created),
            "file": checked.original_name,
            "sha256": checked.sha256,
        },
    )
    return ImportResult(rows=len(rows), created=created)


def _share_units(rows: list[Row]) -> dict[str, OrgUnit]:
    codes = {cell_text(v.get(k)) for _n, v in rows for k in ("predecessor", "successor")} - {""}
    found: dict[str, OrgUnit] = {}
    for is_legacy in (False, True):
        wanted = sorted(
            c[1:] if is_legacy else c for c in codes if c.startswith(LEGACY_PREFIX) == is_legacy
        )
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            units = OrgUnit.objects.filter(
                code__in=wanted[start : start + LOOKUP_CHUNK], legacy=is_legacy
            ).prefetch_related("successors")
            found.update((unit_code(unit), unit) for unit in units)
    return found


def _share_groups(
    rows: list[Row],
) -> tuple[list[tuple[OrgUnit, int, dict[int, Decimal]]], list[RowError]]:
    """The file's shares per predecessor, (predecessor, first row, {successor id: share}),
    and every error."""
    units = _share_units(rows)
    errors: list[RowError] = []
    groups: dict[int, tuple[OrgUnit, int, dict[int, Decimal]]] = {}

    def error(row: int, key: str, message: str) -> None:
        errors.append(RowError(row, SHARE_COLUMN_BY_KEY[key].label, message))

    for number, values in rows:
        found: dict[str, OrgUnit | None] = {}
        for key in ("predecessor", "successor"):
            code = cell_text(values.get(key))
            found[key] = units.get(code)
            if found[key] is None:
                error(number, key, _("“%(code)s” is not the code of a unit.") % {"code": code})
        share = cell_decimal(values.get("share"))
        if share is None or not share.is_finite() or not 0 <= share <= 100:
            error(number, "share", _("The share must be a percent from 0 to 100."))
            continue
        old, new = found["predecessor"], found["successor"]
        if old is None or new is None:
            continue
        group = groups.setdefault(old.pk, (old, number, {}))
        if new.pk in group[2]:
            error(number, "successor", _("This pair is repeated."))
        group[2][new.pk] = share.quantize(Decimal("0.01"))
    for old, first, shares in groups.values():
        for message in check_shares(old, shares):
            error(first, "predecessor", message)
    return list(groups.values()), errors


def shares_template_xlsx() -> bytes:
    """The shares template: one row per successor of each ended unit with several successors,
    with its current share (stored, or the equal default) and the names."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Tỷ lệ kế thừa"
    append_row(sheet, [column.header for column in SHARE_COLUMNS])
    for index, column in enumerate(SHARE_COLUMNS, start=1):
        sheet.cell(1, index).font = BOLD
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    split = OrgUnit.objects.filter(valid_to__isnull=False).annotate(n=Count("successors"))
    predecessors = list(split.filter(n__gt=1).order_by("path"))
    for shares in shares_of(predecessors).values():
        for share in shares:
            append_row(
                sheet,
                [
                    unit_code(share.predecessor),
                    unit_code(share.successor),
                    float(share.share),
                    f"{share.predecessor.name} → {share.successor.name}",
                ],
            )
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()

"""Import the home province's organisation chart from an XLSX or CSV file, all or nothing.

Columns (found by key in the header, so they may be reordered; docs/orgunits.md):
`code`, `name`, `kind`, `parent_code`, `valid_from`, and optionally `short_name`. A kind is
written as the unit model codes it (`department`, `public_service`, `province`, `ward`,
`commune`, `special_zone`) or by its Vietnamese label ("Sở, ban, ngành", "Đơn vị sự nghiệp",
"Phường", "Xã", "Đặc khu", …). A date is `YYYY-MM-DD` or `dd/mm/yyyy` (or an Excel date cell).

Every row is checked first; any error refuses the whole file and nothing is written. Then
each row goes through the actions (`create_unit`, `update_unit`, `move_unit`), so every unit's
own history shows what the import did, and one "orgunits.import" event records the counts. A
row whose unit already exists with the same values changes nothing: importing the same file
twice changes nothing the second time. A changed name, short name, kind or start date updates
the unit; a changed parent moves it. A unit missing from the file is left alone (ending a unit
is a decision, taken on the chart page). With `dry_run` the import runs, counts, then rolls
back: it writes nothing.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cchc.core import audit, xlsx
from cchc.core.text import fold
from cchc.core.xlsx import Column, Row, RowError, append_row, cell_text, write_cell
from cchc.orgunits.actions import check_code, create_unit, move_unit, update_unit
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.queries import chart_units, home_province

if TYPE_CHECKING:
    from cchc.accounts.models import User

COLUMNS = [
    Column("code", "Mã đơn vị", "duy nhất, không có “/” hay dấu cách", required=True, width=18),
    Column("name", "Tên đơn vị", required=True, width=50),
    Column("kind", "Loại", "department, public_service, ward… hoặc tên tiếng Việt", required=True),
    Column("parent_code", "Mã đơn vị cấp trên", "trống chỉ với tỉnh/thành phố", width=18),
    Column("valid_from", "Hiệu lực từ", "dd/mm/yyyy hoặc YYYY-MM-DD", width=14),
    Column("short_name", "Tên ngắn", width=30),
]
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
IMPORT_KINDS = (
    OrgUnit.Kind.PROVINCE,
    OrgUnit.Kind.DEPARTMENT,
    OrgUnit.Kind.PUBLIC_SERVICE,
    OrgUnit.Kind.WARD,
    OrgUnit.Kind.COMMUNE,
    OrgUnit.Kind.SPECIAL_ZONE,
)
# Vietnamese words a file may use for a kind, besides the codes and the model's labels.
KIND_ALIASES = {
    "so": OrgUnit.Kind.DEPARTMENT,
    "ban": OrgUnit.Kind.DEPARTMENT,
    "nganh": OrgUnit.Kind.DEPARTMENT,
    "so, ban, nganh": OrgUnit.Kind.DEPARTMENT,
    "co quan": OrgUnit.Kind.DEPARTMENT,
    "don vi su nghiep cong lap": OrgUnit.Kind.PUBLIC_SERVICE,
    "tinh": OrgUnit.Kind.PROVINCE,
    "thanh pho": OrgUnit.Kind.PROVINCE,
    "thanh pho truc thuoc trung uong": OrgUnit.Kind.PROVINCE,
}
CSV_MAX_BYTES = 5 * 1024 * 1024
BOLD = Font(bold=True)


@dataclass
class ChartImport:
    """The outcome: counts of units created, updated (name, short name, kind, start date) and
    moved, or the row errors (then nothing was written)."""

    rows: int
    created: int = 0
    updated: int = 0
    moved: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.moved)


@dataclass
class _Unit:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    valid_from: datetime.date | None
    short_name: str


def kind_names() -> dict[str, str]:
    """Folded code, English label, Vietnamese label or alias → kind code."""
    names = {text: OrgUnit.Kind(kind).value for text, kind in KIND_ALIASES.items()}
    for kind in IMPORT_KINDS:
        names[fold(kind.value)] = kind.value
        names[fold(str(kind.label))] = kind.value
        with translation.override("vi"):
            names[fold(str(kind.label))] = kind.value
        with translation.override("en"):
            names[fold(str(kind.label))] = kind.value
    return names


# --- reading the file ---------------------------------------------------------------------------


def read_upload(upload: UploadedFile) -> tuple[str, list[Row]]:
    """(file name, rows) of an uploaded .xlsx or .csv. Raises ValidationError for anything
    else, an unreadable file, missing required columns or too many rows."""
    name = PurePath(upload.name or "").name
    if name.lower().endswith(".csv"):
        return name, read_csv(upload, name=name)
    if not name.lower().endswith(".xlsx"):
        raise ValidationError(
            _("%(name)s: import an Excel workbook (.xlsx) or a CSV file (.csv).") % {"name": name}
        )
    checked = xlsx.check_workbook_upload(upload)
    return checked.original_name, xlsx.read_rows(upload, name=name, columns=COLUMNS)


def read_csv(upload: Any, *, name: str) -> list[Row]:
    """The rows of a UTF-8 CSV (a BOM accepted; comma or semicolon), numbered as a
    spreadsheet numbers them (the header is row 1)."""
    upload.seek(0)
    content = upload.read(CSV_MAX_BYTES + 1)
    if len(content) > CSV_MAX_BYTES:
        raise ValidationError(_("%(name)s is larger than the upload limit.") % {"name": name})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("%(name)s is not a UTF-8 CSV file.") % {"name": name}) from None
    delimiter = (
        ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    )
    lines = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        cells = (tuple(line) for line in lines)
        return list(xlsx._rows(cells, columns=COLUMNS, max_rows=xlsx.MAX_ROWS))
    except csv.Error:
        raise ValidationError(_("%(name)s cannot be read as CSV.") % {"name": name}) from None


# --- checking the rows --------------------------------------------------------------------------


class _RowChecker:
    """Checks each row's cells, collecting every error."""

    def __init__(self) -> None:
        self.kinds = kind_names()
        self.errors: list[RowError] = []
        self.row = 0

    def error(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.row, COLUMN_BY_KEY[key].label, message))

    def check(self, row: int, values: dict[str, Any]) -> _Unit | None:
        self.row, before = row, len(self.errors)
        code = cell_text(values.get("code"))
        try:
            check_code(code)
        except ValidationError as error:
            self.error("code", " ".join(error.messages))
        name = self.text(values, "name", required=True)
        short_name = self.text(values, "short_name", required=False)
        kind = self.kind(cell_text(values.get("kind")))
        parent_code = cell_text(values.get("parent_code"))
        valid_from = self.date(values.get("valid_from"))
        if len(self.errors) > before:
            return None
        return _Unit(row, code, name, kind, parent_code, valid_from, short_name)

    def text(self, values: dict[str, Any], key: str, *, required: bool) -> str:
        text = " ".join(cell_text(values.get(key)).split())
        limit = getattr(OrgUnit._meta.get_field(key), "max_length", 0) or 0
        if required and not text:
            self.error(key, _("This cell is required."))
        elif len(text) > limit:
            self.error(key, _("At most %(n)s characters.") % {"n": limit})
        return text

    def kind(self, text: str) -> str:
        kind = self.kinds.get(fold(text))
        if kind is None:
            self.error(
                "kind",
                _("“%(text)s” is not a kind of unit (write one of: %(kinds)s).")
                % {"text": text, "kinds": ", ".join(IMPORT_KINDS)},
            )
            return ""
        return kind

    def date(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        self.error(
            "valid_from",
            _("“%(text)s” is not a date (write dd/mm/yyyy or YYYY-MM-DD).") % {"text": text},
        )
        return None


def _check_tree(
    units: list[_Unit], province: OrgUnit, errors: list[RowError], broken: set[str]
) -> list[_Unit]:
    """Check codes and parents against the database and the file; the rows in an order in which
    every parent comes before its children."""
    in_file: dict[str, _Unit] = {}
    for unit in units:
        first = in_file.setdefault(unit.code, unit)
        if first is not unit:
            errors.append(
                RowError(
                    unit.row,
                    COLUMN_BY_KEY["code"].label,
                    _("The code %(code)s is repeated: row %(row)s has it already.")
                    % {"code": unit.code, "row": first.row},
                )
            )
    existing = {
        u.code: u
        for u in OrgUnit.objects.filter(
            code__in={u.code for u in units} | {u.parent_code for u in units}, legacy=False
        )
    }
    checker = _TreeChecker(province, in_file, existing, errors)
    checker.broken = broken
    for unit in units:
        checker.check(unit)
    return checker.ordered() if not errors else []


class _TreeChecker:
    def __init__(
        self,
        province: OrgUnit,
        in_file: dict[str, _Unit],
        existing: dict[str, OrgUnit],
        errors: list[RowError],
    ) -> None:
        self.province, self.in_file, self.existing, self.errors = (
            province,
            in_file,
            existing,
            errors,
        )
        self.broken: set[str] = set()

    def error(self, unit: _Unit, key: str, message: str) -> None:
        self.errors.append(RowError(unit.row, COLUMN_BY_KEY[key].label, message))

    def check(self, unit: _Unit) -> None:
        current = self.existing.get(unit.code)
        if unit.code == self.province.code:
            if unit.kind != OrgUnit.Kind.PROVINCE or unit.parent_code:
                self.error(
                    unit,
                    "kind",
                    _("%(code)s is this installation's province: kind province, no parent.")
                    % {"code": unit.code},
                )
            return
        if current is not None:
            if not current.path.startswith(self.province.path):
                self.error(
                    unit,
                    "code",
                    _("The code %(code)s belongs to a unit outside %(province)s.")
                    % {"code": unit.code, "province": self.province.name},
                )
            elif not current.is_current:
                self.error(
                    unit, "code", _("%(code)s is a unit that has ended.") % {"code": unit.code}
                )
        if unit.kind == OrgUnit.Kind.PROVINCE:
            self.error(unit, "kind", _("Only this installation's province is of kind province."))
        self.check_parent(unit)

    def check_parent(self, unit: _Unit) -> None:
        if not unit.parent_code:
            self.error(unit, "parent_code", _("This cell is required."))
            return
        if unit.parent_code == unit.code:
            self.error(unit, "parent_code", _("A unit cannot be its own parent."))
            return
        if unit.parent_code in self.broken:
            return
        parent_kind = self.kind_of(unit.parent_code)
        if parent_kind is None:
            self.error(
                unit,
                "parent_code",
                _("%(code)s is neither in the file nor a current unit of %(province)s.")
                % {"code": unit.parent_code, "province": self.province.name},
            )
        elif unit.kind in OrgUnit.LOWER_KINDS and parent_kind != OrgUnit.Kind.PROVINCE:
            self.error(
                unit,
                "parent_code",
                _("Wards, communes and special zones sit directly under the province."),
            )

    def kind_of(self, code: str) -> str | None:
        """The kind of the parent `code`: from the file, else a current unit of the province."""
        if code in self.in_file:
            return self.in_file[code].kind
        unit = self.existing.get(code)
        if unit is None or not unit.is_current or not unit.path.startswith(self.province.path):
            return None
        return unit.kind

    def ordered(self) -> list[_Unit]:
        """Parents before children; a loop of parents in the file is an error on its rows."""
        done: set[str] = {c for c in self.existing if c not in self.in_file}
        done.add(self.province.code)
        result: list[_Unit] = []
        pending = [u for u in self.in_file.values() if u.code != self.province.code]
        while pending:
            ready = [u for u in pending if u.parent_code in done]
            if not ready:
                for unit in pending:
                    self.error(unit, "parent_code", _("The parents of these rows form a loop."))
                return []
            result.extend(ready)
            done.update(u.code for u in ready)
            pending = [u for u in pending if u.code not in done]
        own = self.in_file.get(self.province.code)
        return [own, *result] if own else result


# --- writing ----------------------------------------------------------------------------------


def import_chart(
    rows: list[Row],
    *,
    actor: "User | None",
    file_name: str,
    dry_run: bool = False,
    is_demo: bool = False,
) -> ChartImport:
    """Create, update and move the home province's units listed in `rows`, all or nothing,
    through the actions; one "orgunits.import" event with the counts when anything changed.
    Returns the row errors, with nothing written, when any row is wrong: a missing or malformed
    code, a code repeated, used outside the province or by an ended unit, a missing name, an
    unknown kind, a date that is not one, a parent that is neither in the file nor a current
    unit of the province, a ward under anything but the province, a loop of parents. With
    `dry_run` nothing is written either; the counts say what the import would do.
    `is_demo` marks the units created as demo data (the demo seeds its chart with it).
    Refuses (ValidationError) when the home province is not loaded or the file has no rows.
    """
    province = home_province()
    if province is None:
        raise ValidationError(
            _("The province %(code)s is not loaded: run manage.py load_admin_units first.")
            % {"code": settings.CCHC_HOME_PROVINCE}
        )
    if not rows:
        raise ValidationError(_("The file has no unit rows."))
    checker = _RowChecker()
    units = [unit for number, values in rows if (unit := checker.check(number, values))]
    errors = checker.errors
    # The tree is checked on the rows whose cells are right; a parent on a wrong row is not
    # reported again as missing.
    broken = {cell_text(values.get("code")) for _n, values in rows} - {u.code for u in units}
    ordered = _check_tree(units, province, errors, broken)
    result = ChartImport(rows=len(rows), dry_run=dry_run, errors=sorted(errors, key=_by_row))
    if errors:
        return result
    with transaction.atomic():
        for unit in ordered:
            try:
                _apply(unit, actor=actor, result=result, is_demo=is_demo)
            except ValidationError as error:  # a rule of the actions, e.g. a move into a loop
                result.errors.append(
                    RowError(unit.row, COLUMN_BY_KEY["parent_code"].label, " ".join(error.messages))
                )
        if result.errors:
            transaction.set_rollback(True)
            result.created = result.updated = result.moved = result.unchanged = 0
            return result
        if result.changed:
            audit.record(
                actor,
                "orgunits.import",
                None,
                unit=province,
                details={
                    "file": file_name,
                    "created": result.created,
                    "updated": result.updated,
                    "moved": result.moved,
                    "unchanged": result.unchanged,
                },
            )
        if dry_run:
            transaction.set_rollback(True)
    return result


def _by_row(error: RowError) -> int:
    return error.row


def _apply(unit: _Unit, *, actor: "User | None", result: ChartImport, is_demo: bool) -> None:
    current = OrgUnit.objects.filter(code=unit.code, legacy=False).first()
    if current is None:
        create_unit(
            actor=actor,
            code=unit.code,
            name=unit.name,
            short_name=unit.short_name,
            kind=unit.kind,
            parent=OrgUnit.objects.get(code=unit.parent_code, legacy=False),
            valid_from=unit.valid_from,
            is_demo=is_demo,
        )
        result.created += 1
        return
    values: dict[str, object] = {"name": unit.name, "kind": unit.kind}
    if unit.short_name:
        values["short_name"] = unit.short_name
    if unit.valid_from:
        values["valid_from"] = unit.valid_from
    changed = {k: v for k, v in values.items() if getattr(current, k) != v}
    if changed:
        current = update_unit(current, actor=actor, version=current.version, **changed)
        result.updated += 1
    moved = bool(unit.parent_code) and current.parent is not None
    if moved and current.parent.code != unit.parent_code:  # type: ignore[union-attr]
        parent = OrgUnit.objects.get(code=unit.parent_code, legacy=False)
        move_unit(current, actor=actor, parent=parent)
        result.moved += 1
    elif not changed:
        result.unchanged += 1


def import_chart_file(
    upload: UploadedFile, *, actor: "User | None", dry_run: bool = False
) -> ChartImport:
    """`import_chart` of an uploaded .xlsx or .csv file (see `read_upload`)."""
    name, rows = read_upload(upload)
    return import_chart(rows, actor=actor, file_name=name, dry_run=dry_run)


# --- workbooks: the template and the error report ---------------------------------------------


def template_xlsx() -> bytes:
    """The import template, filled with the home province's current chart (the province,
    departments, public service units, their sub-units): edit it and import it back."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Cơ cấu tổ chức"
    append_row(sheet, [column.header for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(1, index)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[1].height = 45
    sheet.freeze_panes = "A2"
    province = home_province()
    units = chart_units(province) if province else []
    codes = {unit.pk: unit.code for unit in units}
    for row, unit in enumerate(units, start=2):
        cells = [
            unit.code,
            unit.name,
            unit.kind,
            codes.get(unit.parent_id or 0, ""),
            unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "",
            unit.short_name,
        ]
        for index, value in enumerate(cells, start=1):
            write_cell(sheet, row, index, value).number_format = "@"
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()

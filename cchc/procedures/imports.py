"""Import the procedure catalogue from an XLSX file in the column layout of the national
procedure database export (docs/procedures.md lists the columns and the accepted values).
Reading the workbook is `cchc.core.xlsx`; this module holds the columns and the row checks.

All or nothing: every row is checked first with the units read once into a dictionary; any
error rejects the whole file, nothing is written and the result lists (row, column, message).
A procedure whose code exists is compared field by field: unchanged ones are left alone,
changed ones are updated, their version bumped and a `ProcedureVersion` snapshot kept, so the
earlier versions stay readable. One audit event "procedures.import" carries the counts.
"""

import dataclasses
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import openpyxl
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core import audit, xlsx
from cchc.core.text import fold
from cchc.core.xlsx import Column, Row, RowError, cell_decimal, cell_text, check_workbook_upload
from cchc.orgunits.models import OrgUnit
from cchc.procedures.models import COLUMNS, Procedure, ProcedureVersion

if TYPE_CHECKING:
    from cchc.accounts.models import User

COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
# The national export's header names without a key in brackets (lower case, as the header
# row is compared), mapped to the column they stand for.
BARE_HEADERS = {
    "mã thủ tục": "code",
    "mã tthc": "code",
    "tên thủ tục": "name",
    "tên tthc": "name",
    "lĩnh vực": "field",
    "cấp thực hiện": "level",
    "cơ quan thực hiện": "units",
    "thời hạn giải quyết": "days",
    "phí, lệ phí": "fees",
    "phí lệ phí": "fees",
    "thành phần hồ sơ": "documents",
    "mức độ trực tuyến": "online",
    "căn cứ pháp lý": "legal_basis",
    "ngày hiệu lực": "effective_from",
    "ngày hết hiệu lực": "effective_to",
}
# Every column optional for the reader: the required ones are checked once aliases are known.
READ_COLUMNS = [dataclasses.replace(c, required=False) for c in COLUMNS] + [
    Column(bare, bare) for bare in BARE_HEADERS
]
MAX_FEE = 10**11  # dong: a fee above this is a typing error (and beyond the plan figures)
LEVELS = {
    "cap tinh": Procedure.Level.PROVINCE,
    "tinh": Procedure.Level.PROVINCE,
    "province": Procedure.Level.PROVINCE,
    "cap xa": Procedure.Level.COMMUNE,
    "xa": Procedure.Level.COMMUNE,
    "commune": Procedure.Level.COMMUNE,
}
ONLINE = {
    "toan trinh": Procedure.Online.FULL,
    "full": Procedure.Online.FULL,
    "mot phan": Procedure.Online.PARTIAL,
    "partial": Procedure.Online.PARTIAL,
    "khong": Procedure.Online.NONE,
    "none": Procedure.Online.NONE,
    "": Procedure.Online.NONE,
}
NO_FEE = {"", "khong", "khong co", "mien phi", "0"}
MAX_DAYS = Decimal(9999)
MAX_LENGTHS = {"code": 40, "name": 500, "field": 200}
VERSIONED = [
    "name",
    "field",
    "level",
    "units",
    "processing_days",
    "fees",
    "fee_text",
    "documents",
    "online_level",
    "legal_basis",
    "effective_from",
    "effective_to",
]


@dataclass
class ImportResult(xlsx.ImportResult[Procedure]):
    """The procedures created, those updated (new version) and unchanged, or the errors."""

    updated: list[Procedure] | None = None
    unchanged: int = 0


@dataclass
class _Row:
    code: str
    data: dict[str, Any]  # the VERSIONED fields, JSON-ready
    unit_ids: list[int]


@transaction.atomic
def import_procedures(*, actor: "User", upload: UploadedFile) -> ImportResult:
    """Create or update the procedures listed in an XLSX upload, all or nothing. Writes one
    "procedures.import" event with the counts of created, updated and unchanged procedures.

    Callers check the role (the view is for city administrators). Refuses (ValidationError) a
    file that is not a valid .xlsx within the limits, one lacking a required column or without
    rows. Returns the rows' errors, nothing
    written, when any cell is wrong: a missing code, name, field, level, unit or time; a code
    repeated in the file; an unknown level or online level; a unit code that is not a current
    unit; a time or fee that is not a number of zero or more; a date that does not parse; an end
    date before the start; a text too long.
    """
    checked = check_workbook_upload(upload)
    rows = _read(upload, name=checked.original_name)
    if not rows:
        raise ValidationError(_("The file has no procedure rows."))
    checker = _RowChecker(_units(rows))
    parsed = [row for number, values in rows if (row := checker.check(number, values))]
    if checker.errors:
        return ImportResult(rows=len(rows), errors=checker.errors)
    created, updated, unchanged = _write(parsed, actor)
    audit.record(
        actor,
        "procedures.import",
        None,
        details={
            "created": len(created),
            "updated": len(updated),
            "unchanged": unchanged,
            "file": checked.original_name,
            "sha256": checked.sha256,
        },
    )
    return ImportResult(rows=len(rows), created=created, updated=updated, unchanged=unchanged)


def _read(upload: UploadedFile, *, name: str) -> list[Row]:
    """The rows keyed by column key, whether the header names a column by its key in brackets
    (the template: "Mã thủ tục (code)") or by the bare name of the national export ("Mã thủ
    tục", "Mã TTHC"; see BARE_HEADERS). Refuses a header lacking a required column."""
    rows = xlsx.read_rows(upload, name=name, columns=READ_COLUMNS)
    present = {
        BARE_HEADERS.get(key, key)
        for key in xlsx.header_positions(_header(upload), columns=READ_COLUMNS)
    }
    missing = [c.header for c in COLUMNS if c.required and c.key not in present]
    if missing:
        raise ValidationError(
            _("The first row lacks the columns: %(columns)s. Start from the template.")
            % {"columns": "; ".join(missing)}
        )
    for _number, values in rows:
        for bare, key in BARE_HEADERS.items():
            if bare in values and values.get(key) is None:
                values[key] = values.pop(bare)
    return rows


def _header(upload: UploadedFile) -> tuple[Any, ...]:
    """The first row of the first sheet (read after `xlsx.read_rows` has checked the file)."""
    upload.seek(0)
    workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    try:
        return next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
    finally:
        workbook.close()


def _split(value: Any, pattern: str = r"[;\n]") -> list[str]:
    return [part.strip() for part in re.split(pattern, cell_text(value)) if part.strip()]


def _units(rows: list[Row]) -> dict[str, int]:
    codes = {code for _n, values in rows for code in _split(values.get("units"))}
    found = OrgUnit.objects.current().filter(legacy=False, code__in=sorted(codes))
    return dict(found.values_list("code", "id"))


def parse_documents(value: Any) -> list[dict[str, Any]]:
    """One document per line (or ;), with an optional count at the end in brackets:
    "Tờ khai đăng ký (01 bản chính, 02 bản sao)". Without it: one original, no copy."""
    documents = []
    for line in _split(value):
        originals, copies = 1, 0
        match = re.search(r"\(([^()]*)\)\s*$", line)
        if match and re.search(r"bản (chính|sao)", match.group(1)):
            text = match.group(1)
            originals = int(m.group(1)) if (m := re.search(r"(\d+)\s*bản chính", text)) else 0
            copies = int(m.group(1)) if (m := re.search(r"(\d+)\s*bản sao", text)) else 0
            line = line[: match.start()].strip()
        documents.append({"name": line, "originals": originals, "copies": copies})
    return documents


class _RowChecker:
    def __init__(self, units: dict[str, int]) -> None:
        self.units = units
        self.seen: dict[str, int] = {}
        self.errors: list[RowError] = []
        self.row = 0

    def error(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.row, COLUMN_BY_KEY[key].label, message))

    def check(self, row: int, values: dict[str, Any]) -> _Row | None:
        self.row, before = row, len(self.errors)
        code = self.code(cell_text(values.get("code")))
        start = self.date(values.get("effective_from"), "effective_from")
        end = self.date(values.get("effective_to"), "effective_to")
        data: dict[str, Any] = {
            "name": self.text(values, "name"),
            "field": self.text(values, "field"),
            "level": self.choice(values, "level", LEVELS, required=True),
            "processing_days": self.days(values.get("days")),
            "fees": self.fees(values.get("fees")),
            "fee_text": cell_text(values.get("fees"))[:500],
            "documents": parse_documents(values.get("documents")),
            "online_level": self.choice(values, "online", ONLINE),
            "legal_basis": cell_text(values.get("legal_basis")),
            "effective_from": start,
            "effective_to": end,
        }
        unit_ids = self.unit_ids(values.get("units"))
        if start and end and end < start:
            self.error("effective_to", _("The end date is before the effective date."))
        if len(self.errors) > before:
            return None
        data["units"] = sorted(unit_ids)
        return _Row(code=code, data=data, unit_ids=unit_ids)

    def code(self, code: str) -> str:
        if not code:
            self.error("code", _("This cell is required."))
        elif len(code) > MAX_LENGTHS["code"]:
            self.error("code", _("At most %(max)s characters.") % {"max": MAX_LENGTHS["code"]})
        elif code in self.seen:
            self.error(
                "code",
                _("The code %(code)s is repeated: row %(row)s has it already.")
                % {"code": code, "row": self.seen[code]},
            )
        else:
            self.seen[code] = self.row
        return code

    def text(self, values: dict[str, Any], key: str) -> str:
        text = cell_text(values.get(key))
        if not text:
            self.error(key, _("This cell is required."))
        elif len(text) > MAX_LENGTHS[key]:
            self.error(key, _("At most %(max)s characters.") % {"max": MAX_LENGTHS[key]})
        return text

    def choice(
        self,
        values: dict[str, Any],
        key: str,
        choices: Mapping[str, str],
        *,
        required: bool = False,
    ) -> str:
        text = cell_text(values.get(key))
        if required and not text:
            self.error(key, _("This cell is required."))
            return ""
        value = choices.get(fold(text))
        if value is None:
            self.error(
                key,
                _("“%(text)s” is not accepted here (use %(choices)s).")
                % {"text": text, "choices": COLUMN_BY_KEY[key].hint},
            )
            return ""
        return value

    def days(self, value: Any) -> str:
        text = cell_text(value)
        match = re.match(r"^\s*(\d+(?:[.,]\d+)?)", text)
        days = cell_decimal(match.group(1)) if match else None
        if not text:
            self.error("days", _("This cell is required."))
        elif days is None or not days.is_finite() or days < 0 or days > MAX_DAYS:
            self.error(
                "days",
                _("“%(text)s” is not a number of working days of zero or more.") % {"text": text},
            )
        else:
            return str(days.quantize(Decimal("0.1")))
        return "0"

    def fees(self, value: Any) -> int:
        """Fees and charges in dong: a whole number of at most MAX_FEE, "1.500.000" or "150000 đ";
        "Không"/"Miễn" is 0."""
        text = cell_text(value)
        if fold(text) in NO_FEE:
            return 0
        if isinstance(value, int | float) and not isinstance(value, bool):
            amount = Decimal(str(value))
        else:
            digits = re.match(r"^\s*([\d.]+)\s*(đ|đồng|vnd)?\s*$", text, re.IGNORECASE)
            figures = digits.group(1).replace(".", "") if digits else ""
            amount = Decimal(figures) if figures else Decimal(-1)
        if amount < 0 or amount != amount.to_integral() or amount > MAX_FEE:
            self.error(
                "fees",
                _("“%(text)s” is not an amount in dong (a whole number of zero or more).")
                % {"text": text},
            )
            return 0
        return int(amount)

    def date(self, value: Any, key: str) -> str | None:
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        text = cell_text(value)
        if not text:
            return None
        try:
            return datetime.datetime.strptime(text, "%d/%m/%Y").date().isoformat()
        except ValueError:
            self.error(key, _("“%(text)s” is not a date dd/mm/yyyy.") % {"text": text})
            return None

    def unit_ids(self, value: Any) -> list[int]:
        codes = _split(value)
        if not codes:
            self.error("units", _("This cell is required."))
        ids = []
        for code in codes:
            if code not in self.units:
                self.error(
                    "units", _("“%(code)s” is not the code of a current unit.") % {"code": code}
                )
            else:
                ids.append(self.units[code])
        return list(dict.fromkeys(ids))


def snapshot(procedure: Procedure) -> dict[str, Any]:
    """The VERSIONED fields of a stored procedure, JSON-ready, as `_RowChecker` builds them
    (its units read from a prefetch)."""
    return {
        "name": procedure.name,
        "field": procedure.field,
        "level": procedure.level,
        "units": sorted(unit.pk for unit in procedure.units.all()),
        "processing_days": str(procedure.processing_days),
        "fees": procedure.fees,
        "fee_text": procedure.fee_text,
        "documents": procedure.documents,
        "online_level": procedure.online_level,
        "legal_basis": procedure.legal_basis,
        "effective_from": procedure.effective_from.isoformat()
        if procedure.effective_from
        else None,
        "effective_to": procedure.effective_to.isoformat() if procedure.effective_to else None,
    }


def _apply(procedure: Procedure, code: str, data: dict[str, Any]) -> None:
    procedure.code = code
    for name in VERSIONED:
        if name == "units":
            continue
        value = data[name]
        if name == "processing_days":
            value = Decimal(value)
        elif name.startswith("effective_") and value:
            value = datetime.date.fromisoformat(value)
        setattr(procedure, name, value)
    procedure.search_name = fold(f"{code} {data['name']}")[:540]


def _write(rows: list[_Row], actor: "User") -> tuple[list[Procedure], list[Procedure], int]:
    existing = {
        p.code: p
        for p in Procedure.objects.filter(code__in=[r.code for r in rows]).prefetch_related("units")
    }
    created: list[Procedure] = []
    updated: list[tuple[Procedure, _Row, list[str]]] = []
    for row in rows:
        procedure = existing.get(row.code)
        if procedure is None:
            procedure = Procedure()
            _apply(procedure, row.code, row.data)
            created.append(procedure)
            continue
        before = snapshot(procedure)
        changed = [name for name in VERSIONED if before[name] != row.data[name]]
        if changed:
            _apply(procedure, row.code, row.data)
            procedure.version += 1
            updated.append((procedure, row, changed))
    Procedure.objects.bulk_create(created, batch_size=500)
    by_code = {row.code: row for row in rows}
    fields = [name for name in VERSIONED if name != "units"] + ["search_name", "version"]
    Procedure.objects.bulk_update([p for p, _r, _c in updated], fields, batch_size=500)
    through = Procedure.units.through
    through.objects.filter(procedure__in=[p for p, _r, c in updated if "units" in c]).delete()
    links = [(p, by_code[p.code].unit_ids) for p in created]
    links += [(p, r.unit_ids) for p, r, c in updated if "units" in c]
    through.objects.bulk_create(
        [through(procedure_id=p.pk, orgunit_id=u) for p, ids in links for u in ids],
        batch_size=1000,
    )
    versions = [
        ProcedureVersion(procedure=p, number=1, data=by_code[p.code].data, created_by=actor)
        for p in created
    ]
    versions += [
        ProcedureVersion(procedure=p, number=p.version, data=r.data, changed=c, created_by=actor)
        for p, r, c in updated
    ]
    ProcedureVersion.objects.bulk_create(versions, batch_size=500)
    return created, [p for p, _r, _c in updated], len(rows) - len(created) - len(updated)

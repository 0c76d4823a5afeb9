"""Results of provinces in external indices (PAR INDEX, SIPAS, PAPI, Decision 766): the CSV
import (the queries of the external pages are in cchc.indices.queries).

The CSV has the columns province_code, province_name, year, month, score, rank, out_of, then
one column per component of the index (its names are data: ExternalIndex.components). The
import is all or nothing: every row is checked first, and a wrong row writes nothing.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.core.xlsx import RowError, cell_decimal
from cchc.indices.models import ExternalIndex, ExternalResult
from cchc.indices.queries import MAX_SCORE

COLUMNS = ("province_code", "province_name", "year", "month", "score", "rank", "out_of")
REQUIRED = ("province_code", "province_name", "year", "score")
MAX_ROWS = 10_000
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass
class ExternalImport:
    """The outcome of a CSV import: how many results were created and updated, or the errors
    (then nothing was written)."""

    rows: int
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_csv(upload: UploadedFile) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows of an uploaded UTF-8 CSV (a BOM accepted). Raises
    ValidationError for a file too large, empty, not UTF-8 or without the required columns."""
    name = upload.name or "file"
    if (upload.size or 0) > settings.CCHC_UPLOAD_MAX_BYTES:
        raise ValidationError(_("%(name)s is larger than the upload limit.") % {"name": name})
    upload.seek(0)
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("%(name)s is not a UTF-8 CSV file.") % {"name": name}) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [column.strip() for column in reader.fieldnames or []]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ValidationError(
            _("%(name)s lacks the columns: %(columns)s.")
            % {"name": name, "columns": ", ".join(missing)}
        )
    reader.fieldnames = header
    rows = [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    if not rows:
        raise ValidationError(_("%(name)s has no rows.") % {"name": name})
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("%(name)s has too many rows.") % {"name": name})
    return header, rows


def import_results_csv(upload: UploadedFile, *, actor: Any, index: ExternalIndex) -> ExternalImport:
    """Create or update the index's results from a CSV, all or nothing, and record one audit
    event "indices.import_external" with the counts. Returns the row errors, with nothing
    written, when any row is wrong."""
    header, rows = read_csv(upload)
    components = [column for column in header if column not in COLUMNS]
    errors = [
        RowError(1, column, _("This is not a component of the index."))
        for column in components
        if index.components and column not in index.components
    ]
    parsed = []
    for number, row in enumerate(rows, start=2):
        values, problems = _row(row, number, index, components)
        errors += problems
        parsed.append(values)
    keys = [(v["province_code"], v["year"], v["month"]) for v in parsed]
    errors += [
        RowError(n, "province_code", _("This province and period appear twice."))
        for n, key in enumerate(keys, start=2)
        if keys.index(key) != n - 2
    ]
    if errors:
        return ExternalImport(rows=len(rows), errors=errors)
    return _save(index, parsed, actor)


@transaction.atomic
def _save(index: ExternalIndex, parsed: list[dict[str, Any]], actor: Any) -> ExternalImport:
    result = ExternalImport(rows=len(parsed))
    for values in parsed:
        _, created = ExternalResult.objects.update_or_create(
            index=index,
            province_code=values.pop("province_code"),
            year=values.pop("year"),
            month=values.pop("month"),
            defaults=values,
        )
        if created:
            result.created += 1
        else:
            result.updated += 1
    audit.record(
        actor,
        "indices.import_external",
        index,
        details={"rows": result.rows, "created": result.created, "updated": result.updated},
    )
    return result


def _row(
    row: dict[str, str], number: int, index: ExternalIndex, components: list[str]
) -> tuple[dict[str, Any], list[RowError]]:
    problems: list[RowError] = []

    def error(column: str, message: str) -> None:
        problems.append(RowError(number, column, message))

    code = row.get("province_code", "")
    if not code or len(code) > 4:
        error("province_code", _("Write the province code (e.g. 01)."))
    if not row.get("province_name"):
        error("province_name", _("This cell is required."))
    year = _integer(row.get("year", ""), FIRST_YEAR, LAST_YEAR)
    if year is None:
        error("year", _("Write a year between 2000 and 2100."))
    month = _integer(row.get("month", ""), 1, 12)
    if row.get("month") and month is None:
        error("month", _("Write a month from 1 to 12, or leave it empty."))
    if index.period == ExternalIndex.Period.MONTH and not row.get("month"):
        error("month", _("This index is monthly: write the month."))
    if index.period == ExternalIndex.Period.YEAR and row.get("month"):
        error("month", _("This index is yearly: leave the month empty."))
    score = _decimal(row.get("score", ""))
    if score is None:
        error("score", _("Write a number."))
    rank, out_of = (_integer(row.get(key, ""), 1, 1000) for key in ("rank", "out_of"))
    for key, value in (("rank", rank), ("out_of", out_of)):
        if row.get(key) and value is None:
            error(key, _("Write a whole number from 1, or leave it empty."))
    if rank and out_of and rank > out_of:
        error("rank", _("The rank is larger than the number of provinces."))
    parts = {}
    for name in components:
        if row.get(name):
            part = _decimal(row[name])
            if part is None:
                error(name, _("Write a number."))
            parts[name] = str(part)
    values = {
        "province_code": code.zfill(2) if code.isdigit() else code,
        "province_name": row.get("province_name", "")[:100],
        "year": year,
        "month": month,
        "score": score,
        "rank": rank,
        "out_of": out_of,
        "components": parts,
        "source": "CSV",
    }
    return values, problems


def _integer(text: str, low: int, high: int) -> int | None:
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def _decimal(text: str) -> Decimal | None:
    value = cell_decimal(text)
    if value is None or not value.is_finite() or abs(value) >= MAX_SCORE:
        return None
    return value.quantize(Decimal("0.01"))

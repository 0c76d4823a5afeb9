"""Reading an uploaded iMeta or iData table (CSV or XLSX) into rows, with clear refusals.

CSV: UTF-8 (with or without BOM), comma-separated, header in the first row. XLSX: the first
sheet, through the workbook checks of cchc.core.xlsx (size, content, zip-bomb guard).
"""

import io
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.composite import pipeline as pipelines
from cchc.composite.framework import FrameworkError
from cchc.composites import compute
from cchc.composites.actions import refuse_unless_admin
from cchc.composites.models import CompositeIndex
from cchc.core import audit, xlsx
from cchc.core.uploads import has_markup
from cchc.core.xlsx import ImportResult, RowError

if TYPE_CHECKING:
    from cchc.accounts.models import User

MAX_ROWS = 20_000


def read_table(upload: UploadedFile) -> list[dict[str, Any]]:
    """The rows of `upload` as dicts of header → cell (None for blank cells)."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension == ".xlsx":
        xlsx.check_workbook_upload(upload)
        try:
            xlsx._check_archive(upload)  # the shared zip-bomb guard
            upload.seek(0)
            frame = pd.read_excel(upload, sheet_name=0, dtype=object)
        except ValidationError:
            raise
        except Exception as error:  # any unreadable workbook is one refusal
            raise ValidationError(
                _("%(name)s cannot be read as an Excel workbook.") % {"name": name}
            ) from error
    elif extension == ".csv":
        frame = _read_csv(upload, name)
    else:
        raise ValidationError(_("%(name)s: upload a CSV or XLSX file.") % {"name": name})
    if len(frame) > MAX_ROWS:
        raise ValidationError(
            _("%(name)s has more than %(max)s rows.") % {"name": name, "max": MAX_ROWS}
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.astype(object).where(frame.notna(), None)
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _plain(value: Any) -> str | int | float | None:
    """A JSON-storable cell: numbers and text as they are, anything else (dates) as text."""
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def _read_csv(upload: UploadedFile, name: str) -> pd.DataFrame:
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    if size > settings.CCHC_UPLOAD_MAX_BYTES:
        raise ValidationError(_("%(name)s is too large.") % {"name": name})
    upload.seek(0)
    if has_markup(upload):
        raise ValidationError(_("%(name)s contains markup and is refused.") % {"name": name})
    upload.seek(0)
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
        return pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=True)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ValidationError(
            _("%(name)s cannot be read as a UTF-8 CSV file.") % {"name": name}
        ) from error


def _row_errors(label: str, error: FrameworkError) -> list[RowError]:
    return [RowError(row or 1, label, message) for row, message in error.errors]


@transaction.atomic
def import_composite_index(
    *, actor: "User", name: str, meta_upload: UploadedFile, data_upload: UploadedFile
) -> ImportResult[CompositeIndex]:
    """Create a composite index from its iMeta and iData files (CSV or XLSX), all or nothing,
    with COINr's example pipeline to start from. Audit: "composites.import" (counts).

    Refuses (ValidationError) a file that cannot be read; returns the rows' errors, nothing
    written, when any iMeta or iData row is wrong (see cchc.composite.framework).
    """
    refuse_unless_admin(actor)
    meta_rows = read_table(meta_upload)
    data_rows = read_table(data_upload)
    result: ImportResult[CompositeIndex] = ImportResult(rows=len(meta_rows) + len(data_rows))
    try:
        fw = compute.parse_meta(meta_rows)
    except FrameworkError as error:
        result.errors = _row_errors("iMeta", error)
        return result
    try:
        data = compute.parse_data(data_rows, fw)
    except FrameworkError as error:
        result.errors = _row_errors("iData", error)
        return result
    index = CompositeIndex.objects.create(
        name=name,
        meta=meta_rows,
        data=data_rows,
        pipeline=pipelines.COINR_EXAMPLE,
        created_by=actor,
    )
    audit.record(
        actor,
        "composites.import",
        index,
        details={"indicators": len(fw.indicators), "units": len(data.codes), "name": name},
    )
    result.created = [index]
    return result

"""Imports of dossiers and feedback (docs/domain/service-index.md, "Import format"): CSV (UTF-8)
or XLSX with a header row, from a file, an upload or the API's JSON rows.

Two streamed passes over the source, so memory stays bounded whatever its size: the first
checks every row (every error is kept, up to 10,000, with its row number and column) and writes
nothing; only a clean file is written, in one transaction, in batches upserted by code (a
re-import updates a dossier's progress). Then the months it touched are recounted and rescored
(closed months excepted). All or nothing per file; audited `services.import`.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.orgunits.models import OrgUnit
from cchc.procedures.models import Procedure
from cchc.services.actions import refresh_months
from cchc.services.models import (
    Channel,
    Dossier,
    DossierRating,
    Feedback,
    FeedbackRating,
    ImportRun,
)
from cchc.services.queries import first_of, months_between

BATCH = 5000
COPY_COLUMNS = [
    "code",
    "procedure_code",
    "procedure_id",
    "unit_id",
    "channel",
    "received_at",
    "due_at",
    "returned_at",
    "full_online",
    "paid_online",
    "e_result",
    "digitised",
    "rating",
    "has_feedback",
]
_Row = namedtuple(
    "_Row",
    "code procedure_code procedure_id unit_id channel received_at due_at returned_at "
    "full_online paid_online e_result digitised rating has_feedback",
)
MAX_ERRORS = 10_000
DOSSIER_COLUMNS = (
    "ma_ho_so",
    "ma_tthc",
    "ma_don_vi",
    "kenh_nop",
    "ngay_tiep_nhan",
    "han_xu_ly",
    "ngay_tra_ket_qua",
    "toan_trinh",
    "thanh_toan_truc_tuyen",
    "ket_qua_dien_tu",
    "so_hoa",
    "danh_gia",
)
FEEDBACK_COLUMNS = (
    "ma_pakn",
    "ma_don_vi",
    "ma_ho_so",
    "ngay_tiep_nhan",
    "han_xu_ly",
    "ngay_xu_ly",
    "danh_gia",
)
FLAGS = {
    "toan_trinh": "full_online",
    "thanh_toan_truc_tuyen": "paid_online",
    "ket_qua_dien_tu": "e_result",
    "so_hoa": "digitised",
}

Row = tuple[int, dict[str, Any]]
Source = Callable[[], Iterator[Row]]


class ImportRefused(Exception):
    """The file was refused: `run.errors` lists its rows' problems; nothing was written."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        super().__init__(_("%(n)s errors: nothing was imported.") % {"n": run.error_count})


# --- reading ------------------------------------------------------------------------------


def _csv_rows(opener: Callable[[], io.TextIOBase | Any]) -> Source:
    def rows() -> Iterator[Row]:
        handle = opener()
        try:
            reader = csv.reader(handle)
            header = [h.strip().lstrip("\ufeff").lower() for h in next(reader, [])]
            for number, values in enumerate(reader, 2):
                if any(v.strip() for v in values):
                    yield number, dict(zip(header, values, strict=False))
        finally:
            handle.close()

    return rows


def _xlsx_rows(opener: Callable[[], Any]) -> Source:
    def rows() -> Iterator[Row]:
        import openpyxl

        workbook = openpyxl.load_workbook(opener(), read_only=True, data_only=True)
        try:
            values = workbook.worksheets[0].iter_rows(values_only=True)
            header = [str(h or "").strip().lower() for h in next(values, ())]
            for number, cells in enumerate(values, 2):
                if any(c not in (None, "") for c in cells):
                    yield number, dict(zip(header, cells, strict=False))
        finally:
            workbook.close()

    return rows


def path_source(path: str) -> Source:
    """Rows of a CSV or XLSX file on disk, by its extension."""
    if path.lower().endswith(".xlsx"):
        return _xlsx_rows(lambda: path)
    return _csv_rows(lambda: open(path, encoding="utf-8-sig", newline=""))


def upload_source(upload: Any) -> Source:
    """Rows of an uploaded CSV or XLSX file (read twice: seek to the start each pass)."""

    def raw() -> Any:
        upload.seek(0)
        return upload

    if upload.name.lower().endswith(".xlsx"):
        return _xlsx_rows(raw)
    return _csv_rows(lambda: _KeepOpen(raw(), encoding="utf-8-sig", newline=""))


class _KeepOpen(io.TextIOWrapper):
    """A text view of an upload that leaves the upload open (it is read twice)."""

    def close(self) -> None:
        self.detach()


def json_source(rows: list[dict[str, Any]]) -> Source:
    """The API's rows, numbered from 1."""
    return lambda: iter(enumerate(rows, 1))


# --- checking -----------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_moment(value: Any, *, end_of_day: bool = False) -> datetime.datetime | None:
    """`YYYY-MM-DD HH:MM` or `YYYY-MM-DD` (local time; a date alone is its first moment, or its
    last for a due date: `end_of_day`). Raises ValueError for anything else."""
    tz = timezone.get_default_timezone()
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=tz) if timezone.is_naive(value) else value
    text = value.isoformat() if isinstance(value, datetime.date) else _text(value)
    if not text:
        return None
    # "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or with seconds; fromisoformat is C code, and the shape
    # check keeps it from accepting its other forms ("20241001", "T", offsets).
    if (
        len(text) not in (10, 16, 19)
        or text[4] != "-"
        or text[7] != "-"
        or (len(text) > 10 and (text[10] != " " or text[13] != ":"))
    ):
        raise ValueError(text)
    moment = datetime.datetime.fromisoformat(text)
    if len(text) == 10 and end_of_day:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment.replace(tzinfo=tz)
    raise ValueError(text)


@dataclass
class Checker:
    units: dict[str, int]
    procedures: dict[str, int]
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    error_count: int = 0

    def error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append((row, column, message))

    def moment(
        self,
        row: int,
        data: dict[str, Any],
        column: str,
        *,
        required: bool,
        end_of_day: bool = False,
    ) -> datetime.datetime | None:
        try:
            value = parse_moment(data.get(column), end_of_day=end_of_day)
        except ValueError:
            self.error(row, column, _("a date as YYYY-MM-DD HH:MM or YYYY-MM-DD"))
            return None
        if value is None and required:
            self.error(row, column, _("required"))
        return value

    def code(self, row: int, data: dict[str, Any], column: str, length: int) -> str:
        value = _text(data.get(column))
        if not value:
            self.error(row, column, _("required"))
        elif len(value) > length:
            self.error(row, column, _("at most %(n)s characters") % {"n": length})
        return value

    def unit(self, row: int, data: dict[str, Any]) -> int | None:
        code = _text(data.get("ma_don_vi"))
        if code not in self.units:
            self.error(row, "ma_don_vi", _("unknown unit code %(code)r") % {"code": code})
            return None
        return self.units[code]

    def dossier(self, row: int, data: dict[str, Any]) -> tuple[Any, ...] | None:
        """The row's values in COPY_COLUMNS order, or None (its errors recorded)."""
        n = self.error_count
        code = self.code(row, data, "ma_ho_so", 60)
        procedure_code = self.code(row, data, "ma_tthc", 40)
        unit_id = self.unit(row, data)
        channel = _text(data.get("kenh_nop"))
        if channel not in Channel.values:
            self.error(row, "kenh_nop", _("one of %(v)s") % {"v": ", ".join(Channel.values)})
        received = self.moment(row, data, "ngay_tiep_nhan", required=True)
        due = self.moment(row, data, "han_xu_ly", required=True, end_of_day=True)
        returned = self.moment(row, data, "ngay_tra_ket_qua", required=False)
        if received and due and due < received:
            self.error(row, "han_xu_ly", _("before the date received"))
        if received and returned and returned < received:
            self.error(row, "ngay_tra_ket_qua", _("before the date received"))
        flags = {}
        for column, name in FLAGS.items():
            value = _text(data.get(column)) or "0"
            if value not in ("0", "1"):
                self.error(row, column, _("0 or 1"))
            flags[name] = value == "1"
        rating = _text(data.get("danh_gia"))
        if rating and rating not in DossierRating.values:
            self.error(
                row, "danh_gia", _("one of %(v)s or empty") % {"v": ", ".join(DossierRating.values)}
            )
        if self.error_count > n:
            return None
        return (
            code,
            procedure_code,
            self.procedures.get(procedure_code),
            unit_id,
            channel,
            received,
            due,
            returned,
            flags["full_online"],
            flags["paid_online"],
            flags["e_result"],
            flags["digitised"],
            rating,
            False,
        )

    def feedback(self, row: int, data: dict[str, Any]) -> Feedback | None:
        n = self.error_count
        code = self.code(row, data, "ma_pakn", 60)
        unit_id = self.unit(row, data)
        dossier_code = _text(data.get("ma_ho_so"))
        received = self.moment(row, data, "ngay_tiep_nhan", required=True)
        due = self.moment(row, data, "han_xu_ly", required=True, end_of_day=True)
        handled = self.moment(row, data, "ngay_xu_ly", required=False)
        if received and due and due < received:
            self.error(row, "han_xu_ly", _("before the date received"))
        if received and handled and handled < received:
            self.error(row, "ngay_xu_ly", _("before the date received"))
        rating = _text(data.get("danh_gia"))
        if rating and rating not in FeedbackRating.values:
            self.error(
                row,
                "danh_gia",
                _("one of %(v)s or empty") % {"v": ", ".join(FeedbackRating.values)},
            )
        if self.error_count > n or unit_id is None or received is None or due is None:
            return None
        return Feedback(
            code=code,
            unit_id=unit_id,
            dossier_code=dossier_code,
            received_at=received,
            due_at=due,
            handled_at=handled,
            rating=rating,
        )


def _batches(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _checked(source: Source, checker: Checker, kind: str) -> Iterator[tuple[int, Any]]:
    make = checker.dossier if kind == ImportRun.Kind.DOSSIERS else checker.feedback
    for number, data in source():
        obj = make(number, data)
        if obj is not None:
            yield number, obj


def _missing_columns(source: Source, kind: str) -> list[str]:
    wanted = DOSSIER_COLUMNS if kind == ImportRun.Kind.DOSSIERS else FEEDBACK_COLUMNS
    first = next(source(), None)
    if first is None:
        return []
    return [c for c in wanted if c not in first[1]]


# --- writing ------------------------------------------------------------------------------

DOSSIER_UPDATE = [
    "procedure_code",
    "procedure",
    "unit",
    "channel",
    "received_at",
    "due_at",
    "returned_at",
    "full_online",
    "paid_online",
    "e_result",
    "digitised",
    "rating",
]
FEEDBACK_UPDATE = ["unit", "dossier_code", "received_at", "due_at", "handled_at", "rating"]


def import_source(
    source: Source,
    kind: str,
    *,
    name: str,
    actor: Any,
    progress: Callable[[int], None] | None = None,
) -> ImportRun:
    """Check then write one file of `kind` (dossiers or feedback). Raises ImportRefused (with
    the saved ImportRun and its errors) when any row is wrong or a column is missing; otherwise
    returns the accepted ImportRun after recomputing the open months it touched."""
    units = dict(OrgUnit.objects.filter(legacy=False).values_list("code", "pk"))
    procedures = dict(Procedure.objects.values_list("code", "pk"))
    checker = Checker(units, procedures)
    run = ImportRun(kind=kind, name=name[:255], actor=actor if getattr(actor, "pk", None) else None)
    for column in _missing_columns(source, kind):
        checker.error(1, column, _("missing column"))
    rows = 0
    if not checker.error_count:
        known_dossiers: set[str] = set()
        for batch in _batches(_checked(source, checker, kind)):
            rows += len(batch)
            if kind == ImportRun.Kind.FEEDBACK:
                codes = {o.dossier_code for _n, o in batch if o.dossier_code}
                found = set(Dossier.objects.filter(code__in=codes).values_list("code", flat=True))
                for number, obj in batch:
                    if obj.dossier_code and obj.dossier_code not in found | known_dossiers:
                        checker.error(
                            number,
                            "ma_ho_so",
                            _("unknown dossier %(code)r") % {"code": obj.dossier_code},
                        )
            if progress:
                progress(rows)
    run.error_count = checker.error_count
    run.errors = [list(e) for e in checker.errors]
    if checker.error_count:
        run.save()
        raise ImportRefused(run)
    run.rows = rows
    with transaction.atomic():
        months = _write(source, checker, kind, run, progress)
        run.accepted = True
        run.save()
        audit.record(
            actor if getattr(actor, "pk", None) else None,
            "services.import",
            run,
            details={
                "kind": kind,
                "rows": run.rows,
                "created": run.created,
                "updated": run.updated,
            },
        )
        refresh_months(
            months, actor=actor if getattr(actor, "pk", None) else None, reason=f"import {run.pk}"
        )
    return run


def _write(
    source: Source,
    checker: Checker,
    kind: str,
    run: ImportRun,
    progress: Callable[[int], None] | None,
) -> list[datetime.date]:
    model: Any = Dossier if kind == ImportRun.Kind.DOSSIERS else Feedback
    fields = DOSSIER_UPDATE if kind == ImportRun.Kind.DOSSIERS else FEEDBACK_UPDATE
    earliest: datetime.date | None = None
    latest = first_of(timezone.localdate())
    written = 0
    for batch in _batches(_checked(source, checker, kind)):
        if kind == ImportRun.Kind.DOSSIERS:
            batch = [
                (
                    n,
                    t
                    if connection.vendor == "postgresql"
                    else Dossier(**dict(zip(COPY_COLUMNS, t, strict=True))),
                )
                for n, t in batch
            ]
            if connection.vendor == "postgresql":
                batch = [(n, _Row(*t)) for n, t in batch]
        objs = {o.code: o for _n, o in batch}  # a code twice in a batch: the last row wins
        existing = model.objects.filter(code__in=list(objs)).values_list("code", "received_at")
        old = dict(existing)
        run.updated += len(old)
        run.created += len(objs) - len(old)
        if kind == ImportRun.Kind.DOSSIERS and connection.vendor == "postgresql":
            _copy_upsert(list(objs.values()))
        else:
            model.objects.bulk_create(
                list(objs.values()),
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=fields,
            )
        oldest = min([*(o.received_at for o in objs.values()), *old.values()])
        month = first_of(timezone.localtime(oldest).date())
        earliest = month if earliest is None or month < earliest else earliest
        if kind == ImportRun.Kind.FEEDBACK:
            codes = [o.dossier_code for o in objs.values() if o.dossier_code]
            if codes:
                Dossier.objects.filter(code__in=codes).update(has_feedback=True)
                first = Dossier.objects.filter(code__in=codes).order_by("received_at").first()
                if first is not None:
                    month = first_of(timezone.localtime(first.received_at).date())
                    earliest = month if earliest is None or month < earliest else earliest
        written += len(batch)
        if progress:
            progress(written)
    if earliest is None:
        return []
    return months_between(earliest, max(latest, earliest))


def _copy_upsert(objs: list[Any]) -> None:
    """PostgreSQL: COPY the batch into a temporary table, then one INSERT … ON CONFLICT (code)
    DO UPDATE (the same upsert as bulk_create's, without a parameter per value). A dossier keeps
    `has_feedback` when it is updated."""
    table = Dossier._meta.db_table
    columns = ", ".join(COPY_COLUMNS)
    updates = ", ".join(
        f"{c} = EXCLUDED.{c}" for c in COPY_COLUMNS if c not in ("code", "has_feedback")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS services_dossier_load ON COMMIT DROP "  # noqa: S608
            f"AS SELECT {columns} FROM {table} WITH NO DATA"
        )
        cursor.execute("TRUNCATE services_dossier_load")
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY services_dossier_load ({columns}) FROM STDIN") as copy:
            for o in objs:
                copy.write_row(o)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM services_dossier_load "  # noqa: S608
            f"ON CONFLICT (code) DO UPDATE SET {updates}"
        )

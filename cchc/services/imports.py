"""Imports of dossiers and feedback (docs/domain/service-index.md, "Import format"): CSV (UTF-8)
or XLSX with a header row, from a file, an upload or the API's JSON rows.

One streamed pass in chunks of CHUNK rows, so memory stays bounded whatever the file's size.
Each chunk is checked column-wise (pandas; an error message is built only for a failing row:
every error is counted, the first 10,000 kept with their row number and column); while no
error has been found, its rows are upserted by code (a re-import updates a dossier's
progress) through a temporary table, in the import's one transaction. A file with any error
is rolled back whole and its errors saved for the downloadable report. Then the (unit, month)
pairs the file touched, new and former values alike, are recounted and rescored (closed months
excepted). All or nothing per file; audited `services.import`.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import audit
from cchc.orgunits.models import OrgUnit
from cchc.procedures.models import Procedure
from cchc.services.actions import refresh_months
from cchc.services.checks import Errors, Lookups, check_dossiers, check_feedback
from cchc.services.models import (
    Dossier,
    Feedback,
    ImportRun,
)

CHUNK = 100_000
SQLITE_IMPORT_CACHE_KIB = 256 * 1024
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
# Database columns written, in order; the text ones are never NULL.
DOSSIER_LOAD = (
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
)
FEEDBACK_LOAD = ("code", "unit_id", "dossier_code", "received_at", "due_at", "handled_at", "rating")
TEXT_COLUMNS = ("code", "procedure_code", "channel", "rating", "dossier_code")

# A chunk of rows: the file's columns as text, indexed by the rows' numbers in the file.
Source = Callable[[], Iterator[pd.DataFrame]]


class ImportRefused(Exception):
    """The file was refused: `run.errors` lists its rows' problems; nothing was written."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        super().__init__(_("%(n)s errors: nothing was imported.") % {"n": run.error_count})


# --- reading ------------------------------------------------------------------------------


def _csv_chunks(opener: Callable[[], Any]) -> Source:
    def chunks() -> Iterator[pd.DataFrame]:
        handle = opener()
        try:
            reader = pd.read_csv(
                handle,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                index_col=False,
                chunksize=CHUNK,
            )
            number = 2  # the header is row 1
            for frame in reader:
                frame.index = pd.RangeIndex(number, number + len(frame))
                number += len(frame)
                frame.columns = [str(c).strip().lstrip("\ufeff").lower() for c in frame.columns]
                yield frame.fillna("")
        except pd.errors.EmptyDataError:
            return
        finally:
            handle.close()

    return chunks


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _row_chunks(rows: Iterable[tuple[int, dict[str, Any]]]) -> Iterator[pd.DataFrame]:
    """Chunks of numbered rows (XLSX, JSON), every cell as text."""
    numbers: list[int] = []
    records: list[dict[str, str]] = []
    for number, data in rows:
        numbers.append(number)
        records.append({str(k): _text(v) for k, v in data.items()})
        if len(records) >= CHUNK:
            yield pd.DataFrame.from_records(records, index=numbers).fillna("")
            numbers, records = [], []
    if records:
        yield pd.DataFrame.from_records(records, index=numbers).fillna("")


def _xlsx_chunks(opener: Callable[[], Any]) -> Source:
    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
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

    return lambda: _row_chunks(rows())


def path_source(path: str) -> Source:
    """Chunks of a CSV or XLSX file on disk, by its extension."""
    if path.lower().endswith(".xlsx"):
        return _xlsx_chunks(lambda: path)
    return _csv_chunks(lambda: open(path, encoding="utf-8-sig", newline=""))


def upload_source(upload: Any) -> Source:
    """Chunks of an uploaded CSV or XLSX file."""

    def raw() -> Any:
        upload.seek(0)
        return upload

    if upload.name.lower().endswith(".xlsx"):
        return _xlsx_chunks(raw)
    return _csv_chunks(lambda: _KeepOpen(raw(), encoding="utf-8-sig", newline=""))


class _KeepOpen(io.TextIOWrapper):
    """A text view of an upload that leaves the upload open."""

    def close(self) -> None:
        self.detach()


def json_source(rows: list[dict[str, Any]]) -> Source:
    """The API's rows, numbered from 1."""
    return lambda: _row_chunks(enumerate(rows, 1))


# --- writing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    model: Any
    columns: tuple[str, ...]
    load: tuple[str, ...]
    check: Callable[[pd.DataFrame, Lookups, Errors], pd.DataFrame]
    received: str  # the model's field names of its receipt and completion
    done: str


KINDS: dict[str, Kind] = {
    ImportRun.Kind.DOSSIERS: Kind(
        Dossier, DOSSIER_COLUMNS, DOSSIER_LOAD, check_dossiers, "received_at", "returned_at"
    ),
    ImportRun.Kind.FEEDBACK: Kind(
        Feedback, FEEDBACK_COLUMNS, FEEDBACK_LOAD, check_feedback, "received_at", "handled_at"
    ),
}
LOAD_TABLE = "services_import_load"


class _Refused(Exception):
    pass


@dataclass
class Touched:
    """Per unit, the first and last month (as year × 12 + month − 1) its dossiers or feedback
    are handled in, for the values written and the values they replaced."""

    span: dict[int, tuple[int, int]] = field(default_factory=dict)

    def add(self, unit_id: int, first: int, last: int) -> None:
        low, high = self.span.get(unit_id, (first, last))
        self.span[unit_id] = (min(low, first), max(high, last))

    def add_frame(self, frame: pd.DataFrame, now: int) -> None:
        first = frame["received"].dt.year * 12 + frame["received"].dt.month - 1
        last = (frame["done"].dt.year * 12 + frame["done"].dt.month - 1).fillna(now)
        spans = pd.DataFrame({"unit": frame["unit_id"], "first": first, "last": last})
        for unit_id, low, high in (
            spans.groupby("unit").agg({"first": "min", "last": "max"}).itertuples()
        ):
            self.add(int(unit_id), int(low), int(high))

    def add_rows(self, queryset: Any, kind: Kind, now: int) -> int:
        """The units and months of stored rows (before they change); returns their number."""
        rows = (
            queryset.order_by()
            .values("unit_id")
            .annotate(
                first=Min(kind.received),
                last=Max(kind.done),
                open=Count("pk", filter=Q(**{f"{kind.done}__isnull": True})),
                n=Count("pk"),
            )
        )
        total = 0
        for row in rows:
            first = _month_number(row["first"])
            last = now if row["open"] or row["last"] is None else _month_number(row["last"])
            self.add(row["unit_id"], first, last)
            total += row["n"]
        return total

    def months(self, now: int) -> dict[datetime.date, set[int]]:
        out: dict[datetime.date, set[int]] = {}
        for unit_id, (first, last) in self.span.items():
            for number in range(first, max(min(last, now), first) + 1):
                out.setdefault(datetime.date(number // 12, number % 12 + 1, 1), set()).add(unit_id)
        return out


def _month_number(moment: datetime.datetime) -> int:
    local = timezone.localtime(moment)
    return local.year * 12 + local.month - 1


def import_source(
    source: Source,
    kind: str,
    *,
    name: str,
    actor: Any,
    progress: Callable[[int], None] | None = None,
) -> ImportRun:
    """Check and write one file of `kind` (dossiers or feedback). Raises ImportRefused (with
    the saved ImportRun and its errors) when any row is wrong or a column is missing; otherwise
    returns the accepted ImportRun after recomputing the open months it touched."""
    actor = actor if getattr(actor, "pk", None) else None
    run = ImportRun(kind=kind, name=name[:255], actor=actor)
    errors = Errors()
    try:
        with transaction.atomic():
            with _import_cache():
                touched = _import(source, KINDS[kind], run, errors, progress)
            run.accepted = True
            run.save()
            audit.record(
                actor,
                "services.import",
                run,
                details={
                    "kind": kind,
                    "rows": run.rows,
                    "created": run.created,
                    "updated": run.updated,
                },
            )
            pairs = touched.months(_month_number(timezone.now()))
            refresh_months(list(pairs), actor=actor, reason=f"import {run.pk}", units=pairs)
    except _Refused:
        run.pk = None
        run.rows = run.created = run.updated = 0
        run.error_count = errors.count
        run.errors = [list(e) for e in errors.rows]
        run.save()
        raise ImportRefused(run) from None
    return run


@contextmanager
def _import_cache() -> Iterator[None]:
    """On SQLite, a page cache of SQLITE_IMPORT_CACHE_KIB for the import's connection while it
    writes: the dossier table's indexes outgrow SQLite's default 2 MB within the first million
    rows, after which every upsert reads its index pages from the file again (decision 0028).
    The connection's own size is restored afterwards. PostgreSQL has its shared buffers."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB:d}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before):d}")


def _import(
    source: Source,
    kind: Kind,
    run: ImportRun,
    errors: Errors,
    progress: Callable[[int], None] | None,
) -> Touched:
    """Check every chunk; write the chunks while the file has no error. Raises _Refused."""
    lookups = Lookups(
        dict(OrgUnit.objects.filter(legacy=False).values_list("code", "pk")),
        dict(Procedure.objects.values_list("code", "pk")),
    )
    now = _month_number(timezone.now())
    touched = Touched()
    first = True
    try:
        for frame in source():
            if first:
                for column in kind.columns:
                    if column not in frame.columns:
                        errors.add(1, column, _("missing column"))
                if errors.count:
                    raise _Refused
                _create_load_table(kind)
                first = False
            clean = kind.check(frame, lookups, errors)
            run.rows += len(clean)
            if not errors.count:
                _write(kind, clean, run, touched, now)
            if progress:
                progress(run.rows)
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        errors.add(0, "", _("the file cannot be read: %(error)s") % {"error": error})
    if errors.count:
        raise _Refused
    if not first:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {LOAD_TABLE}")
            if connection.vendor == "postgresql" and run.rows >= CHUNK:
                # A large load: fresh planner statistics before the recount and the pages read
                # the table (autovacuum would get to it later).
                cursor.execute(f"ANALYZE {connection.ops.quote_name(kind.model._meta.db_table)}")
    return touched


def _create_load_table(kind: Kind) -> None:
    table = connection.ops.quote_name(kind.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {LOAD_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {LOAD_TABLE} AS "  # noqa: S608 (names from model meta)
            f"SELECT {', '.join(kind.load)} FROM {table} WHERE 1 = 0"
        )


def _write(kind: Kind, clean: pd.DataFrame, run: ImportRun, touched: Touched, now: int) -> None:
    """Upsert the chunk by code: load it into the temporary table (COPY on PostgreSQL, one
    executemany on SQLite), note the units and months of the rows it replaces, then one
    INSERT … SELECT … ON CONFLICT (code) DO UPDATE. A dossier keeps `has_feedback`."""
    if clean.empty:
        return
    table = connection.ops.quote_name(kind.model._meta.db_table)
    columns = ", ".join(kind.load)
    rows = clean[list(kind.load)]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LOAD_TABLE}")  # noqa: S608
        if connection.vendor == "postgresql":
            text = [c for c in kind.load if c in TEXT_COLUMNS]
            buffer = rows.to_csv(header=False, index=False).encode()
            sql = (
                f"COPY {LOAD_TABLE} ({columns}) FROM STDIN "
                f"WITH (FORMAT csv, FORCE_NOT_NULL ({', '.join(text)}))"
            )
            with cursor.cursor.copy(sql) as copy:
                copy.write(buffer)
        else:
            values = rows.astype(object).where(rows.notna(), None)
            cursor.executemany(
                f"INSERT INTO {LOAD_TABLE} ({columns}) "  # noqa: S608
                f"VALUES ({', '.join(['%s'] * len(kind.load))})",
                list(values.itertuples(index=False, name=None)),
            )
        codes = RawSQL(f"SELECT code FROM {LOAD_TABLE}", [])  # noqa: S608, S611 (a constant)
        replaced = touched.add_rows(kind.model.objects.filter(code__in=codes), kind, now)
        run.updated += replaced
        run.created += len(rows) - replaced
        updates = ", ".join(f"{c} = excluded.{c}" for c in kind.load if c != "code")
        cursor.execute(
            f"INSERT INTO {table} ({columns}{', has_feedback' if kind.model is Dossier else ''}) "  # noqa: S608
            f"SELECT {columns}{', FALSE' if kind.model is Dossier else ''} FROM {LOAD_TABLE} "
            f"WHERE TRUE ON CONFLICT (code) DO UPDATE SET {updates}"
        )
        if kind.model is Feedback:
            about = Dossier.objects.filter(
                code__in=RawSQL(  # noqa: S611 (a constant table name)
                    f"SELECT dossier_code FROM {LOAD_TABLE} WHERE dossier_code <> ''",  # noqa: S608
                    [],
                )
            )
            touched.add_rows(about, KINDS[ImportRun.Kind.DOSSIERS], now)
            about.update(has_feedback=True)
    touched.add_frame(clean, now)

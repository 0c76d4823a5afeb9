"""The checks of an import's rows, a chunk at a time and column-wise (pandas): every error
counted, the first MAX_ERRORS kept with their row and column, a message built only for a
failing row; the valid rows returned as the database stores them (imports.py writes them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.services.models import Channel, Dossier, DossierRating, FeedbackRating

LOOKUP_BATCH = 5000
MAX_ERRORS = 10_000
FLAGS = {
    "toan_trinh": "full_online",
    "thanh_toan_truc_tuyen": "paid_online",
    "ket_qua_dien_tu": "e_result",
    "so_hoa": "digitised",
}


@dataclass
class Errors:
    """Every error counted; the first MAX_ERRORS kept as (row, column, message)."""

    rows: list[tuple[int, str, str]] = field(default_factory=list)
    count: int = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.rows) < MAX_ERRORS:
            self.rows.append((row, column, message))


@dataclass
class _Chunk:
    """The checks of one chunk: a mask of its failing rows, their errors in row order."""

    frame: pd.DataFrame
    errors: Errors
    bad: pd.Series = field(init=False)
    found: list[tuple[int, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.bad = pd.Series(False, index=self.frame.index)

    def text(self, column: str) -> pd.Series:
        if column not in self.frame:
            return pd.Series("", index=self.frame.index)
        return self.frame[column].str.strip()

    def fail(
        self,
        mask: pd.Series,
        column: str,
        message: str | Callable[[str], str],
        values: pd.Series | None = None,
    ) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        self.bad |= mask
        room = MAX_ERRORS - len(self.errors.rows) - len(self.found)
        failing = mask[mask].index
        self.errors.count += len(failing)
        for row in failing[: max(room, 0)]:
            text = message(values[row]) if callable(message) and values is not None else message
            self.found.append((int(row), column, str(text)))

    def code(self, column: str, length: int) -> pd.Series:
        value = self.text(column)
        self.fail(value == "", column, _("required"))
        self.fail(value.str.len() > length, column, _("at most %(n)s characters") % {"n": length})
        return value

    def unit(self, units: dict[str, int]) -> pd.Series:
        code = self.text("ma_don_vi")
        unit_id = code.map(units)
        self.fail(
            unit_id.isna(),
            "ma_don_vi",
            lambda v: _("unknown unit code %(code)r") % {"code": v},
            code,
        )
        return unit_id

    def choice(self, column: str, values: list[str], *, blank: bool) -> pd.Series:
        value = self.text(column)
        ok = value.isin(values) | ((value == "") if blank else False)
        template = _("one of %(v)s or empty") if blank else _("one of %(v)s")
        self.fail(~ok, column, template % {"v": ", ".join(values)})
        return value

    def moment(self, column: str, *, required: bool, end_of_day: bool = False) -> pd.Series:
        """`YYYY-MM-DD HH:MM`, `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DD` (a date alone is its
        first moment, or its last for a due date: `end_of_day`), naive local time."""
        text = self.text(column)
        parsed = pd.to_datetime(text, format="%Y-%m-%d %H:%M", errors="coerce")
        rest = parsed.isna() & (text != "")
        if rest.any():
            other = text[rest]
            day = pd.to_datetime(other, format="%Y-%m-%d", errors="coerce")
            if end_of_day:
                day += pd.Timedelta(hours=23, minutes=59, seconds=59)
            seconds = pd.to_datetime(other, format="%Y-%m-%d %H:%M:%S", errors="coerce")
            parsed[rest] = day.fillna(seconds)
        self.fail(
            parsed.isna() & (text != ""), column, _("a date as YYYY-MM-DD HH:MM or YYYY-MM-DD")
        )
        if required:
            self.fail(text == "", column, _("required"))
        return parsed

    def order(self, earlier: pd.Series, later: pd.Series, column: str) -> None:
        self.fail(later < earlier, column, _("before the date received"))

    def flag(self, column: str) -> pd.Series:
        value = self.text(column).replace("", "0")
        self.fail(~value.isin(("0", "1")), column, _("0 or 1"))
        return (value == "1").astype(int)

    def clean(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The rows without error; this chunk's errors recorded in row order."""
        for error in sorted(self.found, key=lambda e: e[0]):
            if len(self.errors.rows) < MAX_ERRORS:
                self.errors.rows.append(error)
        return frame[~self.bad]


def _utc_text(local: pd.Series) -> pd.Series:
    """Naive local times as the database stores them: naive UTC text (NaT: missing)."""
    tz = timezone.get_default_timezone()
    aware = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    return aware.dt.tz_convert("UTC").dt.strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Lookups:
    units: dict[str, int]
    procedures: dict[str, int]


def check_dossiers(frame: pd.DataFrame, lookups: Lookups, errors: Errors) -> pd.DataFrame:
    """The chunk's valid rows as DOSSIER_LOAD columns, plus `received`/`returned` (naive
    local) for the months they touch."""
    check = _Chunk(frame, errors)
    code = check.code("ma_ho_so", 60)
    procedure_code = check.code("ma_tthc", 40)
    unit_id = check.unit(lookups.units)
    channel = check.choice("kenh_nop", list(Channel.values), blank=False)
    received = check.moment("ngay_tiep_nhan", required=True)
    due = check.moment("han_xu_ly", required=True, end_of_day=True)
    returned = check.moment("ngay_tra_ket_qua", required=False)
    check.order(received, due, "han_xu_ly")
    check.order(received, returned, "ngay_tra_ket_qua")
    flags = {name: check.flag(column) for column, name in FLAGS.items()}
    rating = check.choice("danh_gia", list(DossierRating.values), blank=True)
    out = pd.DataFrame(
        {
            "code": code,
            "procedure_code": procedure_code,
            "procedure_id": procedure_code.map(lookups.procedures).astype("Int64"),
            "unit_id": unit_id,
            "channel": channel,
            "received_at": received,
            "due_at": due,
            "returned_at": returned,
            **flags,
            "rating": rating,
        }
    )
    return _for_load(check.clean(out), "received_at", "returned_at")


def check_feedback(frame: pd.DataFrame, lookups: Lookups, errors: Errors) -> pd.DataFrame:
    check = _Chunk(frame, errors)
    code = check.code("ma_pakn", 60)
    unit_id = check.unit(lookups.units)
    dossier_code = check.text("ma_ho_so")
    received = check.moment("ngay_tiep_nhan", required=True)
    due = check.moment("han_xu_ly", required=True, end_of_day=True)
    handled = check.moment("ngay_xu_ly", required=False)
    check.order(received, due, "han_xu_ly")
    check.order(received, handled, "ngay_xu_ly")
    rating = check.choice("danh_gia", list(FeedbackRating.values), blank=True)
    wanted = dossier_code[dossier_code != ""].unique().tolist()
    known: set[str] = set()
    for start in range(0, len(wanted), LOOKUP_BATCH):
        batch = wanted[start : start + LOOKUP_BATCH]
        known.update(Dossier.objects.filter(code__in=batch).values_list("code", flat=True))
    check.fail(
        (dossier_code != "") & ~dossier_code.isin(known),
        "ma_ho_so",
        lambda v: _("unknown dossier %(code)r") % {"code": v},
        dossier_code,
    )
    out = pd.DataFrame(
        {
            "code": code,
            "unit_id": unit_id,
            "dossier_code": dossier_code,
            "received_at": received,
            "due_at": due,
            "handled_at": handled,
            "rating": rating,
        }
    )
    return _for_load(check.clean(out), "received_at", "handled_at")


def _for_load(clean: pd.DataFrame, received: str, done: str) -> pd.DataFrame:
    """Keep the local moments for the months touched; the database columns as stored. A code
    twice in the chunk: the last row wins."""
    clean = clean.drop_duplicates("code", keep="last")
    clean = clean.assign(received=clean[received], done=clean[done])
    for column in (received, "due_at", done):
        clean[column] = _utc_text(clean[column])
    return clean.astype({"unit_id": int})

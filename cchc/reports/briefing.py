"""The monthly briefing (giao ban): one read-only assembly used by the page and every export.

`get_briefing_for_user` reads a closed month's frozen tally (`plans.TallyRow`) and the live task
table (the overdue list as of the month's last day) in a fixed number of queries, whatever the
number of units or tasks. It changes nothing.

Who sees what: a city administrator sees the whole city. A head or focal point of a unit sees the
same briefing restricted to the units of their subtrees (their unit rows and overdue tasks, and
totals summed over those rows instead of the city row). Anyone else, or a month with no row for
the user's units, gets 404 — the same answer as for a month that was never closed.
"""

import calendar
import datetime
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from cchc.accounts.models import Membership
from cchc.dialogues.models import Commitment
from cchc.dialogues.queries import open_commitments
from cchc.orgunits.models import OrgUnit, in_subtrees
from cchc.plans.models import MonthClose, TallyRates, TallyRow
from cchc.plans.queries import year_tasks

BRIEFING_ROLES = {Membership.Role.HEAD, Membership.Role.FOCAL_POINT}
OVERDUE_LIMIT = 200  # the page and the exports list the longest-overdue tasks, with the total


@dataclass(frozen=True)
class Counts(TallyRates):
    """The tally figures of a row, or the sum of several rows."""

    assigned: int = 0
    due_in_month: int = 0
    on_time: int = 0
    late: int = 0
    in_term: int = 0
    overdue: int = 0
    reviewed: int = 0
    reviews_passed: int = 0
    carried_over: int = 0  # earlier years' unfinished tasks: outside every rate

    @classmethod
    def of(cls, row: Any) -> "Counts":
        """From a TallyRow or from a dict of sums (None counts as 0)."""
        values = (
            row if isinstance(row, dict) else {f.name: getattr(row, f.name) for f in fields(cls)}
        )
        return cls(**{f.name: values.get(f.name) or 0 for f in fields(cls)})

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


@dataclass(frozen=True)
class UnitLine:
    rank: int | None  # None: did not report, or nothing was due (no rate): ranked apart
    unit_id: int | None
    label: str
    counts: Counts
    reported: bool


@dataclass(frozen=True)
class OverdueTask:
    code: str
    title: str
    lead_unit: str
    responsible: str
    deadline: datetime.date
    days_overdue: int


@dataclass(frozen=True)
class TrendPoint:
    month: datetime.date
    counts: Counts


@dataclass
class Briefing:
    close: MonthClose
    scoped: bool  # True: restricted to the user's units, totals are the sum of their rows
    totals: Counts
    units: list[UnitLine]  # ranked
    overdue: list[OverdueTask]
    overdue_total: int
    trend: list[TrendPoint]
    commitments: list[Commitment]  # answers to petitions still open at the month's end
    not_reported: list[UnitLine] = field(init=False)

    def __post_init__(self) -> None:
        self.not_reported = sorted(
            (line for line in self.units if not line.reported), key=lambda line: line.label
        )

    @property
    def month(self) -> datetime.date:
        return self.close.month

    @property
    def month_end(self) -> datetime.date:
        return month_end(self.close.month)

    @property
    def is_reopened(self) -> bool:
        return self.close.is_open


def month_end(first: datetime.date) -> datetime.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def briefing_paths(user: Any) -> set[str] | None:
    """The paths of the subtrees whose rows the user sees: None for the whole city (city
    administrators); otherwise those of the units where the user is head or focal point (404
    when there are none)."""
    if user.is_city_admin:
        return None
    paths = {path for path, role in user.unit_roles if role in BRIEFING_ROLES}
    if not paths:
        raise Http404
    return paths


def briefing_units(user: Any) -> QuerySet[OrgUnit] | None:
    """The units of `briefing_paths`: None for the whole city."""
    paths = briefing_paths(user)
    if paths is None:
        return None
    return OrgUnit.objects.visible_to(user).filter(in_subtrees(paths))


def closed_months_for_user(user: Any) -> QuerySet[MonthClose]:
    """Closed months, newest first: every one for a city administrator, those with a row of
    their units for a head or focal point, none for anyone else."""
    try:
        units = briefing_units(user)
    except Http404:
        return MonthClose.objects.none()
    months = MonthClose.objects.order_by("-month")
    if units is None:
        return months
    rows = TallyRow.objects.filter(scope=TallyRow.Scope.UNIT, unit__in=units)
    return months.filter(pk__in=rows.values("close"))


def get_briefing_for_user(user: Any, year: int, month: int) -> Briefing:
    """The briefing of a closed month as the user may see it, or Http404. Reads only."""
    try:
        first = datetime.date(year, month, 1)
    except ValueError:
        raise Http404 from None
    paths = briefing_paths(user)
    units = briefing_units(user)
    close = MonthClose.objects.filter(month=first).first()
    if close is None:
        raise Http404
    rows = _tally_rows(close, units)
    unit_rows = [row for row in rows if row.scope == TallyRow.Scope.UNIT]
    if units is not None and not unit_rows:
        raise Http404
    city = next((row for row in rows if row.scope == TallyRow.Scope.CITY), None)
    if units is None and city is not None:
        totals = Counts.of(city)
    else:
        totals = sum((Counts.of(row) for row in unit_rows), Counts())
    overdue = _overdue(month_end(first), paths)
    overdue_total = totals.overdue  # the frozen count; the list below is read from the tasks
    return Briefing(
        close=close,
        scoped=units is not None,
        totals=totals,
        units=rank_units(unit_rows),
        overdue=overdue,
        overdue_total=overdue_total,
        trend=_trend(close, units),
        commitments=_commitments(month_end(first), paths),
    )


def _tally_rows(close: MonthClose, units: QuerySet[OrgUnit] | None) -> list[TallyRow]:
    rows = TallyRow.objects.filter(close=close)
    if units is None:
        rows = rows.filter(scope__in=[TallyRow.Scope.CITY, TallyRow.Scope.UNIT])
    else:
        rows = rows.filter(scope=TallyRow.Scope.UNIT, unit__in=units)
    return list(rows.order_by("label", "pk"))


RankKey = tuple[Decimal, Decimal, Decimal]


def _rank_key(counts: Counts) -> RankKey:
    none = Decimal(1)  # sorts after every rate (no reviews: after a 0% pass rate)
    return (
        -(counts.completion_rate or Decimal(0)),
        -(counts.on_time_rate or Decimal(0)),
        -counts.quality_rate if counts.quality_rate is not None else none,
    )


def rank_units(rows: list[TallyRow]) -> list[UnitLine]:
    """Units by completion rate, then on-time rate, then quality pass rate (all descending),
    then name. Equal rates share a rank (1, 2, 2, 4). Ranked apart, without a rank, after
    them: the units that did not report in the month (marked; their figures are what the
    close found, not what they reported), then those with nothing due (no rate: "—")."""
    rated = [(Counts.of(row), row) for row in rows]
    ranked = sorted(
        (item for item in rated if item[0].due and item[1].reported_in_month),
        key=lambda item: _rank_key(item[0]),
    )
    lines: list[UnitLine] = []
    previous: RankKey | None = None
    rank = 0
    for position, (counts, row) in enumerate(ranked, start=1):
        key = _rank_key(counts)
        rank = rank if key == previous else position
        previous = key
        lines.append(_line(row, counts, rank))
    lines += [_line(row, c, None) for c, row in rated if not row.reported_in_month]
    lines += [_line(row, c, None) for c, row in rated if row.reported_in_month and not c.due]
    return lines


def _line(row: TallyRow, counts: Counts, rank: int | None) -> UnitLine:
    return UnitLine(rank, row.unit_id, row.label, counts, row.reported_in_month)


# The overdue tasks and the commitments are restricted on their lead unit's path, a table the
# query joins anyway, rather than `lead_unit IN (the units)`: PostgreSQL turns that subquery
# into one more table to join, and planned the overdue list in 5 ms instead of 1.5 (#16).


def _commitments(day: datetime.date, paths: set[str] | None) -> list[Commitment]:
    """The commitments made in answer to petitions and still open at the end of `day`
    (dialogues.queries.open_commitments), of the user's units: listed at every briefing until
    their task is done."""
    # What the briefing shows of each (reports/briefing.html), not the five tables' every column.
    commitments = (
        open_commitments(day)
        .select_related(None)
        .select_related("petition", "task__lead_unit")
        .only(*COMMITMENT_FIELDS)
    )
    if paths is not None:
        commitments = commitments.filter(in_subtrees(paths, "task__lead_unit__path"))
    return list(commitments)


COMMITMENT_FIELDS = (
    "petition__code",
    "task__code",
    "task__title",
    "task__deadline",
    "task__lead_unit__name",
)


def _overdue(day: datetime.date, paths: set[str] | None) -> list[OverdueTask]:
    """The OVERDUE_LIMIT longest-overdue tasks at the end of `day`, chosen by the tally's own
    rule (queries.year_tasks: leaves of the year's issued plans, assigned by then, not
    cancelled; not completed by `day`, deadline before it). Their number is the snapshot's
    overdue count; earlier years' tasks are the carried-over line, not listed here."""
    tasks = year_tasks(day).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gt=day), deadline__lt=day
    )
    if paths is not None:
        tasks = tasks.filter(in_subtrees(paths, "lead_unit__path"))
    top = list(
        tasks.order_by("deadline", "code", "pk").values(
            "code",
            "title",
            "deadline",
            "lead_unit__name",
            "responsible__full_name",
            "responsible__username",
        )[:OVERDUE_LIMIT]
    )
    return [
        OverdueTask(
            code=task["code"],
            title=task["title"],
            lead_unit=task["lead_unit__name"],
            responsible=task["responsible__full_name"] or task["responsible__username"] or "",
            deadline=task["deadline"],
            days_overdue=(day - task["deadline"]).days,
        )
        for task in top
    ]


def _trend(close: MonthClose, units: QuerySet[OrgUnit] | None) -> list[TrendPoint]:
    """The closed months of the same year up to this one: the city rows, or the sums of the
    user's unit rows. One query."""
    rows = TallyRow.objects.filter(
        close__month__year=close.month.year, close__month__lte=close.month
    )
    if units is None:
        rows = rows.filter(scope=TallyRow.Scope.CITY)
    else:
        rows = rows.filter(scope=TallyRow.Scope.UNIT, unit__in=units)
    names = [f.name for f in fields(Counts)]
    # Annotations may not reuse the model's field names: sum_<field>.
    sums = (
        rows.values("close__month")
        .annotate(**{f"sum_{name}": Sum(name) for name in names})
        .order_by("close__month")
    )
    points = []
    for row in sums:
        values: dict[str, Any] = dict(row)
        sums_of_row = {name: values[f"sum_{name}"] for name in names}
        points.append(TrendPoint(values["close__month"], Counts.of(sums_of_row)))
    return points

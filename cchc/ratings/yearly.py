"""The yearly classification (Decree 335/2025/NĐ-CP; docs/ratings.md, "The year"). Reads only.

Civil servants and heads: the average of their monthly results over the months they were rated
in the year (heads weighted by the days they held the position), forced to "not complete" by
the cases (a)–(d), then the cap of point 5(a) within each (unit, group of similar tasks), an
exception of point 5(b) aside. Agencies (units): the agency criteria (30 general points given
for the year, else the monthly general points) + the mean task points of the months, four
levels by the agency thresholds, never capped. A year in progress is provisional.

One query for the months' ratings, a few small ones for groups, exceptions, agency points,
decisions and labels: the cost grows with the number of ratings, not of tasks.
"""

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.ratings.models import (
    AgencyScore,
    Band,
    CapException,
    Discipline,
    Rating,
    RatingPolicy,
    RatingRound,
    Scope,
    StaffGroup,
    cents,
)
from cchc.ratings.queries import forced_by_discipline
from cchc.ratings.scoring import ZERO, cap_places

# Decree 335 Art. 19(2): classification before 15 December (15 January for special units).
CLASSIFICATION_DAY = (12, 15)


@dataclasses.dataclass
class YearLine:
    """One unit's, head's or civil servant's classification for the year."""

    kind: str
    unit_id: int
    person_id: int | None
    label: str
    months: int = 0
    weight: Decimal = ZERO
    weighted_total: Decimal = ZERO
    weighted_task: Decimal = ZERO
    weighted_general: Decimal = ZERO
    general_months: int = 0
    group: str | None = None
    total: Decimal = ZERO
    agency_general: Decimal | None = None
    score_band: str = Band.NOT_COMPLETE
    band: str = Band.NOT_COMPLETE
    cap_applied: bool = False
    exception_id: int | None = None
    discipline_id: int | None = None
    unit_code: str = ""
    username: str | None = None
    discipline_number: str | None = None

    is_frozen = False

    @property
    def cap_key(self) -> tuple[int, str]:
        return (self.unit_id, self.group or "")


@dataclasses.dataclass
class YearResult:
    year: int
    scope: str
    provisional: bool
    policy: RatingPolicy | None
    months: list[datetime.date]
    lines: list[YearLine]
    exceptions: list[CapException]


def is_provisional(year: int, today: datetime.date, months: list[datetime.date]) -> bool:
    """A year is provisional until its classification day (15/12, Art. 19) has come or its
    December is rated; a year with no rated month is provisional too."""
    if not months:
        return True
    closed_december = any(month.month == 12 for month in months)
    return not closed_december and today < datetime.date(year, *CLASSIFICATION_DAY)


def classify_year(
    year: int,
    *,
    today: datetime.date,
    scope: str = Scope.CIVIL_SERVICE,
    ratings: QuerySet[Rating] | None = None,
) -> YearResult:
    """The classification of `year` for `scope` over `ratings` (default: all; a reader's
    scoped set gives the same lines for the units it holds, since the cap never crosses a
    unit). Changes nothing."""
    rounds = list(
        RatingRound.objects.filter(month__year=year, scope=scope)
        .select_related("policy")
        .order_by("month")
    )
    months = [r.month for r in rounds]
    policy = rounds[-1].policy if rounds else None
    result = YearResult(year, scope, is_provisional(year, today, months), policy, months, [], [])
    if policy is None:
        return result
    source = Rating.objects.all() if ratings is None else ratings
    lines = _average(source.filter(round__in=rounds))
    _agency_points(year, lines)
    for line in lines:
        line.total = _total(line)
    forced_by_discipline(lines, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    _groups(lines)
    result.exceptions = _band_and_cap(year, policy, lines)
    _labels(lines)
    result.lines = sorted(lines, key=_order)
    return result


def _order(line: YearLine) -> tuple[Any, ...]:
    kinds: dict[str, int] = {Rating.Kind.UNIT: 0, Rating.Kind.HEAD: 1, Rating.Kind.PERSON: 2}
    return (kinds[line.kind], line.unit_code, line.group or "", -line.total, line.label)


def _average(ratings: QuerySet[Rating]) -> list[YearLine]:
    """Per (kind, unit, person), the months' totals, task and general points summed with their
    weights (a head's days held over the month's days; 1 otherwise). A person who headed the
    unit is classified once, as its head: their person line in that unit is left out."""
    rows = ratings.values_list(
        "kind",
        "unit_id",
        "person_id",
        "label",
        "total",
        "task_points",
        "general_points",
        "days_held",
        "month_days",
    ).order_by()
    lines: dict[tuple[str, int, int | None], YearLine] = {}
    for kind, unit_id, person_id, label, total, task, general, held, days in rows:
        weight = Decimal(held) / Decimal(days) if held is not None else Decimal(1)
        line = lines.get((kind, unit_id, person_id))
        if line is None:
            line = lines[(kind, unit_id, person_id)] = YearLine(kind, unit_id, person_id, label)
        line.months += 1
        line.weight += weight
        line.weighted_total += weight * total
        line.weighted_task += weight * task
        if general is not None:
            line.weighted_general += general
            line.general_months += 1
    heads = {(u, p) for k, u, p in lines if k == Rating.Kind.HEAD}
    return [
        line
        for (kind, unit_id, person_id), line in lines.items()
        if kind != Rating.Kind.PERSON or (unit_id, person_id) not in heads
    ]


def _agency_points(year: int, lines: list[YearLine]) -> None:
    """The agency criteria's points given for the year, per unit line. One query."""
    units = [line.unit_id for line in lines if line.kind == Rating.Kind.UNIT]
    given = dict(
        AgencyScore.objects.filter(year=year, unit_id__in=units)
        .order_by()
        .values_list("unit_id")
        .annotate(points=Sum("points"))
    )
    for line in lines:
        if line.kind == Rating.Kind.UNIT and line.unit_id in given:
            line.agency_general = given[line.unit_id]


def _total(line: YearLine) -> Decimal:
    """A civil servant's or head's average; an agency's mean task points + its yearly general
    points (else the mean of the monthly general points given)."""
    if not line.weight:
        return ZERO
    if line.kind != Rating.Kind.UNIT:
        return cents(line.weighted_total / line.weight)
    task = line.weighted_task / line.weight
    if line.agency_general is not None:
        return cents(task + line.agency_general)
    general = line.weighted_general / line.general_months if line.general_months else ZERO
    return cents(task + general)


def _groups(lines: list[YearLine]) -> None:
    """The group of similar tasks of each civil servant and head (StaffGroup), else None: the
    unit's single group. One query."""
    people = [line.person_id for line in lines if line.person_id is not None]
    units = {line.unit_id for line in lines}
    groups = {
        (unit_id, person_id): name
        for unit_id, person_id, name in StaffGroup.objects.filter(
            person_id__in=people, unit_id__in=units
        ).values_list("unit_id", "person_id", "name")
    }
    for line in lines:
        if line.person_id is not None:
            line.group = groups.get((line.unit_id, line.person_id))


def _band_and_cap(year: int, policy: RatingPolicy, lines: list[YearLine]) -> list[CapException]:
    """Bands: agencies by the agency thresholds; civil servants and heads by the policy's, a
    forcing decision making them "not complete"; then the cap per (unit, group), lowest
    excellent first, an exception for the unit's group (or all its groups) replacing the
    share. Returns the exceptions that applied. One query."""
    exceptions = {
        (e.unit_id, e.group): e
        for e in CapException.objects.filter(
            year=year, unit_id__in={line.unit_id for line in lines}
        )
    }
    groups: dict[tuple[int, str], list[YearLine]] = defaultdict(list)
    for line in lines:
        if line.kind == Rating.Kind.UNIT:
            line.score_band = policy.agency_band_of(line.total)
            line.band = line.score_band
            continue
        line.score_band = policy.band_of(line.total)
        line.band = Band.NOT_COMPLETE if line.discipline_id else line.score_band
        groups[line.cap_key].append(line)
    used: dict[int, CapException] = {}
    for (unit_id, group), members in groups.items():
        exception = exceptions.get((unit_id, group)) or exceptions.get((unit_id, ""))
        pct = exception.excellent_pct if exception else policy.excellent_cap_pct
        candidates = sorted(
            (line for line in members if line.band == Band.EXCELLENT),
            key=lambda line: (-line.total, line.label),
        )
        good = sum(1 for line in members if line.band == Band.GOOD)
        places = cap_places(
            pct, policy.cap_base, good=good, candidates=len(candidates), rated=len(members)
        )
        if exception is not None:
            used[exception.pk] = exception
            for line in members:
                line.exception_id = exception.pk
        for line in candidates[places:]:
            line.band = Band.GOOD
            line.cap_applied = True
    return list(used.values())


def _labels(lines: list[YearLine]) -> None:
    """Unit codes, usernames and decision numbers for the output. Three queries."""
    units = dict(
        OrgUnit.objects.filter(pk__in={line.unit_id for line in lines}).values_list("pk", "code")
    )
    people = dict(
        User.objects.filter(
            pk__in={line.person_id for line in lines if line.person_id}
        ).values_list("pk", "username")
    )
    numbers = dict(
        Discipline.objects.filter(
            pk__in={line.discipline_id for line in lines if line.discipline_id}
        ).values_list("pk", "number")
    )
    for line in lines:
        line.unit_code = units.get(line.unit_id, "")
        line.username = people.get(line.person_id) if line.person_id else None
        line.discipline_number = numbers.get(line.discipline_id) if line.discipline_id else None


def as_json(result: YearResult) -> dict[str, Any]:
    """The `rate_year --json` contract (issue #14): band always one of the four."""
    return {
        "year": result.year,
        "provisional": result.provisional,
        "ratings": [
            {
                "kind": line.kind,
                "unit": line.unit_code,
                "person": line.username,
                "group": line.group,
                "points": float(line.total),
                "band": line.band,
                "cap_applied": line.cap_applied,
                "discipline": line.discipline_number,
            }
            for line in result.lines
        ],
    }


def visible_ratings(user: Any) -> QuerySet[Rating]:
    """The ratings of the units `user` sees and of those where `user` is rated: enough for
    the user's lines, since a yearly group never crosses a unit."""
    own_units = Rating.objects.filter(person=user).values("unit_id")
    if user.is_city_admin:
        return Rating.objects.all()
    return Rating.objects.filter(
        Q(unit__in=OrgUnit.objects.visible_to(user)) | Q(unit_id__in=own_units)
    )


def lines_for(user: Any, result: YearResult) -> list[YearLine]:
    """The lines `user` may read: every line for city administrators; otherwise those of the
    units they see, and their own."""
    if user.is_city_admin:
        return result.lines
    visible = set(
        OrgUnit.objects.visible_to(user)
        .filter(pk__in={line.unit_id for line in result.lines})
        .values_list("pk", flat=True)
    )
    return [line for line in result.lines if line.unit_id in visible or line.person_id == user.pk]

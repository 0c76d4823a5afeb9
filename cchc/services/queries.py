"""Reads of the service index: the counts of a month computed from the dossiers (set-wise, one
statement per table), the stored scores, the ranking, drill-down and late dossiers, and the
feeds read by ratings, indices and the periodic reports. Nothing here changes data."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, Sum

from cchc.core.rounding import percent
from cchc.orgunits.models import OrgUnit
from cchc.services import scoring
from cchc.services.models import (
    Channel,
    Dossier,
    DossierCount,
    DossierRating,
    FeedbackCount,
    FeedbackRating,
    Framework,
    MonthFreeze,
    MonthScore,
    month_bounds,
)
from cchc.services.scoring import COUNT_FIELDS, FEEDBACK_FIELDS

EVALUATED = datetime.timedelta(minutes=1)  # a month is evaluated at its last day, 23:59


def first_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(first: datetime.date) -> datetime.date:
    return (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    out, month = [], first_of(first)
    while month <= last:
        out.append(month)
        month = next_month(month)
    return out


def is_frozen(month: datetime.date) -> bool:
    return MonthFreeze.objects.filter(month=first_of(month)).exists()


def frozen_months(months: list[datetime.date]) -> set[datetime.date]:
    return set(MonthFreeze.objects.filter(month__in=months).values_list("month", flat=True))


def default_framework() -> Framework:
    return Framework.objects.get(is_default=True)


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _adapt(params: list[Any]) -> list[Any]:
    """Raw-SQL parameters as the ORM would store them (SQLite keeps naive UTC text)."""
    ops = connection.ops
    out: list[Any] = []
    for p in params:
        if isinstance(p, datetime.datetime):
            out.append(ops.adapt_datetimefield_value(p))
        elif isinstance(p, datetime.date):
            out.append(ops.adapt_datefield_value(p))
        else:
            out.append(p)
    return out


FEW_UNITS = 20


def _units_in(alias: str, unit_ids: list[int] | None) -> tuple[str, list[Any]]:
    """The condition keeping a recount to `unit_ids`. For a few units, the units' indexes
    drive the query; for more, the month's own ranges do and the units only filter (a unary
    plus keeps the planner off the unit indexes, which would walk each unit's whole history)."""
    if unit_ids is None:
        return "", []
    if not unit_ids:
        return "AND 1 = 0", []
    column = f"{alias}.unit_id" if len(unit_ids) <= FEW_UNITS else f"+{alias}.unit_id"
    return f"AND {column} IN ({', '.join(['%s'] * len(unit_ids))})", list(unit_ids)


def dossier_count_sql(
    month: datetime.date, unit_ids: list[int] | None = None
) -> tuple[str, list[Any]]:
    """The INSERT … SELECT of one month's DossierCount rows from the dossiers handled in it,
    as at its end (of every unit, or only of `unit_ids`). One statement; the parameters are
    the month's bounds."""
    start, end = month_bounds(month)
    at = end - EVALUATED
    units, unit_params = _units_in("d", unit_ids)
    table = _table(Dossier)
    # "Handled in the month" as three disjoint branches, each driven by its own index range
    # (received in the month; received before it and returned in or after it; still open).
    # COALESCE keeps the planners off the received_at index where returned_at's is the bound.
    done = "d.returned_at IS NOT NULL AND d.returned_at < %s"
    on_time = f"(({done} AND d.returned_at <= d.due_at) OR (NOT ({done}) AND d.due_at > %s))"
    late = f"(({done} AND d.returned_at > d.due_at) OR (NOT ({done}) AND d.due_at <= %s))"
    online, bad = Channel.ONLINE.value, DossierRating.DISSATISFIED.value
    sql = f"""
        INSERT INTO {_table(DossierCount)} (unit_id, month, procedure_code, handled, received,
            on_time, online, full_online, paid_online, e_result, digitised, published,
            unsatisfied)
        SELECT d.unit_id, %s, d.procedure_code, COUNT(*),
            SUM(CASE WHEN d.received_at >= %s THEN 1 ELSE 0 END),
            SUM(CASE WHEN {on_time} THEN 1 ELSE 0 END),
            SUM(CASE WHEN d.channel = %s THEN 1 ELSE 0 END),
            SUM(CASE WHEN d.full_online THEN 1 ELSE 0 END),
            SUM(CASE WHEN d.paid_online THEN 1 ELSE 0 END),
            SUM(CASE WHEN d.e_result THEN 1 ELSE 0 END),
            SUM(CASE WHEN d.digitised THEN 1 ELSE 0 END),
            SUM(CASE WHEN d.procedure_id IS NOT NULL THEN 1 ELSE 0 END),
            SUM(CASE WHEN d.rating = %s OR d.has_feedback OR {late} THEN 1 ELSE 0 END)
        FROM (
            SELECT * FROM {table} d
            WHERE d.received_at >= %s AND d.received_at < %s {units}
            UNION ALL
            SELECT * FROM {table} d
            WHERE COALESCE(d.received_at, d.received_at) < %s AND d.returned_at >= %s {units}
            UNION ALL
            SELECT * FROM {table} d
            WHERE COALESCE(d.received_at, d.received_at) < %s AND d.returned_at IS NULL {units}
        ) d
        GROUP BY d.unit_id, d.procedure_code
    """  # noqa: S608 (table names from model meta; values are parameters)
    params = [month, start, end, end, at, online, bad, end, end, at]
    params += [start, end, *unit_params, start, start, *unit_params, start, *unit_params]
    return sql, _adapt(params)


def feedback_count_sql(
    month: datetime.date, unit_ids: list[int] | None = None
) -> tuple[str, list[Any]]:
    """The INSERT … SELECT of one month's FeedbackCount rows (feedback received in it, of
    every unit or only of `unit_ids`)."""
    from cchc.services.models import Feedback

    start, end = month_bounds(month)
    units, unit_params = _units_in("f", unit_ids)
    at = end - EVALUATED
    done = "f.handled_at IS NOT NULL AND f.handled_at < %s"
    sql = f"""
        INSERT INTO {_table(FeedbackCount)} (unit_id, month, received, on_time, unsatisfied)
        SELECT f.unit_id, %s, COUNT(*),
            SUM(CASE WHEN {done} AND f.handled_at <= f.due_at THEN 1 ELSE 0 END),
            SUM(CASE WHEN f.rating = %s OR ({done} AND f.handled_at > f.due_at)
                      OR (NOT ({done}) AND f.due_at <= %s) THEN 1 ELSE 0 END)
        FROM {_table(Feedback)} f
        WHERE f.received_at >= %s AND f.received_at < %s {units}
        GROUP BY f.unit_id
    """  # noqa: S608 (table names from model meta; values are parameters)
    params = [month, end, FeedbackRating.DISSATISFIED.value, end, end, at, start, end]
    params += unit_params
    return sql, _adapt(params)


def unit_counts(
    month: datetime.date, unit_ids: list[int] | None = None
) -> dict[int, dict[str, int]]:
    """Per unit, the month's counts summed over procedures, with its feedback counts. Two
    queries."""
    rows = DossierCount.objects.filter(month=month)
    fb = FeedbackCount.objects.filter(month=month)
    if unit_ids is not None:
        rows, fb = rows.filter(unit_id__in=unit_ids), fb.filter(unit_id__in=unit_ids)
    out: dict[int, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys((*COUNT_FIELDS, *FEEDBACK_FIELDS), 0)
    )
    for row in rows.order_by().values("unit_id").annotate(**{f: Sum(f) for f in COUNT_FIELDS}):
        values: dict[str, Any] = dict(row)
        out[values["unit_id"]].update({f: values[f] or 0 for f in COUNT_FIELDS})
    for unit_id, received, on_time, unsatisfied in fb.values_list(
        "unit_id", "received", "on_time", "unsatisfied"
    ):
        out[unit_id].update(
            feedback=received, feedback_on_time=on_time, feedback_unsatisfied=unsatisfied
        )
    return dict(out)


def city_points(months: list[datetime.date]) -> dict[datetime.date, Decimal]:
    """The city's own total per month: every unit's counts summed (numerators and
    denominators, as the Portal computes a province), scored with the default framework.
    Months without a dossier handled are absent. Two queries."""
    totals: dict[datetime.date, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys((*COUNT_FIELDS, *FEEDBACK_FIELDS), 0)
    )
    rows = DossierCount.objects.filter(month__in=months).order_by().values("month")
    for row in rows.annotate(**{f: Sum(f) for f in COUNT_FIELDS}):
        values: dict[str, Any] = dict(row)
        totals[values["month"]].update({f: values[f] or 0 for f in COUNT_FIELDS})
    feedback = FeedbackCount.objects.filter(month__in=months).order_by().values("month")
    sums = feedback.annotate(r=Sum("received"), t=Sum("on_time"), u=Sum("unsatisfied"))
    for row in sums:
        totals[row["month"]].update(
            feedback=row["r"], feedback_on_time=row["t"], feedback_unsatisfied=row["u"]
        )
    scheme = scoring.parse_framework(default_framework().document)
    handled = {str(m): scoring.rates(c) for m, c in totals.items() if c["handled"]}
    points = scoring.points(scheme, handled)
    return {
        datetime.date.fromisoformat(m): p.total for m, p in points.items() if p.total is not None
    }


def scores(month: datetime.date, user: Any = None) -> QuerySet[MonthScore]:
    """The month's stored scores with their units, best first (only the units `user` sees)."""
    qs = MonthScore.objects.filter(month=month).select_related("unit")
    if user is not None and not user.is_city_admin:
        qs = qs.filter(unit__in=OrgUnit.objects.visible_to(user))
    return qs.order_by("-total_points", "unit__name")


def ranking(month: datetime.date, user: Any = None) -> dict[str, list[tuple[int, MonthScore]]]:
    """The month's scores ranked within wards and communes ("lower") and departments and other
    units ("upper"): ties share the lowest rank. One query."""
    groups: dict[str, list[MonthScore]] = {"lower": [], "upper": []}
    for score in scores(month, user):
        key = "lower" if score.unit.kind in OrgUnit.LOWER_KINDS else "upper"
        groups[key].append(score)
    out: dict[str, list[tuple[int, MonthScore]]] = {}
    for key, rows in groups.items():
        ranked, last, rank = [], None, 0
        for i, row in enumerate(rows, 1):
            if row.total_points != last:
                rank, last = i, row.total_points
            ranked.append((rank, row))
        out[key] = ranked
    return out


def trend(unit: OrgUnit, *, months: int = 12) -> list[MonthScore]:
    """The unit's last `months` stored scores, oldest first. One query."""
    rows = list(MonthScore.objects.filter(unit=unit).order_by("-month")[:months])
    return rows[::-1]


# A rate's dossiers: the condition that counts a handled dossier in its numerator.
def _rate_condition(rate: str, month: datetime.date) -> Q:
    _start, end = month_bounds(month)
    at = end - EVALUATED
    done = Q(returned_at__isnull=False, returned_at__lt=end)
    from django.db.models import F

    on_time = (done & Q(returned_at__lte=F("due_at"))) | (~done & Q(due_at__gt=at))
    conditions = {
        "on_time_rate": on_time,
        "dossier_satisfaction_rate": on_time
        & Q(has_feedback=False)
        & ~Q(rating=DossierRating.DISSATISFIED),
        "online_rate": Q(channel=Channel.ONLINE),
        "full_online_rate": Q(full_online=True),
        "online_payment_rate": Q(paid_online=True),
        "e_result_rate": Q(e_result=True),
        "digitised_rate": Q(digitised=True),
        "published_rate": Q(procedure__isnull=False),
    }
    if rate not in conditions:
        raise KeyError(rate)
    return conditions[rate]


DRILL_RATES = (
    "on_time_rate",
    "dossier_satisfaction_rate",
    "online_rate",
    "full_online_rate",
    "online_payment_rate",
    "e_result_rate",
    "digitised_rate",
    "published_rate",
)


def rate_dossiers(
    unit: OrgUnit, month: datetime.date, rate: str, *, counted: bool
) -> QuerySet[Dossier]:
    """The dossiers of `unit` handled in `month` that a rate counts (`counted`) or not — for the
    on-time rate, not counted = overdue as at the month's end. Raises KeyError for a rate
    without dossier drill-down."""
    cond = _rate_condition(rate, month)
    qs = Dossier.objects.filter(unit=unit).handled_in(month)
    qs = qs.filter(cond) if counted else qs.exclude(cond)
    return qs.order_by("due_at", "code")


def late_dossiers(unit: OrgUnit, month: datetime.date) -> QuerySet[Dossier]:
    """The unit's dossiers overdue as at the month's end, with their apology letter (one query
    for the page, the index on (unit, received_at) bounding it)."""
    return (
        Dossier.objects.filter(unit=unit)
        .overdue_at(month)
        .select_related("apology")
        .order_by("due_at", "code")
    )


# --- feeds --------------------------------------------------------------------------------


def handling_results(
    unit_ids: list[int], first: datetime.date, last: datetime.date
) -> dict[int, tuple[int, int, Decimal | None]]:
    """(handled, on time, on-time rate %) per unit over the months from `first` to `last`
    (a ratio of summed counts, as a national roll-up would add them): the agency rating's
    "results of handling administrative procedures" and the reform index's computed criterion.
    Units without a dossier are absent. One query."""
    rows = (
        DossierCount.objects.filter(
            unit_id__in=unit_ids, month__gte=first_of(first), month__lte=first_of(last)
        )
        .order_by()
        .values_list("unit_id")
        .annotate(handled=Sum("handled"), on_time=Sum("on_time"))
    )
    return {u: (h, t, percent(t, h)) for u, h, t in rows}

"""Aggregate reads of plans: the month tally, progress roll-up, units that have not reported.

The tally counts the plan year to date (docs/domain/tally.md): the tasks of the year's issued
plans from 01/01 to the month's end; earlier years' tasks still unfinished are `carried_over`,
a line of their own outside every rate. Nothing here changes data. The tally is computed by
the database (conditional counts grouped by lead unit, content area and responsible person)
and summed into its four scopes in Python, so its cost grows with the number of groups, not
with the number of tasks.
"""

import calendar
import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cchc.accounts.models import Membership, User
from cchc.orgunits.models import OrgUnit, visible
from cchc.plans.models import (
    ContentArea,
    Plan,
    ProgressReport,
    QualityReview,
    TallyRow,
    Task,
    TaskQuerySet,
    TaskStatus,
    status_filter,
)

COUNTS = [
    "assigned",
    "due_in_month",
    "on_time",
    "late",
    "in_term",
    "overdue",
    "reviewed",
    "reviews_passed",
    "carried_over",
]
Key = tuple[int, int, int | None]  # (lead unit, content area, responsible person)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the month containing `month`."""
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=1), month.replace(day=last)


def day_start(day: datetime.date) -> datetime.datetime:
    """Midnight starting `day` in the local time zone (Asia/Ho_Chi_Minh), timezone-aware."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def live_tasks() -> QuerySet[Task]:
    """The tasks that count: leaves (a parent only rolls its children up) of issued plans, not
    cancelled. Changes nothing."""
    return Task.objects.leaves().filter(plan__status=Plan.Status.ISSUED, cancelled_at__isnull=True)


def counted_tasks(as_of: datetime.date) -> QuerySet[Task]:
    """The `live_tasks` assigned by the end of `as_of` (Task.assigned_on: the plan's date, or
    the day a task was added to an issued plan). Changes nothing."""
    return live_tasks().filter(assigned_on__lte=as_of)


def year_tasks(as_of: datetime.date) -> QuerySet[Task]:
    """The `counted_tasks` of the plans of `as_of`'s year: what the tally of a month counts
    (year to date). Changes nothing."""
    return counted_tasks(as_of).filter(plan__year=as_of.year)


def carried_tasks(as_of: datetime.date) -> QuerySet[Task]:
    """The `counted_tasks` of earlier years' plans not completed by the end of `as_of`: the
    tally's carried-over line, never mixed into the year's figures. Changes nothing."""
    return counted_tasks(as_of).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gt=as_of), plan__year__lt=as_of.year
    )


def status_counts(first: datetime.date, as_of: datetime.date) -> dict[str, Count]:
    """Conditional COUNT expressions of the Decision 42 categories as seen at the end of
    `as_of`, and of the tasks due between `first` and `as_of`; the same rules as
    `Task.status_on` (models.status_filter). Changes nothing."""
    return {
        "assigned": Count("pk"),
        "due_in_month": Count("pk", filter=Q(deadline__gte=first, deadline__lte=as_of)),
        **{
            status.value: Count("pk", filter=status_filter(status, as_of))
            for status in (
                TaskStatus.ON_TIME,
                TaskStatus.LATE,
                TaskStatus.IN_TERM,
                TaskStatus.OVERDUE,
            )
        },
    }


def _task_groups(first: datetime.date, last: datetime.date) -> dict[Key, dict[str, int]]:
    """One query: the counts per (lead unit, area, person), reviews of the month merged in."""
    groups: dict[Key, dict[str, int]] = {}
    rows = (
        year_tasks(last)
        .order_by()
        .values_list("lead_unit_id", "area_id", "responsible_id")
        .annotate(**status_counts(first, last))
    )
    names = list(status_counts(first, last))
    for unit_id, area_id, person_id, *counts in rows:
        group = dict(zip(names, counts, strict=True))
        group.update(reviewed=0, reviews_passed=0, carried_over=0)
        groups[(unit_id, area_id, person_id)] = group
    carried = (
        carried_tasks(last)
        .order_by()
        .values_list("lead_unit_id", "area_id", "responsible_id")
        .annotate(n=Count("pk"))
    )
    for unit_id, area_id, person_id, count in carried:
        group = groups.setdefault((unit_id, area_id, person_id), dict.fromkeys(COUNTS, 0))
        group["carried_over"] = count
    for unit_id, area_id, person_id, reviewed, passed in _review_groups(first, last):
        counted = groups.get((unit_id, area_id, person_id))
        if counted is not None:
            counted["reviewed"] += reviewed
            counted["reviews_passed"] += passed
    return groups


def _review_groups(first: datetime.date, last: datetime.date) -> QuerySet[Any]:
    return (
        # Task conditions through the join, not `task__in=counted_tasks()`: the month's few
        # reviews then drive the query instead of a list of every counted task.
        QualityReview.objects.filter(
            task__plan__status=Plan.Status.ISSUED,
            task__plan__year=last.year,
            task__cancelled_at__isnull=True,
            task__children__isnull=True,
            task__assigned_on__lte=last,
            # A review belongs to the month its report was submitted in (a paper report
            # entered later keeps its date).
            report__submitted_at__gte=day_start(first),
            report__submitted_at__lt=day_start(last + datetime.timedelta(days=1)),
        )
        .order_by()
        .values_list("task__lead_unit_id", "task__area_id", "task__responsible_id")
        .annotate(reviewed=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
    )


def units_reported(first: datetime.date, as_of: datetime.date) -> set[int]:
    """Ids of the units that submitted at least one progress report (on any of the tasks they
    lead) from `first` to the end of `as_of`. Changes nothing."""
    return set(
        ProgressReport.objects.filter(
            submitted_at__gte=day_start(first),
            submitted_at__lt=day_start(as_of + datetime.timedelta(days=1)),
        )
        .order_by()
        .values_list("task__lead_unit_id", flat=True)
        .distinct()
    )


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for name in COUNTS:
        total[name] = total.get(name, 0) + counts[name]


def tally_month(month: datetime.date) -> list[dict[str, Any]]:
    """The tally of the month containing `month`, as seen at the end of its last day: one row
    (a dict of TallyRow fields) for the city, one per lead unit, per content area and per
    responsible person, each with the counts of `COUNTS` and `reported_in_month`.

    The counts are those of the plan year to date (`year_tasks`: plans of the month's year),
    except `carried_over`: earlier years' tasks still unfinished at the month's end. A unit
    "reported" when it submitted a progress report in the month or had no open task (of any
    year) at the end of it; the city row reported when every unit did. Reviews are the quality
    reviews recorded in the month on the year's counted tasks. Six queries whatever the number
    of tasks; changes nothing (close_month stores the result).
    """
    first, last = month_bounds(month)
    groups = _task_groups(first, last)
    by_unit: dict[int, dict[str, int]] = defaultdict(dict)
    by_area: dict[int, dict[str, int]] = defaultdict(dict)
    by_person: dict[int, dict[str, int]] = defaultdict(dict)
    city: dict[str, int] = dict.fromkeys(COUNTS, 0)
    for (unit_id, area_id, person_id), counts in groups.items():
        _add(by_unit[unit_id], counts)
        _add(by_area[area_id], counts)
        if person_id is not None:
            _add(by_person[person_id], counts)
        _add(city, counts)
    reported = units_reported(first, last)
    rows = [_row(TallyRow.Scope.CITY, "Thành phố", city)]
    units = dict(OrgUnit.objects.filter(pk__in=by_unit).values_list("pk", "name"))
    for unit_id, counts in by_unit.items():
        has_open = counts["in_term"] + counts["overdue"] + counts["carried_over"] > 0
        ok = unit_id in reported or not has_open
        rows.append(_row(TallyRow.Scope.UNIT, units[unit_id], counts, unit_id=unit_id, ok=ok))
    rows[0]["reported_in_month"] = all(row["reported_in_month"] for row in rows[1:])
    areas = dict(ContentArea.objects.filter(pk__in=by_area).values_list("pk", "name"))
    for area_id, counts in by_area.items():
        rows.append(_row(TallyRow.Scope.AREA, areas[area_id], counts, area_id=area_id))
    people = {user.pk: str(user) for user in User.objects.filter(pk__in=by_person)}
    for person_id, counts in by_person.items():
        rows.append(_row(TallyRow.Scope.PERSON, people[person_id], counts, person_id=person_id))
    return rows


def _row(scope: str, label: str, counts: dict[str, int], ok: bool = True, **ids: int) -> dict:
    row: dict[str, Any] = {"scope": scope, "label": label[:300], "reported_in_month": ok}
    row.update({"unit_id": None, "area_id": None, "person_id": None}, **ids)
    row.update({name: counts.get(name, 0) for name in COUNTS})
    return row


def units_not_reported(
    month: datetime.date, *, as_of: datetime.date | None = None
) -> QuerySet[OrgUnit]:
    """Units that lead a counted task still open at the end of `as_of` (default: the month's
    last day) and submitted no progress report from the first of the month to `as_of`: the
    "not reported this month" state. Changes nothing."""
    first, last = month_bounds(month)
    as_of = min(as_of or last, last)
    open_tasks = counted_tasks(as_of).filter(
        Q(completed_on__isnull=True) | Q(completed_on__gt=as_of)
    )
    return OrgUnit.objects.filter(pk__in=open_tasks.values("lead_unit_id")).exclude(
        pk__in=list(units_reported(first, as_of))
    )


def roll_up_progress(task: Task) -> int:
    """The progress of `task` in percent: a completed task counts 100, a task without (active)
    children its own reported progress, a parent the mean of its children's rolled-up progress
    weighted by their `weight`. Cancelled children are left out. One query per tree level;
    changes nothing."""
    children: dict[int, list[dict[str, Any]]] = defaultdict(list)
    frontier = [task.pk]
    while frontier:
        level = list(
            Task.objects.filter(parent_id__in=frontier, cancelled_at__isnull=True)
            .order_by()
            .values("pk", "parent_id", "weight", "progress", "completed_on")
        )
        for row in level:
            children[row["parent_id"]].append(dict(row))
        frontier = [row["pk"] for row in level]
    root = {"pk": task.pk, "progress": task.progress, "completed_on": task.completed_on}
    return int(_rolled(root, children).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _rolled(row: dict[str, Any], children: dict[int, list[dict[str, Any]]]) -> Decimal:
    if row["completed_on"] is not None:
        return Decimal(100)
    kids = children.get(row["pk"])
    if not kids:
        return Decimal(row["progress"])
    total = sum((kid["weight"] for kid in kids), Decimal(0))
    return sum((kid["weight"] * _rolled(kid, children) for kid in kids), Decimal(0)) / total


class Recipients:
    """Who hears about the units' tasks (active users only), read in three queries: the focal
    points of each unit in `unit_ids`, the heads (a head's role covers the unit's subtree)
    and the city administrators."""

    def __init__(self, unit_ids: set[int]) -> None:
        active = Membership.objects.filter(user__is_active=True)
        self.focal: dict[int, set[int]] = defaultdict(set)
        for user_id, unit_id in active.filter(
            role=Membership.Role.FOCAL_POINT, unit_id__in=unit_ids
        ).values_list("user_id", "unit_id"):
            self.focal[unit_id].add(user_id)
        self.heads_at: dict[str, set[int]] = defaultdict(set)
        for user_id, path in active.filter(role=Membership.Role.HEAD).values_list(
            "user_id", "unit__path"
        ):
            self.heads_at[path].add(user_id)
        self.city_admins = set(
            active.filter(role=Membership.Role.CITY_ADMIN).values_list("user_id", flat=True)
        )

    def heads(self, path: str) -> set[int]:
        """Heads of the unit at `path` or of one of its ancestors (path prefixes)."""
        segments = path.strip("/").split("/")
        prefixes = ("/" + "/".join(segments[:n]) + "/" for n in range(1, len(segments) + 1))
        return set().union(*(self.heads_at.get(prefix, set()) for prefix in prefixes))

    def escalation(self, path: str) -> set[int]:
        """Who hears of something overdue in the unit at `path`: the heads of that unit or of
        a unit above it, and the city administrators (used for overdue tasks here and for
        overdue inspection recommendations)."""
        return self.heads(path) | self.city_admins


def receiving_plan(unit: OrgUnit, decided_on: datetime.date) -> Plan | None:
    """The plan that receives a task generated for `unit` by a decision dated `decided_on` (an
    inspection's conclusion, a petition's answer): the issued plan of the decision's year of
    the unit itself, else of the nearest unit above it (up to the city). Only issued plans:
    the month tally counts their tasks only. None when there is none. One query."""
    paths = [a.path for a in unit.ancestors()] + [unit.path]
    issued = Plan.objects.filter(
        year=decided_on.year, status=Plan.Status.ISSUED, unit__path__in=paths
    ).select_related("unit")
    plans = {plan.unit.path: plan for plan in issued}
    return next((plans[path] for path in reversed(paths) if path in plans), None)


def my_tasks(user: Any) -> TaskQuerySet:
    """The tasks a person carries ("My tasks", the home page): those led by the units they see;
    for a city administrator, who sees every unit, the tasks of the city plans they assign."""
    if user.is_city_admin:
        return Task.objects.filter(plan__unit__kind=OrgUnit.Kind.PROVINCE)
    return Task.objects.filter(visible(user, "lead_unit__path"))

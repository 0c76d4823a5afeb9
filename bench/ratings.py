"""Rating a month at city scale: 3,400 units, 20,000 people, 1,000,000 tasks (issue #4).

Set-up (not timed, not app data): a city with 3,400 units under it (60 departments, 540 wards
and communes, 2,800 public service units below them, with their paths and depths), 20,000
responsible people (5 or 6 per unit), a head term per unit (one unit in ten changes its head on
16/10), one issued city plan dated 05/01/2026 with 2,000 parent tasks and 1,000,000 leaf tasks
(weight 1 or 2, deadlines through 2026, most completed on time, some late, some never: overdue),
~30,000 quality reviews of reports submitted in October (about a quarter failed), 5,000
approved extensions requested in September and October and a few disciplinary decisions. Units,
people and terms are written with the ORM; tasks, reports, reviews and extensions with one
`INSERT … SELECT` each over a generated series (`generate_series` on PostgreSQL, a recursive
CTE on SQLite), their values drawn from integer hashes of the row number, so that the set-up
takes seconds and the process's memory stays the rating's own.

Measured, for October 2026, on SQLite and on PostgreSQL (each in its own process):
- the month is closed first with the ratings receiver disconnected (the close's own time is
  printed, not a target), then `cchc.ratings.actions.generate_round` alone: median of three
  runs on an unrated month (the ratings are deleted between them, untimed); then
  `record_responsibilities`, which the close also runs, timed apart (fresh and as an upsert
  over its own records); once more under tracemalloc for the peak of Python allocations;
  ru_maxrss of the process after the timed runs; and the idempotent re-run over the rated
  month (nothing changed in between);
- baseline in the same process: the naive per-person loop (`naive_figures`: for each rated
  unit and (person, unit), its tasks through the ORM, then per task a query for its failed
  reviews and one for its approved extensions, the figures summed in Python with
  `cchc.ratings.scoring`). It is timed on NAIVE_PEOPLE person ratings and NAIVE_UNITS unit
  ratings spread over the round and scaled to all of them (heads reuse their unit's figures and
  are not counted, which favours the baseline); the figure says so;
- a correctness check: the naive figures of every sampled rating must equal its stored ones
  (counts, weights, quantity/quality/progress % and task points).

The yearly classification (issue #14): eleven more months of 2026 are rated by copying
October's Decree 335 ratings into closed rounds (totals moved by −10 … +10 points per month;
in one unit in STRONG_EVERY the heads and civil servants get 85 … 100, so that some units have
more people averaging 90 than the 20% cap of point 5(a) allows), then
`cchc.ratings.yearly.classify_year` (what `rate_year` prints) is timed over the 12 months,
median of three, against the naive loop (one ORM query per classified line, averaged in Python,
timed on NAIVE_YEAR_LINES lines and scaled), which must agree with it on every sampled line;
the number of lines the cap moved is printed, and on NAIVE_CAP_GROUPS groups where it moved
someone the naive loop applies the cap from the decree's wording and must find the same bands
and cap marks.
Public service units leave the Decree 335 round: the set-up publishes a public-employee policy,
so that the month's two rounds together still rate every task.

Run: .venv/bin/python bench/ratings.py [sqlite|postgres] (or `make bench` for all benchmarks).
PostgreSQL: a database cchc_bench_ratings on postgres://postgres@127.0.0.1:5432 is created and
dropped (the server part can be overridden with CCHC_BENCH_PG_URL, as for tally.py); it is
skipped with a message when the server is not reachable.
"""

import datetime
import os
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from typing import Any

from _common import emit, max_rss_mb, run_on_databases, timed

BENCH = "ratings"
DEPARTMENTS = 60
LOWER_UNITS = 540  # wards and communes, under the city
PUBLIC_SERVICE = 2_800  # under a department or a ward
UNITS = DEPARTMENTS + LOWER_UNITS + PUBLIC_SERVICE  # 3,400
PEOPLE = 20_000  # person p works in unit p % UNITS: 5 or 6 per unit
PARENTS = 2_000
LEAVES = 1_000_000
HEAD_CHANGE_EVERY = 10  # one unit in ten changes its head in the month
EXTENSIONS = 5_000
DISCIPLINES = 12
MONTH = datetime.date(2026, 10, 1)
MONTH_END = datetime.date(2026, 10, 31)
TODAY = datetime.date(2026, 11, 26)  # the day the month is closed
LAST_COMPLETION = datetime.date(2026, 11, 20)
PLAN_DAY = datetime.date(2026, 1, 5)
GENERATE_TARGET_S = 5.0  # the issue's target, on PostgreSQL; SQLite's figure has none
RATIO_TARGET = 10.0
NAIVE_PEOPLE = 500
NAIVE_UNITS = 100
REPEAT = 3
YEAR_TARGET_S = 10.0  # issue #14: rate_year over 12 closed months
YEAR_TODAY = datetime.date(2027, 1, 10)
NAIVE_YEAR_LINES = 300
NAIVE_CAP_GROUPS = 30
STRONG_EVERY = 8  # one unit in 8 has its people rated 85 … 100 in the copied months
PG_SERVER = os.environ.get("CCHC_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/x")
PG_URL = PG_SERVER.rsplit("/", 1)[0] + "/cchc_bench_ratings"


def aware(day: datetime.date, hour: int = 9) -> datetime.datetime:
    """`hour` o'clock of `day` in Hanoi (UTC+7), as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC) - (
        datetime.timedelta(hours=7)
    )


class Sql:
    """The few SQL spellings that differ between PostgreSQL and SQLite, as text to splice into
    the set-up statements (constants and column expressions only: no user input)."""

    def __init__(self, vendor: str) -> None:
        self.pg = vendor == "postgresql"

    def day(self, day: datetime.date) -> str:
        return f"DATE '{day.isoformat()}'" if self.pg else f"'{day.isoformat()}'"

    def moment(self, when: datetime.datetime) -> str:
        text = when.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
        return f"TIMESTAMPTZ '{text}+00'" if self.pg else f"'{text}'"

    def plus_days(self, day: str, days: str) -> str:
        return f"({day} + ({days})::integer)" if self.pg else f"date({day}, ({days}) || ' days')"

    def plus_days_at(self, moment: str, days: str) -> str:
        if self.pg:
            return f"({moment} + ({days}) * INTERVAL '1 day')"
        return f"datetime({moment}, ({days}) || ' days')"

    def series(self, count: int) -> tuple[str, str]:
        """(prefix of the statement, FROM item) for the rows n = 0 … count - 1."""
        if self.pg:
            return "", f"generate_series(0, {count - 1}) AS s(n)"
        step = f"SELECT n + 1 FROM s WHERE n < {count - 1}"  # noqa: S608 - an int
        return f"WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL {step})", "s"

    def literal(self, value: Any) -> str:
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return ("TRUE" if value else "FALSE") if self.pg else str(int(value))
        if isinstance(value, datetime.datetime):
            return self.moment(value)
        if isinstance(value, datetime.date):
            return self.day(value)
        if isinstance(value, str):
            return "'" + value.replace("'", "''") + "'"
        return str(value)


def hashed(seed: int, column: str = "n") -> str:
    """A pseudo-random integer in 0 … 65535 from the integer `column` (multiplicative hash)."""
    multiplier = (2654435761, 2246822519, 3266489917, 668265263, 374761393)[seed]
    return f"(((CAST({column} AS BIGINT) * {multiplier} + {seed * 7919}) % 4294967296) / 65536)"


def insert_select(
    model: Any, sql: Sql, values: dict[str, str], source: str, prefix: str = ""
) -> int:
    """INSERT INTO `model`'s table every concrete column but the id, from `source`:
    `values[attname]` (an SQL expression) where given, else the field's default as a literal.
    Returns the number of rows written."""
    from django.db import connection

    quote = connection.ops.quote_name
    names, expressions = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(quote(field.column))
        if field.attname in values:
            expressions.append(values.pop(field.attname))
        else:
            expressions.append(sql.literal(None if field.null else field.get_default()))
    assert not values, f"not columns of {model.__name__}: {sorted(values)}"
    statement = (
        f"{prefix} INSERT INTO {quote(model._meta.db_table)} ({', '.join(names)}) "  # noqa: S608
        f"SELECT {', '.join(expressions)} FROM {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return cursor.rowcount


def contiguous(ids: list[int]) -> int:
    """The first of `ids`, which must be consecutive (bulk_create on a fresh database)."""
    assert ids == list(range(ids[0], ids[0] + len(ids))), "ids are not consecutive"
    return ids[0]


def build_units() -> tuple[Any, int]:
    """The city and its 3,400 units; returns the city and the id of unit 0 (units are
    numbered 0 … UNITS - 1: departments, then wards and communes, then public service units)."""
    from cchc.orgunits.models import OrgUnit

    city = OrgUnit.objects.create(
        code="01", kind="province", name="Thành phố Hà Nội", path="/01/", search_name="ha noi"
    )
    codes = {"department": "S{:03d}", "lower": "{:05d}", "public_service": "P{:04d}"}
    units = city_units(city, lambda kind, n: codes[kind].format(n + 10000 * (kind == "lower")))
    return city, contiguous([unit.pk for unit in units])


def city_units(city: Any, code_of: Any) -> list[Any]:
    """The 3,400 units under `city`, in order: DEPARTMENTS departments, LOWER_UNITS wards and
    communes, PUBLIC_SERVICE public service units spread below them; `code_of(kind, n)` names
    unit n of kind "department", "lower" or "public_service". Written with bulk_create."""
    from cchc.orgunits.models import OrgUnit

    top: list[OrgUnit] = []
    for n in range(DEPARTMENTS + LOWER_UNITS):
        if n < DEPARTMENTS:
            code, kind, name = code_of("department", n), "department", f"Sở Thử {n}"
        else:
            kind = ("ward", "commune")[n % 2]
            code, name = code_of("lower", n), f"{('Phường', 'Xã')[n % 2]} Thử {n}"
        top.append(
            OrgUnit(code=code, kind=kind, name=name, parent=city, path=f"{city.path}{code}/")
        )
    for unit in top:
        unit.depth, unit.search_name = city.depth + 1, unit.name.lower()
    top = OrgUnit.objects.bulk_create(top, batch_size=2_000)
    below = []
    for n in range(PUBLIC_SERVICE):
        parent = top[n % len(top)]
        code = code_of("public_service", n)
        below.append(
            OrgUnit(
                code=code,
                kind="public_service",
                name=f"Đơn vị sự nghiệp {n}",
                parent=parent,
                path=f"{parent.path}{code}/",
                depth=parent.depth + 1,
                search_name=f"don vi su nghiep {n}",
            )
        )
    below = OrgUnit.objects.bulk_create(below, batch_size=2_000)
    return [*top, *below]


def build_people(unit0: int) -> int:
    """20,000 people and the head terms; returns the id of person 0. Person u heads unit u;
    in one unit in ten, person u + UNITS takes over on 16/10."""
    from cchc.accounts.models import HeadTerm, User

    people = User.objects.bulk_create(
        (
            User(
                username=f"canbo{n}",
                full_name=f"Cán Bộ {n}",
                search_name=f"canbo{n} can bo {n}",
                password="!",  # noqa: S106 - unusable
            )
            for n in range(PEOPLE)
        ),
        batch_size=2_000,
    )
    person0 = contiguous([person.pk for person in people])
    change = datetime.date(2026, 10, 16)
    terms = []
    for u in range(UNITS):
        changes = u % HEAD_CHANGE_EVERY == 0
        terms.append(
            HeadTerm(
                user_id=person0 + u,
                unit_id=unit0 + u,
                started_on=datetime.date(2025, 7, 1),
                ended_on=change - datetime.timedelta(days=1) if changes else None,
            )
        )
        if changes:
            terms.append(
                HeadTerm(user_id=person0 + u + UNITS, unit_id=unit0 + u, started_on=change)
            )
    HeadTerm.objects.bulk_create(terms, batch_size=2_000)
    return person0


def build_tasks(sql: Sql, plan_id: int, city_id: int, unit0: int, person0: int) -> None:
    """The 2,000 parent tasks and the 1,000,000 leaves, two INSERT … SELECT."""
    from django.db import connection

    from cchc.plans.models import ContentArea, Task

    areas = list(ContentArea.objects.order_by("pk").values_list("pk", flat=True))
    area = "CASE ({}) % {} {} END".format(
        "n % 2000", len(areas), " ".join(f"WHEN {i} THEN {pk}" for i, pk in enumerate(areas))
    )
    created = sql.moment(aware(PLAN_DAY + datetime.timedelta(days=1)))
    common = {
        "plan_id": str(plan_id),
        "title": "'Nhiệm vụ ' || (n % 2000)",
        "area_id": area,
        "assigned_on": sql.day(PLAN_DAY),
        "created_at": created,
        "updated_at": created,
    }
    prefix, series = sql.series(PARENTS)
    year_end = sql.day(datetime.date(2026, 12, 31))
    insert_select(
        Task,
        sql,
        {
            **common,
            "code": "'P' || n",
            "lead_unit_id": str(city_id),
            "deadline": year_end,
            "original_deadline": year_end,
        },
        series,
        prefix,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {Task._meta.db_table}")  # noqa: S608
        first_parent, last_parent = cursor.fetchone()
    assert last_parent - first_parent + 1 == PARENTS
    # n → deadline spread over 2026; fate: 88 % on time, 9 % late, 3 % never completed;
    # completions after LAST_COMPLETION have not happened yet (the month is closed on TODAY).
    due = sql.plus_days(sql.day(datetime.date(2026, 1, 15)), f"{hashed(0)} % 350")
    early, late = (
        sql.plus_days("due", f"-({hashed(2)} % 10)"),
        sql.plus_days("due", f"1 + {hashed(2)} % 40"),
    )
    prefix, series = sql.series(LEAVES)
    # Constants and expressions of ours only, spliced in (S608).
    drawn = f"(SELECT n, {due} AS due, {hashed(1)} % 1000 AS fate FROM {series}) AS drawn"  # noqa: S608
    done = (
        f"(SELECT n, due, CASE WHEN fate < 880 THEN {early} WHEN fate < 970 THEN {late} END"  # noqa: S608
        f" AS done FROM {drawn}) AS done"
    )
    rows = (
        f"(SELECT n, due, CASE WHEN done > {sql.day(LAST_COMPLETION)} THEN NULL ELSE done END"  # noqa: S608
        f" AS done FROM {done}) AS rows"
    )
    insert_select(
        Task,
        sql,
        {
            **common,
            "code": "'NV' || n",
            "lead_unit_id": f"{unit0} + (n % {PEOPLE}) % {UNITS}",
            "responsible_id": f"CASE WHEN n % 97 = 0 THEN NULL ELSE {person0} + n % {PEOPLE} END",
            "deadline": "due",
            "original_deadline": "due",
            "weight": f"CASE WHEN {hashed(3)} % 4 = 0 THEN 2 ELSE 1 END",
            "parent_id": f"{first_parent} + n % {PARENTS}",
            "progress": f"CASE WHEN done IS NULL THEN {hashed(4)} % 90 ELSE 100 END",
            "completed_on": "done",
        },
        rows,
        prefix,
    )


def build_reviews_and_extensions(sql: Sql, person0: int) -> None:
    """Reports submitted in October with their quality reviews (a completion report on a third
    of the tasks completed in October, a fifth of them returned; a returned report on a tenth
    of the open tasks due by then), 5,000 approved extensions requested from 01/09 to 28/10 on
    tasks due in October and November, and the tasks' denormalised columns to match."""
    from django.db import connection

    from cchc.plans.models import ExtensionRequest, ProgressReport, QualityReview, Task

    task_table = Task._meta.db_table
    first, last = sql.day(MONTH), sql.day(MONTH_END)
    chosen = (
        f"{task_table} AS t WHERE t.parent_id IS NOT NULL AND ("
        f"(t.completed_on BETWEEN {first} AND {last} AND t.id % 3 = 0)"
        f" OR (t.completed_on IS NULL AND t.deadline <= {last} AND t.id % 10 = 0))"
    )
    failed = "(t.completed_on IS NULL OR t.id % 5 = 0)"
    submitted = sql.plus_days_at(sql.moment(aware(MONTH)), "t.id % 30")
    insert_select(
        ProgressReport,
        sql,
        {
            "task_id": "t.id",
            "author_id": f"COALESCE(t.responsible_id, {person0})",
            "percent": "100",
            "narrative": "'Báo cáo hoàn thành'",
            "is_completion": sql.literal(True),
            "status": f"CASE WHEN {failed} THEN 'returned' ELSE 'accepted' END",
            "submitted_at": submitted,
            "decided_by_id": str(person0),
            "decided_at": sql.plus_days_at(submitted, "1"),
        },
        chosen,
    )
    insert_select(
        QualityReview,
        sql,
        {
            "task_id": "r.task_id",
            "report_id": "r.id",
            "passed": "(r.status = 'accepted')",
            "reviewer_id": str(person0),
            "created_at": sql.plus_days_at("r.submitted_at", "1"),
        },
        f"{ProgressReport._meta.db_table} AS r",
    )
    created = sql.plus_days_at(sql.moment(aware(datetime.date(2026, 9, 1))), "t.id % 58")
    insert_select(
        ExtensionRequest,
        sql,
        {
            "task_id": "t.id",
            "requested_by_id": f"COALESCE(t.responsible_id, {person0})",
            "reason": "'Chờ ý kiến của cơ quan liên quan'",
            "new_deadline": "t.deadline",
            "previous_deadline": sql.plus_days("t.deadline", "-15"),
            "status": "'approved'",
            "decided_by_id": str(person0),
            "decided_at": sql.plus_days_at(created, "1"),
            "created_at": created,
        },
        f"{task_table} AS t WHERE t.parent_id IS NOT NULL AND t.id % 19 = 0 AND t.deadline"
        f" BETWEEN {first} AND {sql.day(datetime.date(2026, 11, 30))} ORDER BY t.id"
        f" LIMIT {EXTENSIONS}",
    )
    reviews, extensions = QualityReview._meta.db_table, ExtensionRequest._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {task_table} SET original_deadline = (SELECT e.previous_deadline FROM "  # noqa: S608
            f"{extensions} AS e WHERE e.task_id = {task_table}.id) "
            f"WHERE id IN (SELECT task_id FROM {extensions})"
        )
        cursor.execute(
            f"UPDATE {task_table} SET failed_reviews = (SELECT COUNT(*) FROM {reviews} AS q "  # noqa: S608
            f"WHERE q.task_id = {task_table}.id AND NOT q.passed) "
            f"WHERE id IN (SELECT task_id FROM {reviews} WHERE NOT passed)"
        )


def build() -> dict[str, int]:
    from django.db import connection, transaction

    from cchc.plans.models import ExtensionRequest, Plan, QualityReview, Task
    from cchc.ratings.models import Discipline, GeneralCriterion, RatingPolicy, Scope

    sql = Sql(connection.vendor)
    with transaction.atomic():
        city, unit0 = build_units()
        person0 = build_people(unit0)
        plan = Plan.objects.create(
            year=2026,
            unit=city,
            title="Kế hoạch CCHC năm 2026",
            status=Plan.Status.ISSUED,
            document_number="01/KH-UBND",
            document_date=PLAN_DAY,
            issued_at=aware(PLAN_DAY),
        )
        build_tasks(sql, plan.pk, city.pk, unit0, person0)
        build_reviews_and_extensions(sql, person0)
        Discipline.objects.bulk_create(
            Discipline(
                unit_id=unit0 + (n * 283) % UNITS,
                person_id=person0 + (n * 283) % UNITS if n % 3 else None,
                number=f"{n + 1}/QĐ-KL",
                decided_on=datetime.date(2026, 10, 5 + n),
                form=Discipline.Form.REPRIMAND,
                reason="Vi phạm quy chế làm việc",
                recorded_by_id=person0,
            )
            for n in range(DISCIPLINES)
        )
        # Public service units leave the Decree 335 round; with a policy for them (as a city
        # may publish) they are rated in their own round, so the month still rates every task.
        employees = RatingPolicy.objects.create(
            valid_from=PLAN_DAY.replace(day=1),
            name="Quy chế đánh giá viên chức",
            scope=Scope.PUBLIC_EMPLOYEE,
        )
        GeneralCriterion.objects.create(
            policy=employees, code="1", title="Tiêu chí chung", max_points=30
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # autovacuum would have, on a live database
            cursor.execute("ANALYZE")
    return {
        "units": UNITS,
        "people": PEOPLE,
        "tasks": Task.objects.count(),
        "reviews": QualityReview.objects.count(),
        "failed": QualityReview.objects.filter(passed=False).count(),
        "extensions": ExtensionRequest.objects.count(),
    }


def close_unrated() -> tuple[float, Any]:
    """Close the month with the ratings receiver disconnected; (seconds, the MonthClose)."""
    from cchc.plans.actions import close_month
    from cchc.plans.signals import month_closed
    from cchc.ratings.receivers import rate_closed_month

    month_closed.disconnect(dispatch_uid="ratings.rate_closed_month")
    try:
        return timed(lambda: close_month(MONTH, actor=None, today=TODAY))
    finally:
        month_closed.connect(rate_closed_month, dispatch_uid="ratings.rate_closed_month")


def unrate() -> None:
    """Delete the month's round and ratings (between timed runs)."""
    from cchc.ratings.models import Rating, RatingRound

    for model in (Rating, RatingRound):
        model.objects.all()._raw_delete(using="default")


def generate(close: Any) -> Any:
    from cchc.ratings.actions import generate_round

    return generate_round(close, actor=None)


def record(close: Any) -> Any:
    from cchc.ratings.actions import record_responsibilities

    return record_responsibilities(close, actor=None)


def month_filter(task: Any, first: datetime.date, last: datetime.date) -> bool:
    """docs/ratings.md "Which tasks count", in Python: due by the month's end or completed in
    it, and not completed before it began."""
    done = task.completed_on
    due_or_done = task.deadline <= last or (done is not None and first <= done <= last)
    return due_or_done and (done is None or done >= first)


def naive_figures(policy: Any, tasks: Any, first: datetime.date, last: datetime.date) -> Any:
    """The baseline: a subject's counted tasks as model objects, the month's rule applied in
    Python, and for each task of the month one query for its failed reviews and one for its
    approved extensions (both up to the month's end); the figures summed with scoring."""
    from cchc.plans.models import ExtensionRequest
    from cchc.plans.queries import day_start
    from cchc.ratings.scoring import Figures, task_credit

    end = day_start(last + datetime.timedelta(days=1))
    figures = Figures()
    for task in tasks:
        if not month_filter(task, first, last):
            continue
        failed = task.reviews.filter(passed=False, report__submitted_at__lt=end).count()
        extensions = task.extensions.filter(
            status=ExtensionRequest.Status.APPROVED, created_at__lt=end
        ).count()
        figures.tasks += 1
        figures.weight_assigned += task.weight
        figures.failed_reviews += failed
        figures.extensions += extensions
        if task.completed_on is not None and task.completed_on <= last:
            late = task.completed_on > task.deadline
            quality, progress = task_credit(
                policy, task.weight, late=late, failed=failed, extensions=extensions
            )
            figures.completed += 1
            figures.late += late
            figures.weight_completed += task.weight
            figures.weight_quality += quality
            figures.weight_progress += progress
    return figures


FIGURES = [
    "tasks",
    "completed",
    "late",
    "failed_reviews",
    "extensions",
    "weight_assigned",
    "weight_completed",
    "weight_quality",
    "weight_progress",
]
SCORES = ["quantity_pct", "quality_pct", "progress_pct", "task_points"]


def naive_sample(rating_round: Any, kind: str, sample: int) -> tuple[float, int, int]:
    """Time the naive loop over `sample` ratings of `kind` spread over the round and check each
    against its stored figures. Returns (seconds, ratings of that kind, tasks seen)."""
    from cchc.plans.queries import counted_tasks, month_bounds
    from cchc.ratings.models import Rating
    from cchc.ratings.scoring import score

    first, last = month_bounds(rating_round.month)
    policy = rating_round.policy
    ratings = list(rating_round.ratings.filter(kind=kind).order_by("pk"))
    step = max(1, len(ratings) // sample)
    chosen = ratings[::step][:sample]
    seconds, tasks = 0.0, 0
    for rating in chosen:
        began = time.perf_counter()
        subject = counted_tasks(last).filter(lead_unit_id=rating.unit_id)
        if kind == Rating.Kind.PERSON:
            subject = subject.filter(responsible_id=rating.person_id)
        figures = naive_figures(policy, subject, first, last)
        result = score(policy, figures)
        seconds += time.perf_counter() - began
        tasks += figures.tasks
        naive = [*(getattr(figures, f) for f in FIGURES), *(getattr(result, f) for f in SCORES)]
        stored = [getattr(rating, f) for f in [*FIGURES, *SCORES]]
        pairs = zip([*FIGURES, *SCORES], zip(naive, stored, strict=True), strict=True)
        assert naive == stored, (
            rating.label,
            {name: pair for name, pair in pairs if pair[0] != pair[1]},
        )
    return seconds / len(chosen) * len(ratings), len(ratings), tasks


def measure(database: str) -> None:
    from django.db.models import Count, Sum

    from cchc.ratings.models import Rating, RatingRound, Responsibility

    start = time.perf_counter()
    sizes = build()
    print(
        f"{BENCH} [{database}]: built {sizes['units']:,} units, {sizes['people']:,} people, "
        f"{sizes['tasks']:,} tasks, {sizes['reviews']:,} reviews ({sizes['failed']:,} failed), "
        f"{sizes['extensions']:,} extensions in {time.perf_counter() - start:.1f} s; "
        f"RSS {max_rss_mb():.0f} MB"
    )
    close_s, close = close_unrated()
    print(f"{BENCH} [{database}]: closed {MONTH:%m/%Y} (tally only, untimed) in {close_s:.1f} s")
    runs = []
    for n in range(REPEAT):
        if n:
            unrate()
        runs.append(timed(lambda: generate(close))[0])
    generate_s = statistics.median(runs)
    responsibilities_s, _ = timed(lambda: record(close))
    responsibilities_again_s, _ = timed(lambda: record(close))
    rss_mb = max_rss_mb()
    month_ratings = Rating.objects.filter(round__month=MONTH)
    kinds = Counter(dict(month_ratings.values_list("kind").annotate(n=Count("pk")).order_by()))
    records = Responsibility.objects.count()
    totals = month_ratings.filter(kind=Rating.Kind.UNIT).aggregate(
        tasks=Sum("tasks"),
        completed=Sum("completed"),
        late=Sum("late"),
        failed=Sum("failed_reviews"),
        extensions=Sum("extensions"),
    )
    print(
        f"{BENCH} [{database}]: {MONTH:%m/%Y}: {totals['tasks']:,} tasks rated "
        f"({totals['completed']:,} completed, {totals['late']:,} of them late, "
        f"{totals['tasks'] - totals['completed']:,} not; {totals['failed']:,} failed reviews, "
        f"{totals['extensions']:,} extensions); {kinds['unit']:,} unit, {kinds['head']:,} head "
        f"and {kinds['person']:,} person ratings; {records:,} responsibility records; "
        f"runs {', '.join(f'{s:.2f}' for s in runs)} s"
    )
    unrate()
    tracemalloc.start()
    generate(close)
    peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rerun_s, _ = timed(lambda: generate(close))
    rating_round = RatingRound.objects.get(month=MONTH, scope="civil_service")
    assert Rating.objects.filter(round__month=MONTH).count() == sum(kinds.values())
    assert Responsibility.objects.count() == records
    people_s, people, people_tasks = naive_sample(rating_round, Rating.Kind.PERSON, NAIVE_PEOPLE)
    units_s, units, units_tasks = naive_sample(rating_round, Rating.Kind.UNIT, NAIVE_UNITS)
    naive_s = people_s + units_s
    print(
        f"{BENCH} [{database}]: the naive loop agrees with the stored figures of "
        f"{NAIVE_PEOPLE} person ratings ({people_tasks:,} tasks) and {NAIVE_UNITS} unit ratings "
        f"({units_tasks:,} tasks)"
    )
    emit(
        BENCH,
        f"{database}: baseline, naive per-person ORM loop ({NAIVE_PEOPLE} persons + "
        f"{NAIVE_UNITS} units timed, scaled to {people:,} + {units:,})",
        naive_s,
        "s",
    )
    on_pg = database == "postgres"
    emit(
        BENCH,
        f"{database}: generate_round {MONTH:%Y-%m}, median of {REPEAT}",
        generate_s,
        "s",
        target=f"< {GENERATE_TARGET_S:g} s" if on_pg else "",
        ok=generate_s < GENERATE_TARGET_S,
        ratio=f"naive/generate = {naive_s / generate_s:.1f}x",
    )
    emit(
        BENCH,
        f"{database}:   speed-up over the naive loop",
        round(naive_s / generate_s, 1),
        "x",
        target=f">= {RATIO_TARGET:g}x",
        ok=naive_s / generate_s >= RATIO_TARGET,
    )
    emit(BENCH, f"{database}:   peak Python memory of a round (tracemalloc)", peak_mb, "MB")
    emit(BENCH, f"{database}:   process peak RSS after set-up and rounds", rss_mb, "MB")
    emit(BENCH, f"{database}: generate_round again, nothing changed", rerun_s, "s")
    emit(
        BENCH,
        f"{database}: record_responsibilities at the close ({records:,} records), also run "
        "by the close, not part of the rating",
        responsibilities_s,
        "s",
    )
    emit(
        BENCH, f"{database}: record_responsibilities again (upsert)", responsibilities_again_s, "s"
    )
    measure_year(database, rating_round)


def strong(unit_id: int) -> bool:
    """One unit in STRONG_EVERY whose people are rated high through the copied months."""
    return unit_id % STRONG_EVERY == 0


def other_months(october: Any) -> int:
    """Eleven more closed and rated months of 2026 for the Decree 335 scope: October's ratings
    copied into each, their totals moved by −10 … +10 points (a hash of the rating and the
    month), so that bands vary from month to month. October's totals are task points alone (no
    general points assessed: at most 70), so nobody would reach the excellent band over the
    year: in one unit in STRONG_EVERY (`strong`) the heads' and civil servants' copied totals
    are drawn from 85 … 100 instead, so that about half of them average 90 or more and the
    cap of point 5(a) has to move some of them. Returns the rows written."""
    from decimal import Decimal

    from django.utils import timezone

    from cchc.core.bulk import insert_rows
    from cchc.plans.models import MonthClose
    from cchc.ratings.models import Rating, RatingRound

    rows = list(Rating.objects.filter(round=october).order_by("pk"))
    written = 0
    for number in [m for m in range(1, 13) if m != MONTH.month]:
        month = datetime.date(2026, number, 1)
        close = MonthClose.objects.create(month=month, closed_at=timezone.now())
        rating_round = RatingRound.objects.create(
            month=month,
            scope=october.scope,
            close=close,
            policy=october.policy,
            generated_at=timezone.now(),
        )
        copies = []
        for index, rating in enumerate(rows):
            copy = Rating(
                **{f.attname: getattr(rating, f.attname) for f in Rating._meta.concrete_fields}
            )
            copy.pk = None
            copy.round_id = rating_round.pk
            drawn = (index * 2654435761 + number * 40503) % 4294967296
            if rating.kind != Rating.Kind.UNIT and strong(rating.unit_id):
                copy.total = Decimal(85 + drawn % 16)
            else:
                copy.total = min(max(rating.total + (drawn % 21 - 10), Decimal(0)), Decimal(100))
            copies.append(copy)
        insert_rows(Rating, copies)
        written += len(copies)
    return written


def naive_year(year: int, keys: list[tuple[str, int, int | None]]) -> tuple[float, dict[Any, Any]]:
    """The naive yearly loop: per classified line, its months through the ORM (one query
    each), averaged in Python. Returns (seconds, key → average)."""
    from decimal import Decimal

    from cchc.ratings.models import Rating, cents

    averages = {}
    began = time.perf_counter()
    for kind, unit_id, person_id in keys:
        months = Rating.objects.filter(
            round__month__year=year,
            round__scope="civil_service",
            kind=kind,
            unit_id=unit_id,
            person_id=person_id,
        ).values_list("total", "days_held", "month_days")
        weight = total = Decimal(0)
        for points, held, days in months:
            share = Decimal(held) / Decimal(days) if held is not None else Decimal(1)
            weight += share
            total += share * points
        averages[(kind, unit_id, person_id)] = cents(total / weight)
    return time.perf_counter() - began, averages


def naive_cap(groups: list[list[Any]], averages: dict[Any, Any]) -> tuple[float, int]:
    """The cap of point 5(a) applied naively to `groups` (the lines of one unit's single group,
    their naive averages in `averages`): each line's band by the thresholds, then, trying
    E = candidates, candidates − 1, … until "E ≤ 20% × the number finally rated good" holds
    (the moved candidates counted good), the lowest candidates rated good. Checks each line's
    band and cap mark against classify_year's. Returns (seconds, lines moved)."""
    from cchc.ratings.models import Band

    began = time.perf_counter()
    moved = 0

    def key(line: Any) -> tuple[str, int, int | None]:
        return (line.kind, line.unit_id, line.person_id)

    for members in groups:
        bands = {}
        for line in members:
            points = averages[key(line)]
            bands[key(line)] = (
                Band.EXCELLENT
                if points >= 90
                else Band.GOOD
                if points >= 70
                else Band.COMPLETE
                if points >= 50
                else Band.NOT_COMPLETE
            )
        candidates = sorted(
            (line for line in members if bands[key(line)] == Band.EXCELLENT),
            key=lambda line: (-averages[key(line)], line.label),
        )
        good = sum(1 for line in members if bands[key(line)] == Band.GOOD)
        allowed = len(candidates)
        while allowed > 0 and allowed * 5 > good + len(candidates) - allowed:
            allowed -= 1
        moved_keys = {key(line) for line in candidates[allowed:]}
        for found in moved_keys:
            bands[found] = Band.GOOD
        moved += len(moved_keys)
        for line in members:
            expected = (bands[key(line)], key(line) in moved_keys)
            assert expected == (line.band, line.cap_applied), line.label
    return time.perf_counter() - began, moved


def measure_year(database: str, october: Any) -> None:
    from cchc.ratings.models import Rating
    from cchc.ratings.yearly import classify_year

    written = other_months(october)
    runs = [timed(lambda: classify_year(2026, today=YEAR_TODAY))[0] for _ in range(REPEAT)]
    year_s = statistics.median(runs)
    result = classify_year(2026, today=YEAR_TODAY)
    lines = [line for line in result.lines if line.kind != Rating.Kind.UNIT]
    step = max(1, len(lines) // NAIVE_YEAR_LINES)
    chosen = lines[::step][:NAIVE_YEAR_LINES]
    naive_s, averages = naive_year(2026, [(x.kind, x.unit_id, x.person_id) for x in chosen])
    for line in chosen:
        assert averages[(line.kind, line.unit_id, line.person_id)] == line.total, line.label
    naive_s = naive_s / len(chosen) * len(result.lines)
    capped = sum(line.cap_applied for line in result.lines)
    assert capped, "no line reached the cap: the copied months' spread is wrong"
    # The cap checked naively on NAIVE_CAP_GROUPS groups where it moved someone (no decision
    # forces anyone there, so the thresholds and the cap alone decide).
    by_group: dict[Any, list[Any]] = {}
    for line in result.lines:
        if line.kind != Rating.Kind.UNIT:
            by_group.setdefault(line.cap_key, []).append(line)
    moved_groups = [
        members
        for members in by_group.values()
        if any(x.cap_applied for x in members) and not any(x.discipline_id for x in members)
    ]
    sampled = moved_groups[:: max(1, len(moved_groups) // NAIVE_CAP_GROUPS)][:NAIVE_CAP_GROUPS]
    cap_lines = [line for members in sampled for line in members]
    _cap_avg_s, cap_averages = naive_year(
        2026, [(x.kind, x.unit_id, x.person_id) for x in cap_lines]
    )
    for line in cap_lines:
        assert cap_averages[(line.kind, line.unit_id, line.person_id)] == line.total, line.label
    cap_s, cap_moved = naive_cap(sampled, cap_averages)
    naive_s += cap_s / len(cap_lines) * sum(len(g) for g in by_group.values())
    print(
        f"{BENCH} [{database}]: 2026 classified from 12 rated months ({written:,} copied "
        f"ratings + October's): {len(result.lines):,} lines, {capped:,} moved by the cap "
        f"({len(moved_groups):,} groups where it moved someone and no decision forces anyone); "
        f"the naive loop agrees on {len(chosen)} lines' "
        f"averages and on the bands and cap marks of {len(cap_lines)} lines of "
        f"{len(sampled)} capped groups ({cap_moved} moved); runs "
        f"{', '.join(f'{s:.2f}' for s in runs)} s"
    )
    emit(BENCH, f"{database}: lines moved to good by the cap (point 5(a))", capped, "")
    emit(
        BENCH,
        f"{database}: baseline, naive per-line ORM loop ({len(chosen)} lines timed, scaled to "
        f"{len(result.lines):,})",
        naive_s,
        "s",
    )
    emit(
        BENCH,
        f"{database}: classify_year 2026 (rate_year), median of {REPEAT}",
        year_s,
        "s",
        target=f"< {YEAR_TARGET_S:g} s",
        ok=year_s < YEAR_TARGET_S,
        ratio=f"naive/classify = {naive_s / year_s:.1f}x",
    )


if __name__ == "__main__":
    sys.exit(
        run_on_databases(sys.argv[1:], bench=BENCH, script=__file__, pg_url=PG_URL, measure=measure)
    )

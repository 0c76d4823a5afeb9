"""Closing a month at city scale: 600 units, 100,000 tasks, 300,000 progress reports.

Set-up (not timed, not app data): one issued city plan with 2,000 parent tasks, each assigned to
49 of 600 wards (98,000 leaf tasks, 100,000 tasks in all) across the eight content areas, with
1,200 responsible people, deadlines through 2026, 45 % of the leaves completed (some late),
300,000 progress reports and 30,000 quality reviews spread over the year. Tasks, reports and
reviews are written with executemany in batches of 5,000 into the models' tables (see
`Inserter`), the few units, people and the plan with the ORM.

Measured, for June 2026, on SQLite and on PostgreSQL (each in its own process, so that the
memory figures are its own):
- `close_month` (tally_month's aggregate queries + the TallyRow snapshot written): median of
  three closes (the month is reopened between them, untimed), then once more under tracemalloc
  for the peak of Python allocations; ru_maxrss of the process after closing;
- baseline in the same process: the naive per-task loop over the ORM (`naive_per_task`: for
  each task its status, its reviews of the month and its unit's reports through the task's
  relations: queries per task). It is timed on the first NAIVE_SAMPLE tasks and scaled to all
  of them, which keeps the run short; the figure says so.
- a correctness check: `naive_tally`, an in-memory loop with no query per task, computes the
  same figures; its city totals and its units that did not report must equal the close's, so
  the benchmark also proves the aggregate tally right at this size;
- the briefing page of the closed month for a city administrator: median server time of five
  requests and its query count (targets < 300 ms, at most 15 queries).

Run: .venv/bin/python bench/tally.py [sqlite|postgres] (or `make bench` for all benchmarks).
PostgreSQL: a database cchc_bench on postgres://postgres@127.0.0.1:5432 is created and dropped
(override with CCHC_BENCH_PG_URL); it is skipped with a message when the server is not reachable.
"""

import datetime
import os
import random
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

from _common import emit, max_rss_mb, run_on_databases, timed

BENCH = "tally"
UNITS = 600
PARENTS = 2_000
CHILDREN = 49  # per parent: 98,000 leaves + 2,000 parents = 100,000 tasks
REPORTS = 300_000
REVIEW_EVERY = 10  # one report in ten has a quality review
BATCH = 5_000
MONTH = datetime.date(2026, 6, 1)
YEAR_START = datetime.date(2026, 1, 5)
CLOSE_TARGET_S = 3.0
RATIO_TARGET = 20.0
MEMORY_TARGET_MB = 400.0
PAGE_TARGET_S = 0.3
PAGE_MAX_QUERIES = 15
NAIVE_SAMPLE = 5_000
PG_URL = os.environ.get("CCHC_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/cchc_bench")


def aware(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


class Inserter:
    """Rows written in the models' own tables and columns: executemany BATCH at a time on
    SQLite, COPY on PostgreSQL.

    bulk_create spends ~0.2 ms of Python per object compiling its INSERT (60 s for these
    400,000 rows), which would make the set-up, not the close, the slow part of the benchmark.
    Columns a row does not name get the field's default; ids are given, so no RETURNING.
    """

    def __init__(self, model: Any) -> None:
        from django.db import connection, models

        self.connection = connection
        self.fields = model._meta.concrete_fields
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from _meta
            connection.ops.quote_name(model._meta.db_table),
            ", ".join(connection.ops.quote_name(f.column) for f in self.fields),
            ", ".join(["%s"] * len(self.fields)),
        )
        self.copy_sql = "COPY {} ({}) FROM STDIN".format(
            connection.ops.quote_name(model._meta.db_table),
            ", ".join(connection.ops.quote_name(f.column) for f in self.fields),
        )
        ops = connection.ops
        self.adapt: dict[str, Any] = {}
        for field in self.fields:
            if isinstance(field, models.DateTimeField):
                self.adapt[field.attname] = ops.adapt_datetimefield_value
            elif isinstance(field, models.DateField):
                self.adapt[field.attname] = ops.adapt_datefield_value
            elif isinstance(field, models.DecimalField):
                self.adapt[field.attname] = str
        self.defaults = {
            f.attname: None if f.null else self._adapted(f.attname, f.get_default())
            for f in self.fields
        }

    def _adapted(self, name: str, value: Any) -> Any:
        adapt = self.adapt.get(name)
        return adapt(value) if adapt is not None and value is not None else value

    def __call__(self, rows: Iterator[dict[str, Any]]) -> int:
        names = [f.attname for f in self.fields]
        values = (
            [
                self._adapted(name, row[name]) if name in row else self.defaults[name]
                for name in names
            ]
            for row in rows
        )
        if self.connection.vendor == "postgresql":
            return self._copy(values)
        count = 0
        batch: list[list[Any]] = []
        with self.connection.cursor() as cursor:
            for row_values in values:
                batch.append(row_values)
                if len(batch) == BATCH:
                    cursor.executemany(self.sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(self.sql, batch)
                count += len(batch)
        return count

    def _copy(self, values: Iterator[list[Any]]) -> int:
        """PostgreSQL: COPY, since psycopg's client-side cursor runs executemany row by row."""
        count = 0
        with self.connection.cursor() as cursor, cursor.cursor.copy(self.copy_sql) as copy:
            for row_values in values:
                copy.write_row(row_values)
                count += 1
        return count


def build() -> dict[str, int]:
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from cchc.accounts.models import User
    from cchc.orgunits.models import OrgUnit
    from cchc.plans.models import ContentArea, Plan, ProgressReport, QualityReview, Task

    rng = random.Random(2026)  # noqa: S311 - repeatable test data, not secrets
    with transaction.atomic():
        city = OrgUnit.objects.create(
            code="01", kind="province", name="Thành phố Hà Nội", path="/01/", search_name="ha noi"
        )
        units = OrgUnit.objects.bulk_create(
            OrgUnit(
                code=f"B{n:04d}",
                kind="ward",
                name=f"Phường Thử {n}",
                parent=city,
                path=f"/01/B{n:04d}/",
                depth=1,
                search_name=f"phuong thu {n}",
            )
            for n in range(UNITS)
        )
        people = User.objects.bulk_create(
            User(username=f"canbo{n}", full_name=f"Cán Bộ {n}", password="!")  # noqa: S106
            for n in range(2 * UNITS)
        )
        areas = [area.pk for area in ContentArea.objects.all()]
        plan = Plan.objects.create(
            year=2026,
            unit=city,
            title="Kế hoạch CCHC năm 2026",
            status=Plan.Status.ISSUED,
            document_number="01/KH-UBND",
            document_date=YEAR_START,
            issued_at=aware(YEAR_START),
        )
        created = aware(YEAR_START + datetime.timedelta(days=1))
        task = {
            "plan_id": plan.pk,
            "created_at": created,
            "updated_at": created,
            "assigned_on": YEAR_START,
        }
        lead: dict[int, int] = {}

        def deadline(n: int) -> datetime.date:
            return YEAR_START + datetime.timedelta(days=10 + (n * 37) % 350)

        def tasks() -> Iterator[dict[str, Any]]:
            for n in range(PARENTS):
                yield {
                    **task,
                    "id": n + 1,
                    "code": f"NV{n:04d}",
                    "title": f"Nhiệm vụ {n}",
                    "area_id": areas[n % len(areas)],
                    "lead_unit_id": city.pk,
                    "deadline": deadline(n),
                    "original_deadline": deadline(n),
                }
            for index in range(PARENTS * CHILDREN):
                n, unit = index // CHILDREN, units[index % UNITS]
                due, done = deadline(n), None
                if rng.random() < 0.45:
                    late_by = datetime.timedelta(days=rng.randint(-30, 12))
                    done = min(due + late_by, datetime.date(2026, 11, 20))
                lead[PARENTS + index + 1] = unit.pk
                yield {
                    **task,
                    "id": PARENTS + index + 1,
                    "code": f"NV{n:04d}.{unit.code}",
                    "title": f"Nhiệm vụ {n}",
                    "area_id": areas[n % len(areas)],
                    "lead_unit_id": unit.pk,
                    "responsible_id": people[2 * (index % UNITS) + (index // UNITS) % 2].pk,
                    "deadline": due,
                    "original_deadline": due,
                    "parent_id": n + 1,
                    "progress": 100 if done else rng.randint(0, 90),
                    "completed_on": done,
                }

        Inserter(Task)(tasks())
        leaves = PARENTS * CHILDREN
        authors = {unit.pk: people[2 * n].pk for n, unit in enumerate(units)}
        submitted: dict[int, datetime.datetime] = {}

        def reports() -> Iterator[dict[str, Any]]:
            for n in range(REPORTS):
                task_id = PARENTS + 1 + n % leaves
                when = aware(YEAR_START + datetime.timedelta(days=rng.randint(5, 320)))
                if n % REVIEW_EVERY == 0:
                    submitted[n + 1] = when
                yield {
                    "id": n + 1,
                    "task_id": task_id,
                    "author_id": authors[lead[task_id]],
                    "percent": rng.randint(10, 100),
                    "narrative": "Đã triển khai theo kế hoạch",
                    "status": ProgressReport.Status.ACCEPTED,
                    "submitted_at": when,
                }

        Inserter(ProgressReport)(reports())
        Inserter(QualityReview)(
            {
                "id": n + 1,
                "task_id": PARENTS + 1 + (pk - 1) % leaves,
                "report_id": pk,
                "passed": rng.random() < 0.8,
                "comment": "",
                "reviewer_id": people[0].pk,
                "created_at": when + datetime.timedelta(days=2),
            }
            for n, (pk, when) in enumerate(submitted.items())
        )
        with connection.cursor() as cursor:  # the ids were given: move the sequences on
            for sql in connection.ops.sequence_reset_sql(
                no_style(), [Task, ProgressReport, QualityReview]
            ):
                cursor.execute(sql)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # autovacuum would have, on a live database
            cursor.execute("ANALYZE")
    return {
        "units": UNITS,
        "tasks": Task.objects.count(),
        "reports": ProgressReport.objects.count(),
        "reviews": QualityReview.objects.count(),
    }


def naive_tally(month: datetime.date) -> dict[str, Counter[str]]:
    """What a first version would do: iterate the tasks as model objects, call `status_on`
    and count in dicts; then the month's reviews and reports, row by row, the same way (no
    query per task: that would only make the baseline slower). Returns counts per scope key."""
    from cchc.plans.models import ProgressReport, QualityReview
    from cchc.plans.queries import day_start, month_bounds, year_tasks

    first, last = month_bounds(month)
    start, end = day_start(first), day_start(last + datetime.timedelta(days=1))
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    keys_of: dict[int, list[str]] = {}
    for task in year_tasks(last):
        keys = ["city", f"unit:{task.lead_unit_id}", f"area:{task.area_id}"]
        if task.responsible_id:
            keys.append(f"person:{task.responsible_id}")
        keys_of[task.pk] = keys
        status = task.status_on(last)
        for key in keys:
            row = counts[key]
            row["assigned"] += 1
            row[status] += 1
            row["due_in_month"] += first <= task.deadline <= last
    month_reviews = QualityReview.objects.filter(
        report__submitted_at__gte=start, report__submitted_at__lt=end
    )
    for review in month_reviews:
        for key in keys_of.get(review.task_id, []):
            counts[key]["reviewed"] += 1
            counts[key]["reviews_passed"] += review.passed
    month_reports = ProgressReport.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    for report in month_reports.select_related("task"):
        counts[f"unit:{report.task.lead_unit_id}"]["reported"] = 1
    return counts


def naive_per_task(month: datetime.date, sample: int) -> tuple[float, int]:
    """The baseline: the per-task loop over the ORM a first version would write — for each
    task, its status, then its reviews of the month and whether its unit reported, each read
    through the task's relations (queries per task). Timed on the first `sample` counted tasks;
    returns (seconds for the sample, number of counted tasks) so the caller scales it."""
    from cchc.plans.queries import day_start, month_bounds, year_tasks

    first, last = month_bounds(month)
    start, end = day_start(first), day_start(last + datetime.timedelta(days=1))
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    total = year_tasks(last).count()
    began = time.perf_counter()
    for task in year_tasks(last).order_by("pk")[:sample]:
        row = counts[f"unit:{task.lead_unit_id}"]
        row[task.status_on(last)] += 1
        for review in task.reviews.filter(
            report__submitted_at__gte=start, report__submitted_at__lt=end
        ):
            row["reviewed"] += 1
            row["reviews_passed"] += review.passed
        row["reported"] |= task.reports.filter(
            submitted_at__gte=start, submitted_at__lt=end
        ).exists()
    return time.perf_counter() - began, total


def briefing_page(month: datetime.date) -> tuple[float, int]:
    """Median server time (5 requests after a warm-up) and query count of the briefing page of
    `month` for a city administrator, through the whole middleware stack."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cchc.accounts.models import User

    admin = User.objects.create_superuser("bench-admin", password=None)
    client = Client()
    client.force_login(admin)
    url = f"/briefing/{month.year}/{month.month}/"
    assert client.get(url).status_code == 200
    runs = []
    for _ in range(5):
        began = time.perf_counter()
        assert client.get(url).status_code == 200
        runs.append(time.perf_counter() - began)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return sorted(runs)[2], len(queries.captured_queries)


def close_once() -> Any:
    from cchc.plans.actions import close_month

    return close_month(MONTH, actor=None)


def reopen(close: Any) -> None:
    from cchc.plans.actions import reopen_month

    reopen_month(close, actor=None, reason="benchmark")


def measure(database: str) -> None:
    from cchc.plans.models import TallyRow

    start = time.perf_counter()
    sizes = build()
    print(
        f"{BENCH} [{database}]: built {sizes['units']} units, {sizes['tasks']:,} tasks, "
        f"{sizes['reports']:,} reports, {sizes['reviews']:,} reviews "
        f"in {time.perf_counter() - start:.1f} s"
    )
    seconds, close = timed(close_once)
    runs = [seconds]
    for _ in range(2):
        reopen(close)
        runs.append(timed(close_once)[0])
    close_s = sorted(runs)[1]
    reopen(close)
    tracemalloc.start()
    close_once()
    peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    rss_mb = max_rss_mb()
    city = close.rows.get(scope=TallyRow.Scope.CITY)
    _loop_s, naive = timed(lambda: naive_tally(MONTH))
    sample_s, counted = naive_per_task(MONTH, NAIVE_SAMPLE)
    naive_s = sample_s * counted / NAIVE_SAMPLE
    expected = {
        "assigned": city.assigned,
        "on_time": city.on_time,
        "late": city.late,
        "in_term": city.in_term,
        "overdue": city.overdue,
        "due_in_month": city.due_in_month,
        "reviewed": city.reviewed,
        "reviews_passed": city.reviews_passed,
    }
    assert {name: naive["city"][name] for name in expected} == expected, (naive["city"], expected)
    not_reported = close.rows.filter(scope=TallyRow.Scope.UNIT, reported_in_month=False).count()
    naive_not_reported = sum(
        1 for k, c in naive.items() if k.startswith("unit:") and not c["reported"]
    )
    assert not_reported == naive_not_reported, (not_reported, naive_not_reported)
    print(
        f"{BENCH} [{database}]: {MONTH:%m/%Y}: {city.assigned:,} tasks, {city.on_time:,} on time, "
        f"{city.late:,} late, {city.in_term:,} in term, {city.overdue:,} overdue; "
        f"{close.rows.count():,} rows; the naive loop agrees"
    )
    emit(
        BENCH,
        f"{database}: baseline, naive per-task ORM loop "
        f"({NAIVE_SAMPLE:,} tasks timed, scaled to {counted:,})",
        naive_s,
        "s",
    )
    emit(
        BENCH,
        f"{database}: close_month {MONTH:%Y-%m}, median of 3",
        close_s,
        "s",
        target=f"< {CLOSE_TARGET_S:g} s",
        ok=close_s < CLOSE_TARGET_S,
        ratio=f"naive/close = {naive_s / close_s:.1f}x",
    )
    emit(
        BENCH,
        f"{database}:   speed-up over the naive loop",
        round(naive_s / close_s, 1),
        "x",
        target=f">= {RATIO_TARGET:g}x",
        ok=naive_s / close_s >= RATIO_TARGET,
    )
    emit(
        BENCH,
        f"{database}:   peak Python memory of a close (tracemalloc)",
        peak_mb,
        "MB",
        target=f"< {MEMORY_TARGET_MB:g} MB",
        ok=peak_mb < MEMORY_TARGET_MB,
    )
    emit(
        BENCH,
        f"{database}:   process peak RSS after set-up and closes",
        rss_mb,
        "MB",
        target=f"< {MEMORY_TARGET_MB:g} MB",
        ok=rss_mb < MEMORY_TARGET_MB,
    )
    page_s, page_queries = briefing_page(MONTH)
    emit(
        BENCH,
        f"{database}: briefing page {MONTH:%m/%Y}, median of 5",
        page_s,
        "s",
        target=f"< {PAGE_TARGET_S:g} s",
        ok=page_s < PAGE_TARGET_S,
    )
    emit(
        BENCH,
        f"{database}:   briefing page queries",
        page_queries,
        "",
        target=f"<= {PAGE_MAX_QUERIES}",
        ok=page_queries <= PAGE_MAX_QUERIES,
    )


if __name__ == "__main__":
    sys.exit(
        run_on_databases(sys.argv[1:], bench=BENCH, script=__file__, pg_url=PG_URL, measure=measure)
    )

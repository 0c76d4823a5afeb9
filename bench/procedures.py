"""Procedures at scale: 2,000 procedures with 10 internal workflows each (issue #8).

Set-up (not timed, not app data): a city with 10 departments and 200 wards, 2,000 procedures
(half provincial, implemented by the 10 departments; half commune-level, implemented by 10 of
the wards each; two in three related to production and business, all with 2024 baselines), a
2025 review campaign with one review per procedure, 600 approved
simplification plans priced with `scoring` and 10 approved workflows per procedure (one per
implementing unit, 20,000 in all) with 4 steps each (80,000), written with bulk_create.

Measured, on SQLite and on PostgreSQL (each in its own process):
- the catalogue page /procedures/ and the overview page /procedures/overview/?year=2025, as a
  city administrator (everything) and as the focal point of one ward (scoped): median server
  time of 5 requests after a warm-up (target < 300 ms) and the query count (at most 15);
- baseline in the same process: the naive loops a first version would write: for the catalogue,
  every procedure the user sees loaded with its units one query per row, sorted in Python, the
  first 50 kept (they must equal the page's rows); for the overview, every review, plan and
  workflow loaded and its procedure's field and unit read one query at a time, tallied in
  Python (the totals must equal the page's), plus the target's costs (every procedure in scope
  with its latest approved plan read one query at a time; they must equal target_progress's);
- the catalogue XLSX of the 2,000 procedures (no target; the figure is printed).

Run: .venv/bin/python bench/procedures.py [sqlite|postgres]. PostgreSQL: a database
cchc_bench_procedures on postgres://postgres@127.0.0.1:5432 is created and dropped
(CCHC_BENCH_PG_URL overrides the server part); skipped with a message when not reachable.
"""

import datetime
import functools
import os
import random
import re
import statistics
import sys
import time
from decimal import Decimal
from typing import Any

from _common import emit, run_on_databases, timed

BENCH = "procedures"
DEPARTMENTS = 10
WARDS = 200
PROCEDURES = 2_000
WORKFLOWS_PER = 10
STEPS_PER = 4
PLANS = 600
YEAR = 2025
PAGE_TARGET_S = 0.3
PAGE_MAX_QUERIES = 15
PAGE_ROWS = 50
REPEAT = 5
BATCH = 5_000
PG_SERVER = os.environ.get("CCHC_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/x")
PG_URL = PG_SERVER.rsplit("/", 1)[0] + "/cchc_bench_procedures"
FIELDS = ["Hộ tịch", "Chứng thực", "Xây dựng", "Đất đai", "Y tế", "Giáo dục", "Công Thương"]


def _units() -> tuple[Any, list[Any], list[Any]]:
    from cchc.orgunits.models import OrgUnit

    city = OrgUnit.objects.create(
        code="01", kind="province", name="Thành phố Hà Nội", path="/01/", search_name="ha noi"
    )

    def unit(code: str, kind: str, name: str) -> Any:
        return OrgUnit(
            code=code,
            kind=kind,
            name=name,
            parent=city,
            path=f"/01/{code}/",
            depth=1,
            search_name=name.lower(),
        )

    departments = OrgUnit.objects.bulk_create(
        unit(f"01-S{n:02d}", "department", f"Sở Thử {n:02d}") for n in range(DEPARTMENTS)
    )
    wards = OrgUnit.objects.bulk_create(
        unit(f"P{n:04d}", "ward", f"Phường Thử {n:03d}") for n in range(WARDS)
    )
    return city, departments, wards


def build() -> dict[str, Any]:
    """Units, people and the procedures with everything under them."""
    from django.db import transaction

    from cchc.accounts.models import Membership, User
    from cchc.procedures import scoring
    from cchc.procedures.models import (
        Procedure,
        Review,
        ReviewCampaign,
        SimplificationPlan,
        Workflow,
        WorkflowStep,
    )

    rng = random.Random(2025)  # noqa: S311 - repeatable test data, not secrets
    decided = datetime.date(YEAR, 9, 15)
    with transaction.atomic():
        admin = User.objects.create_superuser("bench-admin", password=None)
        officer = User.objects.create_user("bench-officer", password=None)
        city, departments, wards = _units()
        Membership.objects.create(user=officer, unit=wards[0], role="focal_point")
        procedures = Procedure.objects.bulk_create(
            Procedure(
                code=f"{n // 1000 + 1}.{n:06d}",
                name=f"Thủ tục thử số {n}",
                search_name=f"{n // 1000 + 1}.{n:06d} thu tuc thu so {n}",
                field=FIELDS[n % len(FIELDS)],
                level="province" if n % 2 else "commune",
                processing_days=Decimal(3 + n % 20),
                fees=(n % 5) * 50_000,
                documents=[{"name": "Tờ khai", "originals": 1, "copies": 0}] * (1 + n % 4),
                online_level=("full", "partial", "none")[n % 3],
                business_related=n % 3 != 0,
                baseline_year=2024,
                baseline_days=Decimal(3 + n % 20 + n % 5),
                baseline_cost=1_000_000 * (1 + n % 7) * 1_000,
            )
            for n in range(PROCEDURES)
        )
        through = Procedure.units.through
        implementing = {
            p.pk: departments if p.level == "province" else rng.sample(wards, WORKFLOWS_PER)
            for p in procedures
        }
        through.objects.bulk_create(
            (
                through(procedure_id=p, orgunit_id=u.pk)
                for p, us in implementing.items()
                for u in us
            ),
            batch_size=BATCH,
        )
        campaign = ReviewCampaign.objects.create(
            title=f"Rà soát {YEAR}",
            year=YEAR,
            unit=city,
            deadline=datetime.date(YEAR, 8, 31),
            status="approved",
            decision_number="1/QĐ",
            decision_date=decided,
        )
        proposals = ["keep", "simplify", "simplify", "abolish", "delegate", "merge"]
        Review.objects.bulk_create(
            (
                Review(
                    campaign=campaign,
                    procedure=p,
                    unit=implementing[p.pk][0],
                    findings="Rà soát",
                    proposal=proposals[i % len(proposals)],
                    reasons="Lý do",
                )
                for i, p in enumerate(procedures)
            ),
            batch_size=BATCH,
        )
        plans = []
        for p in procedures[:PLANS]:
            hours = p.processing_days * 8
            result = scoring.compare(
                scoring.Burden(hours=hours, fees=p.fees, subjects=1000),
                scoring.Burden(hours=hours * Decimal("0.7"), fees=p.fees, subjects=1000),
                40_000,
            )
            plans.append(
                SimplificationPlan(
                    procedure=p,
                    unit=implementing[p.pk][0],
                    year=YEAR,
                    hours_before=hours,
                    hours_after=hours * Decimal("0.7"),
                    fees_before=p.fees,
                    fees_after=p.fees,
                    subjects_per_year=1000,
                    hourly_value=40_000,
                    cost_before=result.before.yearly,
                    cost_after=result.after.yearly,
                    saving=result.saving,
                    cut_pct=result.cut_pct,
                    status="approved",
                    decision_number="2/QĐ",
                    decision_date=decided,
                )
            )
        SimplificationPlan.objects.bulk_create(plans, batch_size=BATCH)
        workflows = Workflow.objects.bulk_create(
            (
                Workflow(
                    procedure=p,
                    unit=u,
                    total_hours=Decimal(STEPS_PER * 4),
                    status="approved",
                    decision_number="3/QĐ",
                    decision_date=decided,
                )
                for p in procedures
                for u in implementing[p.pk]
            ),
            batch_size=BATCH,
        )
        WorkflowStep.objects.bulk_create(
            (
                WorkflowStep(workflow=w, order=s, actor=f"Bộ phận {s}", work="Xử lý", hours=4)
                for w in workflows
                for s in range(1, STEPS_PER + 1)
            ),
            batch_size=BATCH,
        )
    return {"admin": admin, "officer": officer}


def naive_catalogue(user: Any) -> list[int]:
    """The catalogue page as a first version would compute it."""
    from cchc.orgunits.models import OrgUnit
    from cchc.procedures.models import Procedure

    visible = set(OrgUnit.objects.visible_to(user).values_list("pk", flat=True))
    rows = []
    for procedure in Procedure.objects.all():
        units = list(procedure.units.all())  # one query per procedure
        if user.is_city_admin or any(unit.pk in visible for unit in units):
            rows.append(procedure)
    rows.sort(key=lambda p: p.code)
    return [p.pk for p in rows[:PAGE_ROWS]]


def naive_target(user: Any) -> tuple[int, int]:
    """The year's compliance cost of the procedures in scope in the baseline year and now, as
    a first version would compute them: each procedure the user sees, its latest approved plan
    read one query at a time."""
    from cchc.procedures.models import Procedure

    before = after = 0
    for procedure in Procedure.objects.for_user(user).filter(business_related=True):
        plans = procedure.simplification_plans.filter(
            status="approved", decision_date__year__lte=YEAR
        ).order_by("-decision_date", "-pk")
        latest = plans.first()
        before += procedure.baseline_cost or 0
        after += latest.cost_after if latest else procedure.baseline_cost or 0
    return before, after


def naive_overview(user: Any) -> tuple[int, int, int, int]:
    """The overview's totals as a first version would tally them, row by row."""
    from cchc.orgunits.models import OrgUnit
    from cchc.procedures.models import Review, SimplificationPlan, Workflow

    visible = set(OrgUnit.objects.visible_to(user).values_list("pk", flat=True))
    by_field: dict[str, int] = {}
    reviewed = plans = workflows = saving = 0
    for review in Review.objects.all():
        if review.campaign.year == YEAR and review.unit_id in visible:
            reviewed += 1
            by_field[review.procedure.field] = by_field.get(review.procedure.field, 0) + 1
    for plan in SimplificationPlan.objects.all():
        if (
            plan.status == "approved"
            and plan.decision_date.year == YEAR
            and plan.unit_id in visible
        ):
            plans += 1
            saving += plan.saving
            _ = (plan.procedure.field, plan.unit.name)
    for workflow in Workflow.objects.all():
        in_year = workflow.status != "draft" and workflow.decision_date.year == YEAR
        if in_year and workflow.unit_id in visible:
            workflows += 1
            _ = (workflow.procedure.field, workflow.unit.name)
    return reviewed, plans, workflows, saving


def page(client: Any, url: str) -> tuple[float, int, float]:
    """Median server time of REPEAT requests after a warm-up, the query count, and the median
    CPU time of this process per request (SQLite runs in it: on a loaded machine the part that
    does not wait for a core; on PostgreSQL the server's share is not in it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200
    runs, cpu = [], []
    for _ in range(REPEAT):
        began, began_cpu = time.perf_counter(), time.process_time()
        assert client.get(url).status_code == 200
        runs.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(runs), len(queries.captured_queries), statistics.median(cpu)


def report(
    database: str,
    name: str,
    persona: str,
    page_s: float,
    queries: int,
    naive_s: float,
    cpu_s: float,
) -> None:
    emit(
        BENCH, f"{database}: baseline, naive loop for the {name} ({persona})", 1000 * naive_s, "ms"
    )
    emit(
        BENCH,
        f"{database}: {name} page ({persona}), median of {REPEAT}",
        1000 * page_s,
        "ms",
        target=f"< {1000 * PAGE_TARGET_S:g} ms",
        ok=page_s < PAGE_TARGET_S,
        ratio=f"naive/page = {naive_s / page_s:.0f}x",
    )
    emit(
        BENCH,
        f"{database}:   {name} page ({persona}), CPU time of this process",
        1000 * cpu_s,
        "ms",
    )
    emit(
        BENCH,
        f"{database}:   {name} page ({persona}) queries",
        queries,
        "",
        target=f"<= {PAGE_MAX_QUERIES}",
        ok=queries <= PAGE_MAX_QUERIES,
    )


def measure(database: str) -> None:
    from django.conf import settings
    from django.test import Client

    from cchc.procedures import queries as procedure_queries
    from cchc.procedures.models import Workflow, WorkflowStep

    settings.ALLOWED_HOSTS = ["*"]
    start = time.perf_counter()
    built = build()
    print(
        f"{BENCH} [{database}]: built {PROCEDURES:,} procedures, {Workflow.objects.count():,} "
        f"workflows, {WorkflowStep.objects.count():,} steps in {time.perf_counter() - start:.1f} s"
    )
    for persona in ("admin", "officer"):
        user = built[persona]
        client = Client()
        client.force_login(user)
        naive_s, naive = timed(functools.partial(naive_catalogue, user))
        html = client.get("/procedures/").content.decode()
        shown = [int(pk) for pk in re.findall(r'data-procedure="(\d+)"', html)]
        assert shown == naive, f"the naive catalogue disagrees for {persona}"
        page_s, count, cpu_s = page(client, "/procedures/")
        report(database, "catalogue", persona, page_s, count, naive_s, cpu_s)
        naive_s, totals = timed(functools.partial(naive_overview, user))
        total = procedure_queries.breakdown(user, YEAR).total
        assert totals == (total.reviewed, total.plans, total.workflows, total.saving), totals
        target_s, costs = timed(functools.partial(naive_target, user))
        naive_s += target_s
        progress = procedure_queries.target_progress(user, YEAR)
        assert progress is not None
        assert costs == (progress.total.base_cost, progress.total.cost), costs
        page_s, count, cpu_s = page(client, f"/procedures/overview/?year={YEAR}")
        report(database, "overview", persona, page_s, count, naive_s, cpu_s)
    client = Client()
    client.force_login(built["admin"])
    export_s, response = timed(lambda: client.get("/procedures/", {"format": "xlsx"}))
    assert response.status_code == 200
    emit(BENCH, f"{database}: catalogue XLSX of {PROCEDURES:,} procedures", export_s, "s")


if __name__ == "__main__":
    sys.exit(
        run_on_databases(sys.argv[1:], bench=BENCH, script=__file__, pg_url=PG_URL, measure=measure)
    )

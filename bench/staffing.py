"""Headcount at scale: 10 years of figures for 3,400 units (issue #8).

Set-up (not timed, not app data): a city with 40 departments, each with 4 public service units
(200 units), 3,200 current wards, and 400 pre-2025 wards that ended on 01/07/2025, each with one
or two successors among the current wards (carried by the roll-up): 3,400 units with figures,
10 years each (2015–2024 for the old wards; 2016–2025 for the rest, plus 2015), written with
bulk_create: 34,000 headcount records.

Measured, on SQLite and on PostgreSQL (each in its own process):
- the roll-up (cchc.staffing.queries.summary, 2024 against 2021 — the Conclusion 40-KL/TW
  period, budget-paid public-employee posts — every unit, split wards shared equally): median
  of 5 after
  a warm-up (target < 1 s), and the 10-year roll-up of every unit (rollup over all years);
- baseline in the same process: the naive per-unit loop a first version would write (for each
  current unit, its own records and those of its subtree and its predecessors read one query
  at a time, carried by following the successor links in Python); its city total must equal
  the roll-up's;
- the summary page /staffing/?year=2024 as a city administrator: median server time of 5
  requests after a warm-up (target < 300 ms) and its query count (at most 15), against
  GET /healthz as the trivial baseline.

Run: .venv/bin/python bench/staffing.py [sqlite|postgres]. PostgreSQL: a database
cchc_bench_staffing on postgres://postgres@127.0.0.1:5432 is created and dropped
(CCHC_BENCH_PG_URL overrides the server part); skipped with a message when not reachable.
"""

import datetime
import functools
import os
import random
import statistics
import sys
import time
from typing import Any

from _common import emit, median_seconds, run_on_databases, timed

BENCH = "staffing"
DEPARTMENTS = 40
SERVICES_PER = 4
WARDS = 3_200
OLD_WARDS = 400
YEARS = list(range(2015, 2025))
ROLLUP_TARGET_S = 1.0
PAGE_TARGET_S = 0.3
PAGE_MAX_QUERIES = 15
REPEAT = 5
BATCH = 5_000
PG_SERVER = os.environ.get("CCHC_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/x")
PG_URL = PG_SERVER.rsplit("/", 1)[0] + "/cchc_bench_staffing"


def _unit(OrgUnit: Any, code: str, kind: str, parent: Any, **extra: Any) -> Any:
    legacy = extra.get("legacy", False)
    segment = OrgUnit.path_segment(code, legacy)
    base = parent.path if parent is not None else "/"
    return OrgUnit(
        code=code,
        kind=kind,
        name=f"Đơn vị {code}",
        parent=parent,
        path=f"{base}{segment}/",
        depth=0 if parent is None else parent.depth + 1,
        search_name=f"don vi {code.lower()}",
        **extra,
    )


def build() -> dict[str, Any]:
    """Units, successor links and 34,000 headcount records."""
    from django.db import transaction

    from cchc.accounts.models import User
    from cchc.orgunits.models import OrgUnit
    from cchc.staffing.models import Headcount

    rng = random.Random(2015)  # noqa: S311 - repeatable test data, not secrets
    ended = datetime.date(2025, 7, 1)
    with transaction.atomic():
        admin = User.objects.create_superuser("bench-admin", password=None)
        city = _unit(OrgUnit, "01", "province", None)
        city.save()
        departments = OrgUnit.objects.bulk_create(
            _unit(OrgUnit, f"01-S{n:02d}", "department", city) for n in range(DEPARTMENTS)
        )
        services = OrgUnit.objects.bulk_create(
            _unit(OrgUnit, f"{d.code}-TT{n}", "public_service", d)
            for d in departments
            for n in range(SERVICES_PER)
        )
        wards = OrgUnit.objects.bulk_create(
            (_unit(OrgUnit, f"{n:05d}", "ward", city) for n in range(WARDS)), batch_size=BATCH
        )
        old_province = _unit(OrgUnit, "01", "province", None, legacy=True, valid_to=ended)
        old_province.save()
        old_wards = OrgUnit.objects.bulk_create(
            (
                _unit(OrgUnit, f"{n:05d}", "ward", old_province, legacy=True, valid_to=ended)
                for n in range(OLD_WARDS)
            ),
            batch_size=BATCH,
        )
        through = OrgUnit.successors.through
        links = [through(from_orgunit_id=old_province.pk, to_orgunit_id=city.pk)]
        for old in old_wards:
            for ward in rng.sample(wards, rng.choice([1, 1, 1, 2])):
                links.append(through(from_orgunit_id=old.pk, to_orgunit_id=ward.pk))
        through.objects.bulk_create(links, batch_size=BATCH)
        records = []
        current = [
            *departments,
            *services,
            *wards[: 3_400 - DEPARTMENTS * (SERVICES_PER + 1) - OLD_WARDS],
        ]
        for unit in current:
            base = rng.randint(20, 400)
            for offset, year in enumerate(YEARS):
                records.append(_record(Headcount, unit, year, base, offset, rng))
        for unit in old_wards:
            base = rng.randint(15, 40)
            for offset, year in enumerate(YEARS):
                records.append(_record(Headcount, unit, year, base, offset, rng))
        Headcount.objects.bulk_create(records, batch_size=BATCH)
    return {"admin": admin, "units": len(current) + len(old_wards), "records": len(records)}


def _record(Headcount: Any, unit: Any, year: int, base: int, offset: int, rng: Any) -> Any:
    assigned = round(base * (1 - 0.02 * offset))
    return Headcount(
        unit=unit,
        year=year,
        civil_assigned=assigned,
        civil_actual=assigned - rng.randint(0, 3),
        public_assigned=assigned * 10,
        public_budget_assigned=assigned * 9,
        public_actual=None,
    )


def naive_total(year: int, base: int) -> tuple[int, int]:
    """The city's civil-servant posts in `base` and `year` as a first version would compute
    them: per current unit, its subtree's records and those carried from ended predecessors
    (first successor by path), one query per unit and per predecessor."""
    from cchc.orgunits.models import OrgUnit
    from cchc.staffing.models import Headcount

    def first_successor(unit: Any) -> Any:
        return unit.successors.order_by("path").first()

    def own(unit: Any, wanted: int) -> int:
        total = sum(h.civil_assigned for h in Headcount.objects.filter(unit=unit, year=wanted))
        for old in unit.predecessors.filter(valid_to__isnull=False):
            if first_successor(old) == unit:
                total += own(old, wanted)
        return total

    totals = [0, 0]
    for unit in OrgUnit.objects.current():
        totals[0] += own(unit, base)
        totals[1] += own(unit, year)
    return totals[0], totals[1]


def page(client: Any, url: str) -> tuple[float, int, float]:
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


def measure(database: str) -> None:
    from django.test import Client

    from cchc.orgunits.models import OrgUnit
    from cchc.staffing.queries import rollup, summary

    start = time.perf_counter()
    built = build()
    print(
        f"{BENCH} [{database}]: built {built['units']:,} units with figures, "
        f"{built['records']:,} headcount records in {time.perf_counter() - start:.1f} s"
    )
    units = OrgUnit.objects.all()
    result = summary(units, 2024)
    naive_s, naive = timed(functools.partial(naive_total, 2024, 2021))
    assert naive == (result.civil.baseline, result.civil.current), (naive, result.civil)
    emit(BENCH, f"{database}: baseline, naive per-unit loop (city total)", naive_s, "s")
    rollup_s = median_seconds(lambda: summary(units, 2024), repeat=REPEAT, warmup=1)
    emit(
        BENCH,
        f"{database}: roll-up 2024 vs {result.baseline_year}, {len(result.rows):,} units, "
        f"median of {REPEAT}",
        rollup_s,
        "s",
        target=f"< {ROLLUP_TARGET_S:g} s",
        ok=rollup_s < ROLLUP_TARGET_S,
        ratio=f"naive/roll-up = {naive_s / rollup_s:.0f}x",
    )
    all_years_s = median_seconds(lambda: rollup(units, YEARS), repeat=3, warmup=1)
    emit(BENCH, f"{database}: roll-up of all 10 years, median of 3", all_years_s, "s")
    client = Client()
    client.force_login(built["admin"])
    healthz_s, _queries, _cpu = page(client, "/healthz")
    emit(BENCH, f"{database}: baseline, GET /healthz, median of {REPEAT}", 1000 * healthz_s, "ms")
    page_s, queries, cpu_s = page(client, "/staffing/?year=2024")
    emit(
        BENCH,
        f"{database}: summary page (admin), median of {REPEAT}",
        1000 * page_s,
        "ms",
        target=f"< {1000 * PAGE_TARGET_S:g} ms",
        ok=page_s < PAGE_TARGET_S,
        ratio=f"page/healthz = {page_s / healthz_s:.0f}x",
    )
    # On a loaded machine the wall time waits for a core; this process's CPU time does not
    # (SQLite runs in it; on PostgreSQL the server's share is not in it).
    emit(BENCH, f"{database}:   summary page, CPU time of this process", 1000 * cpu_s, "ms")
    emit(
        BENCH,
        f"{database}:   summary page queries",
        queries,
        "",
        target=f"<= {PAGE_MAX_QUERIES}",
        ok=queries <= PAGE_MAX_QUERIES,
    )


if __name__ == "__main__":
    sys.exit(
        run_on_databases(sys.argv[1:], bench=BENCH, script=__file__, pg_url=PG_URL, measure=measure)
    )

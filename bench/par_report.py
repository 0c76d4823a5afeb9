"""Consolidating the city's year report from 3,400 units (issue #19).

Set-up (not timed, not app data): a city with 40 departments and 3,360 wards (3,400 reporting
units), the 2026 city plan with 10 leaf tasks per unit (34,000 tasks, a third completed, some
late), 2026 headcount for every unit, and each unit's accepted 2026 year report with its nine
section texts and its annex values (typed-in rows filled): 3,400 reports, 30,600 texts, 88,400
values, written with bulk_create.

Measured, on SQLite and on PostgreSQL (each in its own process):
- `cchc.reports.queries.consolidate` for the year 2026 over the 3,400 units: the city's
  figures from every record, each unit's figures (grouped queries, one per source), the
  accepted reports' texts and the typed-in rows summed; median of 3 after a warm-up
  (target < 5 s);
- baseline in the same process: the naive per-unit loop a first version would write (for each
  unit, its figures one source at a time with that unit's id, its report, texts and values read
  one query at a time), timed over every tenth unit (340 of 3,400: the loop costs the same per
  unit, about a tenth of a second, so the whole loop would take minutes per database) and
  scaled to all units; its per-unit figures must equal the consolidation's for those units.

Run: .venv/bin/python bench/par_report.py [sqlite|postgres] [--units N]. PostgreSQL: a database
cchc_bench_par_report on postgres://postgres@127.0.0.1:5432 is created and dropped
(CCHC_BENCH_PG_URL overrides the server part); skipped with a message when not reachable.
"""

import datetime
import os
import random
import sys
import time
from decimal import Decimal
from typing import Any

from _common import emit, median_seconds, run_on_databases, timed

BENCH = "par_report"
DEPARTMENTS = 40
UNITS = int(os.environ.get("CCHC_BENCH_PAR_UNITS", "3400"))
TASKS_PER_UNIT = 10
TARGET_S = 5.0
SAMPLE_EVERY = 10
REPEAT = 3
BATCH = 5_000
PG_SERVER = os.environ.get("CCHC_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/x")
PG_URL = PG_SERVER.rsplit("/", 1)[0] + "/cchc_bench_par_report"
YEAR = 2026


def _unit(OrgUnit: Any, code: str, kind: str, parent: Any) -> Any:
    base = parent.path if parent is not None else "/"
    return OrgUnit(
        code=code,
        kind=kind,
        name=f"Đơn vị {code}",
        parent=parent,
        path=f"{base}{code}/",
        depth=0 if parent is None else parent.depth + 1,
        search_name=f"don vi {code.lower()}",
    )


def build() -> list[Any]:
    from django.db import transaction
    from django.utils import timezone

    from cchc.orgunits.models import OrgUnit
    from cchc.plans.models import ContentArea, Plan, Task
    from cchc.reports.models import (
        AnnexValue,
        Indicator,
        PeriodicReport,
        ReportPeriod,
        ReportSection,
        SectionText,
    )
    from cchc.staffing.models import Headcount

    rng = random.Random(19)  # noqa: S311 - repeatable test data, not secrets
    start = datetime.date(YEAR, 1, 5)
    with transaction.atomic():
        city = _unit(OrgUnit, "01", "province", None)
        city.save()
        units = OrgUnit.objects.bulk_create(
            [
                *(_unit(OrgUnit, f"01-S{n:02d}", "department", city) for n in range(DEPARTMENTS)),
                *(_unit(OrgUnit, f"{n:05d}", "ward", city) for n in range(UNITS - DEPARTMENTS)),
            ],
            batch_size=BATCH,
        )
        plan = Plan.objects.create(
            year=YEAR,
            unit=city,
            title="Kế hoạch CCHC năm 2026",
            status=Plan.Status.ISSUED,
            document_number="01/KH-UBND",
            document_date=start,
            issued_at=timezone.now(),
        )
        areas = list(ContentArea.objects.all())
        tasks = []
        for unit in units:
            for n in range(TASKS_PER_UNIT):
                due = start + datetime.timedelta(days=20 + (n * 37) % 330)
                done = due + datetime.timedelta(days=rng.randint(-20, 10)) if n % 3 == 0 else None
                tasks.append(
                    Task(
                        plan=plan,
                        code=f"{unit.code}.{n}",
                        title=f"Nhiệm vụ {n}",
                        area=areas[n % len(areas)],
                        lead_unit=unit,
                        deadline=due,
                        original_deadline=due,
                        assigned_on=start,
                        completed_on=done,
                    )
                )
        Task.objects.bulk_create(tasks, batch_size=BATCH)
        Headcount.objects.bulk_create(
            (
                Headcount(unit=u, year=YEAR, civil_assigned=40, civil_actual=38, public_assigned=90)
                for u in units
            ),
            batch_size=BATCH,
        )
        year = ReportPeriod.objects.get(code="year")
        reports = PeriodicReport.objects.bulk_create(
            (
                PeriodicReport(
                    unit=u, year=YEAR, period=year, status=PeriodicReport.Status.ACCEPTED
                )
                for u in units
            ),
            batch_size=BATCH,
        )
        sections = list(ReportSection.objects.all())
        SectionText.objects.bulk_create(
            (
                SectionText(report=r, section=s, results=f"Kết quả {s.code} của {r.unit.code}.")
                for r in reports
                for s in sections
            ),
            batch_size=BATCH,
        )
        indicators = list(Indicator.objects.all())
        AnnexValue.objects.bulk_create(
            (
                AnnexValue(
                    report=r,
                    indicator=i,
                    value=None if i.source else Decimal(rng.randint(0, 500)),
                )
                for r in reports
                for i in indicators
            ),
            batch_size=BATCH,
        )
    return units


def naive(units: list[Any]) -> tuple[dict[int, dict[str, Decimal]], dict[str, Decimal]]:
    """Per unit: each source's figure for that unit alone, then its report, texts and values."""
    from cchc.reports import queries
    from cchc.reports.models import AnnexValue, Indicator, PeriodicReport, ReportPeriod

    period = ReportPeriod.objects.get(code="year")
    window = period.window(YEAR)
    indicators = list(Indicator.objects.filter(is_active=True))
    sources = sorted({i.source for i in indicators if i.source})
    by_unit: dict[int, dict[str, Decimal]] = {}
    typed: dict[str, Decimal] = {i.code: Decimal(0) for i in indicators if not i.source}
    for unit in units:
        by_unit[unit.pk] = {
            source: queries.figures(window, [unit.pk], [source])[unit.pk][source]
            for source in sources
        }
        report = PeriodicReport.objects.filter(
            unit=unit, year=YEAR, period=period, status="accepted"
        ).first()
        if report is None:
            continue
        _texts = [t.text() for t in report.texts.all()]
        for value in AnnexValue.objects.filter(report=report).select_related("indicator"):
            if not value.indicator.source and value.value is not None:
                typed[value.indicator.code] += value.value
    return by_unit, typed


def measure(database: str) -> None:
    from django.db.models import Sum

    from cchc.reports import queries
    from cchc.reports.models import AnnexValue, ReportPeriod

    began = time.perf_counter()
    units = build()
    print(
        f"{BENCH} [{database}]: built {len(units):,} units, {len(units) * TASKS_PER_UNIT:,} "
        f"tasks and {len(units):,} accepted year reports in {time.perf_counter() - began:.1f} s"
    )
    period = ReportPeriod.objects.get(code="year")
    result = queries.consolidate(YEAR, period, units)
    sample = units[::SAMPLE_EVERY]
    sample_s, (by_unit, _typed) = timed(lambda: naive(sample))
    assert by_unit == {u.pk: result.by_unit[u.pk] for u in sample}, "per-unit figures differ"
    assert len(result.contributions) == len(units)
    summed = AnnexValue.objects.filter(indicator__source="").values_list("indicator__code")
    for code, value in summed.annotate(total=Sum("value")):
        assert result.totals[code] == value, (code, value, result.totals[code])
    naive_s = sample_s * len(units) / len(sample)
    emit(
        BENCH,
        f"{database}: baseline, naive loop ({len(sample):,} units timed, scaled)",
        naive_s,
        "s",
    )
    set_s = median_seconds(
        lambda: queries.consolidate(YEAR, period, units), repeat=REPEAT, warmup=1
    )
    emit(
        BENCH,
        f"{database}: consolidate the year report, {len(units):,} units, median of {REPEAT}",
        set_s,
        "s",
        target=f"< {TARGET_S:g} s",
        ok=set_s < TARGET_S,
        ratio=f"naive/set-wise = {naive_s / set_s:.0f}x",
    )


if __name__ == "__main__":
    sys.exit(
        run_on_databases(sys.argv[1:], bench=BENCH, script=__file__, pg_url=PG_URL, measure=measure)
    )

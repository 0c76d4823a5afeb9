"""Inspections at scale: 10,000 inspections with 50,000 findings (issue #7).

Set-up (not timed, not app data): a city with 200 wards and an inspectorate, an issued 2026
city reform plan (through the plans actions), 10,000 concluded inspections spread over 2025 and
2026 (planned, surprise and incognito), each targeting one or two wards, with a two-member team,
the five default checklist items, 5 findings (50,000 in all), a conclusion and two
recommendations (20,000), each with its remediation task in the city plan, written with
bulk_create; 40 percent of the recommendations are still open (open, partly or not remedied),
with deadlines spread a year either side of today.

Measured, on SQLite and on PostgreSQL (each in its own process):
- the open recommendations page /inspections/recommendations/ as a city administrator (every
  open recommendation) and as the focal point of one ward (scoped): median server time of 5
  requests after a warm-up (target < 300 ms) and the query count (at most 15), against
  GET /healthz as the trivial baseline;
- baseline in the same process: the naive loop a first version would write for the same page
  (every recommendation loaded, filtered as open in Python, each row's unit, conclusion,
  inspection, person and task read one query at a time, sorted in Python, the first 50 kept);
  its first 50 rows must equal the page's;
- the overview page /inspections/overview/ and the XLSX export of the open recommendations as
  the city administrator (no target; the figures are printed).

Run: .venv/bin/python bench/inspections.py [sqlite|postgres] (or `make bench`). PostgreSQL: a
database cchc_bench_inspections on postgres://postgres@127.0.0.1:5432 is created and dropped
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

from _common import emit, run_on_databases, timed

BENCH = "inspections"
UNITS = 200
INSPECTIONS = 10_000
FINDINGS_PER = 5
RECS_PER = 2
OPEN_SHARE = 0.4
PAGE_TARGET_S = 0.3
PAGE_MAX_QUERIES = 15
PAGE_ROWS = 50
REPEAT = 5
BATCH = 5_000
PG_SERVER = os.environ.get("CCHC_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/x")
PG_URL = PG_SERVER.rsplit("/", 1)[0] + "/cchc_bench_inspections"


def build() -> dict[str, Any]:
    """Units, people, the city plan and the inspections with everything under them."""
    from django.db import transaction
    from django.utils import timezone

    from cchc.accounts.models import Membership, User
    from cchc.inspections.models import (
        ChecklistItem,
        Conclusion,
        Finding,
        Inspection,
        Recommendation,
        Target,
        TeamMember,
    )
    from cchc.orgunits.models import OrgUnit
    from cchc.plans.actions import create_plan, issue_plan
    from cchc.plans.models import ContentArea, Task

    rng = random.Random(2026)  # noqa: S311 - repeatable test data, not secrets
    today = timezone.localdate()
    with transaction.atomic():
        admin = User.objects.create_superuser("bench-admin", password=None)
        inspector = User.objects.create_user("bench-inspector", password=None)
        officer = User.objects.create_user("bench-officer", password=None)
        city = OrgUnit.objects.create(
            code="01", kind="province", name="Thành phố Hà Nội", path="/01/", search_name="ha noi"
        )
        inspectorate = OrgUnit.objects.create(
            code="01-TTTP",
            kind="department",
            name="Thanh tra Thành phố",
            parent=city,
            path="/01/01-TTTP/",
            depth=1,
            search_name="thanh tra thanh pho",
        )
        wards = OrgUnit.objects.bulk_create(
            OrgUnit(
                code=f"P{n:04d}",
                kind="ward",
                name=f"Phường Thử {n:03d}",
                parent=city,
                path=f"/01/P{n:04d}/",
                depth=1,
                search_name=f"phuong thu {n:03d}",
            )
            for n in range(UNITS)
        )
        Membership.objects.create(user=inspector, unit=inspectorate, role="inspector")
        Membership.objects.create(user=officer, unit=wards[0], role="focal_point")
        plan = create_plan(actor=admin, unit=city, year=2026, title="Kế hoạch CCHC năm 2026")
        plan = issue_plan(
            plan,
            actor=admin,
            document_number="01/KH-UBND",
            document_date=datetime.date(2026, 1, 5),
            signer="Chủ tịch UBND Thành phố",
        )
        area = ContentArea.objects.get(code="CV")
        items = list(ChecklistItem.objects.all())
        kinds = [Inspection.Kind.PLANNED] * 6 + [Inspection.Kind.SURPRISE] * 3
        kinds.append(Inspection.Kind.INCOGNITO)
        starts = [
            datetime.date(2025, 1, 6) + datetime.timedelta(days=rng.randrange(600))
            for _ in range(INSPECTIONS)
        ]
        inspections = Inspection.objects.bulk_create(
            (
                Inspection(
                    unit=inspectorate,
                    title=f"Kiểm tra công vụ số {n}",
                    kind=rng.choice(kinds),
                    decision_number=f"{n}/QĐ-TTTP",
                    decision_date=start - datetime.timedelta(days=3),
                    decision_signer="Chánh Thanh tra Thành phố",
                    start_date=start,
                    end_date=start + datetime.timedelta(days=2),
                    status=Inspection.Status.CONCLUDED,
                    started_at=timezone.now(),
                    created_by=inspector,
                )
                for n, start in enumerate(starts)
            ),
            batch_size=BATCH,
        )
        through = Inspection.checklist.through
        through.objects.bulk_create(
            (
                through(inspection_id=i.pk, checklistitem_id=item.pk)
                for i in inspections
                for item in items
            ),
            batch_size=BATCH,
        )
        TeamMember.objects.bulk_create(
            (
                member
                for i in inspections
                for member in (
                    TeamMember(inspection=i, user=inspector, role="head"),
                    TeamMember(inspection=i, name="Thành viên ngoài", role="member"),
                )
            ),
            batch_size=BATCH,
        )
        targets: dict[int, list[Any]] = {}
        for i in inspections:
            first = rng.randrange(UNITS)
            chosen = [wards[first]]
            if rng.random() < 0.5:
                chosen.append(wards[(first + 1 + rng.randrange(UNITS - 1)) % UNITS])
            targets[i.pk] = chosen
        Target.objects.bulk_create(
            (Target(inspection=i, unit=u) for i in inspections for u in targets[i.pk]),
            batch_size=BATCH,
        )
        Finding.objects.bulk_create(
            (
                Finding(
                    inspection=i,
                    unit=rng.choice(targets[i.pk]),
                    item=rng.choice(items),
                    severity=rng.choice(["minor", "moderate", "serious"]),
                    description="Cán bộ một cửa đi muộn, không đeo thẻ công chức",
                    observed_at=timezone.make_aware(
                        datetime.datetime.combine(i.start_date, datetime.time(9, 0))
                    ),
                    created_by=inspector,
                )
                for i in inspections
                for _ in range(FINDINGS_PER)
            ),
            batch_size=BATCH,
        )
        conclusions = Conclusion.objects.bulk_create(
            (
                Conclusion(
                    inspection=i,
                    number=f"{i.pk}/TB-TTTP",
                    date=i.end_date,
                    signer="Chánh Thanh tra Thành phố",
                    text="Kết luận kiểm tra công vụ",
                    issued_by=inspector,
                )
                for i in inspections
            ),
            batch_size=BATCH,
        )
        recs = []
        tasks = []
        for conclusion, i in zip(conclusions, inspections, strict=True):
            for number in range(1, RECS_PER + 1):
                unit = targets[i.pk][(number - 1) % len(targets[i.pk])]
                is_open = rng.random() < OPEN_SHARE
                deadline = today + datetime.timedelta(days=rng.randrange(-365, 365))
                status = rng.choice(["open", "partly", "not_remedied"]) if is_open else "remedied"
                code = f"KTCV-{i.pk}-KN{number}"
                tasks.append(
                    Task(
                        plan=plan,
                        code=code,
                        title=f"Khắc phục: kiến nghị {code}",
                        area=area,
                        lead_unit=unit,
                        deadline=max(deadline, datetime.date(2026, 1, 5)),
                        original_deadline=max(deadline, datetime.date(2026, 1, 5)),
                        source=Task.Source.INSPECTION,
                        source_ref=code,
                    )
                )
                recs.append(
                    Recommendation(
                        conclusion=conclusion,
                        number=number,
                        text=f"Chấn chỉnh kỷ luật, kỷ cương hành chính tại {unit.name}",
                        unit=unit,
                        deadline=deadline,
                        status=status,
                    )
                )
        tasks = Task.objects.bulk_create(tasks, batch_size=BATCH)
        for rec, task in zip(recs, tasks, strict=True):
            rec.task = task
        Recommendation.objects.bulk_create(recs, batch_size=BATCH)
    return {"admin": admin, "officer": officer, "ward": wards[0]}


def naive_page(user: Any) -> list[int]:
    """The open recommendations page as a first version would compute it."""
    from cchc.inspections.models import Recommendation
    from cchc.orgunits.models import OrgUnit

    visible = set(OrgUnit.objects.visible_to(user).values_list("pk", flat=True))
    rows = []
    for rec in Recommendation.objects.all():
        if not rec.is_open or rec.unit_id not in visible:
            continue
        # What the template reads on each row, one query each.
        _ = (rec.unit.name, rec.conclusion.number, rec.conclusion.inspection.title)
        _ = (rec.person, rec.task.code if rec.task is not None else "")
        rows.append(rec)
    rows.sort(key=lambda r: (r.deadline, r.conclusion_id, r.number))
    return [r.pk for r in rows[:PAGE_ROWS]]


def page(client: Any, url: str) -> tuple[float, int]:
    """Median server time of REPEAT requests after a warm-up, and the query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200
    runs = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        assert client.get(url).status_code == 200
        runs.append(time.perf_counter() - began)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(runs), len(queries.captured_queries)


def page_ids(client: Any, url: str) -> list[int]:
    import re

    html = client.get(url).content.decode()
    return [int(pk) for pk in re.findall(r'data-recommendation="(\d+)"', html)]


def measure(database: str) -> None:
    from django.test import Client

    from cchc.inspections.models import Finding, Recommendation

    start = time.perf_counter()
    built = build()
    open_count = Recommendation.objects.open().count()
    print(
        f"{BENCH} [{database}]: built {INSPECTIONS:,} inspections, "
        f"{Finding.objects.count():,} findings, {Recommendation.objects.count():,} "
        f"recommendations ({open_count:,} open) in {time.perf_counter() - start:.1f} s"
    )
    url = "/inspections/recommendations/"
    healthz_s = 0.0
    for persona in ("admin", "officer"):
        client = Client()
        client.force_login(built[persona])
        if not healthz_s:
            healthz_s, _queries = page(client, "/healthz")
            emit(
                BENCH,
                f"{database}: baseline, GET /healthz, median of {REPEAT}",
                1000 * healthz_s,
                "ms",
            )
        user = built[persona]
        naive_s, naive = timed(functools.partial(naive_page, user))
        shown = page_ids(client, url)
        assert shown == naive, f"the naive loop disagrees for {persona}"
        emit(
            BENCH,
            f"{database}: baseline, naive loop for the page ({persona})",
            1000 * naive_s,
            "ms",
        )
        page_s, queries = page(client, url)
        emit(
            BENCH,
            f"{database}: open recommendations page ({persona}), median of {REPEAT}",
            1000 * page_s,
            "ms",
            target=f"< {1000 * PAGE_TARGET_S:g} ms",
            ok=page_s < PAGE_TARGET_S,
            ratio=f"naive/page = {naive_s / page_s:.0f}x, page/healthz = {page_s / healthz_s:.0f}x",
        )
        emit(
            BENCH,
            f"{database}:   open recommendations page ({persona}) queries",
            queries,
            "",
            target=f"<= {PAGE_MAX_QUERIES}",
            ok=queries <= PAGE_MAX_QUERIES,
        )
    client = Client()
    client.force_login(built["admin"])
    overview_s, overview_queries = page(client, "/inspections/overview/?year=2026")
    emit(BENCH, f"{database}: overview page (admin), median of {REPEAT}", 1000 * overview_s, "ms")
    emit(BENCH, f"{database}:   overview page queries", overview_queries, "")
    export_s, response = timed(lambda: client.get(url, {"format": "xlsx"}))
    assert response.status_code == 200
    emit(BENCH, f"{database}: XLSX of {open_count:,} open recommendations", export_s, "s")


if __name__ == "__main__":
    sys.exit(
        run_on_databases(sys.argv[1:], bench=BENCH, script=__file__, pg_url=PG_URL, measure=measure)
    )

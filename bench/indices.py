"""The city's reform index at full size: 200 units × 120 criteria × 5 council members (issue #5).

Set-up (not timed, not app data): a city with 200 wards, a published 2026 framework of 120
criteria for wards (7 areas of 15 leaves worth 10 points each = 70 appraisal points, a survey
area of 4 leaves = 30 points, a bonus/penalty node with a bonus and a penalty leaf) built with
`create_framework`, a round opened with `open_round` for the 200 wards, a council of 5 members,
and for every unit and appraised leaf (107 per unit) an Appraisal and 5 Proposal rows (at least 3
agreeing: the decided points) written with bulk_create; every assessment finalised; survey
points for 180 of the 200 units (the other 20 are rescaled to 100); last year's (2025) round
published with its 200 Result rows, so that the change against last year is computed too.

Measured, on SQLite and on PostgreSQL (each in its own process):
- `cchc.indices.results.compute_results` over the round: median of 5 after a warm-up
  (target < 1 s), with its query count;
- baseline in the same process: the naive per-criterion loop a first version would write
  (`naive_appraised`: for each finalised assessment, for each appraisal, a query for its
  proposals, the majority decided in Python with `cchc.indices.scoring.decided_points`, the
  decided points of the appraised leaves summed; then a query for the unit's survey points).
  It is timed on NAIVE_UNITS units spread over the round and scaled to all 200; the figure says
  so. Its appraised totals must equal compute_results' for every sampled unit;
- the results page /indices/rounds/<pk>/results/ as a city administrator, unpublished (live
  figures) and published (frozen rows): median server time of 5 requests after a warm-up
  (target < 300 ms) and the query count (at most 15), against GET /healthz as the trivial
  baseline; `publish_round` is timed once on the way (no target);
- importing a 300-row annex workbook (built with `framework_workbook` from a framework created
  for the purpose) with `cchc.indices.imports.import_framework`: median of 3 (target < 2 s).

Run: .venv/bin/python bench/indices.py [sqlite|postgres] (or `make bench` for all benchmarks).
PostgreSQL: a database cchc_bench_indices on postgres://postgres@127.0.0.1:5432 is created and
dropped (the server part can be overridden with CCHC_BENCH_PG_URL); it is skipped with a message
when the server is not reachable.
"""

import datetime
import functools
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from typing import Any

from _common import emit, run_on_databases, timed

BENCH = "indices"
UNITS = 200
MEMBERS = 5
AREAS = 7
LEAVES_PER_AREA = 15  # 14 × 0.5 + 1 × 3 = 10 points
SURVEY_LEAVES = 4
SURVEYED_UNITS = 180
ANNEX_ROWS = 300
COMPUTE_TARGET_S = 1.0
PAGE_TARGET_S = 0.3
PAGE_MAX_QUERIES = 15
IMPORT_TARGET_S = 2.0
NAIVE_UNITS = 20
REPEAT = 5
BATCH = 5_000
PG_SERVER = os.environ.get("CCHC_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/x")
PG_URL = PG_SERVER.rsplit("/", 1)[0] + "/cchc_bench_indices"
D = Decimal


def framework_nodes() -> list[Any]:
    """120 criteria: 7 areas × (1 + 15 leaves), a survey area of 4 leaves, bonus and penalty."""
    from cchc.indices.actions import Node
    from cchc.indices.models import Criterion

    nodes = []
    for area in range(1, AREAS + 1):
        nodes.append(Node(str(area), f"Lĩnh vực {area}", D(10)))
        for leaf in range(1, LEAVES_PER_AREA + 1):
            maximum = D(3) if leaf == LEAVES_PER_AREA else D("0.5")
            method = Criterion.Method.COMPUTED if leaf == 1 else Criterion.Method.MANUAL
            nodes.append(
                Node(f"{area}.{leaf}", f"Tiêu chí {area}.{leaf}", maximum, str(area), method=method)
            )
    survey = Criterion.Method.SURVEY
    nodes.append(Node("8", "Sự hài lòng của người dân", D(30), method=survey))
    for leaf in range(1, SURVEY_LEAVES + 1):
        nodes.append(Node(f"8.{leaf}", f"Điều tra {leaf}", D("7.5"), "8", method=survey))
    nodes += [
        Node("9", "Điểm thưởng, điểm trừ", D(2), min_points=D(-3), is_bonus_penalty=True),
        Node("9.1", "Điểm thưởng", D(2), "9"),
        Node("9.2", "Điểm trừ", D(0), "9", min_points=D(-3)),
    ]
    assert len(nodes) == 120, len(nodes)
    return nodes


def annex_nodes() -> list[Any]:
    """300 rows: 10 areas × (1 + 28 leaves of 0.25), a survey area of 6 leaves, bonus/penalty."""
    from cchc.indices.actions import Node
    from cchc.indices.models import Criterion

    nodes = []
    for area in range(1, 11):
        nodes.append(Node(f"{area}", f"Lĩnh vực {area}", D(7)))
        nodes += [
            Node(f"{area}.{leaf}", f"Tiêu chí {area}.{leaf}", D("0.25"), f"{area}")
            for leaf in range(1, 29)
        ]
    survey = Criterion.Method.SURVEY
    nodes.append(Node("11", "Điều tra xã hội học", D(30), method=survey))
    nodes += [Node(f"11.{n}", f"Điều tra {n}", D(5), "11", method=survey) for n in range(1, 7)]
    nodes += [
        Node("12", "Điểm thưởng, điểm trừ", D(2), min_points=D(-3), is_bonus_penalty=True),
        Node("12.1", "Điểm thưởng", D(2), "12"),
        Node("12.2", "Điểm trừ", D(0), "12", min_points=D(-3)),
    ]
    assert len(nodes) == ANNEX_ROWS, len(nodes)
    return nodes


def build() -> dict[str, Any]:
    """The units, people, frameworks, the round with its council, appraisals and proposals."""
    from django.db import connection, transaction
    from django.utils import timezone

    from cchc.accounts.models import User
    from cchc.indices.actions import create_framework, open_round, publish_framework
    from cchc.indices.models import (
        Appraisal,
        Assessment,
        CouncilMember,
        Proposal,
        Result,
        SurveyPoints,
    )
    from cchc.indices.queries import appraised_leaves
    from cchc.orgunits.models import OrgUnit

    rng = random.Random(2026)  # noqa: S311 - repeatable test data, not secrets
    with transaction.atomic():
        admin = User.objects.create_superuser("bench-admin", password=None)
        members = User.objects.bulk_create(
            User(username=f"hoidong{n}", full_name=f"Thành Viên {n}", password="!")  # noqa: S106
            for n in range(MEMBERS)
        )
        city = OrgUnit.objects.create(
            code="01", kind="province", name="Thành phố Hà Nội", path="/01/", search_name="ha noi"
        )
        units = OrgUnit.objects.bulk_create(
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
        frameworks = {}
        for year in (2025, 2026):
            framework = create_framework(
                actor=admin,
                year=year,
                group="wards",
                title=f"Bộ chỉ số {year}",
                nodes=framework_nodes(),
            )
            frameworks[year] = publish_framework(framework, actor=admin)
        deadline = timezone.localdate() + datetime.timedelta(days=30)
        last_year = open_round(
            frameworks[2025], actor=admin, title="Tự đánh giá 2025", deadline=deadline, units=units
        )
        Result.objects.bulk_create(
            Result(
                round=last_year,
                unit=unit,
                unit_name=unit.name,
                appraised=D(60),
                total=D(80),
                percent=D(rng.randint(6000, 9800)) / 100,
                rank=1,
                areas=[],
            )
            for unit in units
        )
        last_year.published_at = timezone.now() - datetime.timedelta(days=300)
        last_year.save(update_fields=["published_at"])
        rating_round = open_round(
            frameworks[2026], actor=admin, title="Tự đánh giá 2026", deadline=deadline, units=units
        )
        CouncilMember.objects.bulk_create(
            CouncilMember(round=rating_round, user=member, is_chair=n == 0)
            for n, member in enumerate(members)
        )
        leaves = appraised_leaves(frameworks[2026])
        assessments = list(rating_round.assessments.all())
        levels = [rng.uniform(0.6, 0.95) for _ in assessments]  # each unit's standard
        appraisals = Appraisal.objects.bulk_create(
            (
                Appraisal(assessment=assessment, criterion=leaf, points=_points(rng, leaf, level))
                for assessment, level in zip(assessments, levels, strict=True)
                for leaf in leaves
            ),
            batch_size=BATCH,
        )
        Proposal.objects.bulk_create(
            (
                Proposal(appraisal=appraisal, member=member, points=points)
                for appraisal in appraisals
                for member, points in zip(members, _proposals(rng, appraisal), strict=True)
            ),
            batch_size=BATCH,
        )
        rating_round.assessments.update(status=Assessment.Status.FINALISED)
        SurveyPoints.objects.bulk_create(
            SurveyPoints(
                framework=frameworks[2026], unit=unit, points=D(rng.randint(1800, 3000)) / 100
            )
            for unit in units[:SURVEYED_UNITS]
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # autovacuum would have, on a live database
            cursor.execute("ANALYZE")
    return {
        "admin": admin,
        "round": rating_round,
        "appraisals": len(appraisals),
        "proposals": Proposal.objects.count(),
        "majority": rating_round.majority_percent,
    }


def _points(rng: random.Random, leaf: Any, level: float) -> Decimal:
    """Decided points in the leaf's range, in quarter-point steps, around the unit's level."""
    steps = int((leaf.max_points - leaf.min_points) * 4)
    share = steps * min(max(level + rng.uniform(-0.12, 0.12), 0), 1)
    quarters = int(share) + (rng.random() < share - int(share))  # rounded without bias
    return leaf.min_points + D(quarters) / 4


def _proposals(rng: random.Random, appraisal: Any) -> list[Decimal]:
    """Five proposals, three to five of them the decided points."""
    agreeing = rng.randint(3, MEMBERS)
    other = appraisal.points - D("0.25") if appraisal.points > 0 else appraisal.points + D("0.25")
    return [appraisal.points] * agreeing + [other] * (MEMBERS - agreeing)


def naive_appraised(round_: Any, unit_ids: list[int], majority: Decimal) -> dict[int, Decimal]:
    """The baseline: per finalised assessment of `unit_ids`, per appraisal, a query for its
    proposals, the majority decided in Python, the appraised leaves' decided points summed;
    then a query for the unit's survey points and the index percent."""
    from cchc.indices.models import Assessment, Criterion, SurveyPoints
    from cchc.indices.scoring import decided_points, index_percent

    framework = round_.framework
    members = round_.council.count()
    totals = {}
    assessments = round_.assessments.filter(
        status=Assessment.Status.FINALISED, unit_id__in=unit_ids
    ).select_related("unit")
    for assessment in assessments:
        appraised = D(0)
        for appraisal in assessment.appraisals.select_related("criterion"):
            if appraisal.criterion.method == Criterion.Method.SURVEY:
                continue
            proposals = [p.points for p in appraisal.proposals.all()]
            points = decided_points(proposals, members, majority)
            appraised += points or D(0)
        survey = (
            SurveyPoints.objects.filter(framework=framework, unit=assessment.unit)
            .values_list("points", flat=True)
            .first()
        )
        maximum = framework.appraisal_max + (framework.survey_max if survey is not None else 0)
        index_percent(appraised, survey, maximum)
        totals[assessment.unit_id] = appraised
    return totals


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


def import_annex(admin: Any) -> float:
    """Median of 3 imports of a 300-row annex (each as another year's draft framework)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cchc.indices.actions import create_framework
    from cchc.indices.imports import framework_workbook, import_framework

    source = create_framework(
        actor=admin, year=2040, group="departments", title="Phụ lục 300 dòng", nodes=annex_nodes()
    )
    content = framework_workbook(source)
    runs = []
    for year in (2041, 2042, 2043):
        upload = SimpleUploadedFile("phu-luc-300.xlsx", content)
        importing = functools.partial(
            import_framework, upload, actor=admin, year=year, group="departments", title="Phụ lục"
        )
        seconds, result = timed(importing)
        assert not result.errors, result.errors[:3]
        assert result.created[0].criteria.count() == ANNEX_ROWS
        runs.append(seconds)
    return statistics.median(runs)


def measure(database: str) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cchc.indices.actions import publish_round
    from cchc.indices.models import AssessmentRound
    from cchc.indices.results import compute_results

    start = time.perf_counter()
    built = build()
    print(
        f"{BENCH} [{database}]: built {UNITS} units × 120 criteria, {built['appraisals']:,} "
        f"appraisals, {built['proposals']:,} proposals in {time.perf_counter() - start:.1f} s"
    )
    round_ = AssessmentRound.objects.select_related("framework").get(pk=built["round"].pk)
    results = compute_results(round_)
    runs = [timed(lambda: compute_results(round_))[0] for _ in range(REPEAT)]
    compute_s = statistics.median(runs)
    with CaptureQueriesContext(connection) as queries:
        compute_results(round_)
    step = UNITS // NAIVE_UNITS
    sample = [r.unit_id for r in sorted(results, key=lambda r: r.unit_id)][::step]
    sample_s, naive = timed(lambda: naive_appraised(round_, sample, built["majority"]))
    naive_s = sample_s * UNITS / len(sample)
    live = {r.unit_id: r.appraised for r in results}
    assert all(naive[unit] == live[unit] for unit in sample), "the naive loop disagrees"
    groups = {g: sum(1 for r in results if r.group == g) for g in ("A", "B", "C", "")}
    print(
        f"{BENCH} [{database}]: {len(results)} results: {groups['A']} A, {groups['B']} B, "
        f"{groups['C']} C, {groups['']} ungrouped; the naive loop agrees on {len(sample)} units"
    )
    emit(
        BENCH,
        f"{database}: baseline, naive per-criterion ORM loop "
        f"({len(sample)} units timed, scaled to {UNITS})",
        naive_s,
        "s",
    )
    emit(
        BENCH,
        f"{database}: compute_results, {UNITS} units, median of {REPEAT}",
        compute_s,
        "s",
        target=f"< {COMPUTE_TARGET_S:g} s",
        ok=compute_s < COMPUTE_TARGET_S,
        ratio=f"naive/compute = {naive_s / compute_s:.0f}x",
    )
    emit(BENCH, f"{database}:   compute_results queries", len(queries.captured_queries), "")

    client = Client()
    client.force_login(built["admin"])
    url = f"/indices/rounds/{round_.pk}/results/"
    healthz_s, _healthz_queries = page(client, "/healthz")
    emit(BENCH, f"{database}: baseline, GET /healthz, median of {REPEAT}", 1000 * healthz_s, "ms")
    for state in ("live", "published"):
        if state == "published":
            publish_s = timed(lambda: publish_round(round_, actor=built["admin"]))[0]
            emit(BENCH, f"{database}: publish_round, {UNITS} units", publish_s, "s")
        page_s, page_queries = page(client, url)
        emit(
            BENCH,
            f"{database}: results page ({state}), median of {REPEAT}",
            1000 * page_s,
            "ms",
            target=f"< {1000 * PAGE_TARGET_S:g} ms",
            ok=page_s < PAGE_TARGET_S,
            ratio=f"page/healthz = {page_s / healthz_s:.0f}x",
        )
        emit(
            BENCH,
            f"{database}:   results page ({state}) queries",
            page_queries,
            "",
            target=f"<= {PAGE_MAX_QUERIES}",
            ok=page_queries <= PAGE_MAX_QUERIES,
        )
    import_s = import_annex(built["admin"])
    emit(
        BENCH,
        f"{database}: import a {ANNEX_ROWS}-row annex, median of 3",
        import_s,
        "s",
        target=f"< {IMPORT_TARGET_S:g} s",
        ok=import_s < IMPORT_TARGET_S,
    )


if __name__ == "__main__":
    sys.exit(
        run_on_databases(sys.argv[1:], bench=BENCH, script=__file__, pg_url=PG_URL, measure=measure)
    )

"""Dialogue petitions at city scale: 20,000 petitions (issue #7, the open petitions page).

Set-up (not timed, not app data): a city with 30 departments and 126 wards, 300 dialogue
conferences (two per ward, plus departments'), an issued city plan, and 20,000 petitions written
with bulk_create, spread over the conferences and every status: 15 % received (one in fifty
flagged by the honeypot), 10 % screened, 25 % routed (a third of them past their answer
deadline), 15 % answered, 25 % with the answer published and 10 % closed; every answered or
published petition has its answer, and one in four of those a commitment with its task in the
city plan (source "dialogue", source_ref = the petition's code). A city administrator and a
focal point of one ward are the readers.

Measured, on SQLite and on PostgreSQL (each in its own process):
- the open petitions page /dialogues/petitions/ (about 18,000 open petitions, 50 a page) as the
  city administrator, unfiltered and filtered to the overdue ones, and as the ward's focal
  point (its scope only): median server time of 5 requests after a warm-up (target < 300 ms)
  and the query count (at most 15), against GET /healthz as the trivial baseline;
- `queries.open_petition_rows` over every open petition (what `manage.py petitions_open --json`
  prints): median of 3;
- baseline in the same process: the naive loop a first version would write (`naive_rows`: the
  open petitions without select_related, each row's conference, receiving unit and responsible
  unit read through its foreign key: a query each). It is timed on NAIVE_ROWS petitions and
  scaled to all open ones; the figure says so. Its rows must equal open_petition_rows' for the
  sample. The ratio printed is naive / open_petition_rows, and naive / page for the page (a
  page computes one page of rows, the naive loop would compute them all to count and sort).

Run: .venv/bin/python bench/dialogues.py [sqlite|postgres] (or `make bench` for all).
PostgreSQL: a database cchc_bench_dialogues on postgres://postgres@127.0.0.1:5432 is created and
dropped (the server part can be overridden with CCHC_BENCH_PG_URL); it is skipped with a
message when the server is not reachable.
"""

import datetime
import os
import statistics
import sys
import time
from typing import Any

from _common import emit, run_on_databases, timed

BENCH = "dialogues"
DEPARTMENTS = 30
WARDS = 126
CONFERENCES = 300
PETITIONS = 20_000
NAIVE_ROWS = 1_000
PAGE_TARGET_S = 0.3
PAGE_MAX_QUERIES = 15
REPEAT = 5
BATCH = 5_000
PG_SERVER = os.environ.get("CCHC_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/x")
PG_URL = PG_SERVER.rsplit("/", 1)[0] + "/cchc_bench_dialogues"

# (status, share in 100): the mix of the 20,000 petitions.
MIX = [
    ("received", 15),
    ("screened", 10),
    ("routed", 25),
    ("answered", 15),
    ("published", 25),
    ("closed", 10),
]


def _status(n: int) -> str:
    slot, total = n % 100, 0
    for status, share in MIX:
        total += share
        if slot < total:
            return status
    raise AssertionError(slot)


def build_units() -> tuple[Any, list[Any]]:
    from cchc.orgunits.models import OrgUnit

    city = OrgUnit.objects.create(
        code="01", kind="province", name="Thành phố Hà Nội", path="/01/", search_name="ha noi"
    )
    units = []
    for n in range(DEPARTMENTS + WARDS):
        if n < DEPARTMENTS:
            code, kind, name = f"S{n:03d}", "department", f"Sở Thử {n}"
        else:
            code, kind, name = f"{10000 + n:05d}", "ward", f"Phường Thử {n}"
        units.append(
            OrgUnit(
                code=code,
                kind=kind,
                name=name,
                parent=city,
                path=f"/01/{code}/",
                depth=1,
                search_name=name.lower(),
            )
        )
    return city, OrgUnit.objects.bulk_create(units)


def build() -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from cchc.accounts.models import Membership, User
    from cchc.dialogues.models import (
        Answer,
        Commitment,
        Conference,
        Field,
        IssueGroup,
        Petition,
    )
    from cchc.plans.models import ContentArea, Plan, Task

    now = timezone.now()
    today = timezone.localdate()
    year = today.year
    with transaction.atomic():
        city, units = build_units()
        wards = units[DEPARTMENTS:]
        admin = User.objects.create(username="admin", full_name="Quản trị")
        Membership.objects.create(user=admin, unit=city, role=Membership.Role.CITY_ADMIN)
        officer = User.objects.create(username="canbo", full_name="Cán bộ phường")
        Membership.objects.create(user=officer, unit=wards[0], role=Membership.Role.FOCAL_POINT)
        plan = Plan.objects.create(
            year=year,
            unit=city,
            title=f"Kế hoạch CCHC năm {year}",
            status=Plan.Status.ISSUED,
            document_number="01/KH-UBND",
            document_date=datetime.date(year, 1, 5),
            issued_at=now,
        )
        conferences = Conference.objects.bulk_create(
            Conference(
                title=f"Hội nghị đối thoại {n}",
                level="ward" if n < 2 * WARDS else "department",
                host_unit=wards[n % WARDS] if n < 2 * WARDS else units[n % DEPARTMENTS],
                starts_at=now + datetime.timedelta(days=(n % 60) - 45),
                audiences=["citizens", "businesses"],
                chair_name="Chủ tịch UBND",
                place="Hội trường",
                status="held" if n % 60 < 45 else "announced",
            )
            for n in range(CONFERENCES)
        )
        groups = list(IssueGroup.objects.select_related("field"))
        fields = list(Field.objects.all())
        petitions = []
        for n in range(PETITIONS):
            status = _status(n)
            conference = conferences[n % CONFERENCES]
            group = groups[n % len(groups)]
            classified = status != "received"
            routed = status in ("routed", "answered", "published", "closed")
            overdue = status == "routed" and n % 3 == 0
            deadline = today + datetime.timedelta(days=(-(n % 20) - 1) if overdue else n % 30)
            petitions.append(
                Petition(
                    code=f"KN-{year}-{n + 1:06d}",
                    conference=conference,
                    unit_id=conference.host_unit_id,
                    channel=("web", "meeting", "writing")[n % 3],
                    submitter_type=("citizen", "organisation", "business")[n % 3],
                    title=f"Kiến nghị số {n + 1} về thủ tục hành chính",
                    content="Nội dung kiến nghị. " * 20,
                    status=status,
                    flag_reason="robot" if status == "received" and n % 50 == 0 else "",
                    field=group.field if classified else fields[n % len(fields)],
                    issue_group=group if classified else None,
                    responsible_unit=units[(n * 7) % len(units)] if routed else None,
                    deadline=deadline if routed else None,
                    received_at=now - datetime.timedelta(days=n % 90),
                    routed_at=now if routed else None,
                    published_at=now if status in ("published", "closed") else None,
                )
            )
        petitions = Petition.objects.bulk_create(petitions, batch_size=BATCH)
        answered = [p for p in petitions if p.status in ("answered", "published", "closed")]
        answers = Answer.objects.bulk_create(
            (
                Answer(
                    petition=p,
                    text="Nội dung trả lời.",
                    given_at="conference",
                    answered_on=today,
                    answered_by=admin,
                    unit_id=p.responsible_unit_id,
                    published_at=p.published_at,
                )
                for p in answered
            ),
            batch_size=BATCH,
        )
        committed = answers[::4]
        area = ContentArea.objects.get(code="TTHC")
        tasks = Task.objects.bulk_create(
            (
                Task(
                    plan=plan,
                    code=answer.petition.code,
                    title=f"Cam kết trả lời {answer.petition.code}",
                    area=area,
                    lead_unit_id=answer.unit_id,
                    deadline=today + datetime.timedelta(days=30),
                    original_deadline=today + datetime.timedelta(days=30),
                    assigned_on=today,
                    source="dialogue",
                    source_ref=answer.petition.code,
                )
                for answer in committed
            ),
            batch_size=BATCH,
        )
        Commitment.objects.bulk_create(
            (
                Commitment(answer=answer, petition=answer.petition, task=task)
                for answer, task in zip(committed, tasks, strict=True)
            ),
            batch_size=BATCH,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "admin": admin,
        "officer": officer,
        "open": Petition.objects.open().count(),
        "answers": len(answers),
        "commitments": len(tasks),
    }


def naive_rows(limit: int) -> list[dict[str, Any]]:
    """The first version's loop: every open petition, its foreign keys read one by one."""
    from django.db.models import F
    from django.utils import timezone

    from cchc.dialogues.models import Petition

    today = timezone.localdate()
    rows = []
    petitions = Petition.objects.exclude(status="closed").order_by(
        F("deadline").asc(nulls_last=True), "received_at", "pk"
    )
    for petition in petitions[:limit]:
        overdue = 0
        if petition.status in ("screened", "routed") and petition.deadline:
            overdue = max(0, (today - petition.deadline).days)
        rows.append(
            {
                "code": petition.code,
                "title": petition.title,
                "status": petition.status,
                "conference": petition.conference.title if petition.conference else None,
                "unit": petition.unit.name,
                "responsible_unit": (
                    petition.responsible_unit.name if petition.responsible_unit else None
                ),
                "deadline": petition.deadline.isoformat() if petition.deadline else None,
                "days_overdue": overdue,
            }
        )
    return rows


def page(client: Any, url: str) -> tuple[float, int]:
    """Median server time of REPEAT requests after a warm-up, and the query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200
    runs = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        response = client.get(url)
        runs.append(time.perf_counter() - began)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(runs), len(queries.captured_queries)


def measure(database: str) -> None:
    from django.test import Client

    from cchc.dialogues.models import Petition
    from cchc.dialogues.queries import open_petition_rows

    start = time.perf_counter()
    built = build()
    print(
        f"{BENCH} [{database}]: built {PETITIONS:,} petitions ({built['open']:,} open), "
        f"{built['answers']:,} answers, {built['commitments']:,} commitments in "
        f"{time.perf_counter() - start:.1f} s"
    )
    all_petitions = Petition.objects.all()
    rows = open_petition_rows(all_petitions)
    rows_s = statistics.median(
        timed(lambda: open_petition_rows(all_petitions))[0] for _ in range(3)
    )
    sample_s, naive = timed(lambda: naive_rows(NAIVE_ROWS))
    assert naive == rows[:NAIVE_ROWS], "the naive loop disagrees"
    naive_s = sample_s * len(rows) / NAIVE_ROWS
    emit(
        BENCH,
        f"{database}: baseline, naive per-row FK loop ({NAIVE_ROWS:,} rows timed, "
        f"scaled to {len(rows):,})",
        naive_s,
        "s",
    )
    emit(
        BENCH,
        f"{database}: open_petition_rows ({len(rows):,} rows, CLI --json), median of 3",
        rows_s,
        "s",
        ratio=f"naive/rows = {naive_s / rows_s:.0f}x",
    )

    client = Client()
    client.force_login(built["admin"])
    healthz_s, _queries = page(client, "/healthz")
    emit(BENCH, f"{database}: baseline, GET /healthz, median of {REPEAT}", 1000 * healthz_s, "ms")
    ward = Client()
    ward.force_login(built["officer"])
    for label, reader, url in [
        ("open petitions page, city admin", client, "/dialogues/petitions/"),
        ("open petitions page, overdue filter", client, "/dialogues/petitions/?overdue=on"),
        ("open petitions page, ward focal point", ward, "/dialogues/petitions/"),
    ]:
        page_s, page_queries = page(reader, url)
        emit(
            BENCH,
            f"{database}: {label}, median of {REPEAT}",
            1000 * page_s,
            "ms",
            target=f"< {1000 * PAGE_TARGET_S:g} ms",
            ok=page_s < PAGE_TARGET_S,
            ratio=f"naive/page = {naive_s / page_s:.0f}x, page/healthz = {page_s / healthz_s:.0f}x",
        )
        emit(
            BENCH,
            f"{database}:   {label}, queries",
            page_queries,
            "",
            target=f"<= {PAGE_MAX_QUERIES}",
            ok=page_queries <= PAGE_MAX_QUERIES,
        )


if __name__ == "__main__":
    sys.exit(
        run_on_databases(sys.argv[1:], bench=BENCH, script=__file__, pg_url=PG_URL, measure=measure)
    )

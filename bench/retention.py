"""The retention job (Law 91/2025/QH15; docs/domain/personal-data.md) over 1,000,000 records:
500,000 petitions and 500,000 survey responses.

Set-up (not timed, not app data): one city, one conference and 500,000 petitions written with
executemany / COPY into the models' tables (`tally.Inserter`): 40 % closed two years ago
(expired), 30 % closed last month (kept), 30 % still open; each with a name and a contact given
with consent. Two survey campaigns (opened with `create_campaign`): 250,000 responses to a
campaign that ended two years ago (expired) and 250,000 to one that ended last month (kept),
each with a contact and one written answer in three.

Measured on SQLite and on PostgreSQL, each in its own process:
- baseline in the same process: the per-row loop (load each expired petition and response,
  blank its fields, save it, and its written answers) timed on the first NAIVE_SAMPLE of each
  kind and scaled to all of them (the figure says so);
- `privacy.jobs.erase_expired`: the set-wise job over the rest, in committed id batches
  (settings.CCHC_RETENTION_BATCH), each audited, under tracemalloc for the peak
  of Python allocations, and ru_maxrss after it; target under 60 s;
- a correctness check: exactly the expired records lost their personal data (the kept ones
  and every tally stay the same).

Run: .venv/bin/python bench/retention.py [sqlite|postgres] (PostgreSQL: a database
cchc_bench_retention is created and dropped; override with CCHC_BENCH_PG_URL).
"""

import datetime
import os
import sys
import time
import tracemalloc
from decimal import Decimal
from typing import Any

from _common import emit, max_rss_mb, run_on_databases

BENCH = "retention"
# Each kind's count (CCHC_BENCH_RETENTION_N lowers it for a quick try of the script).
PETITIONS = RESPONSES = int(os.environ.get("CCHC_BENCH_RETENTION_N", 500_000))
TEXT_EVERY = 3
NAIVE_SAMPLE = 2_000
JOB_TARGET_S = 60.0
MEMORY_TARGET_MB = 200.0
PG_URL = os.environ.get(
    "CCHC_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/cchc_bench_retention"
)
NOW = datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC)
OLD_CLOSE = NOW - datetime.timedelta(days=730)
RECENT_CLOSE = NOW - datetime.timedelta(days=30)


def build() -> dict[str, int]:
    """The records; returns the expected number of expired records per kind."""
    from django.db import transaction
    from tally import Inserter

    from cchc.accounts.models import User
    from cchc.dialogues.models import Conference, Petition
    from cchc.orgunits.models import OrgUnit
    from cchc.surveys.actions import create_campaign
    from cchc.surveys.models import Answer, Question, Questionnaire, Response

    city = OrgUnit.objects.create(
        code="01", kind="province", name="Thành phố Hà Nội", path="/01/", search_name="ha noi"
    )
    admin = User.objects.create(username="bench_admin")  # no password: no hashing to wait for
    conference = Conference.objects.create(
        title="Hội nghị đối thoại",
        level="city",
        host_unit=city,
        starts_at=OLD_CLOSE - datetime.timedelta(days=30),
        status="closed",
    )
    expired_petitions = 0

    def petitions() -> Any:
        nonlocal expired_petitions
        for n in range(PETITIONS):
            kind = n % 10
            closed = OLD_CLOSE if kind < 4 else RECENT_CLOSE if kind < 7 else None
            expired_petitions += closed is OLD_CLOSE
            yield {
                "id": n + 1,
                "code": f"KN-2025-{n + 1:07d}",
                "conference_id": conference.pk,
                "unit_id": city.pk,
                "channel": "web",
                "submitter_type": "citizen",
                "submitter_name": f"Nguyễn Văn {n}",
                "contact": f"09{n:08d}",
                "contact_consent_version": "2026-01",
                "contact_consent_at": OLD_CLOSE - datetime.timedelta(days=60),
                "title": f"Kiến nghị {n}",
                "content": "Ngõ ngập khi mưa to.",
                "status": "closed" if closed else "received",
                "received_at": OLD_CLOSE - datetime.timedelta(days=60),
                "closed_at": closed,
            }

    with transaction.atomic():
        Inserter(Petition)(petitions())
    questionnaire = Questionnaire.objects.get(code="sipas-default", version=1)
    text_question = Question.objects.get(questionnaire=questionnaire, code="D2")
    campaigns = []
    for year, end in ((2024, OLD_CLOSE.date()), (2026, RECENT_CLOSE.date())):
        campaigns.append(
            create_campaign(
                actor=admin,
                questionnaire=questionnaire,
                title=f"SIPAS {year}",
                start=end - datetime.timedelta(days=180),
                end=end,
                margin=Decimal("0.05"),
                units_with_population=[(city, 1_000_000)],
            ).units.get()
        )
    half = RESPONSES // 2

    def responses() -> Any:
        for n in range(RESPONSES):
            yield {
                "id": n + 1,
                "campaign_unit_id": campaigns[n // half].pk,
                "status": "accepted",
                "channel": "web",
                "contact": f"ban{n}@example.vn",
                "contact_consent_version": "2026-01",
                "contact_consent_at": OLD_CLOSE,
                "created_at": OLD_CLOSE,
                "access_answered": 4,
                "access_satisfied": 3,
            }

    def answers() -> Any:
        for n in range(0, RESPONSES, TEXT_EVERY):
            yield {
                "id": n + 1,
                "response_id": n + 1,
                "question_id": text_question.pk,
                "text": f"Tôi là {n}",
            }

    with transaction.atomic():
        Inserter(Response)(responses())
        Inserter(Answer)(answers())
    return {"petition": expired_petitions, "survey_response": half}


def naive_per_row(sample: int) -> float:
    """The baseline: per expired record, load it, blank its fields and save it (and its
    written answers); returns the seconds for `sample` records of each kind."""
    from django.db import transaction
    from django.utils import timezone

    from cchc.dialogues.jobs import expired_petitions
    from cchc.surveys.jobs import expired_responses

    start = time.perf_counter()
    with transaction.atomic():
        for petition in expired_petitions(NOW - datetime.timedelta(days=365))[:sample]:
            for attachment in petition.attachments.all():
                attachment.file.delete(save=False)
                attachment.delete()
            petition.submitter_name = petition.contact = petition.contact_consent_version = ""
            petition.contact_consent_at = None
            petition.anonymised_at = timezone.now()
            petition.save()
        cutoff = (NOW - datetime.timedelta(days=365)).date()
        for response in expired_responses(cutoff)[:sample]:
            for answer in response.answers.exclude(text=""):
                answer.text = ""
                answer.save()
            response.contact = response.contact_consent_version = ""
            response.contact_consent_at = None
            response.anonymised_at = timezone.now()
            response.save()
    return time.perf_counter() - start


def measure(database: str) -> None:
    from django.conf import settings
    from django.db.models import Sum

    settings.CCHC_RETENTION_DAYS = {"petition": 365, "survey_response": 365, "data_request": 365}
    from cchc.core.models import AuditEvent
    from cchc.dialogues.models import Petition
    from cchc.privacy.jobs import erase_expired
    from cchc.surveys.models import Answer, Response

    print(f"{BENCH} on {database}: building {PETITIONS:,} petitions and {RESPONSES:,} responses…")
    started = time.perf_counter()
    expected = build()
    print(f"  set-up {time.perf_counter() - started:.1f} s")
    tallies_before = Response.objects.aggregate(total=Sum("access_satisfied"))["total"]

    naive = naive_per_row(NAIVE_SAMPLE)
    total_expired = expected["petition"] + expected["survey_response"]
    naive_scaled = naive / (2 * NAIVE_SAMPLE) * total_expired

    tracemalloc.start()
    job_s = time.perf_counter()
    result = erase_expired(NOW)
    job_s = time.perf_counter() - job_s
    peak_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()

    assert result["expired"]["petition"] == expected["petition"] - NAIVE_SAMPLE, result
    assert result["expired"]["survey_response"] == expected["survey_response"] - NAIVE_SAMPLE
    assert (
        not Petition.objects.filter(closed_at__lt=NOW - datetime.timedelta(days=365))
        .exclude(contact="")
        .exists()
    )
    assert Petition.objects.exclude(contact="").count() == PETITIONS - expected["petition"]
    assert Response.objects.exclude(contact="").count() == RESPONSES - expected["survey_response"]
    kept_texts = len(range(0, RESPONSES, TEXT_EVERY)) - len(range(0, RESPONSES // 2, TEXT_EVERY))
    assert Answer.objects.exclude(text="").count() == kept_texts
    assert Response.objects.aggregate(total=Sum("access_satisfied"))["total"] == tallies_before
    # Every committed batch wrote its audit event, and together they account for every record.
    batches = AuditEvent.objects.filter(verb="privacy.erase_expired")
    erased = sum(details["erased"] for details in batches.values_list("details", flat=True))
    assert erased == sum(result["expired"].values()), (erased, result)

    records = PETITIONS + RESPONSES
    emit(
        BENCH,
        f"{database}: erase_expired over {records:,} records",
        job_s,
        "s",
        target=f"< {JOB_TARGET_S:.0f} s",
        ok=job_s < JOB_TARGET_S,
        ratio=f"{naive_scaled / job_s:,.0f}× faster than the per-row loop",
    )
    emit(
        BENCH,
        f"{database}: per-row loop (scaled from {2 * NAIVE_SAMPLE:,} rows)",
        naive_scaled,
        "s",
    )
    emit(
        BENCH,
        f"{database}: Python allocations peak (tracemalloc)",
        peak_mb,
        "MB",
        target=f"< {MEMORY_TARGET_MB:.0f} MB",
        ok=peak_mb < MEMORY_TARGET_MB,
    )
    emit(BENCH, f"{database}: process ru_maxrss", max_rss_mb(), "MB")


if __name__ == "__main__":
    sys.exit(
        run_on_databases(sys.argv[1:], bench=BENCH, script=__file__, pg_url=PG_URL, measure=measure)
    )

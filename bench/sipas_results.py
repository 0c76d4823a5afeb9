"""Survey results at city scale: 200 wards, 1,000,000 responses, 22,000,000 answers (issue #6).

Set-up (not timed, its duration printed): a city with UNITS wards and a campaign of the default
questionnaire ("sipas-default" v1) over them, opened with `create_campaign` (N = 5,000 + 184 × the
ward's number transactions, margin 0.014: required samples from 2,094 to 4,611, so that about a
tenth of the wards fall below theirs). Then, with one `INSERT … SELECT` each over a generated series
(`generate_series` on PostgreSQL, a recursive CTE on SQLite, as in bench/ratings.py):
RESPONSES responses, response n in ward n % UNITS (5,000 each), about 90% accepted and the rest
received, flagged or rejected (with a reason); one Answer per required question for each (the
choices A1–A4 and the ratings C1–C18: 22 answers, 22,000,000 rows), every rating 1–5 drawn from
an integer hash of (n, question) with a per-ward bias, so that the wards differ; one AnswerOption
per chosen option (one for the single choices A2–A4, one to three consecutive options for the
multiple choice A1: about 5,000,000 rows); each response's element tallies computed in the same
statement from the same expressions, hence equal to its answers; and the units' AnswerCount
rows that review_response keeps (three INSERT … SELECT … GROUP BY over the accepted answers).
The figures are the same on both databases (no randomness outside the hashes).

Measured, on SQLite and on PostgreSQL (each in its own process), median of REPEAT runs after a
warm-up, with the number of queries (CaptureQueriesContext):
- `cchc.surveys.queries.unit_results(campaign)` (tallies summed over the covering index):
  accepted responses, per element and overall
  satisfied %, Wilson intervals and sample flags for the 200 wards (target < 3 s);
- `distributions(campaign, every question)`: counts per scale point and per option of the
  accepted answers, summed from the AnswerCount rows (target < 3 s);
- `index_points(2026, the 200 wards, 30)`: the points the reform index reads (checked against
  unit_results' overall percents);
- with CCHC_BENCH_EXPLAIN=1, the plan of each query (EXPLAIN QUERY PLAN on SQLite, EXPLAIN
  (ANALYZE, BUFFERS) on PostgreSQL), to see where the time goes;
- the peak of Python allocations (tracemalloc) over one run of the three, and the process's
  ru_maxrss after set-up and every run (target < 500 MB);
- baseline in the same process: the naive computation (`naive_unit`): the ward's accepted
  responses through the ORM, and for each one its answers (with their questions) and chosen
  options, the tallies counted in Python with the questionnaire's satisfied rule and the shares
  and intervals from `cchc.surveys.scoring`. It is timed on NAIVE_UNITS wards spread over the
  campaign and scaled to all of them; its figures must equal unit_results' for every sampled
  ward (asserted).

Run: .venv/bin/python bench/sipas_results.py [sqlite|postgres] (without an argument: both, each
in its own process). PostgreSQL: a database cchc_bench_sipas_results on
postgres://postgres@127.0.0.1:5432 is created and dropped (the server part can be overridden
with CCHC_BENCH_PG_URL); it is skipped with a message when the server is not reachable.
CCHC_BENCH_SIPAS_RESPONSES sets a smaller number of responses for a quick trial.
"""

import datetime
import os
import sys
import time
import tracemalloc
from decimal import Decimal
from typing import Any

from _common import emit, max_rss_mb, median_seconds, run_on_databases
from ratings import Sql, aware, hashed, insert_select

BENCH = "sipas_results"
UNITS = 200
RESPONSES = int(os.environ.get("CCHC_BENCH_SIPAS_RESPONSES", 1_000_000))
START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 6, 30)
YEAR = 2026
MARGIN = Decimal("0.014")
SURVEY_MAX = Decimal(30)
RESULTS_TARGET_S = 3.0
DISTRIBUTIONS_TARGET_S = 3.0
MEMORY_TARGET_MB = 500.0
NAIVE_UNITS = 5
REPEAT = 3
CHOICES = ["A1", "A2", "A3", "A4"]
RATED = [f"C{k}" for k in range(1, 19)]
STRIDE = 32  # question slots per response in the hashed key n * STRIDE + slot
PG_SERVER = os.environ.get("CCHC_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/x")
PG_URL = PG_SERVER.rsplit("/", 1)[0] + "/cchc_bench_sipas_results"


def rating(n: str, slot: str) -> str:
    """The rating (1 … 5) of response `n` (an SQL integer expression, 0-based) to the rating
    question in `slot` (1 … 18): a hash in 0 … 99 plus the ward's bias in 0 … 39, in fifths."""
    key = f"(({n}) * {STRIDE} + {slot})"
    bias = f"(((({n}) % {UNITS}) * 7) % 40)"
    return f"(1 + ({hashed(0, key)} % 100 + {bias}) / 28)"


def build_campaign() -> tuple[Any, list[int]]:
    """The city, its wards and the campaign (through the ORM and create_campaign); returns the
    campaign and its CampaignUnit ids in ward order (ward u gets responses n ≡ u mod UNITS)."""
    from cchc.accounts.models import Membership, User
    from cchc.orgunits.models import OrgUnit
    from cchc.surveys.actions import create_campaign
    from cchc.surveys.models import Questionnaire

    city = OrgUnit.objects.create(
        code="01", kind="province", name="Thành phố Hà Nội", path="/01/", search_name="ha noi"
    )
    wards = OrgUnit.objects.bulk_create(
        OrgUnit(
            code=f"P{u:04d}",
            kind="ward",
            name=f"Phường Thử {u:03d}",
            parent=city,
            path=f"/01/P{u:04d}/",
            depth=1,
            search_name=f"phuong thu {u:03d}",
        )
        for u in range(UNITS)
    )
    admin = User.objects.create_user(username="bench_admin", password="x")  # noqa: S106
    Membership.objects.create(user=admin, unit=city, role=Membership.Role.CITY_ADMIN)
    campaign = create_campaign(
        actor=admin,
        questionnaire=Questionnaire.objects.get(code="sipas-default", version=1),
        title="SIPAS 6 tháng đầu năm 2026",
        start=START,
        end=END,
        margin=MARGIN,
        units_with_population=[(ward, 5_000 + 184 * u) for u, ward in enumerate(wards)],
    )
    by_unit = dict(campaign.units.values_list("unit_id", "pk"))
    return campaign, [by_unit[ward.pk] for ward in wards]


def build_responses(sql: Sql, unit_rows: list[int], questions: dict[str, Any]) -> int:
    """RESPONSES responses with their tallies; returns the id of response 0 (ids are n + it)."""
    from django.db import connection

    from cchc.surveys.models import ELEMENTS, Response

    prefix, rows = sql.series(RESPONSES)
    first = unit_rows[0]
    assert unit_rows == list(range(first, first + UNITS)), "campaign units are not consecutive"
    status = f"({hashed(1)} % 100)"
    created = sql.plus_days_at(sql.moment(aware(START)), "n % 180")
    values = {
        "campaign_unit_id": f"{first} + n % {UNITS}",
        "status": f"CASE WHEN {status} < 90 THEN 'accepted' WHEN {status} < 94 THEN 'received' "
        f"WHEN {status} < 97 THEN 'flagged' ELSE 'rejected' END",
        "channel": "'web'",
        "flag_reason": f"CASE WHEN {status} BETWEEN 94 AND 96 "
        "THEN 'Gửi nhiều lần từ cùng một địa chỉ' ELSE '' END",
        "review_reason": f"CASE WHEN {status} >= 97 THEN 'Phiếu không hợp lệ' ELSE '' END",
        "created_at": created,
    }
    for element in ELEMENTS:
        slots = [
            int(code[1:]) for code in RATED if questions[code].element == element
        ]  # C1 … C18: slot k
        values[f"{element}_answered"] = str(len(slots))
        values[f"{element}_satisfied"] = " + ".join(
            f"(CASE WHEN {rating('n', str(slot))} >= 4 THEN 1 ELSE 0 END)" for slot in slots
        )
    insert_select(Response, sql, values, rows, prefix)  # (SQLite's rowcount says -1 here)
    with connection.cursor() as cursor:
        table = Response._meta.db_table
        cursor.execute(f"SELECT COUNT(*), MIN(id), MAX(id) FROM {table}")  # noqa: S608
        count, low, high = cursor.fetchone()
    assert count == RESPONSES == high - low + 1, "the response ids are not 0 … RESPONSES - 1"
    return int(low)


def build_answers(response0: int, questions: dict[str, Any]) -> tuple[int, int]:
    """One answer per response and question of CHOICES + RATED, then the chosen options.
    Returns (answers, chosen options)."""
    from django.db import connection

    from cchc.surveys.models import Answer, AnswerOption, Option, Response

    quote = connection.ops.quote_name
    # slot 0 for a choice: no rating; slots 1 … 18 for C1 … C18.
    slots = [(questions[code].pk, 0) for code in CHOICES] + [
        (questions[code].pk, int(code[1:])) for code in RATED
    ]
    table = " UNION ALL ".join(f"SELECT {pk} AS qid, {slot} AS slot" for pk, slot in slots)
    n = f"(r.id - {response0})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Answer._meta.db_table} (response_id, question_id, rating, text) "  # noqa: S608
            f"SELECT r.id, q.qid, CASE WHEN q.slot = 0 THEN NULL ELSE {rating(n, 'q.slot')} END,"
            f" '' FROM {Response._meta.db_table} AS r CROSS JOIN ({table}) AS q "
            "ORDER BY r.id, q.qid"
        )
        answers = cursor.rowcount
        order = quote("order")
        conditions = []
        for slot, code in enumerate(CHOICES, start=STRIDE - len(CHOICES)):
            question = questions[code]
            options = sorted(Option.objects.filter(question=question).values_list("order"))
            assert options == [(j,) for j in range(len(options))], (code, options)
            key = f"((a.response_id - {response0}) * {STRIDE} + {slot})"
            pick = f"({hashed(2, key)} % {len(options)})"
            if question.type == question.Type.MULTIPLE:  # 1, 2 or 3 consecutive options
                many = f"(1 + {hashed(3, key)} % 3)"
                chosen = f"((o.{order} - {pick} + {len(options)}) % {len(options)}) < {many}"
            else:
                chosen = f"o.{order} = {pick}"
            conditions.append(f"(a.question_id = {question.pk} AND {chosen})")
        cursor.execute(
            f"INSERT INTO {AnswerOption._meta.db_table} (answer_id, option_id) "  # noqa: S608
            f"SELECT a.id, o.id FROM {Answer._meta.db_table} AS a "
            f"JOIN {Option._meta.db_table} AS o ON o.question_id = a.question_id "
            f"WHERE a.question_id IN ({', '.join(str(questions[c].pk) for c in CHOICES)}) "
            f"AND ({' OR '.join(conditions)}) ORDER BY a.id, o.id"
        )
        return answers, cursor.rowcount


def build_answer_counts() -> None:
    """The AnswerCount rows that review_response keeps as responses are accepted, set-wise:
    answers per unit and question, rating points, chosen options (accepted responses only)."""
    from django.db import connection

    from cchc.surveys.models import Answer, AnswerCount, AnswerOption, Response

    counts, answers = AnswerCount._meta.db_table, Answer._meta.db_table
    responses, chosen = Response._meta.db_table, AnswerOption._meta.db_table
    concat = "||" if connection.vendor in ("sqlite", "postgresql") else "+"
    joined = (
        f"FROM {answers} AS a JOIN {responses} AS r ON r.id = a.response_id "
        "WHERE r.status = 'accepted'"
    )
    statements = [
        f"SELECT r.campaign_unit_id, a.question_id, 'answers', COUNT(*) {joined} "
        "GROUP BY r.campaign_unit_id, a.question_id",
        f"SELECT r.campaign_unit_id, a.question_id, 'rating:' {concat} CAST(a.rating AS TEXT), "
        f"COUNT(*) {joined} AND a.rating IS NOT NULL "
        "GROUP BY r.campaign_unit_id, a.question_id, a.rating",
        f"SELECT r.campaign_unit_id, a.question_id, 'option:' {concat} CAST(c.option_id AS TEXT), "  # noqa: S608
        f"COUNT(*) FROM {chosen} AS c JOIN {answers} AS a ON a.id = c.answer_id "
        f"JOIN {responses} AS r ON r.id = a.response_id WHERE r.status = 'accepted' "
        "GROUP BY r.campaign_unit_id, a.question_id, c.option_id",
    ]
    with connection.cursor() as cursor:
        for select in statements:
            cursor.execute(
                f"INSERT INTO {counts} (campaign_unit_id, question_id, key, count) {select}"
            )


def build() -> tuple[Any, dict[str, int]]:
    from django.db import connection, transaction

    from cchc.surveys.models import Response

    sql = Sql(connection.vendor)
    with transaction.atomic():
        campaign, unit_rows = build_campaign()
        questions = {q.code: q for q in campaign.questionnaire.questions.all()}
        response0 = build_responses(sql, unit_rows, questions)
        answers, chosen = build_answers(response0, questions)
        build_answer_counts()
    with connection.cursor() as cursor:  # autovacuum would have, on a live database
        cursor.execute("ANALYZE")
    accepted = Response.objects.filter(status=Response.Status.ACCEPTED).count()
    return campaign, {"answers": answers, "chosen": chosen, "accepted": accepted}


def counted(function: Any) -> tuple[int, Any]:
    """(queries, value) of one call; with CCHC_BENCH_EXPLAIN set, each query's plan printed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        value = function()
    if os.environ.get("CCHC_BENCH_EXPLAIN"):
        pg = connection.vendor == "postgresql"
        explain = "EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN "
        for query in context.captured_queries:
            print(f"--- {query['time']} s: {query['sql']}")
            with connection.cursor() as cursor:
                cursor.execute(explain + query["sql"])
                for row in cursor.fetchall():
                    print("    " + " | ".join(str(column) for column in row))
    return len(context.captured_queries), value


def naive_unit(campaign: Any, campaign_unit: Any) -> tuple[int, dict[str, Any], Any]:
    """The baseline for one ward: (accepted responses, per element figures, overall), from its
    accepted responses' answers and options loaded through the ORM, tallied in Python."""
    from cchc.surveys.models import ELEMENTS, Response
    from cchc.surveys.queries import _cents
    from cchc.surveys.scoring import mean_share, satisfied_share, wilson_interval

    questionnaire = campaign.questionnaire
    answered = dict.fromkeys(ELEMENTS, 0)
    satisfied = dict.fromkeys(ELEMENTS, 0)
    rated = dict.fromkeys(ELEMENTS, 0)
    accepted = 0
    for response in Response.objects.filter(
        campaign_unit=campaign_unit, status=Response.Status.ACCEPTED
    ).order_by("pk"):
        accepted += 1
        seen = set()
        for answer in response.answers.select_related("question").prefetch_related("choices"):
            element = answer.question.element
            if element and answer.rating is not None:
                answered[element] += 1
                satisfied[element] += questionnaire.is_satisfied(answer.rating)
                seen.add(element)
        for element in seen:
            rated[element] += 1
    figures = {}
    for element in ELEMENTS:
        interval = None
        if answered[element]:
            low, high = wilson_interval(satisfied[element], answered[element])
            interval = (_cents(low), _cents(high))
        figures[element] = (
            rated[element],
            answered[element],
            satisfied[element],
            satisfied_share(satisfied[element], answered[element]),
            interval,
            rated[element] < campaign_unit.required,
        )
    shares = [f[3] for f in figures.values() if f[3] is not None]
    return accepted, figures, mean_share(shares)


def naive_sample(campaign: Any, results: list[Any]) -> tuple[float, int]:
    """Time the naive computation on NAIVE_UNITS wards spread over the campaign, check it
    against `results` (unit_results'); returns (seconds scaled to every ward, responses seen)."""
    chosen = results[:: len(results) // NAIVE_UNITS + 1][:NAIVE_UNITS]
    seconds, seen = 0.0, 0
    for result in chosen:
        began = time.perf_counter()
        accepted, figures, overall = naive_unit(campaign, result.campaign_unit)
        seconds += time.perf_counter() - began
        seen += accepted
        stored = {
            e.element: (
                e.responses,
                e.answers,
                e.satisfied,
                e.percent,
                None if e.low is None else (e.low, e.high),
                e.below_sample,
            )
            for e in result.elements
        }
        label = str(result.campaign_unit.unit)
        assert accepted == result.accepted, (label, accepted, result.accepted)
        assert figures == stored, (label, figures, stored)
        assert overall == result.overall, (label, overall, result.overall)
    return seconds / len(chosen) * len(results), seen


def check(campaign: Any, sizes: dict[str, int], results: list[Any], found: list[Any]) -> None:
    """Cross-checks of the measured functions' figures."""
    from cchc.surveys.queries import index_points
    from cchc.surveys.scoring import scaled_points

    assert len(results) == UNITS
    assert sum(r.accepted for r in results) == sizes["accepted"]
    by_code = {d.question.code: d for d in found}
    for code in [*CHOICES, *RATED]:
        assert by_code[code].answers == sizes["accepted"], code
    for code in ["A2", "A3", "A4", *RATED]:  # one option or point per answer
        assert sum(row.count for row in by_code[code].rows) == sizes["accepted"], code
    multiple = sum(row.count for row in by_code["A1"].rows)
    assert sizes["accepted"] < multiple < 3 * sizes["accepted"], multiple
    points = index_points(YEAR, [r.campaign_unit.unit_id for r in results], SURVEY_MAX)
    for result in results:
        assert result.overall is not None
        expected = scaled_points(result.overall, SURVEY_MAX)
        assert points[result.campaign_unit.unit_id] == expected, result.campaign_unit.unit


def measure(database: str) -> None:
    from django.db import connection

    from cchc.surveys.models import Campaign
    from cchc.surveys.queries import distributions, index_points, unit_results

    start = time.perf_counter()
    built, sizes = build()
    setup_s = time.perf_counter() - start
    print(
        f"{BENCH} [{database}]: built {UNITS} wards, {RESPONSES:,} responses "
        f"({sizes['accepted']:,} accepted), {sizes['answers']:,} answers, "
        f"{sizes['chosen']:,} chosen options in {setup_s:.1f} s; RSS {max_rss_mb():.0f} MB"
    )
    campaign = Campaign.objects.select_related("questionnaire").get(pk=built.pk)
    questions = list(campaign.questionnaire.questions.prefetch_related("options"))
    unit_ids = list(campaign.units.values_list("unit_id", flat=True))
    connection.close()  # measured from a fresh connection's caches on both databases

    def results() -> list[Any]:
        return unit_results(campaign)

    def spread() -> list[Any]:
        return distributions(campaign, questions)

    def points() -> dict[int, Decimal]:
        return index_points(YEAR, unit_ids, SURVEY_MAX)

    # The warm-up run of each is the one whose queries are counted (and explained).
    results_q, found_results = counted(results)
    results_s = median_seconds(results, repeat=REPEAT, warmup=0)
    spread_q, found_spread = counted(spread)
    spread_s = median_seconds(spread, repeat=REPEAT, warmup=0)
    points_q, _ = counted(points)
    points_s = median_seconds(points, repeat=REPEAT, warmup=0)
    tracemalloc.start()
    results()
    spread()
    points()
    peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    check(campaign, sizes, found_results, found_spread)
    below = sum(r.below_sample for r in found_results)
    print(
        f"{BENCH} [{database}]: {below} of {UNITS} wards below their required sample; "
        f"unit_results, distributions and index_points agree with each other"
    )
    naive_s, seen = naive_sample(campaign, found_results)
    rss_mb = max_rss_mb()
    print(
        f"{BENCH} [{database}]: the naive computation agrees with unit_results on "
        f"{NAIVE_UNITS} wards ({seen:,} accepted responses)"
    )
    emit(BENCH, f"{database}: set-up (not measured)", setup_s, "s")
    emit(
        BENCH,
        f"{database}: baseline, naive ORM per response ({NAIVE_UNITS} wards timed, "
        f"scaled to {UNITS})",
        naive_s,
        "s",
    )
    emit(
        BENCH,
        f"{database}: unit_results, {UNITS} wards, median of {REPEAT}",
        results_s,
        "s",
        target=f"< {RESULTS_TARGET_S:g} s",
        ok=results_s < RESULTS_TARGET_S,
        ratio=f"naive/unit_results = {naive_s / results_s:.0f}x",
    )
    emit(BENCH, f"{database}:   queries of unit_results", results_q, "")
    emit(
        BENCH,
        f"{database}: distributions, {len(questions)} questions, median of {REPEAT}",
        spread_s,
        "s",
        target=f"< {DISTRIBUTIONS_TARGET_S:g} s",
        ok=spread_s < DISTRIBUTIONS_TARGET_S,
    )
    emit(BENCH, f"{database}:   queries of distributions", spread_q, "")
    emit(BENCH, f"{database}: index_points, {UNITS} wards, median of {REPEAT}", points_s, "s")
    emit(BENCH, f"{database}:   queries of index_points", points_q, "")
    emit(BENCH, f"{database}: peak Python memory of the three (tracemalloc)", peak_mb, "MB")
    emit(
        BENCH,
        f"{database}: process peak RSS (set-up, runs and baseline)",
        rss_mb,
        "MB",
        target=f"< {MEMORY_TARGET_MB:g} MB",
        ok=rss_mb < MEMORY_TARGET_MB,
    )


if __name__ == "__main__":
    sys.exit(
        run_on_databases(sys.argv[1:], bench=BENCH, script=__file__, pg_url=PG_URL, measure=measure)
    )

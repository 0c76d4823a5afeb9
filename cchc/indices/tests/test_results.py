"""A round's results: appraised + survey points, index percent (rescaled without a survey),
ranks with ties, groups at their thresholds, areas and their ranks, last year's change, the
frozen rows of a published round, the query count, and `manage.py index_results`."""

import json
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from cchc.accounts.models import User
from cchc.indices.actions import publish_round
from cchc.indices.models import (
    Appraisal,
    Assessment,
    AssessmentRound,
    Framework,
    Result,
    SurveyPoints,
)
from cchc.indices.results import compute_results, results_of
from cchc.indices.tests.factories import finalise_with, leaves, make_framework, make_round, wards
from cchc.orgunits.models import OrgUnit
from conftest import Hanoi

D = Decimal
ZERO = Decimal(0)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def framework(city_admin: User) -> Framework:
    return make_framework(city_admin)


@pytest.fixture
def rating_round(framework: Framework, city_admin: User, hanoi: Hanoi) -> AssessmentRound:
    return make_round(framework, city_admin, [hanoi.ward_a, hanoi.ward_b])


def by_unit(results: list[Any]) -> dict[str, Any]:
    return {r.unit_name: r for r in results}


def test_results_add_appraised_and_survey_points_or_rescale_without_survey(
    rating_round: AssessmentRound, hanoi: Hanoi
) -> None:
    finalise_with(
        rating_round,
        hanoi.ward_a,
        {"1.1": D(14), "1.2": D("12.5"), "2.1": D(36), "4": D(1)},
        survey=D("26.75"),
    )
    finalise_with(rating_round, hanoi.ward_b, {"1.1": D(10), "1.2": D(10), "2.1": D(30), "4": D(0)})

    a, b = compute_results(rating_round)

    assert (a.unit_name, a.appraised, a.survey, a.total) == (
        "Phường Ba Đình",
        D("63.5"),
        D("26.75"),
        D("90.25"),
    )
    assert (a.percent, a.rank, a.group) == (D("90.25"), 1, "A")
    # Without survey points: 50 of the 70 appraisal points, rescaled to 100.
    assert (b.appraised, b.survey, b.total) == (D(50), None, D(50))
    assert (b.percent, b.rank, b.group) == (D("71.43"), 2, "C")


def test_results_areas_are_the_appraised_roots_and_the_survey_with_their_ranks(
    rating_round: AssessmentRound, hanoi: Hanoi
) -> None:
    finalise_with(
        rating_round,
        hanoi.ward_a,
        {"1.1": D(14), "1.2": D("12.5"), "2.1": D(30), "4": D(-2)},
        survey=D("26.75"),
    )
    finalise_with(rating_round, hanoi.ward_b, {"1.1": D(10), "1.2": D(10), "2.1": D(36), "4": D(0)})

    results = by_unit(compute_results(rating_round))

    assert results["Phường Ba Đình"].areas == [
        {
            "code": "1",
            "title": "Công tác chỉ đạo, điều hành",
            "points": 26.5,
            "max": 30.0,
            "rank": 1,
        },
        {
            "code": "2",
            "title": "Cải cách thủ tục hành chính",
            "points": 30.0,
            "max": 40.0,
            "rank": 2,
        },
        {"code": "4", "title": "Điểm thưởng, điểm trừ", "points": -2.0, "max": 5.0, "rank": 2},
        {
            "code": "3",
            "title": "Sự hài lòng của người dân",
            "points": 26.75,
            "max": 30.0,
            "rank": 1,
        },
    ]
    assert results["Phường Hoàn Kiếm"].areas == [
        {
            "code": "1",
            "title": "Công tác chỉ đạo, điều hành",
            "points": 20.0,
            "max": 30.0,
            "rank": 2,
        },
        {
            "code": "2",
            "title": "Cải cách thủ tục hành chính",
            "points": 36.0,
            "max": 40.0,
            "rank": 1,
        },
        {"code": "4", "title": "Điểm thưởng, điểm trừ", "points": 0.0, "max": 5.0, "rank": 1},
    ]


def test_results_share_ranks_on_ties(framework: Framework, city_admin: User, hanoi: Hanoi) -> None:
    units = wards(hanoi, 4)
    rating_round = make_round(framework, city_admin, units)
    for unit, total_21 in zip(units, (D(30), D(35), D(30), D(20)), strict=True):
        finalise_with(rating_round, unit, leaves(total_21))

    results = compute_results(rating_round)

    assert [(r.unit_name, r.percent, r.rank) for r in results] == [
        ("Phường Thêm 02", D("92.86"), 1),
        ("Phường Thêm 01", D("85.71"), 2),
        ("Phường Thêm 03", D("85.71"), 2),
        ("Phường Thêm 04", D("71.43"), 4),
    ]
    assert [area["rank"] for area in results[0].areas] == [1, 1, 1]
    assert [area["rank"] for area in results[3].areas] == [1, 4, 1]


@pytest.mark.parametrize(
    ("total_21", "percent", "group"),
    [
        (D(30), D(90), "A"),
        (D("29.99"), D("89.99"), "B"),
        (D(20), D(80), "B"),
        (D("19.99"), D("79.99"), "C"),
        (D(10), D(70), "C"),
        (D("9.99"), D("69.99"), ""),
    ],
)
def test_results_groups_at_their_thresholds(
    rating_round: AssessmentRound, hanoi: Hanoi, total_21: Decimal, percent: Decimal, group: str
) -> None:
    finalise_with(rating_round, hanoi.ward_a, leaves(total_21), survey=D(30))

    (result,) = compute_results(rating_round)

    assert (result.total, result.percent, result.group) == (60 + total_21, percent, group)


def test_results_count_only_finalised_assessments_and_decided_points(
    rating_round: AssessmentRound, hanoi: Hanoi
) -> None:
    finalise_with(rating_round, hanoi.ward_a, {"1.1": D(15), "1.2": None, "2.1": D(35), "4": D(0)})
    finalise_with(rating_round, hanoi.ward_b, leaves(D(40)), status=Assessment.Status.APPRAISED)

    (result,) = compute_results(rating_round)

    assert (result.unit_name, result.appraised) == ("Phường Ba Đình", D(50))


def test_results_compare_with_last_years_published_round_of_the_same_group(
    city_admin: User, hanoi: Hanoi, rating_round: AssessmentRound
) -> None:
    last_year = make_round(make_framework(city_admin, 2025), city_admin, [hanoi.ward_a])
    finalise_with(last_year, hanoi.ward_a, leaves(D(20)))  # 50 of 70: 71.43
    publish_round(last_year, actor=city_admin)
    departments = make_round(
        make_framework(city_admin, 2025, "departments"), city_admin, [hanoi.home_affairs]
    )
    finalise_with(departments, hanoi.home_affairs, leaves(D(40)))
    publish_round(departments, actor=city_admin)  # later, but of another target group
    finalise_with(rating_round, hanoi.ward_a, leaves(D(30)))  # 60 of 70: 85.71
    finalise_with(rating_round, hanoi.ward_b, leaves(D(30)))

    results = by_unit(compute_results(rating_round))

    assert results["Phường Ba Đình"].previous_percent == D("71.43")
    assert results["Phường Ba Đình"].change == D("14.28")
    assert results["Phường Hoàn Kiếm"].previous_percent is None
    assert results["Phường Hoàn Kiếm"].change is None


def test_results_ignore_unpublished_rounds_of_last_year(
    city_admin: User, hanoi: Hanoi, rating_round: AssessmentRound
) -> None:
    last_year = make_round(make_framework(city_admin, 2025), city_admin, [hanoi.ward_a])
    finalise_with(last_year, hanoi.ward_a, leaves(D(20)))
    finalise_with(rating_round, hanoi.ward_a, leaves(D(30)))

    (result, *_rest) = compute_results(rating_round)

    assert result.previous_percent is None


def test_results_of_a_published_round_are_its_frozen_rows(
    rating_round: AssessmentRound, hanoi: Hanoi, city_admin: User
) -> None:
    finalise_with(rating_round, hanoi.ward_a, leaves(D(30)), survey=D(25))
    finalise_with(rating_round, hanoi.ward_b, leaves(D(20)))
    live = compute_results(rating_round)
    publish_round(rating_round, actor=city_admin)
    Appraisal.objects.filter(assessment__unit=hanoi.ward_b).update(points=D(0))
    OrgUnit.objects.filter(pk=hanoi.ward_a.pk).update(name="Phường Đổi Tên")
    rating_round.refresh_from_db()

    frozen = results_of(rating_round)

    assert frozen == live
    assert [r.unit_code for r in frozen] == ["00004", "00070"]
    assert compute_results(rating_round)[1].appraised == 0  # what the live figures would say


def test_compute_results_makes_the_same_queries_for_any_number_of_units(
    framework: Framework,
    city_admin: User,
    hanoi: Hanoi,
    django_assert_num_queries: Any,
) -> None:
    units = wards(hanoi, 7)
    small, big = (make_round(framework, city_admin, some) for some in (units[:2], units))
    for rating_round in (small, big):
        for assessment in rating_round.assessments.select_related("unit"):
            finalise_with(rating_round, assessment.unit, leaves(D(25)))
    SurveyPoints.objects.bulk_create(
        SurveyPoints(framework=framework, unit=unit, points=D(20)) for unit in units
    )
    for rating_round, count in ((small, 2), (big, 7)):
        rating_round = AssessmentRound.objects.select_related("framework").get(pk=rating_round.pk)
        with django_assert_num_queries(5):  # criteria, units, appraisals, survey, last year
            results = compute_results(rating_round)
        assert [r.percent for r in results] == [D(75)] * count


# manage.py index_results


def index_results(*args: str) -> str:
    out = StringIO()
    call_command("index_results", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def scored(rating_round: AssessmentRound, hanoi: Hanoi) -> AssessmentRound:
    finalise_with(
        rating_round,
        hanoi.ward_a,
        {"1.1": D(14), "1.2": D("12.5"), "2.1": D(36), "4": D(1)},
        survey=D("26.75"),
    )
    finalise_with(rating_round, hanoi.ward_b, leaves(D(20)))
    return rating_round


EXPECTED = [
    {
        "unit_code": "00004",
        "unit": "Phường Ba Đình",
        "appraised": 63.5,
        "survey": 26.75,
        "total": 90.25,
        "percent": 90.25,
        "rank": 1,
        "group": "A",
        "rank_interval": {"median": 1.0, "q05": 1.0, "q95": 1.0},
    },
    {
        "unit_code": "00070",
        "unit": "Phường Hoàn Kiếm",
        "appraised": 50.0,
        "survey": None,
        "total": 50.0,
        "percent": 71.43,
        "rank": 2,
        "group": "C",
        "rank_interval": {"median": 2.0, "q05": 2.0, "q95": 2.0},
    },
]


def test_index_results_json_live_and_published(scored: AssessmentRound, city_admin: User) -> None:
    assert json.loads(index_results(str(scored.pk), "--json")) == EXPECTED
    publish_round(scored, actor=city_admin)
    Appraisal.objects.update(points=D(0))
    assert json.loads(index_results(str(scored.pk), "--json")) == EXPECTED


def test_index_results_json_gives_the_stored_rank_interval(
    scored: AssessmentRound, city_admin: User
) -> None:
    """The published figures are the frozen ones, as the public page's; a round published
    before rank intervals existed has none: null."""
    publish_round(scored, actor=city_admin)
    Result.objects.filter(unit__code="00004").update(rank_median=1.5, rank_q05=1, rank_q95=2)
    Result.objects.filter(unit__code="00070").update(rank_median=None, rank_q05=None, rank_q95=None)
    first, second = json.loads(index_results(str(scored.pk), "--json"))
    assert first["rank_interval"] == {"median": 1.5, "q05": 1.0, "q95": 2.0}
    assert second["rank_interval"] is None
    lines = index_results(str(scored.pk)).splitlines()
    assert lines[1].endswith("group A  rank 1–2 (median 1.5)")
    assert lines[2].endswith("group C")


def test_index_results_json_has_null_group_below_c(
    rating_round: AssessmentRound, hanoi: Hanoi
) -> None:
    finalise_with(rating_round, hanoi.ward_a, leaves(D(5)))
    (row,) = json.loads(index_results(str(rating_round.pk), "--json"))
    assert (row["percent"], row["group"], row["survey"]) == (50.0, None, None)


def test_index_results_text(scored: AssessmentRound) -> None:
    lines = index_results(str(scored.pk)).splitlines()
    assert lines[0] == "Tự đánh giá 2026 (Bộ chỉ số 2026), not published: live results:"
    assert lines[1].split() == [
        "1",
        "00004",
        "Phường",
        "Ba",
        "Đình",
        "appraised",
        "63.50",
        "survey",
        "26.75",
        "total",
        "90.25",
        "90.25%",
        "group",
        "A",
        "rank",
        "1–1",
        "(median",
        "1)",
    ]
    assert lines[2].split()[-11:-4] == ["survey", "—", "total", "50.00", "71.43%", "group", "C"]
    assert lines[3] == "2 units ranked."


@pytest.mark.parametrize(
    ("argument", "message"),
    [("999999", "No self-assessment round has the id 999999."), ("abc", "is not a round id")],
)
def test_index_results_refuses_an_unknown_round(db: None, argument: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        index_results(argument)


# Rank intervals (issue #20)


def test_rank_intervals_are_reproducible_contain_the_rank_and_are_frozen(
    framework: Framework, city_admin: User, hanoi: Hanoi
) -> None:
    """A demo-like round: a clear leader, close middle units that trade areas, a clear last."""
    units = wards(hanoi, 6)
    rating_round = make_round(framework, city_admin, units)
    scores = [  # (1.1, 1.2, 2.1, survey)
        (D(15), D(15), D(38), D(29)),
        (D(14), D(10), D(33), D(22)),
        (D(10), D(14), D(34), D(21)),
        (D(12), D(12), D(32), None),
        (D(13), D(9), D(35), D(20)),
        (D(5), D(4), D(10), D(8)),
    ]
    for unit, (a, b, c, survey) in zip(units, scores, strict=True):
        finalise_with(rating_round, unit, {"1.1": a, "1.2": b, "2.1": c, "4": D(0)}, survey=survey)
    rating_round = AssessmentRound.objects.select_related("framework").get(pk=rating_round.pk)

    live = compute_results(rating_round)
    assert [(r.rank_median, r.rank_q05, r.rank_q95) for r in live] == [
        (r.rank_median, r.rank_q05, r.rank_q95) for r in compute_results(rating_round)
    ]
    for r in live:
        assert r.rank_q05 is not None
        assert r.rank_q95 is not None
        assert r.rank_q05 <= r.rank <= r.rank_q95, r
    first, last = live[0], live[-1]
    assert (first.unit_name, first.rank_q05, first.rank_q95) == ("Phường Thêm 01", 1, 1)
    assert (last.unit_name, last.rank_q05, last.rank_q95) == ("Phường Thêm 06", 6, 6)
    assert any(r.rank_varies for r in live[1:-1])  # the close middle units can swap

    publish_round(rating_round, actor=city_admin)
    stored = list(
        Result.objects.filter(round=rating_round)
        .order_by("rank", "unit_name")
        .values_list("rank_median", "rank_q05", "rank_q95")
    )
    assert stored == [(r.rank_median, r.rank_q05, r.rank_q95) for r in live]
    Appraisal.objects.filter(assessment__round=rating_round).update(points=D(0))
    rating_round.refresh_from_db()
    assert results_of(rating_round) == live


def test_a_single_unit_keeps_its_rank(rating_round: AssessmentRound, hanoi: Hanoi) -> None:
    finalise_with(rating_round, hanoi.ward_a, leaves(D(30)))
    finalise_with(rating_round, hanoi.ward_b, leaves(D(20)), status=Assessment.Status.SUBMITTED)
    (only,) = compute_results(rating_round)
    assert (only.rank, only.rank_median, only.rank_q05, only.rank_q95) == (1, 1, 1, 1)


def test_rank_intervals_draw_the_survey_points_within_their_wilson_interval(
    framework: Framework, city_admin: User, hanoi: Hanoi
) -> None:
    """Six wards one appraisal point apart, all with full survey points: four imported (no
    sampling error), W from one satisfied response (a wide Wilson interval), N from twelve (a
    narrow one). W's rank interval is wider than N's; the same round gives the same one."""
    from cchc.surveys.tests.factories import accepted, campaign_of

    units = wards(hanoi, 6)
    wide, narrow = units[2], units[3]
    rating_round = make_round(framework, city_admin, units)
    campaign = campaign_of(city_admin, [(wide, 100), (narrow, 100)])
    accepted(campaign.units.get(unit=wide), city_admin, rating=5)
    for _ in range(12):
        accepted(campaign.units.get(unit=narrow), city_admin, rating=5)
    for n, unit in enumerate(units):
        imported = None if unit in (wide, narrow) else framework.survey_max
        points = {"1.1": D(15), "1.2": D(15), "2.1": D(30 - n), "4": D(0)}
        finalise_with(rating_round, unit, points, survey=imported)
    rating_round = AssessmentRound.objects.select_related("framework").get(pk=rating_round.pk)

    results = by_unit(compute_results(rating_round))
    w, n = results[wide.name], results[narrow.name]
    assert w.survey == n.survey == framework.survey_max  # every answer satisfied
    assert (w.rank, n.rank) == (3, 4)
    assert w.rank_q95 - w.rank_q05 > n.rank_q95 - n.rank_q05
    assert w.rank_q95 == 6  # its survey points may be far lower: last place is within reach
    again = by_unit(compute_results(rating_round))
    assert [(r.rank_median, r.rank_q05, r.rank_q95) for r in results.values()] == [
        (r.rank_median, r.rank_q05, r.rank_q95) for r in again.values()
    ]

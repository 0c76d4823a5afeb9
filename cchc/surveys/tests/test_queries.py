"""Results per unit and element, distributions per option and the index's survey points."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Count, Q

from cchc.accounts.models import User
from cchc.surveys.actions import (
    create_campaign,
    new_version,
    publish_questionnaire,
    record_response,
    review_response,
)
from cchc.surveys.models import ELEMENTS, Answer, AnswerCount, Campaign, Response
from cchc.surveys.queries import distribution, index_point_ranges, index_points, unit_results
from cchc.surveys.scoring import mean_share, scaled_points
from cchc.surveys.tests.factories import accepted, answers, campaign_of, default_questionnaire
from conftest import Hanoi

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def campaign(hanoi: Hanoi, city_admin: User) -> Campaign:
    """Ward A (N = 1000, n = 286): three accepted responses, one rejected, one received, one
    flagged. Ward B (N = 2, n = 2): none yet."""
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 1000), (hanoi.ward_b, 2)])
    unit = campaign.units.get(unit=hanoi.ward_a)
    accepted(unit, city_admin, rating=5, A1=["1", "3"])
    accepted(unit, city_admin, rating=3, C1=4, A1=["1"])
    accepted(unit, city_admin, rating=4, A1=["3", "4"])
    rejected = record_response(unit, answers(1, A1=["6"]), channel="web")
    review_response(rejected, actor=city_admin, decision="rejected", reason="Phiếu thử.")
    record_response(unit, answers(1, A1=["6"]), channel="web")
    record_response(unit, answers(1, A1=["6"]), channel="web", flag_reason="Honeypot.")
    return campaign


def figures(result: Any) -> dict[str, tuple[Any, ...]]:
    return {
        e.element: (e.responses, e.answers, e.satisfied, e.percent, e.low, e.high, e.below_sample)
        for e in result.elements
    }


def test_unit_results_count_only_accepted_responses(campaign: Campaign, hanoi: Hanoi) -> None:
    ward_a, ward_b = unit_results(campaign)

    assert ward_a.campaign_unit.unit == hanoi.ward_a
    assert (ward_a.accepted, ward_a.campaign_unit.required, ward_a.below_sample) == (3, 286, True)
    # Access: 5 5 5 | 4 3 3 | 4 4 4 → 7 of 9; the others 8 of 12 or 6 of 9.
    assert figures(ward_a) == {
        "access": (3, 9, 7, D("77.78"), D("45.26"), D("93.68"), True),
        "procedures": (3, 12, 8, D("66.67"), D("39.06"), D("86.19"), True),
        "civil_servants": (3, 12, 8, D("66.67"), D("39.06"), D("86.19"), True),
        "results": (3, 9, 6, D("66.67"), D("35.42"), D("87.94"), True),
        "feedback": (3, 12, 8, D("66.67"), D("39.06"), D("86.19"), True),
    }
    assert ward_a.overall == D("68.89")  # (77.78 + 4 × 66.67) / 5 = 68.892
    assert (ward_b.accepted, ward_b.overall, ward_b.below_sample) == (0, None, True)
    assert all(e.percent is None and e.low is None and e.answers == 0 for e in ward_b.elements)


def test_unit_results_without_the_flag_once_the_sample_is_reached(
    hanoi: Hanoi, city_admin: User
) -> None:
    """A version where the access questions are optional: one of the two responses skips
    them, so access is below the sample of 2 while the unit is not."""
    version = new_version(default_questionnaire(), actor=city_admin)
    version.questions.filter(code__in=["C1", "C2", "C3"]).update(required=False)
    publish_questionnaire(version, actor=city_admin)
    campaign = campaign_of(city_admin, [(hanoi.ward_b, 2)], questionnaire=version)
    unit = campaign.units.get()
    accepted(unit, city_admin, rating=5)
    accepted(unit, city_admin, rating=2, C1=None, C2=None, C3=None, B1=4)

    (ward_b,) = unit_results(campaign, unit_ids=[hanoi.ward_b.pk])

    assert (ward_b.accepted, ward_b.campaign_unit.required, ward_b.below_sample) == (2, 2, False)
    elements = figures(ward_b)
    assert elements["access"] == (1, 3, 3, D("100.00"), D("43.85"), D("100.00"), True)
    assert elements["procedures"] == (2, 8, 4, D("50.00"), D("21.52"), D("78.48"), False)
    assert ward_b.overall == D("60.00")  # (100 + 4 × 50) / 5


def test_unit_results_take_a_constant_number_of_queries(
    campaign: Campaign, hanoi: Hanoi, city_admin: User, django_assert_num_queries: Any
) -> None:
    accepted(campaign.units.get(unit=hanoi.ward_b), city_admin)
    with django_assert_num_queries(2):
        results = unit_results(campaign)
        assert [r.campaign_unit.unit.code for r in results] == ["00004", "00070"]


def test_tallies_match_the_answers(campaign: Campaign) -> None:
    """The per-response tallies the results add up equal a recount of the answers."""
    recount = (
        Answer.objects.filter(question__element__gt="")
        .values("response_id", "question__element")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(rating__gte=4)))
    )
    expected = {(r["response_id"], r["question__element"]): (r["n"], r["ok"]) for r in recount}
    for response in Response.objects.all():
        for element in ELEMENTS:
            assert response.tally(element) == expected.get((response.pk, element), (0, 0))


def answer_counts() -> dict[tuple[str, str], int]:
    return {
        (code, key): n
        for code, key, n in AnswerCount.objects.values_list("question__code", "key", "count")
        if n
    }


def recount() -> dict[tuple[str, str], int]:
    """The counts recomputed from the accepted responses' answers and chosen options."""
    found: dict[tuple[str, str], int] = {}
    for answer in Answer.objects.filter(response__status="accepted").select_related("question"):
        key = (answer.question.code, "answers")
        found[key] = found.get(key, 0) + 1
        if answer.rating is not None:
            key = (answer.question.code, f"rating:{answer.rating}")
            found[key] = found.get(key, 0) + 1
        for option_id in answer.choices.values_list("option_id", flat=True):
            key = (answer.question.code, f"option:{option_id}")
            found[key] = found.get(key, 0) + 1
    return found


def test_answer_counts_follow_responses_in_and_out_of_accepted(
    campaign: Campaign, city_admin: User
) -> None:
    """The counts the distributions read equal a recount of the accepted answers, after
    accepting, rejecting and flagging again (a decision revised twice)."""
    assert answer_counts() == recount()
    assert answer_counts()[("A1", "answers")] == 3
    first = Response.objects.filter(status="accepted").order_by("pk").first()
    assert first is not None
    review_response(first, actor=city_admin, decision="rejected", reason="Trùng lặp")
    assert answer_counts() == recount()
    assert answer_counts()[("A1", "answers")] == 2
    review_response(first, actor=city_admin, decision="flagged")
    review_response(first, actor=city_admin, decision="accepted")
    assert answer_counts() == recount()
    assert answer_counts()[("A1", "answers")] == 3


def test_distribution_counts_each_chosen_option(campaign: Campaign) -> None:
    question = campaign.questionnaire.questions.get(code="A1")

    result = distribution(campaign, question)

    assert result.answers == 3
    counts = {row.value: row.count for row in result.rows}
    # A1: {1, 3}, {1}, {3, 4} accepted; the rejected, received and flagged chose 6.
    assert counts == {"1": 2, "2": 0, "3": 2, "4": 1, "5": 0, "6": 0}
    assert [row.percent for row in result.rows][:4] == [
        D("66.67"),
        D("0.00"),
        D("66.67"),
        D("33.33"),
    ]


def test_distribution_of_a_rating_spreads_over_the_scale(
    campaign: Campaign, django_assert_max_num_queries: Any
) -> None:
    question = campaign.questionnaire.questions.get(code="C2")
    with django_assert_max_num_queries(3):
        result = distribution(campaign, question)

    assert result.answers == 3
    assert [(row.value, row.count) for row in result.rows] == [
        ("1", 0),
        ("2", 0),
        ("3", 1),
        ("4", 1),
        ("5", 1),
    ]
    assert result.rows[4].label in ("Rất hài lòng", "Very satisfied")


def test_distribution_per_unit_and_of_a_text(campaign: Campaign, hanoi: Hanoi) -> None:
    question = campaign.questionnaire.questions.get(code="A1")
    assert distribution(campaign, question, unit_ids=[hanoi.ward_b.pk]).answers == 0

    text = campaign.questionnaire.questions.get(code="D2")
    result = distribution(campaign, text)
    assert (result.answers, result.rows) == (0, [])


def test_distribution_refuses_a_question_of_another_questionnaire(
    campaign: Campaign, city_admin: User
) -> None:
    other = new_version(default_questionnaire(), actor=city_admin).questions.get(code="A1")
    with pytest.raises(ValueError, match="does not belong"):
        distribution(campaign, other)


def test_index_points_scale_the_overall_share(
    campaign: Campaign, hanoi: Hanoi, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        points = index_points(2026, [hanoi.ward_a.pk, hanoi.ward_b.pk], D(30))

    assert points == {hanoi.ward_a.pk: D("20.67")}  # 68.89 × 30 / 100 = 20.667
    assert index_points(2026, [hanoi.ward_a.pk], D(100)) == {hanoi.ward_a.pk: D("68.89")}
    assert index_points(2027, [hanoi.ward_a.pk], D(30)) == {}
    assert index_points(2026, [], D(30)) == {}


def test_index_point_ranges_are_the_mean_of_the_elements_wilson_bounds(
    campaign: Campaign, hanoi: Hanoi, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        ranges = index_point_ranges(2026, [hanoi.ward_a.pk, hanoi.ward_b.pk], D(30))

    assert list(ranges) == [hanoi.ward_a.pk]
    points, low, high = ranges[hanoi.ward_a.pk]
    assert points == D("20.67")  # as index_points
    # The bounds: the mean of the elements' Wilson bounds the results page shows, × 30 / 100.
    unit = next(u for u in unit_results(campaign) if u.campaign_unit.unit_id == hanoi.ward_a.pk)
    lows = [e.low for e in unit.elements if e.low is not None]
    highs = [e.high for e in unit.elements if e.high is not None]
    assert len(lows) == len(highs) > 1
    assert low == scaled_points(mean_share(lows) or D(0), D(30))
    assert high == scaled_points(mean_share(highs) or D(0), D(30))
    assert low < points < high


def test_index_points_pool_the_years_campaigns_and_skip_others(
    campaign: Campaign, hanoi: Hanoi, city_admin: User
) -> None:
    second = campaign_of(city_admin, [(hanoi.ward_a, 100)])  # also 2026
    accepted(second.units.get(), city_admin, rating=5)
    spanning = create_campaign(
        actor=city_admin,
        questionnaire=default_questionnaire(),
        title="Across the new year",
        start=datetime.date(2025, 12, 1),
        end=datetime.date(2026, 1, 31),
        units_with_population=[(hanoi.ward_a, 100)],
    )
    accepted(spanning.units.get(), city_admin, rating=1)

    points = index_points(2026, [hanoi.ward_a.pk], D(100))

    # Pooled: access 10 of 12 = 83.33; the other elements 12 of 16 or 9 of 12 = 75.
    assert points == {hanoi.ward_a.pk: D("76.67")}

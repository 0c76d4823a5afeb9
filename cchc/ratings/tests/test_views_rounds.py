"""The rounds pages: the month's ranking, the quarter and year, the scorecard, and the
assessment → response → approval → reopening workflow over HTTP.

Ward A (Ba Đình) has the worked example of docs/ratings.md in September 2026 (task points
54.25, officer_a responsible for its tasks). The city administrator assesses; approval needs a
head of the city (`city_head`); officer_b, of ward B, sees nothing of ward A.
"""

import datetime
import json
import re
from decimal import Decimal
from itertools import count
from unittest.mock import ANY

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cchc.accounts.actions import grant_membership
from cchc.accounts.models import User
from cchc.accounts.tests.factories import UserFactory
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries, assert_shows, html
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.plans.actions import close_month, reopen_month
from cchc.plans.models import MonthClose, Plan, Task
from cchc.plans.tests.factories import task_in
from cchc.ratings.actions import approve_ratings, assess_rating, record_discipline
from cchc.ratings.models import Band, Rating, RatingRound
from cchc.ratings.tests.factories import (
    SEPTEMBER,
    appoint_head,
    complete,
    draft_city_plan,
    issue,
    rate,
    worked_example,
)
from conftest import Hanoi, client_for

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)
DUE = datetime.date(2026, 9, 15)


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests assert messages by their English msgids: run them in English (the
    Vietnamese catalogue is checked by cchc/core/tests/test_translations.py)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def plan(hanoi: Hanoi, city_admin: User) -> Plan:
    return draft_city_plan(hanoi.city, city_admin)


@pytest.fixture
def september(plan: Plan, hanoi: Hanoi, city_admin: User, officer_a: User) -> RatingRound:
    worked_example(plan, hanoi.ward_a, city_admin, responsible=officer_a)
    return rate(SEPTEMBER, city_admin)


@pytest.fixture
def city_head(hanoi: Hanoi, city_admin: User) -> User:
    return appoint_head(hanoi.city, city_admin, username="chairman", full_name="Chủ tịch Thành phố")


def unit_rating(unit: OrgUnit) -> Rating:
    return Rating.objects.get(kind=Rating.Kind.UNIT, unit=unit)


def person_rating(person: User) -> Rating:
    return Rating.objects.get(kind=Rating.Kind.PERSON, person=person)


def points(rating: Rating, value: str) -> dict[str, str]:
    """The assess form's data: `value` points on every sub-criterion."""
    data = {f"criterion_{c.pk}": value for c in rating.round.policy.criteria.all()}
    return data | {"comment": "Chấp hành tốt kỷ luật", "version": str(rating.version)}


def assess(rating: Rating, actor: User, value: str = "4.5") -> Rating:
    criteria = rating.round.policy.criteria.all()
    return assess_rating(rating, actor=actor, points={c.pk: Decimal(value) for c in criteria})


def round_url(**query: str) -> str:
    url = reverse("ratings:round", args=[2026, 9])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def labels(response) -> list[str]:
    return [rating.label for rating in response.context["page"]]


# --- index ------------------------------------------------------------------------------------


def test_index_redirects_to_the_latest_round(september: RatingRound, officer_a: User) -> None:
    response = client_for(officer_a).get(reverse("ratings:index"))
    assert response.status_code == 302
    assert response["Location"] == "/ratings/2026/9/"


def test_index_without_rounds_explains_and_offers_the_month_close(
    city_admin: User, officer_a: User
) -> None:
    response = client_for(city_admin).get(reverse("ratings:index"))
    assert_shows(response, "No month has been rated yet.")
    assert reverse("plans:months") in html(response)
    response = client_for(officer_a).get(reverse("ratings:index"))
    assert response.status_code == 200
    assert reverse("plans:months") not in html(response)


# --- the month --------------------------------------------------------------------------------


def test_round_page_ranks_the_worked_example_in_vietnamese(
    settings, september: RatingRound, city_admin: User
) -> None:
    settings.LANGUAGE_CODE = "vi"
    response = client_for(city_admin).get(round_url())
    content = html(response)
    row = re.search(r'<tr data-testid="rating-row".*?</tr>', content, re.S)
    assert row is not None
    cells = re.sub(r"<[^>]+>", " ", row.group(0)).split()
    assert "Ba Đình" in row.group(0)
    assert "10 80,00 77,50 75,00 54,25 — 54,25" in " ".join(cells)
    assert '<html lang="vi">' in content


def test_round_page_shows_the_worked_example(september: RatingRound, city_admin: User) -> None:
    response = client_for(city_admin).get(round_url())
    assert labels(response) == ["Phường Ba Đình"]
    rating = response.context["page"][0]
    assert (rating.rank, rating.total, rating.general_points) == (1, Decimal("54.25"), None)
    content = html(response)
    assert "54.25" in content
    assert september.policy.get_absolute_url() in content
    assert reverse("ratings:quarter", args=[2026, 3]) in content
    assert reverse("ratings:year", args=[2026]) in content
    histogram = response.context["histogram"]["series"][0]["data"]
    assert histogram == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]
    bands = {s["name"]: s["data"] for s in response.context["band_chart"]["series"]}
    assert response.context["band_chart"]["labels"] == ["Wards and communes"]
    assert bands["Complete"] == [1]
    assert bands["Excellent"] == [0]
    assert 'data-source="band-chart"' in content
    assert 'id="histogram"' in content


def test_round_page_filters_by_kind_band_status_and_unit(
    september: RatingRound, hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    client = client_for(city_admin)
    assert labels(client.get(round_url(kind="person"))) == [person_rating(officer_a).label]
    assert labels(client.get(round_url(band="complete"))) == ["Phường Ba Đình"]
    assert labels(client.get(round_url(band="good"))) == []
    assert labels(client.get(round_url(status="assessed"))) == []
    assert labels(client.get(round_url(status="computed"))) == ["Phường Ba Đình"]
    assert labels(client.get(round_url(unit=str(hanoi.ward_b.pk)))) == ["Phường Ba Đình"]
    assert labels(client.get(round_url(unit=str(hanoi.ward_a.pk)))) == ["Phường Ba Đình"]
    assert labels(client.get(round_url(peer_group="departments"))) == []


def test_round_page_htmx_returns_the_table_only(september: RatingRound, city_admin: User) -> None:
    response = client_for(city_admin).get(round_url(), HTTP_HX_REQUEST="true")
    content = html(response)
    assert 'id="ratings"' in content
    assert "Phường Ba Đình" in content
    assert "<html" not in content
    assert "band-chart" not in content


def test_round_page_hides_other_wards(
    september: RatingRound, hanoi: Hanoi, officer_b: User
) -> None:
    client = client_for(officer_b)
    response = client.get(round_url())
    assert response.status_code == 200
    assert labels(response) == []
    assert "Ba Đình" not in html(response)
    rating = unit_rating(hanoi.ward_a)
    assert client.get(reverse("ratings:detail", args=[rating.pk])).status_code == 404
    assert client.get(reverse("ratings:detail_pdf", args=[rating.pk])).status_code == 404
    assert client.get(reverse("ratings:assess", args=[rating.pk])).status_code == 404


def test_round_page_of_a_month_not_rated_is_404(september: RatingRound, city_admin: User) -> None:
    client = client_for(city_admin)
    assert client.get(reverse("ratings:round", args=[2026, 8])).status_code == 404
    assert client.get(reverse("ratings:round", args=[2026, 13])).status_code == 404


def test_round_page_says_the_month_is_indicative_and_never_capped(
    plan: Plan, hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    """Ward B does all its work on time (70 task points) and gets 30 general points: 100,
    excellent, although no unit of the group is rated good: a month is never capped."""
    perfect = task_in(plan, hanoi.ward_b, city_admin, code="B01", deadline=DUE)
    worked_example(plan, hanoi.ward_a, city_admin, responsible=officer_a)
    complete(perfect, city_admin, datetime.date(2026, 9, 1))
    rate(SEPTEMBER, city_admin)
    ward_b = assess(unit_rating(hanoi.ward_b), city_admin, "5")
    assert (ward_b.total, ward_b.band, ward_b.cap_applied) == (
        Decimal("100.00"),
        "excellent",
        False,
    )
    content = html(client_for(city_admin).get(round_url()))
    assert 'data-testid="indicative-notice"' in content
    assert "indicative and never capped" in content
    assert 'data-testid="capped"' not in content


def test_round_list_query_count_is_constant(plan: Plan, hanoi: Hanoi, city_admin: User) -> None:
    issue(plan, city_admin)
    numbers = count(1)
    client = client_for(city_admin)

    def add(n: int) -> None:
        for _ in range(n):
            number = next(numbers)
            ward = OrgUnitFactory(parent=hanoi.city, name=f"Phường Số {number}")
            task = task_in(plan, ward, city_admin, code=f"W{number}", deadline=DUE)
            # Added after the plan was issued: count it as assigned with the plan.
            Task.objects.filter(pk=task.pk).update(assigned_on=datetime.date(2026, 1, 5))
        close = MonthClose.objects.filter(month=SEPTEMBER).first()
        if close is not None:
            reopen_month(close, actor=city_admin, reason="Bổ sung đơn vị")
        close_month(SEPTEMBER, actor=city_admin)

    first, second = assert_constant_queries(lambda: client.get(round_url()), add)
    assert len(first.context["page"]) == 1
    assert len(second.context["page"]) == 3


# --- bulk approval ----------------------------------------------------------------------------


def test_round_approve_approves_the_assessed_ratings_shown(
    september: RatingRound, hanoi: Hanoi, city_admin: User, officer_a: User, city_head: User
) -> None:
    unit = assess(unit_rating(hanoi.ward_a), city_admin)
    person = assess(person_rating(officer_a), city_admin)
    url = reverse("ratings:approve_many", args=[2026, 9]) + "?kind=unit"
    response = client_for(city_head).post(url)
    assert response.status_code == 302
    assert response["Location"] == "/ratings/2026/9/?kind=unit"
    unit.refresh_from_db()
    person.refresh_from_db()
    assert (unit.status, unit.approved_by) == (Rating.Status.APPROVED, city_head)
    assert person.status == Rating.Status.ASSESSED
    assert AuditEvent.objects.filter(verb="ratings.approve").count() == 1


def test_round_approve_refuses_a_user_who_may_approve_none(
    september: RatingRound, hanoi: Hanoi, city_admin: User
) -> None:
    rating = assess(unit_rating(hanoi.ward_a), city_admin)
    client = client_for(city_admin)
    page = html(client.get(round_url()))
    # The approval comes after the ranking it approves.
    assert page.index('data-testid="ranking"') < page.index('data-testid="approve-many"')
    response = client.post(reverse("ratings:approve_many", args=[2026, 9]), follow=True)
    assert_shows(response, "There is no assessed rating here that you may approve")
    rating.refresh_from_db()
    assert rating.status == Rating.Status.ASSESSED
    assert not AuditEvent.objects.filter(verb="ratings.approve").exists()


def test_round_approve_is_not_offered_to_an_officer(
    september: RatingRound, hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    assess(unit_rating(hanoi.ward_a), city_admin)
    client = client_for(officer_a)
    assert 'data-testid="approve-many"' not in html(client.get(round_url()))
    client.post(reverse("ratings:approve_many", args=[2026, 9]))
    assert unit_rating(hanoi.ward_a).status == Rating.Status.ASSESSED


# --- quarter and year -------------------------------------------------------------------------


def test_period_pages_show_the_mean_of_the_months(
    september: RatingRound, hanoi: Hanoi, city_admin: User
) -> None:
    """In October the two unfinished tasks still count (overdue): 0 points. The year's
    classification of the ward (an agency: mean task points, no general points given) is the
    mean of 54.25 and 0, 27.13 (27.125 rounded half up)."""
    rate(OCTOBER, city_admin)
    client = client_for(city_admin)
    year = client.get(reverse("ratings:year", args=[2026]))
    row = year.context["page"][0]
    assert (row["line"].kind, row["line"].label, row["line"].months) == (
        "unit",
        "Phường Ba Đình",
        2,
    )
    assert row["line"].total == Decimal("27.13")
    assert row["band"] == "Not complete"
    content = html(year)
    assert "27.13" in content
    assert "average of their monthly results" in content
    quarter = client.get(reverse("ratings:quarter", args=[2026, 3]))
    assert [r["line"].total for r in quarter.context["page"]] == [Decimal("54.25")]
    persons = client.get(reverse("ratings:quarter", args=[2026, 3]) + "?kind=person")
    assert [r["line"].kind for r in persons.context["page"]] == ["person"]


def test_period_page_scopes_and_validates(september: RatingRound, officer_b: User) -> None:
    client = client_for(officer_b)
    response = client.get(reverse("ratings:quarter", args=[2026, 3]))
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert client.get(reverse("ratings:quarter", args=[2026, 5])).status_code == 404


# --- the scorecard ----------------------------------------------------------------------------


def test_scorecard_shows_the_calculation_and_the_band(
    plan: Plan, hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    briefing = task_in(
        plan,
        hanoi.ward_a,
        city_admin,
        code="GB1",
        deadline=datetime.date(2026, 10, 30),
        source=Task.Source.BRIEFING,
        title="Số hóa hồ sơ một cửa",
    )
    worked_example(plan, hanoi.ward_a, city_admin, responsible=officer_a)
    rate(SEPTEMBER, city_admin)
    rating = unit_rating(hanoi.ward_a)
    response = client_for(officer_a).get(reverse("ratings:detail", args=[rating.pk]))
    content = html(response)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))
    assert "= 8 ÷ 10 × 100 = 80.00%" in text
    assert "= 7.75 ÷ 10 × 100 = 77.50%" in text
    assert "= 7.50 ÷ 10 × 100 = 75.00%" in text
    assert "= 70 × (1 × 80.00 + 1 × 77.50 + 1 × 75.00) ÷ 3 ÷ 100 = 54.25" in text
    assert "deducts 25% of the task's quality share: 1 failed review." in text
    assert "2 completed late" in text
    assert "not assessed yet" in text
    assert "by the points, Complete (excellent from 90, good from 70, complete from 50)" in text
    assert 'data-band="complete"' in content
    assert [r.task.code for r in response.context["card"].responsibilities] == ["V09", "V10"]
    assert (
        reverse("ratings:responsibility", args=[response.context["card"].responsibilities[0].pk])
        in content
    )
    assert [t.code for t in response.context["card"].commitments] == ["GB1"]
    assert briefing.get_absolute_url() in content
    assert reverse("ratings:detail_pdf", args=[rating.pk]) in content
    trend = json.loads(re.search(r'id="trend"[^>]*>(.*?)</script>', content, re.S).group(1))
    # Twelve months up to the rating's, a gap where there is no rating; the thresholds are
    # lines across the chart (targets), not series of dots.
    assert trend["labels"] == [f"{m:02d}/2025" for m in range(10, 13)] + [
        f"{m:02d}/2026" for m in range(1, 10)
    ]
    assert trend["series"] == [{"name": "Points", "data": [None] * 11 + [54.25], "color": ANY}]
    assert [(t["name"], t["value"]) for t in trend["targets"]] == [
        ("Excellent from 90", 90.0),
        ("Good from 70", 70.0),
        ("Complete from 50", 50.0),
    ]
    # officer_a is not the assessor, approver, nor the unit's head: no action forms.
    assert not any(response.context[k] for k in ["can_assess", "can_approve", "can_reopen"])
    assert 'data-testid="assess-form"' not in content


def test_scorecard_of_a_head_says_how_long_the_position_was_held(
    plan: Plan, hanoi: Hanoi, city_admin: User
) -> None:
    head = UserFactory(full_name="Chủ tịch phường Ba Đình")
    grant_membership(
        actor=city_admin,
        user=head,
        unit=hanoi.ward_a,
        role="head",
        started_on=datetime.date(2026, 9, 11),
    )
    worked_example(plan, hanoi.ward_a, city_admin)
    rate(SEPTEMBER, city_admin)
    rating = Rating.objects.get(kind=Rating.Kind.HEAD, person=head)
    response = client_for(head).get(reverse("ratings:detail", args=[rating.pk]))
    assert_shows(response, "Held the position 20 of 30 days of the month.")
    assert response.context["can_respond"] is False  # not assessed yet


def test_discipline_is_marked_and_explained(
    september: RatingRound, hanoi: Hanoi, city_admin: User
) -> None:
    record_discipline(
        actor=city_admin,
        unit=hanoi.ward_a,
        person=None,
        number="125/QĐ-UBND",
        decided_on=datetime.date(2026, 9, 20),
        form="reprimand",
        reason="Chậm triển khai nhiệm vụ cải cách",
    )
    rating = unit_rating(hanoi.ward_a)
    assert rating.band == Band.NOT_COMPLETE
    client = client_for(city_admin)
    assert 'data-testid="discipline"' in html(client.get(round_url()))
    detail = client.get(reverse("ratings:detail", args=[rating.pk]))
    assert_shows(detail, "A disciplinary decision in the month (125/QĐ-UBND of 20/09/2026)")
    assert 'data-band="not_complete"' in html(detail)


def test_scorecard_shows_the_assessment(
    september: RatingRound, hanoi: Hanoi, city_admin: User
) -> None:
    rating = assess(unit_rating(hanoi.ward_a), city_admin)
    response = client_for(city_admin).get(reverse("ratings:detail", args=[rating.pk]))
    content = html(response)
    assert [s.points for s in response.context["card"].scores] == [Decimal("4.50")] * 6
    assert 'data-testid="general-scores"' in content
    assert "27.00" in content
    assert "81.25" in content
    assert 'data-band="good"' in content


# --- assessment, response, approval, reopening ------------------------------------------------


def test_assess_then_approve_over_http(
    september: RatingRound, hanoi: Hanoi, city_admin: User, city_head: User
) -> None:
    rating = unit_rating(hanoi.ward_a)
    admin = client_for(city_admin)
    form = admin.get(reverse("ratings:assess", args=[rating.pk]))
    assert form.status_code == 200
    assert 'name="criterion_' in html(form)
    assert 'inputmode="decimal"' in html(form)
    assert_shows(form, "From 0 to 5 points.")
    response = admin.post(reverse("ratings:assess", args=[rating.pk]), points(rating, "4.5"))
    assert response.status_code == 302
    rating.refresh_from_db()
    assert (rating.status, rating.general_points, rating.total) == (
        Rating.Status.ASSESSED,
        Decimal("27.00"),
        Decimal("81.25"),
    )
    assert (rating.band, rating.assessed_by, rating.assessor_comment) == (
        Band.GOOD,
        city_admin,
        "Chấp hành tốt kỷ luật",
    )
    assert AuditEvent.objects.filter(verb="ratings.assess", actor=city_admin).count() == 1
    page = client_for(city_head).get(reverse("ratings:detail", args=[rating.pk]))
    assert 'data-testid="approve-form"' in html(page)
    client_for(city_head).post(reverse("ratings:approve", args=[rating.pk]))
    rating.refresh_from_db()
    assert (rating.status, rating.approved_by) == (Rating.Status.APPROVED, city_head)
    assert AuditEvent.objects.filter(verb="ratings.approve", actor=city_head).count() == 1


def test_approve_by_the_assessor_who_is_not_a_head_is_404(
    september: RatingRound, hanoi: Hanoi, city_admin: User
) -> None:
    rating = assess(unit_rating(hanoi.ward_a), city_admin)
    response = client_for(city_admin).post(reverse("ratings:approve", args=[rating.pk]))
    assert response.status_code == 404
    rating.refresh_from_db()
    assert rating.status == Rating.Status.ASSESSED


def test_assess_with_a_stale_version_is_refused(
    september: RatingRound, hanoi: Hanoi, city_admin: User
) -> None:
    rating = unit_rating(hanoi.ward_a)
    stale = points(rating, "3")
    assess(rating, city_admin, "4")
    response = client_for(city_admin).post(reverse("ratings:assess", args=[rating.pk]), stale)
    assert response.status_code == 200
    assert_shows(response, "Someone else changed this rating while you were editing it.")
    rating.refresh_from_db()
    assert rating.general_points == Decimal("24.00")


def test_assess_refuses_points_above_the_maximum_or_off_the_step(
    september: RatingRound, hanoi: Hanoi, city_admin: User
) -> None:
    rating = unit_rating(hanoi.ward_a)
    client = client_for(city_admin)
    for value in ["5.5", "4.3", "-1"]:
        response = client.post(reverse("ratings:assess", args=[rating.pk]), points(rating, value))
        assert response.status_code == 200
        assert response.context["form"].errors
    rating.refresh_from_db()
    assert (rating.status, rating.general_points) == (Rating.Status.COMPUTED, None)


def test_assess_is_404_for_an_officer_and_for_an_approved_rating(
    september: RatingRound, hanoi: Hanoi, city_admin: User, officer_a: User, city_head: User
) -> None:
    rating = unit_rating(hanoi.ward_a)
    officer = client_for(officer_a)
    assert officer.get(reverse("ratings:assess", args=[rating.pk])).status_code == 404
    response = officer.post(reverse("ratings:assess", args=[rating.pk]), points(rating, "5"))
    assert response.status_code == 404
    approve_ratings([assess(rating, city_admin)], actor=city_head)
    assert (
        client_for(city_admin).get(reverse("ratings:assess", args=[rating.pk])).status_code == 404
    )


def test_respond_once(september: RatingRound, city_admin: User, officer_a: User) -> None:
    rating = assess(person_rating(officer_a), city_admin, "3")
    client = client_for(officer_a)
    page = client.get(reverse("ratings:detail", args=[rating.pk]))
    assert 'data-testid="respond-form"' in html(page)
    response = client.post(
        reverse("ratings:respond", args=[rating.pk]),
        {"text": "Hai nhiệm vụ chờ ý kiến Sở"},
        follow=True,
    )
    assert_shows(response, "Your response was recorded.")
    assert 'data-testid="response"' in html(response)
    second = client.post(reverse("ratings:respond", args=[rating.pk]), {"text": "Bổ sung"})
    assert second.status_code == 404
    rating.refresh_from_db()
    assert (rating.response, rating.responded_by) == ("Hai nhiệm vụ chờ ý kiến Sở", officer_a)
    assert AuditEvent.objects.filter(verb="ratings.respond").count() == 1


def test_respond_is_for_the_rated_only(
    september: RatingRound, city_admin: User, officer_a: User
) -> None:
    rating = assess(person_rating(officer_a), city_admin, "3")
    response = client_for(city_admin).post(
        reverse("ratings:respond", args=[rating.pk]), {"text": "Thay lời"}
    )
    assert response.status_code == 404
    rating.refresh_from_db()
    assert rating.responded_at is None


def test_respond_with_an_empty_text_is_refused(
    september: RatingRound, city_admin: User, officer_a: User
) -> None:
    rating = assess(person_rating(officer_a), city_admin, "3")
    response = client_for(officer_a).post(
        reverse("ratings:respond", args=[rating.pk]), {"text": "  "}, follow=True
    )
    assert_shows(response, "Write the response.")
    rating.refresh_from_db()
    assert rating.responded_at is None


def test_reopen_needs_a_reason(
    september: RatingRound, hanoi: Hanoi, city_admin: User, city_head: User
) -> None:
    rating = unit_rating(hanoi.ward_a)
    approve_ratings([assess(rating, city_admin)], actor=city_head)
    client = client_for(city_head)
    assert 'data-testid="reopen-form"' in html(
        client.get(reverse("ratings:detail", args=[rating.pk]))
    )
    response = client.post(reverse("ratings:reopen", args=[rating.pk]), {"reason": ""}, follow=True)
    assert_shows(response, "Give the reason for reopening.")
    rating.refresh_from_db()
    assert rating.status == Rating.Status.APPROVED
    client.post(reverse("ratings:reopen", args=[rating.pk]), {"reason": "Sai số liệu nhiệm vụ V07"})
    rating.refresh_from_db()
    assert (rating.status, rating.reopen_reason, rating.approved_by) == (
        Rating.Status.ASSESSED,
        "Sai số liệu nhiệm vụ V07",
        None,
    )
    assert AuditEvent.objects.filter(verb="ratings.reopen", actor=city_head).count() == 1


def test_reopen_is_404_for_the_assessor(
    september: RatingRound, hanoi: Hanoi, city_admin: User, city_head: User
) -> None:
    rating = unit_rating(hanoi.ward_a)
    approve_ratings([assess(rating, city_admin)], actor=city_head)
    response = client_for(city_admin).post(
        reverse("ratings:reopen", args=[rating.pk]), {"reason": "Xem lại"}
    )
    assert response.status_code == 404
    rating.refresh_from_db()
    assert rating.status == Rating.Status.APPROVED


def test_views_refuse_get_on_post_actions(
    september: RatingRound, hanoi: Hanoi, city_admin: User
) -> None:
    client: Client = client_for(city_admin)
    rating = unit_rating(hanoi.ward_a)
    for name in ["respond", "approve", "reopen"]:
        assert client.get(reverse(f"ratings:{name}", args=[rating.pk])).status_code == 405
    assert client.get(reverse("ratings:approve_many", args=[2026, 9])).status_code == 405


def test_scorecard_of_a_head_lists_the_findings_of_concluded_inspections(
    plan: Plan, hanoi: Hanoi, city_admin: User, inspector: User
) -> None:
    from cchc.inspections.models import Finding
    from cchc.inspections.tests.factories import concluded, finding, started

    head = UserFactory(full_name="Chủ tịch phường Ba Đình")
    grant_membership(
        actor=city_admin, user=head, unit=hanoi.ward_a, role="head", started_on=SEPTEMBER
    )
    inspection = started(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_a], start=datetime.date(2026, 9, 10)
    )
    finding(
        inspection,
        inspector,
        hanoi.ward_a,
        against_head=True,
        severity="serious",
        description="Không niêm yết thủ tục hành chính",
    )
    # Observed in September (the action stamps the time of recording).
    Finding.objects.update(observed_at=datetime.datetime(2026, 9, 15, 9, tzinfo=datetime.UTC))
    worked_example(plan, hanoi.ward_a, city_admin)
    rate(SEPTEMBER, city_admin)
    rating = Rating.objects.get(kind=Rating.Kind.HEAD, person=head)
    url = reverse("ratings:detail", args=[rating.pk])
    before = client_for(head).get(url)
    assert_shows(
        before, "No finding against this person in the concluded inspections of the month."
    )
    concluded(
        inspection,
        inspector,
        [hanoi.ward_a],
        date=datetime.date(2026, 9, 30),
        deadline=datetime.date(2026, 10, 31),
    )
    after = client_for(head).get(url)
    assert_shows(after, "Không niêm yết thủ tục hành chính")
    assert_shows(after, "as head of the unit")
    assert_shows(after, "Serious")

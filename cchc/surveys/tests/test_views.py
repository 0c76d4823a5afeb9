"""The survey staff pages: campaigns (list, creation, units and quotas, closing), the review queue
and its decisions, an interviewer's entry, and the results page; per view the happy path, the
refusals, the personas kept out, and an N+1 guard on each list.

The campaign surveys ward A (Ba Đình, N = 1000, n = 286) and ward B (Hoàn Kiếm, N = 500,
n = 223) with the default questionnaire. officer_a is ward A's focal point, officer_b ward B's.
"""

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.models import AuditEvent
from cchc.surveys.actions import record_response, review_response
from cchc.surveys.models import Campaign, CampaignUnit, Response
from cchc.surveys.tests.factories import accepted, answers, campaign_of, default_questionnaire
from conftest import Hanoi, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(hanoi: Hanoi, city_admin: User) -> Campaign:
    return campaign_of(city_admin, [(hanoi.ward_a, 1000), (hanoi.ward_b, 500)])


def unit_of(campaign: Campaign, unit: Any) -> CampaignUnit:
    return campaign.units.select_related("unit", "campaign").get(unit=unit)


def received(campaign_unit: CampaignUnit, actor: User, **values: Any) -> Response:
    rating = values.pop("rating", 5)
    return record_response(
        campaign_unit, answers(rating, **values), channel="interviewer", actor=actor
    )


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- campaigns ---------------------------------------------------------------------------------


def test_campaign_list_is_scoped(
    hanoi: Hanoi, city_admin: User, campaign: Campaign, client_a: Client, admin_client_: Client
) -> None:
    only_b = campaign_of(city_admin, [(hanoi.ward_b, 200)], year=2025)
    page = client_a.get(reverse("surveys:campaigns"))
    assert page.status_code == 200
    assert reverse("surveys:campaign", args=[campaign.pk]) in text(page)
    assert reverse("surveys:campaign", args=[only_b.pk]) not in text(page)
    assert "New campaign" not in text(page)
    page = admin_client_.get(reverse("surveys:campaigns"))
    assert reverse("surveys:campaign", args=[only_b.pk]) in text(page)
    assert "New campaign" in text(page)


def test_campaign_list_counts_only_own_units(
    hanoi: Hanoi, city_admin: User, campaign: Campaign, client_a: Client
) -> None:
    accepted(unit_of(campaign, hanoi.ward_a), city_admin)
    accepted(unit_of(campaign, hanoi.ward_b), city_admin)
    received(unit_of(campaign, hanoi.ward_b), city_admin)
    page = client_a.get(reverse("surveys:campaigns"))
    row = page.context["campaigns"][0]
    assert (row.unit_count, row.accepted, row.pending) == (1, 1, 0)


def test_campaign_list_query_count_is_constant(
    hanoi: Hanoi,
    city_admin: User,
    admin_client_: Client,
    django_assert_max_num_queries: Any,
) -> None:
    for year in (2022, 2023, 2024, 2025):
        campaign = campaign_of(city_admin, [(hanoi.ward_a, 100), (hanoi.ward_b, 100)], year=year)
        accepted(unit_of(campaign, hanoi.ward_a), city_admin)
    with django_assert_max_num_queries(8):
        assert admin_client_.get(reverse("surveys:campaigns")).status_code == 200


def test_create_campaign(hanoi: Hanoi, admin_client_: Client, city_admin: User) -> None:
    questionnaire = default_questionnaire()
    page = admin_client_.post(
        reverse("surveys:campaign_new"),
        {
            "questionnaire": questionnaire.pk,
            "title": "SIPAS quý I/2026",
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "margin": "0,05",  # typed the Vietnamese way
            "units": "00004, 1000\n\n00070; 1.500\n",
        },
    )
    campaign = Campaign.objects.get(title="SIPAS quý I/2026")
    assert page.status_code == 302
    assert page["Location"] == reverse("surveys:campaign", args=[campaign.pk])
    rows = {u.unit.code: (u.transactions, u.required) for u in campaign.units.all()}
    assert rows == {"00004": (1000, 286), "00070": (1500, 316)}
    assert AuditEvent.objects.filter(verb="surveys.create_campaign", actor=city_admin).exists()


def test_create_campaign_names_the_wrong_lines(hanoi: Hanoi, admin_client_: Client) -> None:
    page = admin_client_.post(
        reverse("surveys:campaign_new"),
        {
            "questionnaire": default_questionnaire().pk,
            "title": "SIPAS",
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "margin": "0.05",
            "units": "00004, 1000\n99999, 20\nnot a line",
        },
    )
    assert page.status_code == 200
    errors = page.context["form"].errors["units"]
    assert "Line 2: no current unit has the code 99999." in errors
    assert "Line 3: write “unit code, number of transactions”." in errors
    assert not Campaign.objects.exists()


def test_create_campaign_shows_the_action_refusal(hanoi: Hanoi, admin_client_: Client) -> None:
    page = admin_client_.post(
        reverse("surveys:campaign_new"),
        {
            "questionnaire": default_questionnaire().pk,
            "title": "SIPAS",
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "margin": "0.05",
            "units": "00004, 1000\n00004, 20",
        },
    )
    assert page.status_code == 200
    assert "Phường Ba Đình is listed twice." in page.context["form"].errors["units"]
    assert not Campaign.objects.exists()


def test_only_city_admins_create_campaigns(client_a: Client) -> None:
    assert client_a.get(reverse("surveys:campaign_new")).status_code == 403


def test_campaign_page_counts_and_progress(
    hanoi: Hanoi, city_admin: User, campaign: Campaign, admin_client_: Client
) -> None:
    ward_a = unit_of(campaign, hanoi.ward_a)
    for _ in range(3):
        accepted(ward_a, city_admin)
    received(ward_a, city_admin, rating=4)
    flagged = received(ward_a, city_admin, rating=3)
    review_response(flagged, actor=city_admin, decision="flagged", reason="Trùng lặp?")
    rejected = received(ward_a, city_admin, rating=2)
    review_response(rejected, actor=city_admin, decision="rejected", reason="Không hợp lệ")
    page = admin_client_.get(reverse("surveys:campaign", args=[campaign.pk]))
    rows = {row["unit"].unit.code: row for row in page.context["rows"]}
    a = rows["00004"]["unit"]
    assert (a.required, a.accepted, a.received, a.flagged, a.rejected) == (286, 3, 1, 1, 1)
    assert rows["00004"]["progress"] == 1  # 3 / 286
    assert rows["00070"]["unit"].accepted == 0
    assert page.context["totals"]["accepted"] == 3
    assert 'data-testid="campaign-close"' in text(page)


def test_campaign_page_shows_a_ward_only_its_own_row(
    hanoi: Hanoi, campaign: Campaign, client_a: Client
) -> None:
    page = client_a.get(reverse("surveys:campaign", args=[campaign.pk]))
    assert [row["unit"].unit.code for row in page.context["rows"]] == ["00004"]
    assert "Phường Hoàn Kiếm" not in text(page)
    assert 'data-testid="campaign-close"' not in text(page)


def test_campaign_page_is_404_for_a_unit_not_surveyed(
    hanoi: Hanoi, city_admin: User, client_a: Client
) -> None:
    only_b = campaign_of(city_admin, [(hanoi.ward_b, 200)])
    assert client_a.get(reverse("surveys:campaign", args=[only_b.pk])).status_code == 404


def test_campaign_page_query_count_is_constant(
    hanoi: Hanoi,
    city_admin: User,
    admin_client_: Client,
    django_assert_max_num_queries: Any,
) -> None:
    from cchc.orgunits.tests.factories import OrgUnitFactory

    units = [(OrgUnitFactory(parent=hanoi.city), 100) for _ in range(12)]
    campaign = campaign_of(city_admin, units)
    for campaign_unit in campaign.units.all()[:6]:
        accepted(campaign_unit, city_admin)
    with django_assert_max_num_queries(8):
        page = admin_client_.get(reverse("surveys:campaign", args=[campaign.pk]))
    assert len(page.context["rows"]) == 12


def test_close_campaign(campaign: Campaign, admin_client_: Client, city_admin: User) -> None:
    page = admin_client_.post(reverse("surveys:campaign_close", args=[campaign.pk]))
    assert page.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    assert AuditEvent.objects.filter(verb="surveys.close_campaign").exists()
    again = admin_client_.post(reverse("surveys:campaign_close", args=[campaign.pk]), follow=True)
    assert "The campaign is already closed." in text(again)


def test_a_ward_cannot_close_a_campaign(campaign: Campaign, client_a: Client) -> None:
    assert client_a.post(reverse("surveys:campaign_close", args=[campaign.pk])).status_code == 403


# --- the review queue --------------------------------------------------------------------------


def test_a_received_response_appears_for_its_units_reviewers_only(
    hanoi: Hanoi, city_admin: User, campaign: Campaign, client_a: Client, client_b: Client
) -> None:
    response = record_response(unit_of(campaign, hanoi.ward_a), answers(), channel="web")
    queue_a = client_a.get(reverse("surveys:responses", args=[campaign.pk]))
    assert [r.pk for r in queue_a.context["page"]] == [response.pk]
    assert f'data-response="{response.pk}"' in text(queue_a)
    assert "Received" in text(queue_a)
    queue_b = client_b.get(reverse("surveys:responses", args=[campaign.pk]))
    assert list(queue_b.context["page"]) == []
    assert f'data-response="{response.pk}"' not in text(queue_b)


def test_queue_shows_answers_readably(
    hanoi: Hanoi, city_admin: User, campaign: Campaign, client_a: Client
) -> None:
    received(unit_of(campaign, hanoi.ward_a), city_admin, rating=4, A1=["1", "2"])
    page = text(client_a.get(reverse("surveys:responses", args=[campaign.pk])))
    assert "4 · Satisfied" in page
    assert "C18" in page


def test_queue_filters_by_unit_and_status_newest_first(
    hanoi: Hanoi, city_admin: User, campaign: Campaign, admin_client_: Client
) -> None:
    ward_a, ward_b = unit_of(campaign, hanoi.ward_a), unit_of(campaign, hanoi.ward_b)
    first = received(ward_a, city_admin)
    second = received(ward_a, city_admin, rating=4)
    in_b = received(ward_b, city_admin)
    done = accepted(ward_a, city_admin, rating=3)
    url = reverse("surveys:responses", args=[campaign.pk])
    pending = admin_client_.get(url).context["page"]
    assert [r.pk for r in pending] == [in_b.pk, second.pk, first.pk]
    only_a = admin_client_.get(url, {"unit": ward_a.pk, "status": "pending"}).context["page"]
    assert [r.pk for r in only_a] == [second.pk, first.pk]
    linked = admin_client_.get(url, {"unit": ward_a.pk}).context["page"]  # the campaign page's link
    assert [r.pk for r in linked] == [second.pk, first.pk]
    decided = admin_client_.get(url, {"status": "accepted"}).context["page"]
    assert [r.pk for r in decided] == [done.pk]
    everything = admin_client_.get(url, {"status": ""}).context["page"]
    assert len(everything) == 4


def test_queue_is_404_for_non_reviewers(hanoi: Hanoi, city_admin: User, campaign: Campaign) -> None:
    viewer = UserFactory(username="viewer_a")
    MembershipFactory(user=viewer, unit=hanoi.ward_a, role=Membership.Role.VIEWER)
    assert (
        client_for(viewer).get(reverse("surveys:responses", args=[campaign.pk])).status_code == 404
    )


def test_queue_query_count_is_constant(
    hanoi: Hanoi,
    city_admin: User,
    campaign: Campaign,
    client_a: Client,
    django_assert_max_num_queries: Any,
) -> None:
    ward_a = unit_of(campaign, hanoi.ward_a)
    for rating in (1, 2, 3, 4, 5, 4, 3, 2):
        received(ward_a, city_admin, rating=rating, A1=["1", "2"])
    with django_assert_max_num_queries(14):
        page = client_a.get(reverse("surveys:responses", args=[campaign.pk]))
    assert len(page.context["page"]) == 8


def test_accept_a_response_with_audit(
    hanoi: Hanoi, city_admin: User, officer_a: User, campaign: Campaign, client_a: Client
) -> None:
    response = received(unit_of(campaign, hanoi.ward_a), city_admin)
    page = client_a.post(
        reverse("surveys:review", args=[response.pk]), {"decision": "accepted"}, follow=True
    )
    response.refresh_from_db()
    assert response.status == Response.Status.ACCEPTED
    assert response.reviewed_by == officer_a
    assert f"Response #{response.pk} is now accepted." in text(page)
    event = AuditEvent.objects.get(verb="surveys.review_response", actor=officer_a)
    assert event.unit == hanoi.ward_a
    assert event.changes["status"] == ["received", "accepted"]


def test_reject_needs_a_reason(
    hanoi: Hanoi, city_admin: User, campaign: Campaign, client_a: Client
) -> None:
    response = received(unit_of(campaign, hanoi.ward_a), city_admin)
    url = reverse("surveys:review", args=[response.pk])
    page = client_a.post(url, {"decision": "rejected", "reason": " "}, follow=True)
    response.refresh_from_db()
    assert response.status == Response.Status.RECEIVED
    assert "Give the reason for rejecting the response." in text(page)
    assert not AuditEvent.objects.filter(verb="surveys.review_response").exists()
    client_a.post(url, {"decision": "rejected", "reason": "Phiếu thử"})
    response.refresh_from_db()
    assert (response.status, response.review_reason) == ("rejected", "Phiếu thử")


def test_flag_a_response(
    hanoi: Hanoi, city_admin: User, campaign: Campaign, client_a: Client
) -> None:
    response = received(unit_of(campaign, hanoi.ward_a), city_admin)
    client_a.post(
        reverse("surveys:review", args=[response.pk]),
        {"decision": "flagged", "reason": "Xem lại"},
    )
    response.refresh_from_db()
    assert (response.status, response.flag_reason) == ("flagged", "Xem lại")


def test_reviewing_another_wards_response_is_404(
    hanoi: Hanoi, city_admin: User, campaign: Campaign, client_a: Client
) -> None:
    response = received(unit_of(campaign, hanoi.ward_b), city_admin)
    page = client_a.post(reverse("surveys:review", args=[response.pk]), {"decision": "accepted"})
    assert page.status_code == 404
    response.refresh_from_db()
    assert response.status == Response.Status.RECEIVED


def test_review_redirects_back_to_the_filtered_queue_only(
    hanoi: Hanoi, city_admin: User, campaign: Campaign, client_a: Client
) -> None:
    response = received(unit_of(campaign, hanoi.ward_a), city_admin)
    queue = reverse("surveys:responses", args=[campaign.pk])
    page = client_a.post(
        reverse("surveys:review", args=[response.pk]),
        {"decision": "accepted", "next": f"{queue}?status=pending&page=1"},
    )
    assert page["Location"] == f"{queue}?status=pending&page=1"
    other = received(unit_of(campaign, hanoi.ward_a), city_admin)
    page = client_a.post(
        reverse("surveys:review", args=[other.pk]),
        {"decision": "accepted", "next": "https://evil.example/"},
    )
    assert page["Location"] == queue


# --- results -----------------------------------------------------------------------------------


@pytest.fixture
def rated(hanoi: Hanoi, city_admin: User, campaign: Campaign) -> Campaign:
    """Ward A: three accepted responses, all 5 except C1 rated 2 once (access 8 of 9 satisfied),
    A1 answered "1;2", "1", "3"; one received response (not counted). Ward B: one accepted
    response rated 4 everywhere."""
    ward_a, ward_b = unit_of(campaign, hanoi.ward_a), unit_of(campaign, hanoi.ward_b)
    accepted(ward_a, city_admin, C1=2, A1=["1", "2"])
    accepted(ward_a, city_admin, A1=["1"])
    accepted(ward_a, city_admin, A1=["3"])
    received(ward_a, city_admin, rating=1)
    accepted(ward_b, city_admin, rating=4)
    return campaign


def test_results_numbers(rated: Campaign, admin_client_: Client) -> None:
    page = admin_client_.get(reverse("surveys:results", args=[rated.pk]))
    assert page.status_code == 200
    results = {r.campaign_unit.unit.code: r for r in page.context["results"]}
    a = results["00004"]
    assert a.accepted == 3
    assert a.below_sample
    access = a.elements[0]
    assert (access.element, access.answers, access.satisfied) == ("access", 9, 8)
    assert str(access.percent) == "88.89"
    assert a.elements[1].percent == 100
    assert str(a.overall) == "97.78"  # (88.89 + 4 × 100) / 5
    assert str(results["00070"].overall) == "100.00"
    # The element chart: one labelled row per unit (all of them), one series per element.
    chart = page.context["element_chart"]
    assert chart["labels"] == [r.campaign_unit.unit.short_name for r in page.context["results"]]
    assert chart["horizontal"] is True
    assert len(chart["series"]) == 5
    assert chart["series"][0]["data"] == [88.89, 100.0]
    html = text(page)
    assert 'data-testid="below-sample"' in html
    assert "88.89" in html


def test_results_distribution_counts_per_option(rated: Campaign, admin_client_: Client) -> None:
    page = admin_client_.get(reverse("surveys:results", args=[rated.pk]))
    spread = {d.question.code: d for d in page.context["distributions"]}
    a1 = spread["A1"]
    counts = {row.value: row.count for row in a1.rows}
    assert a1.answers == 4  # three in ward A, one in ward B
    assert counts["1"] == 3  # "1;2", "1" and ward B's "1"
    assert counts["2"] == 1
    assert counts["3"] == 1
    c1 = {row.value: row.count for row in spread["C1"].rows}
    assert c1 == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 2}


def test_results_distribution_of_one_unit(
    hanoi: Hanoi, rated: Campaign, admin_client_: Client
) -> None:
    page = admin_client_.get(reverse("surveys:results", args=[rated.pk]), {"unit": hanoi.ward_b.pk})
    assert page.context["selected"].campaign_unit.unit == hanoi.ward_b
    c1 = {d.question.code: d for d in page.context["distributions"]}["C1"]
    assert {row.value: row.count for row in c1.rows} == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}


def test_results_are_scoped_to_the_ward(hanoi: Hanoi, rated: Campaign, client_b: Client) -> None:
    page = client_b.get(reverse("surveys:results", args=[rated.pk]))
    assert [r.campaign_unit.unit.code for r in page.context["results"]] == ["00070"]
    c1 = {d.question.code: d for d in page.context["distributions"]}["C1"]
    assert c1.answers == 1
    assert "Phường Ba Đình" not in text(page)
    # asking for another ward's distribution falls back to one's own
    page = client_b.get(reverse("surveys:results", args=[rated.pk]), {"unit": hanoi.ward_a.pk})
    assert page.context["selected"] is None
    assert {d.question.code: d for d in page.context["distributions"]}["C1"].answers == 1


def test_results_are_404_outside_the_campaign(
    hanoi: Hanoi, city_admin: User, inspector: User
) -> None:
    only_b = campaign_of(city_admin, [(hanoi.ward_b, 200)])
    assert (
        client_for(inspector).get(reverse("surveys:results", args=[only_b.pk])).status_code == 404
    )


def test_results_compare_with_earlier_campaigns(
    hanoi: Hanoi, city_admin: User, rated: Campaign, admin_client_: Client
) -> None:
    earlier = campaign_of(city_admin, [(hanoi.ward_a, 400)], year=2025)
    accepted(unit_of(earlier, hanoi.ward_a), city_admin, rating=2)
    page = admin_client_.get(reverse("surveys:results", args=[rated.pk]))
    past = page.context["history"]
    assert past.campaigns == [earlier, rated]
    assert past.overall[earlier.pk][hanoi.ward_a.pk] == 0
    assert 'data-testid="history"' in text(page)
    chart = page.context["history_chart"]
    label = hanoi.ward_a.short_name or hanoi.ward_a.name
    ward_a = next(s for s in chart["series"] if s["name"] == label)
    assert ward_a["data"] == [0.0, 97.78]


def test_results_charts_are_declared_without_inline_script(
    rated: Campaign, admin_client_: Client
) -> None:
    html = text(admin_client_.get(reverse("surveys:results", args=[rated.pk])))
    assert 'data-chart="bar" data-max="100" data-source="overall-chart"' in html
    assert '<script id="overall-chart" type="application/json">' in html
    scripts = re.findall(r"<script(?![^>]*(?:src=|application/json))[^>]*>", html)
    assert scripts == []


def test_results_query_count_is_constant(
    hanoi: Hanoi, city_admin: User, admin_client_: Client
) -> None:
    """The same number of queries for 1 unit and for 6, and few: neither per unit nor per
    question is anything asked again (the distributions of all questions in three queries)."""
    from cchc.core.tests.helpers import count_queries
    from cchc.orgunits.tests.factories import OrgUnitFactory
    from cchc.surveys.scoring import sample_size

    campaign = campaign_of(city_admin, [(hanoi.ward_a, 100)])
    accepted(campaign.units.get(), city_admin)
    url = reverse("surveys:results", args=[campaign.pk])
    admin_client_.get(url)
    with_one, _page = count_queries(lambda: admin_client_.get(url))
    for _ in range(5):
        unit = CampaignUnit.objects.create(
            campaign=campaign,
            unit=OrgUnitFactory(parent=hanoi.city),
            transactions=100,
            required=sample_size(100, campaign.margin),
        )
        accepted(unit, city_admin, rating=3)
    with_six, page = count_queries(lambda: admin_client_.get(url))
    assert len(page.context["results"]) == 6
    assert with_six == with_one
    assert with_six <= 20  # 28 questions: not three queries each


def test_navigation_lists_the_surveys(client_a: Client) -> None:
    page = client_a.get(reverse("surveys:campaigns"))
    assert any(item["url"] == reverse("surveys:campaigns") for item in page.context["nav_items"])


def test_interviewer_entry_records_an_interviewer_response(
    hanoi: Hanoi, campaign: Campaign, officer_a: User, client_a: Client
) -> None:
    ward_a = unit_of(campaign, hanoi.ward_a)
    url = reverse("surveys:enter", args=[ward_a.pk])
    page = client_a.get(url)
    assert page.status_code == 200
    assert 'data-question="C18"' in text(page)
    data = {
        code: str(value) if not isinstance(value, list) else value
        for code, value in answers(4).items()
    }
    page = client_a.post(url, data, follow=True)
    response = Response.objects.get()
    assert (response.channel, response.entered_by, response.status) == (
        "interviewer",
        officer_a,
        "received",
    )
    assert response.access_satisfied == 3
    assert f"Response #{response.pk} was recorded; it waits for review." in text(page)


def test_interviewer_entry_shows_missing_answers(
    hanoi: Hanoi, campaign: Campaign, client_a: Client
) -> None:
    url = reverse("surveys:enter", args=[unit_of(campaign, hanoi.ward_a).pk])
    page = client_a.post(url, {"C1": "5"})
    assert page.status_code == 200
    assert "Answer this question." in text(page)
    assert not Response.objects.exists()


def test_interviewer_entry_is_404_for_another_ward(
    hanoi: Hanoi, campaign: Campaign, client_a: Client
) -> None:
    other = reverse("surveys:enter", args=[unit_of(campaign, hanoi.ward_b).pk])
    assert client_a.get(other).status_code == 404
    assert client_a.post(other, {"C1": "5"}).status_code == 404


def test_dates_are_shown_day_first(campaign: Campaign, client_a: Client) -> None:
    page = text(client_a.get(reverse("surveys:campaigns")))
    assert f"{datetime.date(2026, 1, 1):%d/%m/%Y}" in page

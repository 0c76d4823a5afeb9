"""The results page and publishing from it: who sees what before and after publication, the
ranking, group counts and filter, charts, per-area table, the publish confirmation and refusals,
and the N+1 guard."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cchc.accounts.models import User
from cchc.accounts.tests.factories import UserFactory
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import count_queries, html
from cchc.indices.actions import publish_round
from cchc.indices.models import Assessment, AssessmentRound, CouncilMember, Framework, Result
from cchc.indices.tests.factories import (
    finalise_with,
    leaves,
    make_framework,
    make_round,
    wards,
)
from cchc.orgunits.models import OrgUnit
from conftest import Hanoi, client_for

D = Decimal
PAGE_MAX_QUERIES = 15


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
    rating_round = make_round(framework, city_admin, [hanoi.ward_a, hanoi.ward_b])
    finalise_with(
        rating_round,
        hanoi.ward_a,
        {"1.1": D(14), "1.2": D("12.5"), "2.1": D(36), "4": D(1)},
        survey=D("26.75"),
    )
    finalise_with(rating_round, hanoi.ward_b, leaves(D(20)))
    return rating_round


def url(rating_round: AssessmentRound) -> str:
    return reverse("indices:round_results", args=[rating_round.pk])


def publish_url(rating_round: AssessmentRound) -> str:
    return reverse("indices:round_publish", args=[rating_round.pk])


def rows(page: str) -> int:
    return page.count('data-testid="result-row"')


def test_city_admin_sees_the_live_ranking_before_publication(
    rating_round: AssessmentRound, admin_client_: Client
) -> None:
    response = admin_client_.get(url(rating_round))

    page = html(response)
    assert response.status_code == 200
    assert rows(page) == 2
    assert 'data-testid="provisional"' in page
    assert "2 of 2 assessments finalised" in page
    assert 'data-testid="publish"' in page
    first = page.split('data-testid="result-row"')[1]
    assert "Phường Ba Đình" in first
    assert '<td class="text-end fw-semibold" data-testid="percent">90.25</td>' in first
    assert 'data-testid="rank">1<' in first
    assert ">A<" in first
    assert 'id="percent-chart"' in page
    assert 'id="area-chart"' in page
    assert page.count('data-testid="area-row"') == 2
    assert 'data-testid="count-A">1<' in page
    assert 'data-testid="count-C">1<' in page


def test_council_member_sees_the_round_before_publication(
    rating_round: AssessmentRound, hanoi: Hanoi
) -> None:
    member = UserFactory(username="council")
    CouncilMember.objects.create(round=rating_round, user=member, is_chair=True)

    response = client_for(member).get(url(rating_round))

    assert response.status_code == 200
    assert rows(html(response)) == 2
    assert 'data-testid="publish"' not in html(response)


@pytest.mark.parametrize("persona", ["officer_a", "officer_b", "inspector"])
def test_other_members_see_results_only_once_published(
    rating_round: AssessmentRound, city_admin: User, persona: str, request: Any
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(rating_round)).status_code == 404

    publish_round(rating_round, actor=city_admin)

    response = client.get(url(rating_round))
    assert response.status_code == 200
    assert rows(html(response)) == 2
    assert 'data-testid="provisional"' not in html(response)
    assert 'data-testid="publish"' not in html(response)


def test_anonymous_visitors_are_sent_to_sign_in(
    rating_round: AssessmentRound, city_admin: User, anonymous: Client
) -> None:
    publish_round(rating_round, actor=city_admin)
    response = anonymous.get(url(rating_round))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert anonymous.post(publish_url(rating_round), {"confirm": "on"}).status_code == 302


def test_unknown_round_is_404(db: None, admin_client_: Client) -> None:
    assert admin_client_.get("/indices/rounds/999999/results/").status_code == 404


def test_results_filter_by_group(rating_round: AssessmentRound, admin_client_: Client) -> None:
    page = html(admin_client_.get(url(rating_round), {"group": "C"}))
    assert rows(page) == 1
    assert "Phường Hoàn Kiếm" in page.split('data-testid="ranking"')[1]
    assert "Phường Ba Đình" not in page.split('data-testid="ranking"')[1]

    page = html(admin_client_.get(url(rating_round), {"group": "B"}))
    assert rows(page) == 0
    assert "No unit is in this group." in page

    page = html(admin_client_.get(url(rating_round), {"group": "bogus"}))
    assert rows(page) == 2


def test_published_results_show_the_change_and_link_the_public_profile(
    city_admin: User, hanoi: Hanoi, framework: Framework, admin_client_: Client
) -> None:
    last_year = make_round(make_framework(city_admin, 2025), city_admin, [hanoi.ward_a])
    finalise_with(last_year, hanoi.ward_a, leaves(D(20)))  # 71.43
    publish_round(last_year, actor=city_admin)
    rating_round = make_round(framework, city_admin, [hanoi.ward_a])
    finalise_with(rating_round, hanoi.ward_a, leaves(D(30)))  # 85.71
    publish_round(rating_round, actor=city_admin)

    page = html(admin_client_.get(url(rating_round)))

    assert '<span class="text-success">+14.28</span>' in page
    profile = reverse("indices:public_unit", args=[rating_round.pk, hanoi.ward_a.pk])
    assert f'<a href="{profile}">Phường Ba Đình</a>' in page


def test_unpublished_results_never_link_the_public_profile(
    rating_round: AssessmentRound, admin_client_: Client
) -> None:
    page = html(admin_client_.get(url(rating_round)))
    assert "<td>Phường Ba Đình</td>" in page
    assert "/indices/public/" not in page


def test_publish_from_the_page(
    rating_round: AssessmentRound, admin_client_: Client, city_admin: User
) -> None:
    response = admin_client_.post(publish_url(rating_round), {"confirm": "on"}, follow=True)

    assert response.redirect_chain == [(url(rating_round), 302)]
    assert "The results of 2 units were published." in html(response)
    assert Result.objects.filter(round=rating_round).count() == 2
    assert AuditEvent.objects.filter(verb="indices.publish_round", actor=city_admin).exists()
    assert 'data-testid="publish"' not in html(response)


def test_publish_needs_the_confirmation(
    rating_round: AssessmentRound, admin_client_: Client
) -> None:
    response = admin_client_.post(publish_url(rating_round), {}, follow=True)

    assert "Tick the box to confirm the publication." in html(response)
    assert not Result.objects.exists()
    rating_round.refresh_from_db()
    assert not rating_round.is_published


def test_publish_refusal_is_shown(
    rating_round: AssessmentRound, admin_client_: Client, hanoi: Hanoi
) -> None:
    Assessment.objects.filter(unit=hanoi.ward_b).update(status=Assessment.Status.SUBMITTED)

    response = admin_client_.post(publish_url(rating_round), {"confirm": "on"}, follow=True)

    assert "The appraisal is not finalised yet for: Phường Hoàn Kiếm." in html(response)
    assert not Result.objects.exists()


@pytest.mark.parametrize("persona", ["officer_a", "inspector"])
def test_only_city_admins_publish(
    rating_round: AssessmentRound, persona: str, request: Any
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.post(publish_url(rating_round), {"confirm": "on"}).status_code == 403
    assert not Result.objects.exists()


def test_council_chair_cannot_publish(rating_round: AssessmentRound) -> None:
    chair = UserFactory(username="chair")
    CouncilMember.objects.create(round=rating_round, user=chair, is_chair=True)
    assert client_for(chair).post(publish_url(rating_round), {"confirm": "on"}).status_code == 403
    assert not Result.objects.exists()


@pytest.mark.parametrize("published", [False, True])
def test_results_page_queries_do_not_grow_with_units(
    framework: Framework,
    city_admin: User,
    hanoi: Hanoi,
    admin_client_: Client,
    published: bool,
) -> None:
    def page_of(units: list[OrgUnit]) -> tuple[int, str]:
        rating_round = make_round(framework, city_admin, units)
        for n, unit in enumerate(units):
            finalise_with(rating_round, unit, leaves(D(20 + n)))
        if published:
            publish_round(rating_round, actor=city_admin)
        admin_client_.get(url(rating_round))
        queries, response = count_queries(lambda: admin_client_.get(url(rating_round)))
        return queries, html(response)

    units = wards(hanoi, 6)
    few, few_page = page_of(units[:1])
    many, many_page = page_of(units[1:])

    assert (rows(few_page), rows(many_page)) == (1, 5)
    assert few == many, f"{few} queries with 1 unit, {many} with 5"
    assert many <= PAGE_MAX_QUERIES


def test_a_round_with_nothing_finalised_says_so(
    framework: Framework, city_admin: User, hanoi: Hanoi, admin_client_: Client
) -> None:
    rating_round = make_round(framework, city_admin, [hanoi.ward_a, hanoi.ward_b])

    page = html(admin_client_.get(url(rating_round)))

    assert rows(page) == 0
    assert "No appraisal of this round has been finalised yet." in page
    assert "0 of 2 assessments finalised" in page
    assert 'id="percent-chart"' not in page

"""The council's pages: appointing the council, proposing on the appraisal page (with and
without HTMX), the chair's send and finalise, and who may see and do what."""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from cchc.accounts.models import User
from cchc.accounts.tests.factories import UserFactory
from cchc.indices.actions import (
    create_framework,
    open_round,
    propose,
    publish_framework,
    score_criterion,
    set_council,
    submit_assessment,
)
from cchc.indices.models import Appraisal, Assessment, CouncilMember, Proposal
from cchc.indices.tests.factories import tree
from conftest import Hanoi, client_for

D = Decimal


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def members() -> list[User]:
    return [UserFactory(username=name) for name in ("chair", "member_1", "member_2")]


@pytest.fixture
def assessment(city_admin: User, hanoi: Hanoi, officer_a: User, members: list[User]) -> Assessment:
    framework = create_framework(
        actor=city_admin, year=2026, group="wards", title="Bộ chỉ số 2026", nodes=tree()
    )
    framework = publish_framework(framework, actor=city_admin)
    rating_round = open_round(
        framework,
        actor=city_admin,
        title="Tự đánh giá 2026",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
        units=[hanoi.ward_a, hanoi.ward_b],
    )
    set_council(rating_round, actor=city_admin, members=members, chair=members[0])
    assessment = rating_round.assessments.get(unit=hanoi.ward_a)
    for code, points in (("1.1", "14"), ("1.2", "12.5"), ("4", "0")):
        score_criterion(
            assessment,
            framework.criteria.get(code=code),
            actor=officer_a,
            points=D(points),
            explanation="Báo cáo số 5",
        )
    return submit_assessment(assessment, actor=officer_a)


def url(assessment: Assessment, name: str = "appraise") -> str:
    return f"/indices/assessments/{assessment.pk}/{name}/"


def test_city_admin_appoints_the_council(
    city_admin: User, assessment: Assessment, members: list[User]
) -> None:
    rating_round = assessment.round
    Proposal.objects.all().delete()
    page = client_for(city_admin).get(f"/indices/rounds/{rating_round.pk}/council/")
    assert page.status_code == 200
    assert "chair" in page.text
    assert 'data-testid="council-form"' in page.text

    response = client_for(city_admin).post(
        f"/indices/rounds/{rating_round.pk}/council/",
        {"members": [members[1].pk, members[2].pk], "chair": members[0].pk},
    )
    assert response.status_code == 200
    assert "The chair must be one of the members." in response.text
    response = client_for(city_admin).post(
        f"/indices/rounds/{rating_round.pk}/council/",
        {"members": [members[1].pk, members[2].pk], "chair": members[2].pk},
    )
    assert response.status_code == 302
    assert set(CouncilMember.objects.values_list("user__username", "is_chair")) == {
        ("member_1", False),
        ("member_2", True),
    }


def test_a_council_member_reads_the_council_but_cannot_change_it(
    assessment: Assessment, members: list[User]
) -> None:
    client = client_for(members[1])
    page = client.get(f"/indices/rounds/{assessment.round.pk}/council/")
    assert page.status_code == 200
    assert 'data-testid="council-form"' not in page.text
    response = client.post(
        f"/indices/rounds/{assessment.round.pk}/council/",
        {"members": [members[1].pk], "chair": members[1].pk},
    )
    assert response.status_code == 403


def test_the_unit_and_other_units_cannot_open_the_appraisal(
    assessment: Assessment, officer_a: User, officer_b: User
) -> None:
    assert client_for(officer_a).get(url(assessment)).status_code == 403
    assert client_for(officer_b).get(url(assessment)).status_code == 404
    post = client_for(officer_a).post(
        f"{url(assessment)}{assessment.round.framework.criteria.get(code='1.1').pk}/",
        {"c1-points": "15"},
    )
    assert post.status_code == 403
    assert not Proposal.objects.exists()


def test_a_member_proposes_and_a_different_score_needs_a_reason(
    assessment: Assessment, members: list[User], django_assert_max_num_queries: Any
) -> None:
    client = client_for(members[1])
    with django_assert_max_num_queries(14):
        page = client.get(url(assessment))
    assert page.status_code == 200
    assert page.text.count('data-testid="proposal-form"') == 4  # 1.1, 1.2, 2.1, 4
    criterion = assessment.round.framework.criteria.get(code="1.1")
    prefix = f"c{criterion.pk}"
    target = f"{url(assessment)}{criterion.pk}/"

    refused = client.post(target, {f"{prefix}-points": "12", f"{prefix}-version": "1"})
    assert refused.status_code == 422
    assert "Give the reason for a score different" in refused.text

    saved = client.post(
        target,
        {f"{prefix}-points": "12", f"{prefix}-reason": "Thiếu phụ lục", f"{prefix}-version": "1"},
    )
    assert saved.status_code == 302
    assert saved["Location"].endswith(f"#c-{criterion.pk}")
    proposal = Proposal.objects.get()
    assert (proposal.member, proposal.points, proposal.reason) == (
        members[1],
        D(12),
        "Thiếu phụ lục",
    )


def test_htmx_proposal_returns_the_leaf_and_a_stale_form_is_refused(
    assessment: Assessment, members: list[User]
) -> None:
    criterion = assessment.round.framework.criteria.get(code="1.2")
    prefix = f"c{criterion.pk}"
    target = f"{url(assessment)}{criterion.pk}/"
    data = {f"{prefix}-points": "12.5", f"{prefix}-version": "1"}
    first = client_for(members[0]).post(target, data, headers={"HX-Request": "true"})
    assert first.status_code == 200
    assert first.text.lstrip().startswith(f'<section class="card" id="c-{criterion.pk}"')
    assert "no majority yet" in first.text

    stale = client_for(members[1]).post(target, data, headers={"HX-Request": "true"})
    assert "1.2: another member proposed a score while you were editing" in stale.text
    assert Proposal.objects.count() == 1

    fresh = {**data, f"{prefix}-version": str(Appraisal.objects.get().version)}
    second = client_for(members[1]).post(target, fresh, headers={"HX-Request": "true"})
    assert 'data-testid="decided">12.50<' in second.text


def test_only_the_chair_sends_and_finalises(
    assessment: Assessment, members: list[User], officer_a: User
) -> None:
    chair, member, _other = members
    refused = client_for(member).post(url(assessment, "send"), follow=True)
    assert "Only the council&#x27;s chair can do this." in refused.text

    client_for(chair).post(url(assessment, "send"))
    assessment.refresh_from_db()
    assert assessment.status == "appraised"

    finalising = client_for(chair).post(url(assessment, "finalise"), follow=True)
    assert "may respond until" in finalising.text
    assessment.refresh_from_db()
    assert assessment.status == "appraised"

    framework = assessment.round.framework
    own = dict(assessment.scores.values_list("criterion__code", "points"))
    for criterion in framework.criteria.filter(code__in=["1.1", "1.2", "2.1", "4"]):
        for who in (chair, member):
            propose(assessment, criterion, actor=who, points=own[criterion.code], reason="Đạt")
    assessment.response_deadline = timezone.localdate() - datetime.timedelta(days=1)
    assessment.save()
    done = client_for(chair).post(url(assessment, "finalise"), follow=True)
    assert "The appraisal was finalised." in done.text
    assessment.refresh_from_db()
    assert assessment.is_finalised
    page = client_for(chair).get(url(assessment))
    assert 'data-testid="proposal-form"' not in page.text
    assert 'data-testid="chair-actions"' not in page.text

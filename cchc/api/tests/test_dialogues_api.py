"""The dialogues part of the JSON API: public conferences, the staff petitions list with the
pages' scope, and the public lookup by code (published answers only)."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cchc.accounts.models import User
from cchc.api.tests.helpers import ApiClient
from cchc.core.privacy import CONSENT_VERSION
from cchc.core.tests.helpers import assert_constant_queries
from cchc.dialogues import throttle as dialogues_throttle
from cchc.dialogues.actions import (
    CommitmentSpec,
    announce_conference,
    answer_petition,
    publish_answers,
    route_petition,
    screen_petition,
    submit_petition,
)
from cchc.dialogues.models import Conference, Field, IssueGroup, Petition
from cchc.plans.models import ContentArea
from cchc.plans.tests.factories import issued_city_plan
from conftest import Hanoi

pytestmark = pytest.mark.django_db


def _conference(unit: Any, actor: User, **extra: Any) -> Conference:
    values: dict[str, Any] = {
        "title": "Đối thoại với doanh nghiệp",
        "level": "ward",
        "host_unit": unit,
        "starts_at": timezone.now() + datetime.timedelta(days=5),
        "audiences": ["businesses"],
        "chair_name": "Chủ tịch",
        "place": "Hội trường",
    }
    values.update(extra)
    return announce_conference(actor=actor, **values)


def _petition(conference: Conference) -> Petition:
    return submit_petition(
        conference,
        title="Chậm hoàn thuế",
        content="Hồ sơ hoàn thuế chậm 2 tháng.",
        submitter_type="business",
        contact="0900000000",
        consent_version=CONSENT_VERSION,
    )


@pytest.fixture
def conference(hanoi: Hanoi, officer_a: User) -> Conference:
    return _conference(hanoi.ward_a, officer_a)


def test_public_conferences_list_needs_no_token(
    anonymous: Client, hanoi: Hanoi, conference: Conference, officer_a: User
) -> None:
    _conference(hanoi.ward_a, officer_a, title="Nội bộ", is_public=False)
    response = anonymous.get("/api/v1/dialogues/conferences", {"upcoming": "true"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["title"] for item in items] == [conference.title]
    assert items[0]["accepts_petitions"] is True
    assert items[0]["host_unit_name"] == hanoi.ward_a.name


def test_public_conferences_list_has_no_n_plus_one(
    anonymous: Client, hanoi: Hanoi, officer_a: User
) -> None:
    assert_constant_queries(
        lambda: anonymous.get("/api/v1/dialogues/conferences"),
        lambda n: [_conference(hanoi.ward_a, officer_a) for _ in range(n)],
    )


def test_petitions_list_is_scoped_and_hides_the_contact(
    conference: Conference, officer_a: User, officer_b: User, anonymous: Client
) -> None:
    petition = _petition(conference)
    response = ApiClient(officer_a).get("/api/v1/dialogues/petitions", {"open": "true"})
    items = response.json()["items"]
    assert [item["code"] for item in items] == [petition.code]
    assert "contact" not in items[0]
    assert "0900000000" not in response.content.decode()
    assert ApiClient(officer_b).get("/api/v1/dialogues/petitions").json()["items"] == []
    assert anonymous.get("/api/v1/dialogues/petitions").status_code == 401


def test_petitions_list_has_no_n_plus_one(conference: Conference, officer_a: User) -> None:
    api = ApiClient(officer_a)
    assert_constant_queries(
        lambda: api.get("/api/v1/dialogues/petitions"),
        lambda n: [_petition(conference) for _ in range(n)],
    )


def test_lookup_shows_only_published_answers(
    anonymous: Client, hanoi: Hanoi, conference: Conference, officer_a: User, city_admin: User
) -> None:
    petition = _petition(conference)
    url = f"/api/v1/dialogues/petitions/lookup/{petition.code}"
    received = anonymous.get(url).json()
    assert received["public_status"] == "received"
    assert received["title"] is None
    today = timezone.localdate()
    issued_city_plan(hanoi.city, city_admin, year=today.year)
    screen_petition(
        petition,
        actor=officer_a,
        field=Field.objects.get(code="TP"),
        issue_group=IssueGroup.objects.get(code="TP-HOAN"),
    )
    route_petition(
        petition, actor=officer_a, unit=hanoi.ward_a, deadline=today + datetime.timedelta(days=5)
    )
    answer_petition(
        petition,
        actor=officer_a,
        text="Sẽ hoàn thuế trong tháng.",
        given_at="conference",
        answered_on=today,
        commitment=CommitmentSpec(
            title="Hoàn thuế",
            deadline=today + datetime.timedelta(days=30),
            area=ContentArea.objects.get(code="TCC"),
        ),
    )
    handling = anonymous.get(url).json()
    assert handling["public_status"] == "handling"
    assert handling["answers"] == []
    publish_answers([petition], actor=officer_a)
    published = anonymous.get(url.lower()).json()
    assert published["public_status"] == "commitment_in_term"
    assert published["title"] == "Chậm hoàn thuế"
    [answer] = published["answers"]
    assert answer["text"] == "Sẽ hoàn thuế trong tháng."
    assert answer["commitment"]["task_code"] == petition.code
    assert answer["commitment"]["status"] == "in_term"
    assert "0900000000" not in str(published)
    assert anonymous.get("/api/v1/dialogues/petitions/lookup/KN-1999-000001").status_code == 404


def test_lookup_is_throttled_per_client_with_429(
    anonymous: Client, conference: Conference, settings: Any
) -> None:
    settings.CCHC_PETITION_LOOKUP_RATE_PER_MINUTE = 1
    petition = _petition(conference)
    url = f"/api/v1/dialogues/petitions/lookup/{petition.code}"
    assert anonymous.get(url).status_code == 200
    refused = anonymous.get(url)
    assert refused.status_code == 429
    assert refused.json() == {"detail": dialogues_throttle.throttled_message()}
    assert 1 <= int(refused["Retry-After"]) <= 60

"""POST /api/v1/surveys/responses: the public submission of a survey response (no token, no
CSRF), with the public form's size limit, throttle and validation."""

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from cchc.core.models import AuditEvent
from cchc.core.privacy import CONSENT_VERSION, CONSENT_WORDINGS
from cchc.surveys.actions import close_campaign
from cchc.surveys.models import CampaignUnit, Response
from cchc.surveys.tests.factories import answers, campaign_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/surveys/responses"


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests assert messages by their English msgids, except where they say otherwise."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def unit(hanoi, city_admin) -> CampaignUnit:
    return campaign_of(city_admin, [(hanoi.ward_a, 1000)], collecting=True).units.get()


def submit(client: Client, body: Any, **extra: Any) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", **extra)


def test_submit_stores_a_received_response_without_authentication(client, unit) -> None:
    response = submit(client, {"token": unit.token, "answers": answers(4, C4=2)})
    assert response.status_code == 201, response.content
    stored = Response.objects.get()
    assert response.json() == {"id": stored.pk, "status": "received", "receipt": ""}
    assert stored.campaign_unit == unit
    assert stored.channel == Response.Channel.WEB
    assert stored.client_hash == unit.campaign.hash_client("127.0.0.1")
    assert stored.contact == ""
    assert stored.tally("procedures") == (4, 3)
    assert AuditEvent.objects.filter(verb="surveys.record_response", actor=None).count() == 1


def test_submit_needs_no_csrf_token_even_with_a_session(unit, officer_a) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_a)
    response = submit(client, {"token": unit.token, "answers": answers()})
    assert response.status_code == 201


def test_submit_with_contact_stores_it(client, unit) -> None:
    body = {
        "token": unit.token,
        "answers": answers(),
        "contact": " an@example.vn ",
        "consent_version": CONSENT_VERSION,
    }
    assert submit(client, body).status_code == 201
    stored = Response.objects.get()
    assert stored.contact == "an@example.vn"
    assert stored.contact_consent_version == CONSENT_VERSION
    assert stored.contact_consent_at is not None


def test_contact_without_consent_is_refused_and_nothing_stored(client, unit) -> None:
    """Law 91/2025/QH15 Art. 9: no contact is stored without the respondent's consent."""
    for extra in ({}, {"consent_version": "1999-01"}):
        body = {"token": unit.token, "answers": answers(), "contact": "an@example.vn", **extra}
        response = submit(client, body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "contact"]
    assert not Response.objects.exists()


def test_consent_endpoint_names_the_version_wording_and_controller(client) -> None:
    data = client.get("/api/v1/privacy/consent").json()
    assert data["version"] == CONSENT_VERSION
    assert data["wording"] == str(CONSENT_WORDINGS[CONSENT_VERSION])
    assert data["controller"].startswith("ỦY BAN NHÂN DÂN")
    assert data["notice_url"].endswith("/privacy/")


def test_same_answers_twice_are_flagged(client, unit) -> None:
    body = {"token": unit.token, "answers": answers()}
    submit(client, body)
    second = submit(client, body)
    assert second.status_code == 201
    assert second.json()["status"] == "flagged"


def test_wrong_answers_are_422_per_question_and_nothing_is_stored(client, unit) -> None:
    body = {"token": unit.token, "answers": answers(C1=None, C2=9, A2="7", Z9="1")}
    response = submit(client, body)
    assert response.status_code == 422
    problems = {tuple(item["loc"]): item["msg"] for item in response.json()["detail"]}
    assert problems[("body", "answers", "C1")] == "Answer this question."
    assert problems[("body", "answers", "C2")] == "Choose a point from 1 to 5."
    assert problems[("body", "answers", "A2")] == "7 is not an option of this question."
    assert problems[("body", "answers", "Z9")] == "There is no question with this code."
    assert Response.objects.count() == 0


def test_unknown_token_is_404_and_closed_campaign_410(client, unit, city_admin) -> None:
    response = submit(client, {"token": "nope", "answers": answers()})
    assert response.status_code == 404
    assert response.json() == {"detail": "This survey link does not exist."}
    close_campaign(unit.campaign, actor=city_admin)
    response = submit(client, {"token": unit.token, "answers": answers()})
    assert response.status_code == 410
    assert Response.objects.count() == 0


def test_a_campaign_whose_period_is_over_is_410_with_its_end_date(client, unit) -> None:
    campaign = unit.campaign
    campaign.period_end = timezone.localdate() - datetime.timedelta(days=3)
    campaign.save(update_fields=["period_end"])
    response = submit(client, {"token": unit.token, "answers": answers()})
    assert response.status_code == 410
    ended = campaign.period_end.strftime("%d/%m/%Y")
    assert response.json() == {
        "detail": f"This survey ended on {ended}: it no longer accepts responses."
    }
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        {"answers": {}},
        {"token": 5, "answers": {}},
        {"token": "a/b", "answers": {}},
        {"token": "x" * 33, "answers": {}},
        {"token": "abc", "answers": []},
        {"token": "abc", "answers": {}, "contact": "x" * 201},
    ],
)
def test_malformed_bodies_are_4xx(client, unit, body: Any) -> None:
    response = submit(client, body)
    assert 400 <= response.status_code < 500
    assert Response.objects.count() == 0


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[31m", "a\ud800b"])
def test_control_characters_are_refused(client, unit, text: str) -> None:
    response = submit(client, {"token": unit.token, "answers": answers(D2=text)})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "answers", "D2"]
    assert response.json()["detail"][0]["msg"] == "Remove the control characters from the text."
    contact = {"token": unit.token, "answers": answers(), "contact": "09\x0012"}
    response = submit(client, contact)
    assert response.json()["detail"][0]["loc"] == ["body", "contact"]
    assert Response.objects.count() == 0


def test_an_option_with_a_lone_surrogate_is_refused_as_json(client, unit) -> None:
    """Found by the fuzz test: the refusal echoed the option, and a lone surrogate (valid in
    JSON as "\\ud800") cannot be written as UTF-8, so the 422 became a 500."""
    response = submit(client, {"token": unit.token, "answers": answers(A1="\ud800")})

    assert response.status_code == 422
    problem = next(p for p in response.json()["detail"] if p["loc"] == ["body", "answers", "A1"])
    assert problem["msg"] == "? is not an option of this question."
    assert Response.objects.count() == 0


def test_oversized_body_is_413(client, unit) -> None:
    body = {"token": unit.token, "answers": answers(D1="x" * 70_000)}
    response = submit(client, body)
    assert response.status_code == 413
    assert Response.objects.count() == 0


def test_throttled_client_gets_429_with_retry_after(client, unit, settings) -> None:
    settings.CCHC_SURVEY_RATE_PER_MINUTE = 2
    for rating in (5, 4):
        assert submit(client, {"token": unit.token, "answers": answers(rating)}).status_code == 201
    response = submit(client, {"token": unit.token, "answers": answers(3)})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "too many responses" in response.json()["detail"]
    assert Response.objects.count() == 2


def test_throttle_message_is_vietnamese_without_a_language_cookie(client, unit, settings) -> None:
    settings.LANGUAGE_CODE = "vi"
    settings.CCHC_SURVEY_RATE_PER_MINUTE = 0
    response = submit(client, {"token": unit.token, "answers": answers()})
    assert response.status_code == 429
    with translation.override("vi"):
        from cchc.surveys.throttle import throttled_message

        assert response.json()["detail"] == throttled_message()


def test_throttle_counts_per_client_behind_a_trusted_proxy(client, unit, settings) -> None:
    settings.CCHC_SURVEY_RATE_PER_MINUTE = 1
    settings.AXES_IPWARE_PROXY_COUNT = 1
    for n, address in enumerate(["203.0.113.1", "203.0.113.2"]):
        body = {"token": unit.token, "answers": answers(5 - n)}
        assert submit(client, body, HTTP_X_FORWARDED_FOR=address).status_code == 201
    body = {"token": unit.token, "answers": answers(3)}
    assert submit(client, body, HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    hashes = set(Response.objects.values_list("client_hash", flat=True))
    assert hashes == {unit.campaign.hash_client(a) for a in ["203.0.113.1", "203.0.113.2"]}


def test_endpoint_is_in_the_openapi_schema_without_security(client, db) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/surveys/responses"]["post"]
    assert "security" not in operation or operation["security"] in ([], [{}])
    assert set(operation["responses"]) >= {"201", "404", "410", "413", "422", "429"}

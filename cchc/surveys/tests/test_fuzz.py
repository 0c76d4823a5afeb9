"""Hostile input (issue #6 acceptance): 1,000 generated malformed or oversized payloads against
the public API endpoint and the public form → only 4xx answers, never a 5xx, nothing stored.

Hypothesis generates them: wrong types, missing keys, huge strings, unknown question codes,
nested junk, invalid JSON bytes, lone surrogates and NUL characters, wrong content types. No
payload can be a whole valid response (22 required answers, all well-formed), so every one must
be refused. The test client re-raises a server error, so a 5xx fails the example with its
traceback. The examples add up to FORM + API ≥ 1,000 and run in well under a minute.
"""

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.surveys.models import CampaignUnit, Response
from cchc.surveys.tests.factories import campaign_of

pytestmark = pytest.mark.django_db

API_URL = "/api/v1/surveys/responses"
VALID = "<valid token>"  # replaced by the unit's token when the request is sent
CODES = ["A1", "A2", "A3", "A4", "B1", "C1", "C4", "C18", "D1", "D2"]
EXAMPLES = {"api_json": 300, "api_raw": 150, "form_data": 300, "form_raw": 150, "path": 100}
FUZZ = settings(
    deadline=None,
    database=None,  # no .hypothesis directory: each run draws afresh
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the same unit and client for every example
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

huge = st.sampled_from(["x", "ư", "😀", "<", "%"]).flatmap(
    lambda char: st.integers(min_value=1_000, max_value=70_000).map(lambda n: char * n)
)
odd_strings = st.sampled_from(["", " ", "\x00", "\ud800", "a\x00b", "\u202e", "0", "-1", "6"])
leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | odd_strings
)
junk = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
codes = st.sampled_from(CODES) | st.text(max_size=12) | odd_strings
plausible = st.sampled_from([1, 5, 9, "5", "1", ["1", "2"], ["9"], "x", ""])
answers = st.dictionaries(codes, plausible | junk | huge, max_size=25) | junk
tokens = st.just(VALID) | st.text(max_size=40) | st.integers() | st.none() | huge
payloads = (
    st.fixed_dictionaries(
        {}, optional={"token": tokens, "answers": answers, "contact": junk | huge}
    )
    | junk
)
content_types = st.sampled_from(
    [
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=zzz",
        "multipart/form-data",
        "application/xml",
        "text/plain; charset=utf-8",
        "",
    ]
)


def no_surrogate(text: str) -> bool:
    """A browser cannot send a lone surrogate (the test client refuses to encode one too)."""
    return not any("\ud800" <= char <= "\udfff" for char in text)


form_keys = (codes | st.sampled_from(["website", "contact", "share_contact"])).filter(no_surrogate)
form_values = (st.text(max_size=30) | odd_strings).filter(no_surrogate)
form_data = st.dictionaries(
    form_keys, form_values | st.lists(form_values, max_size=4) | huge, max_size=30
)


def with_token(value: Any, token: str) -> Any:
    if value == VALID:
        return token
    if isinstance(value, dict):
        return {key: with_token(item, token) for key, item in value.items()}
    return value


def refused(response: Any) -> bool:
    return 400 <= response.status_code < 500


@pytest.fixture
def unit(hanoi, city_admin, settings: Any) -> CampaignUnit:
    # The throttle would answer 429 to most examples: lift it so they reach the validation.
    settings.CCHC_SURVEY_RATE_PER_MINUTE = 10**9
    settings.CCHC_SURVEY_UNIT_RATE_PER_MINUTE = 10**9
    return campaign_of(city_admin, [(hanoi.ward_a, 1000)], collecting=True).units.get()


def test_fuzz_examples_add_up_to_a_thousand() -> None:
    assert sum(EXAMPLES.values()) >= 1_000


@settings(FUZZ, max_examples=EXAMPLES["api_json"])
@given(payload=payloads)
def test_api_refuses_malformed_json(client: Client, unit: CampaignUnit, payload: Any) -> None:
    body = json.dumps(with_token(payload, unit.token), allow_nan=True)
    response = client.post(API_URL, body, content_type="application/json")
    assert refused(response), (response.status_code, response.content[:300])
    assert not Response.objects.exists()


@settings(FUZZ, max_examples=EXAMPLES["api_raw"])
@given(body=st.binary(max_size=3_000) | huge.map(str.encode), content_type=content_types)
def test_api_refuses_raw_bytes(
    client: Client, unit: CampaignUnit, body: bytes, content_type: str
) -> None:
    response = client.post(API_URL, body, content_type=content_type)
    assert refused(response), (response.status_code, response.content[:300])
    assert not Response.objects.exists()


@settings(FUZZ, max_examples=EXAMPLES["form_data"])
@given(data=form_data)
def test_form_refuses_malformed_fields(
    client: Client, unit: CampaignUnit, data: dict[str, Any]
) -> None:
    response = client.post(f"/surveys/f/{unit.token}/", data)
    assert refused(response), (response.status_code, response.content[:300])
    assert not Response.objects.exists()


@settings(FUZZ, max_examples=EXAMPLES["form_raw"])
@given(body=st.binary(max_size=3_000) | huge.map(str.encode), content_type=content_types)
def test_form_refuses_raw_bytes(
    client: Client, unit: CampaignUnit, body: bytes, content_type: str
) -> None:
    response = client.post(f"/surveys/f/{unit.token}/", body, content_type=content_type)
    assert refused(response), (response.status_code, response.content[:300])
    assert not Response.objects.exists()


@settings(FUZZ, max_examples=EXAMPLES["path"])
@given(token=st.text(max_size=60), method=st.sampled_from(["get", "post"]))
def test_form_refuses_unknown_links(
    client: Client, unit: CampaignUnit, token: str, method: str
) -> None:
    from urllib.parse import quote

    path = f"/surveys/f/{quote(token, safe='')}/"
    response = getattr(client, method)(path)
    assert refused(response), (path, response.status_code)
    assert not Response.objects.exists()

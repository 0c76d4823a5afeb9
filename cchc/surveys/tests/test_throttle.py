"""The survey throttle: counters shared through the database, per client and per unit, in
fixed one-minute windows; the client's address behind trusted proxies; the size limit."""

import pytest
from django.db import connection
from django.test import RequestFactory

from cchc.surveys import throttle
from cchc.surveys.models import CampaignUnit
from cchc.surveys.tests.factories import campaign_of

pytestmark = pytest.mark.django_db

MINUTE = 1_800_000_000 - 1_800_000_000 % 60  # the start of some minute, as epoch seconds


@pytest.fixture
def units(hanoi, city_admin) -> list[CampaignUnit]:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 1000), (hanoi.ward_b, 500)], collecting=True)
    return list(campaign.units.order_by("pk"))


def rows() -> list[tuple[str, int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT bucket, window_start, hits FROM core_throttle ORDER BY bucket")
        return [tuple(row) for row in cursor.fetchall()]


def test_client_is_allowed_up_to_its_limit_per_minute(units, settings) -> None:
    settings.CCHC_SURVEY_RATE_PER_MINUTE = 3
    verdicts = [throttle.hit(units[0], "a" * 64, now=MINUTE + n) for n in range(5)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert verdicts[0].retry_after == 0
    assert verdicts[3].retry_after == 57  # until the minute ends
    assert ("survey-client:" + "a" * 64, MINUTE, 5) in rows()


def test_other_clients_are_counted_apart(units, settings) -> None:
    settings.CCHC_SURVEY_RATE_PER_MINUTE = 1
    assert throttle.hit(units[0], "a", now=MINUTE).allowed
    assert not throttle.hit(units[0], "a", now=MINUTE + 1).allowed
    assert throttle.hit(units[0], "b", now=MINUTE + 2).allowed


def test_a_new_minute_starts_afresh_and_forgets_past_windows(units, settings) -> None:
    settings.CCHC_SURVEY_RATE_PER_MINUTE = 1
    throttle.hit(units[0], "a", now=MINUTE)
    assert not throttle.hit(units[0], "a", now=MINUTE + 59).allowed
    assert throttle.hit(units[0], "a", now=MINUTE + 60).allowed
    assert {window for _, window, _ in rows()} == {MINUTE + 60}


def test_unit_ceiling_holds_whatever_the_clients(units, settings) -> None:
    settings.CCHC_SURVEY_UNIT_RATE_PER_MINUTE = 3
    allowed = [throttle.hit(units[0], f"client-{n}", now=MINUTE).allowed for n in range(5)]
    assert allowed == [True, True, True, False, False]
    # Another unit has its own ceiling.
    assert throttle.hit(units[1], "client-9", now=MINUTE).allowed


def test_limits_come_from_the_settings(units, settings) -> None:
    assert throttle.per_client_limit() == 10
    assert throttle.per_unit_limit() == 300
    settings.CCHC_SURVEY_RATE_PER_MINUTE = 7
    assert throttle.per_client_limit() == 7


def test_body_limit() -> None:
    factory = RequestFactory()
    small = factory.post("/", b"x" * 100, content_type="application/json")
    assert not throttle.body_too_large(small)
    large = factory.post("/", b"x" * (throttle.BODY_LIMIT + 1), content_type="application/json")
    assert throttle.body_too_large(large)
    lying = factory.post("/", b"x", content_type="application/json", CONTENT_LENGTH="oops")
    assert throttle.body_too_large(lying)

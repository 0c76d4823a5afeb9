"""The shared throttle of the public forms: several buckets counted by one statement, each
with its own limit; the client's address behind trusted proxies; its keyed hash; body sizes."""

import pytest
from django.db import connection
from django.test import RequestFactory

from cchc.core import throttle

MINUTE = 1_800_000_000 - 1_800_000_000 % 60  # the start of some minute, as epoch seconds


def rows() -> list[tuple[str, int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT bucket, window_start, hits FROM core_throttle ORDER BY bucket")
        return [tuple(row) for row in cursor.fetchall()]


@pytest.mark.django_db
def test_hit_counts_every_bucket_and_refuses_when_any_is_over() -> None:
    limits = {"a:client": 2, "a:unit": 3}
    verdicts = [throttle.hit(limits, now=MINUTE + n) for n in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, False, False]
    assert verdicts[2].retry_after == 58
    assert rows() == [("a:client", MINUTE, 4), ("a:unit", MINUTE, 4)]
    # A bucket of its own is counted apart, and one bucket is enough.
    assert throttle.hit({"b:client": 1}, now=MINUTE + 5).allowed


@pytest.mark.django_db
def test_past_windows_are_deleted_once_per_window_not_at_every_new_bucket(
    django_assert_num_queries, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttle, "_purged_before", 0)  # as in a new process
    throttle.hit({"old:client": 5}, now=MINUTE - 60)
    with django_assert_num_queries(2):  # the upsert, and the first count in the window purges
        throttle.hit({"new:one": 5}, now=MINUTE + 1)
    assert rows() == [("new:one", MINUTE, 1)]
    with django_assert_num_queries(1):  # a new bucket in the same window: the upsert alone
        throttle.hit({"new:two": 5}, now=MINUTE + 2)
    assert rows() == [("new:one", MINUTE, 1), ("new:two", MINUTE, 1)]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.9"),
        (0, "198.51.100.7", "10.0.0.9"),  # not behind a proxy: the header is not trusted
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # a forged first hop is ignored
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, "198.51.100.7", "198.51.100.7"),
        (1, "", "10.0.0.9"),
    ],
)
def test_client_address(settings, proxies: int, forwarded: str, expected: str) -> None:
    settings.AXES_IPWARE_PROXY_COUNT = proxies
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert throttle.client_address(request) == expected


def test_client_bucket_holds_a_keyed_hash_never_the_address() -> None:
    factory = RequestFactory()
    one = throttle.client_bucket(factory.get("/", REMOTE_ADDR="10.0.0.9"), "petition-client")
    again = throttle.client_bucket(factory.get("/", REMOTE_ADDR="10.0.0.9"), "petition-client")
    other = throttle.client_bucket(factory.get("/", REMOTE_ADDR="10.0.0.8"), "petition-client")
    assert one == again != other
    assert one.startswith("petition-client:")
    assert "10.0.0.9" not in one
    assert len(one) <= 100  # the column's width


def test_body_too_large_by_declared_or_actual_length() -> None:
    factory = RequestFactory()
    assert not throttle.body_too_large(
        factory.post("/", b"x" * 100, content_type="text/plain"), 100
    )
    assert throttle.body_too_large(factory.post("/", b"x" * 101, content_type="text/plain"), 100)
    lying = factory.post("/", b"x", content_type="text/plain", CONTENT_LENGTH="oops")
    assert throttle.body_too_large(lying, 100)
    # Not read: only the declared length counts.
    understated = factory.post("/", b"x" * 500, content_type="text/plain", CONTENT_LENGTH="10")
    assert not throttle.body_too_large(understated, 100, read=False)

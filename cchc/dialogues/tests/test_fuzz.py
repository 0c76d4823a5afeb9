"""Hostile input against the public petition form (issue #7 acceptance: the same checks as the
survey form): 1,000 generated malformed or oversized submissions → only 4xx answers, never a
5xx, nothing stored.

Hypothesis builds each example from a valid petition and spoils it in at least one way (a
required field missing or blank, text over its limit, an unknown submitter type, NUL or other
control characters, a contact without consent, a file of a refused type or too many files,
junk keys and values), or sends raw bytes under any content type, or posts to a conference that
does not take petitions. None of them can be a whole valid petition, so every one must be
refused. The test client re-raises a server error, so a 5xx fails the example with its traceback.
"""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.dialogues.models import Conference, Petition
from cchc.dialogues.tests.conftest import announce

pytestmark = pytest.mark.django_db

EXAMPLES = {"spoiled": 600, "raw": 250, "closed": 150}
VALID = {
    "submitter_type": "citizen",
    "submitter_name": "Nguyễn Văn A",
    "title": "Đèn đường hỏng",
    "content": "Đèn đường ngõ 12 hỏng đã ba tuần.",
}
FUZZ = settings(
    deadline=None,
    database=None,  # no .hypothesis directory: each run draws afresh
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the same conference and client for every example
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def no_surrogate(text: str) -> bool:
    """A browser cannot send a lone surrogate (the test client refuses to encode one too)."""
    return not any("\ud800" <= char <= "\udfff" for char in text)


texts = st.text(max_size=40).filter(no_surrogate)
controls = st.sampled_from(["\x00", "a\x00b", "\x1b[31m", "x\x07"])
huge = st.sampled_from(["x", "ư", "😀", "<", "%"]).flatmap(
    lambda char: st.integers(min_value=5_001, max_value=30_000).map(lambda n: char * n)
)
bad_files = st.sampled_from(
    [
        [("virus.exe", b"MZ\x90\x00" + b"\x00" * 64)],
        [("trang.html", b"<html><script>alert(1)</script></html>")],
        [("rong.pdf", b"")],
        [(f"anh-{n}.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32) for n in range(4)],
    ]
)
spoils = st.one_of(
    st.sampled_from(["title", "content", "submitter_type"]).map(lambda key: ("drop", key)),
    st.sampled_from(["title", "content"]).map(lambda key: ("set", key, "   ")),
    st.tuples(st.just("set"), st.sampled_from(["title", "content", "submitter_name"]), huge),
    st.tuples(st.just("set"), st.just("submitter_type"), texts | controls),
    st.tuples(st.just("set"), st.sampled_from(["title", "content"]), controls),
    st.tuples(st.just("set"), st.just("contact"), st.just("0912345678")),  # no consent
    st.tuples(st.just("set"), st.just("field"), st.sampled_from(["0", "-1", "x", "99999999"])),
    st.tuples(st.just("files"), bad_files),
)
junk_fields = st.dictionaries(
    st.sampled_from(["website", "share_contact", "submitter_name", "zz", "contact"]) | texts,
    texts | controls | st.lists(texts, max_size=3),
    max_size=5,
)
content_types = st.sampled_from(
    [
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=zzz",
        "multipart/form-data",
        "application/xml",
        "",
    ]
)


def spoiled(spoil_list: list[tuple[Any, ...]], junk: dict[str, Any]) -> dict[str, Any]:
    # Junk first: a spoil must win over a junk key of the same name.
    data: dict[str, Any] = {**junk, **VALID}
    data.pop("share_contact", None)  # consent, if any, comes only with a spoil's contact
    for spoil in spoil_list:
        if spoil[0] == "drop":
            data.pop(spoil[1], None)
        elif spoil[0] == "set":
            data[spoil[1]] = spoil[2]
        else:
            data["attachments"] = [SimpleUploadedFile(name, body) for name, body in spoil[1]]
    if data.get("contact") and "share_contact" in junk:
        data.pop("contact")  # junk consent plus a spoil's contact would be a valid pair
        data["title"] = ""
    return data


def refused(response: Any) -> bool:
    return 400 <= response.status_code < 500


@pytest.fixture
def conference(hanoi: Any, officer_a: Any, settings: Any) -> Conference:
    # The throttle would answer 429 to most examples: lift it so they reach the validation.
    settings.CCHC_PETITION_RATE_PER_MINUTE = 10**9
    settings.CCHC_PETITION_CONFERENCE_RATE_PER_MINUTE = 10**9
    return announce(hanoi.ward_a, officer_a)


def test_fuzz_examples_add_up_to_a_thousand() -> None:
    assert sum(EXAMPLES.values()) >= 1_000


@settings(FUZZ, max_examples=EXAMPLES["spoiled"])
@given(spoil_list=st.lists(spoils, min_size=1, max_size=3), junk=junk_fields)
def test_form_refuses_spoiled_petitions(
    client: Client, conference: Conference, spoil_list: list[tuple[Any, ...]], junk: dict
) -> None:
    response = client.post(f"/dialogues/c/{conference.pk}/petition/", spoiled(spoil_list, junk))
    assert refused(response), (spoil_list, response.status_code, response.content[:300])
    assert not Petition.objects.exists()


@settings(FUZZ, max_examples=EXAMPLES["raw"])
@given(body=st.binary(max_size=3_000) | huge.map(str.encode), content_type=content_types)
def test_form_refuses_raw_bytes(
    client: Client, conference: Conference, body: bytes, content_type: str
) -> None:
    response = client.post(
        f"/dialogues/c/{conference.pk}/petition/", body, content_type=content_type
    )
    assert refused(response), (response.status_code, response.content[:300])
    assert not Petition.objects.exists()


@settings(FUZZ, max_examples=EXAMPLES["closed"])
@given(pk=st.integers(min_value=-5, max_value=10**12), data=junk_fields)
def test_form_of_an_unknown_conference_refuses_anything(
    client: Client, conference: Conference, pk: int, data: dict
) -> None:
    if pk == conference.pk:
        pk = conference.pk + 1
    path = f"/dialogues/c/{pk}/petition/" if pk >= 0 else f"/dialogues/c/x{pk}/petition/"
    response = client.post(path, {**VALID, **data})
    assert refused(response), (path, response.status_code)
    assert not Petition.objects.exists()

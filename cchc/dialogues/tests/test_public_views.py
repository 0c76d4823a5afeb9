"""The public pages: conferences, the petition form (honeypot, CSRF, limits), the lookup and
the journey page, which shows only published answers."""

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import User
from cchc.dialogues.actions import (
    CommitmentSpec,
    answer_petition,
    merge_petition,
    publish_answers,
    route_petition,
)
from cchc.dialogues.models import Answer, Conference, Petition
from cchc.dialogues.tests.conftest import announce, petition_for
from cchc.plans.models import Plan

FORM = {
    "submitter_type": "business",
    "submitter_name": "Công ty TNHH An Phát",
    "title": "Thủ tục cấp phép kéo dài",
    "content": "Hồ sơ xin phép xây dựng nộp đã 45 ngày.",
}


def test_conferences_page_lists_public_upcoming_ones(
    anonymous: Client, conference: Conference, hanoi: Any, officer_a: User
) -> None:
    hidden = announce(hanoi.ward_a, officer_a, title="Nội bộ", is_public=False)
    response = anonymous.get(reverse("dialogues:public_conferences"))
    assert response.status_code == 200
    assert conference.title in response.text
    assert hidden.title not in response.text
    assert reverse("dialogues:public_petition", args=[conference.pk]) in response.text
    assert (
        anonymous.get(reverse("dialogues:public_conference", args=[hidden.pk])).status_code == 404
    )


def test_petition_form_stores_the_petition_and_shows_its_code(
    anonymous: Client, conference: Conference
) -> None:
    url = reverse("dialogues:public_petition", args=[conference.pk])
    assert anonymous.get(url).status_code == 200
    upload = SimpleUploadedFile("ban-ve.pdf", b"%PDF-1.4 plans")
    response = anonymous.post(url, {**FORM, "attachments": [upload]}, follow=True)
    petition = Petition.objects.get()
    assert petition.code in response.text
    assert petition.flag_reason == ""
    assert petition.contact == ""
    assert petition.attachments.count() == 1


def test_petition_form_keeps_the_contact_only_when_agreed(
    anonymous: Client, conference: Conference
) -> None:
    url = reverse("dialogues:public_petition", args=[conference.pk])
    response = anonymous.post(url, {**FORM, "contact": "0912345678"})
    assert response.status_code == 422
    assert "Tick the box to agree to give your contact" in response.text
    assert not Petition.objects.exists()
    anonymous.post(url, {**FORM, "contact": "0912345678", "share_contact": "on"})
    assert Petition.objects.get().contact == "0912345678"


def test_petition_form_flags_a_filled_honeypot(anonymous: Client, conference: Conference) -> None:
    url = reverse("dialogues:public_petition", args=[conference.pk])
    anonymous.post(url, {**FORM, "website": "http://spam.example"})
    assert Petition.objects.get().flag_reason.startswith("The hidden field")


def test_petition_form_flags_a_repeated_content(
    anonymous: Client, conference: Conference, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    url = reverse("dialogues:public_petition", args=[conference.pk])
    anonymous.post(url, FORM)
    anonymous.post(url, {**FORM, "content": f"  {FORM['content']}\n"})
    first, repeat = Petition.objects.order_by("pk")
    assert first.flag_reason == ""
    assert repeat.flag_reason == f"The same content as petition {first.code}, sent before."


def test_petition_form_throttles_a_client_with_429_and_stores_nothing_more(
    anonymous: Client, conference: Conference, settings: Any
) -> None:
    settings.CCHC_PETITION_RATE_PER_MINUTE = 2
    url = reverse("dialogues:public_petition", args=[conference.pk])
    statuses = [
        anonymous.post(url, {**FORM, "content": f"Nội dung {n}"}).status_code for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Petition.objects.count() == 2
    refused = anonymous.post(url, {**FORM, "content": "x"})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "too many requests" in refused.text
    # Another address has its own count.
    assert anonymous.post(url, FORM, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_throttle_message_is_vietnamese_by_default(
    anonymous: Client, conference: Conference, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "vi"
    settings.CCHC_PETITION_RATE_PER_MINUTE = 0
    url = reverse("dialogues:public_petition", args=[conference.pk])
    response = anonymous.post(url, FORM, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 429
    assert "Bạn đã gửi quá nhiều yêu cầu" in response.text


def test_a_nul_byte_is_refused_in_vietnamese_by_default(
    anonymous: Client, conference: Conference, settings: Any
) -> None:
    """Issue 16, item 11: Django's own message was left in English on a Vietnamese page."""
    settings.LANGUAGE_CODE = "vi"
    url = reverse("dialogues:public_petition", args=[conference.pk])
    response = anonymous.post(url, {**FORM, "content": "abc\x00def"})
    assert response.status_code == 422
    assert "Nội dung có ký tự rỗng (NUL) không hợp lệ" in response.text
    assert "Null characters" not in response.text


def test_lookups_by_code_are_throttled_per_client(
    anonymous: Client, petition: Petition, settings: Any
) -> None:
    settings.CCHC_PETITION_LOOKUP_RATE_PER_MINUTE = 2
    assert anonymous.get(reverse("dialogues:lookup"), {"code": petition.code}).status_code == 302
    assert anonymous.get(petition.get_journey_url()).status_code == 200
    assert anonymous.get(petition.get_journey_url()).status_code == 429
    # The empty lookup page itself is not counted.
    assert anonymous.get(reverse("dialogues:lookup")).status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**FORM, "content": ""}, "This field is required."),
        ({**FORM, "content": "x" * 5001}, "Ensure this value has at most 5000 characters"),
        ({**FORM, "submitter_type": "robot"}, "Select a valid choice."),
        ({**FORM, "title": "<script>alert(1)</script>" * 20}, "at most 300 characters"),
    ],
)
def test_petition_form_refuses_bad_input(
    anonymous: Client, conference: Conference, data: dict[str, str], message: str
) -> None:
    url = reverse("dialogues:public_petition", args=[conference.pk])
    response = anonymous.post(url, data)
    assert response.status_code == 422
    assert message in response.text
    assert "<script>alert(1)" not in response.text
    assert not Petition.objects.exists()


def test_petition_form_refuses_a_bad_file_and_keeps_nothing(
    anonymous: Client, conference: Conference
) -> None:
    url = reverse("dialogues:public_petition", args=[conference.pk])
    fake = SimpleUploadedFile("anh.png", b"<html><script>")
    response = anonymous.post(url, {**FORM, "attachments": [fake]})
    assert response.status_code == 422
    assert "anh.png does not contain what its name says (.png)." in response.text
    assert not Petition.objects.exists()


def test_petition_form_refuses_an_oversized_body(anonymous: Client, conference: Conference) -> None:
    url = reverse("dialogues:public_petition", args=[conference.pk])
    response = anonymous.post(url, FORM, CONTENT_LENGTH=str(20 * 1024 * 1024))
    assert response.status_code == 413
    assert not Petition.objects.exists()


def test_petition_form_requires_csrf(conference: Conference) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("dialogues:public_petition", args=[conference.pk]), FORM)
    assert response.status_code == 403
    assert not Petition.objects.exists()


def test_petition_form_is_closed_once_the_conference_took_place(
    anonymous: Client, conference: Conference
) -> None:
    Conference.objects.filter(pk=conference.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    url = reverse("dialogues:public_petition", args=[conference.pk])
    assert anonymous.get(url).status_code == 410
    assert anonymous.post(url, FORM).status_code == 410
    assert not Petition.objects.exists()


def test_lookup_redirects_to_the_journey_or_says_not_found(
    anonymous: Client, petition: Petition
) -> None:
    url = reverse("dialogues:lookup")
    response = anonymous.get(url, {"code": petition.code.lower()})
    assert response.status_code == 302
    assert response["Location"] == petition.get_journey_url()
    missing = anonymous.get(url, {"code": "KN-1999-000001"})
    assert missing.status_code == 404
    assert "No petition has the code KN-1999-000001." in missing.text


def test_journey_shows_only_published_answers(
    anonymous: Client,
    hanoi: Any,
    screened: Petition,
    officer_a: User,
    plan: Plan,
    area: Any,
) -> None:
    today = timezone.localdate()
    route_petition(
        screened, actor=officer_a, unit=hanoi.ward_b, deadline=today + datetime.timedelta(days=5)
    )
    answer_petition(
        screened,
        actor=officer_a,
        text="Câu trả lời chưa công khai",
        given_at=Answer.GivenAt.CONFERENCE,
        answered_on=today,
        commitment=CommitmentSpec(
            title="Cam kết xử lý", deadline=today + datetime.timedelta(days=20), area=area
        ),
    )
    url = screened.get_journey_url()
    before = anonymous.get(url)
    assert before.status_code == 200
    assert "Câu trả lời chưa công khai" not in before.text
    assert "Cam kết xử lý" not in before.text
    assert screened.content not in before.text  # the content too waits for publication
    assert "Being handled by the responsible unit" in before.text
    assert "0912" not in before.text
    publish_answers([screened], actor=officer_a)
    after = anonymous.get(url)
    assert "Câu trả lời chưa công khai" in after.text
    assert "Cam kết xử lý" in after.text
    assert screened.code in after.text
    assert "the commitment is being carried out" in after.text
    assert hanoi.ward_b.name in after.text


def test_journey_of_an_unknown_code_is_404(anonymous: Client, db: None) -> None:
    response = anonymous.get(reverse("dialogues:journey", args=["KN-2000-000001"]))
    assert response.status_code == 404


def test_petition_form_refuses_control_characters(
    anonymous: Client, conference: Conference
) -> None:
    url = reverse("dialogues:public_petition", args=[conference.pk])
    response = anonymous.post(url, {**FORM, "content": "abc\x00def"})
    assert response.status_code == 422
    assert "Null characters are not allowed." in response.text
    response = anonymous.post(url, {**FORM, "title": "Đèn \x1b[31mhỏng"})
    assert response.status_code == 422
    assert "Remove the control characters from the text." in response.text
    assert not Petition.objects.exists()


def test_journey_of_a_merged_petition_links_to_the_one_it_follows(
    anonymous: Client, conference: Conference, petition: Petition, officer_a: User
) -> None:
    duplicate = petition_for(conference)
    merge_petition(duplicate, actor=officer_a, into=petition)
    response = anonymous.get(duplicate.get_journey_url())
    assert 'data-status="merged"' in response.text
    assert petition.get_journey_url() in response.text


def test_public_conference_page_of_an_internal_conference_is_404(
    anonymous: Client, hanoi: Any, officer_a: User
) -> None:
    internal = announce(hanoi.ward_a, officer_a, is_public=False)
    assert (
        anonymous.get(reverse("dialogues:public_petition", args=[internal.pk])).status_code == 404
    )

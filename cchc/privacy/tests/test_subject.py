"""The citizen's public "my data" page (docs/domain/personal-data.md, "Requests from data
subjects"; decision 0031): a petition or a survey response named by its code, control proven by
the contact given or a one-time code sent there, then see, correct, withdraw consent, erase."""

import datetime
import os
import re

import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.utils import timezone

from cchc.core.models import AuditEvent
from cchc.core.privacy import CONSENT_VERSION, CONSENT_WORDINGS
from cchc.dialogues.models import Attachment, Petition
from cchc.dialogues.queries import journey
from cchc.dialogues.tests.conftest import announce, petition_for
from cchc.privacy.actions import CodeRefused, code_digest, prove_with_code, send_one_time_code
from cchc.privacy.models import OneTimeCode
from cchc.privacy.views import GRANT_SALT
from cchc.surveys.actions import record_response, review_response
from cchc.surveys.models import Answer, AnswerCount, Response
from cchc.surveys.queries import unit_results
from cchc.surveys.tests.factories import answers, campaign_of

pytestmark = pytest.mark.django_db

URL = "/privacy/my-data/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SENT: list[tuple[str, str]] = []


def capture_sms(phone: str, text: str) -> None:
    """A pluggable SMS sender (settings.CCHC_SMS_SENDER) for the tests."""
    SENT.append((phone, text))


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CCHC_SMS_SENDER = "cchc.privacy.tests.test_subject.capture_sms"
    settings.CCHC_PRIVACY_CODE_MINUTES = 10
    settings.CCHC_PRIVACY_CODE_ATTEMPTS = 3
    SENT.clear()


@pytest.fixture
def given(hanoi, officer_a) -> Petition:
    return petition_for(
        announce(hanoi.ward_a, officer_a),
        submitter_name="Nguyễn Văn An",
        contact="0912 345 678",
        consent_version=CONSENT_VERSION,
        files=[SimpleUploadedFile("anh-ngap.png", PNG, content_type="image/png")],
    )


@pytest.fixture
def survey(hanoi, city_admin):
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 100)], collecting=True)
    unit = campaign.units.get()
    kept = record_response(
        unit,
        answers(5, D2="Tôi là Bình, nhà số 7"),
        channel="web",
        contact="binh@example.vn",
        consent_version=CONSENT_VERSION,
    )
    review_response(kept, actor=city_admin, decision="accepted")
    other = record_response(unit, answers(2, D2="Chậm"), channel="web")
    review_response(other, actor=city_admin, decision="accepted")
    kept.refresh_from_db()
    return campaign, kept


def _post(client: Client, **data: str):
    return client.post(URL, data)


def _sent_code(client: Client, code: str, **extra: str) -> str:
    """Ask for a one-time code for `code` and return the digits that reached the citizen."""
    mail.outbox.clear()
    SENT.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the job runs once committed
        response = _post(client, code=code, step="send", **extra)
    assert response.status_code == 200, response.content.decode()
    text = mail.outbox[-1].body if mail.outbox else SENT[-1][1]
    return re.search(r"\b(\d{6})\b", text).group(1)


# --- proof by the contact given -------------------------------------------------------------


def test_a_wrong_contact_proves_nothing_and_shows_nothing(anonymous, given) -> None:
    wrong = _post(anonymous, code=given.code, contact="0987654321", step="show")
    unknown = _post(anonymous, code="KN-1999-000001", contact="0912345678", step="show")
    assert wrong.status_code == unknown.status_code == 404
    assert "Nguyễn Văn An" not in wrong.content.decode()
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_the_petitioner_sees_their_data_and_consent(anonymous, given) -> None:
    # Spaces, dots, dashes and case aside, the contact given proves control.
    response = _post(anonymous, code=given.code.lower(), contact="0912.345.678", step="show")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Văn An" in html
    assert "anh-ngap.png" in html
    assert str(CONSENT_WORDINGS[CONSENT_VERSION]) in html
    assert CONSENT_VERSION in html


def test_erasing_removes_the_personal_data_and_keeps_the_journey(anonymous, given) -> None:
    path = Attachment.objects.get().file.path
    before = journey(given, public=True)
    response = _post(anonymous, code=given.code, contact="0912345678", step="erase")
    assert response.status_code == 200
    given.refresh_from_db()
    assert (given.submitter_name, given.contact, given.contact_consent_version) == ("", "", "")
    assert given.anonymised_at is not None
    assert not Attachment.objects.exists()
    assert not os.path.exists(path)
    # The petition and its public journey stay readable, unchanged.
    assert anonymous.get(given.get_journey_url()).status_code == 200
    assert journey(given, public=True).status == before.status
    event = AuditEvent.objects.get(verb="dialogues.erase_personal_data")
    assert event.details == {"by": "citizen", "reason": "request", "files": 1}
    assert "0912" not in str(event.details) + str(event.changes)
    # Proving control again is no longer possible: there is no contact left.
    again = _post(anonymous, code=given.code, contact="0912345678", step="show")
    assert again.status_code == 404


def test_withdrawing_consent_erases_the_contact_only(anonymous, given) -> None:
    _post(anonymous, code=given.code, contact="0912345678", step="withdraw")
    given.refresh_from_db()
    assert given.contact == ""
    assert given.contact_consent_at is None
    assert given.submitter_name == "Nguyễn Văn An"
    assert AuditEvent.objects.filter(verb="dialogues.withdraw_consent").count() == 1


def test_correcting_the_contact(anonymous, given) -> None:
    response = _post(
        anonymous, code=given.code, contact="0912345678", step="correct", new_contact="an@vn.vn"
    )
    assert response.status_code == 200
    given.refresh_from_db()
    assert given.contact == "an@vn.vn"
    assert given.contact_consent_version == CONSENT_VERSION


# --- proof by a one-time code -----------------------------------------------------------------


def test_a_code_is_texted_to_a_phone_stored_as_a_keyed_hash_and_proves_control(
    anonymous, given, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(anonymous, code=given.code, step="send")
    assert response.status_code == 200
    assert "09•••78" in response.content.decode()  # where it went, masked
    phone, text = SENT[-1]
    assert phone == "0912 345 678"
    digits = re.search(r"\b(\d{6})\b", text).group(1)
    stored = OneTimeCode.objects.get()
    assert stored.channel == "sms"
    assert stored.code_hash == code_digest("petition", given.pk, digits)
    assert digits not in stored.code_hash
    sent = AuditEvent.objects.get(verb="privacy.send_code")
    assert sent.details == {"channel": "sms"}

    shown = _post(anonymous, code=given.code, one_time_code=digits, step="show")
    assert shown.status_code == 200
    assert "Nguyễn Văn An" in shown.content.decode()
    assert AuditEvent.objects.filter(verb="privacy.prove_with_code").count() == 1
    # The next step carries the signed grant instead of the contact: erase goes through.
    grant = shown.context["grant"]
    erased = _post(anonymous, code=given.code, grant=grant, step="erase")
    assert erased.status_code == 200
    given.refresh_from_db()
    assert given.anonymised_at is not None


def test_a_code_is_e_mailed_to_an_e_mail_contact(anonymous, survey) -> None:
    _campaign, kept = survey
    digits = _sent_code(anonymous, kept.receipt)
    assert mail.outbox[-1].to == ["binh@example.vn"]
    assert OneTimeCode.objects.get().channel == "email"
    shown = _post(anonymous, code=kept.receipt, one_time_code=digits, step="show")
    assert shown.status_code == 200
    assert "Tôi là Bình, nhà số 7" in shown.content.decode()


def test_a_wrong_code_is_refused_counted_and_audited(anonymous, given) -> None:
    send_one_time_code(given)
    response = _post(anonymous, code=given.code, one_time_code="000000x", step="show")
    assert response.status_code == 422
    assert "Nguyễn Văn An" not in response.content.decode()
    assert response.context["form"].errors["one_time_code"] == [
        "Đây không phải mã chúng tôi đã gửi. Xin kiểm tra và thử lại."
    ]
    assert OneTimeCode.objects.get().attempts == 1
    assert AuditEvent.objects.get(verb="privacy.refuse_code").details == {"reason": "wrong"}


def test_too_many_wrong_codes_burn_the_code(given, monkeypatch) -> None:
    monkeypatch.setattr("cchc.privacy.actions.secrets.randbelow", lambda n: 123456)
    send_one_time_code(given)
    for _ in range(3):
        with pytest.raises(CodeRefused) as refused:
            prove_with_code(given, "999999")
        assert refused.value.reason == "wrong"
    with pytest.raises(CodeRefused) as refused:
        prove_with_code(given, "123456")  # the right code, too late
    assert refused.value.reason == "burnt"


def test_an_expired_code_is_refused(given, monkeypatch) -> None:
    monkeypatch.setattr("cchc.privacy.actions.secrets.randbelow", lambda n: 4242)
    sent = send_one_time_code(given)
    later = sent.created_at + datetime.timedelta(minutes=10, seconds=1)
    with pytest.raises(CodeRefused) as refused:
        prove_with_code(given, "004242", now=later)
    assert refused.value.reason == "expired"
    # Within the ten minutes it works.
    assert prove_with_code(given, "004242", now=later - datetime.timedelta(seconds=2)).used_at


def test_a_used_code_cannot_be_used_again(anonymous, given, monkeypatch) -> None:
    monkeypatch.setattr("cchc.privacy.actions.secrets.randbelow", lambda n: 777)
    send_one_time_code(given)
    assert _post(anonymous, code=given.code, one_time_code="000777", step="show").status_code == 200
    again = _post(anonymous, code=given.code, one_time_code="000777", step="show")
    assert again.status_code == 422
    assert again.context["form"].errors["one_time_code"] == [
        "Mã dùng một lần này đã được sử dụng: hãy yêu cầu mã mới."
    ]


def test_a_newer_code_replaces_the_older_one(given, monkeypatch) -> None:
    codes = iter([111, 222])
    monkeypatch.setattr("cchc.privacy.actions.secrets.randbelow", lambda n: next(codes))
    send_one_time_code(given)
    send_one_time_code(given)
    with pytest.raises(CodeRefused) as refused:
        prove_with_code(given, "000111")
    assert refused.value.reason == "replaced"
    assert prove_with_code(given, "000222").used_at is not None


def test_a_code_for_one_record_proves_nothing_for_another(given, hanoi, officer_a, monkeypatch):
    monkeypatch.setattr("cchc.privacy.actions.secrets.randbelow", lambda n: 5)
    other = petition_for(
        announce(hanoi.ward_b, officer_a), contact="0988000111", consent_version=CONSENT_VERSION
    )
    send_one_time_code(other)
    with pytest.raises(CodeRefused) as refused:
        prove_with_code(given, "000005")
    assert refused.value.reason == "none"


def test_sending_codes_is_throttled(anonymous, given, settings) -> None:
    settings.CCHC_PRIVACY_CODE_RATE_PER_MINUTE = 2
    assert _post(anonymous, code=given.code, step="send").status_code == 200
    assert _post(anonymous, code=given.code, step="send").status_code == 200
    third = _post(anonymous, code=given.code, step="send")
    assert third.status_code == 429
    assert third["Retry-After"]
    assert OneTimeCode.objects.count() == 2


def test_every_proof_counts_against_the_lookup_limit(anonymous, given, settings) -> None:
    settings.CCHC_PETITION_LOOKUP_RATE_PER_MINUTE = 2
    for _ in range(2):
        assert _post(anonymous, code=given.code, contact="0", step="show").status_code == 404
    assert _post(anonymous, code=given.code, contact="0912345678", step="show").status_code == 429


def test_no_code_is_sent_for_a_record_without_a_contact(anonymous, hanoi, officer_a) -> None:
    bare = petition_for(announce(hanoi.ward_a, officer_a))
    response = _post(anonymous, code=bare.code, step="send")
    assert response.status_code == 404
    assert not OneTimeCode.objects.exists()


def test_a_forged_or_foreign_grant_proves_nothing(anonymous, given, hanoi, officer_a) -> None:
    forged = _post(anonymous, code=given.code, grant="x:y:z", step="erase")
    assert forged.status_code == 404
    other = petition_for(
        announce(hanoi.ward_b, officer_a), contact="0988000111", consent_version=CONSENT_VERSION
    )
    sent = send_one_time_code(other)
    sent.used_at = timezone.now()
    sent.save()
    foreign = signing.dumps(["petition", other.pk, sent.pk], salt=GRANT_SALT)
    assert _post(anonymous, code=given.code, grant=foreign, step="erase").status_code == 404
    given.refresh_from_db()
    assert given.anonymised_at is None


# --- survey respondents -----------------------------------------------------------------------


def test_a_response_with_a_contact_gets_a_receipt_and_one_without_none(survey) -> None:
    _campaign, kept = survey
    assert re.fullmatch(r"PKS-[A-HJKMNP-Z2-9]{8}", kept.receipt)
    assert Response.objects.exclude(pk=kept.pk).get().receipt == ""


def test_the_respondent_sees_and_erases_their_data_and_the_results_stay(anonymous, survey) -> None:
    campaign, kept = survey
    results = [(r.campaign_unit.pk, r.accepted, r.overall) for r in unit_results(campaign)]
    counts = sorted(AnswerCount.objects.values_list("question_id", "key", "count"))

    shown = _post(anonymous, code=kept.receipt.lower(), contact="Binh@Example.vn", step="show")
    assert shown.status_code == 200
    assert "Tôi là Bình, nhà số 7" in shown.content.decode()
    erased = _post(anonymous, code=kept.receipt, contact="binh@example.vn", step="erase")
    assert erased.status_code == 200

    kept.refresh_from_db()
    assert (kept.contact, kept.contact_consent_version, kept.contact_consent_at) == ("", "", None)
    assert kept.anonymised_at is not None
    assert not Answer.objects.filter(response=kept).exclude(text="").exists()
    assert Answer.objects.filter(response=kept, rating__isnull=False).exists()
    assert [(r.campaign_unit.pk, r.accepted, r.overall) for r in unit_results(campaign)] == results
    assert sorted(AnswerCount.objects.values_list("question_id", "key", "count")) == counts
    assert AuditEvent.objects.get(verb="privacy.erase_response").details == {"texts": 1}
    # The other respondent's written answer stays.
    assert Answer.objects.filter(text="Chậm").exists()


def test_the_respondent_withdraws_consent_or_corrects_the_contact(anonymous, survey) -> None:
    _campaign, kept = survey
    corrected = _post(
        anonymous,
        code=kept.receipt,
        contact="binh@example.vn",
        step="correct",
        new_contact="0911222333",
    )
    assert corrected.status_code == 200
    kept.refresh_from_db()
    assert kept.contact == "0911222333"
    _post(anonymous, code=kept.receipt, contact="0911222333", step="withdraw")
    kept.refresh_from_db()
    assert (kept.contact, kept.contact_consent_at) == ("", None)
    assert Answer.objects.filter(response=kept).exclude(text="").exists()  # answers stay
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"privacy.correct_contact", "privacy.withdraw_consent"} <= verbs


def test_a_wrong_contact_for_a_receipt_shows_nothing(anonymous, survey) -> None:
    _campaign, kept = survey
    response = _post(anonymous, code=kept.receipt, contact="an@example.vn", step="show")
    assert response.status_code == 404
    assert "Bình" not in response.content.decode()


def test_the_thanks_page_shows_the_receipt_only_with_a_contact(anonymous, hanoi, city_admin):
    unit = campaign_of(city_admin, [(hanoi.ward_a, 100)], collecting=True).units.get()
    form = {code: str(v) if not isinstance(v, list) else v for code, v in answers(4).items()}
    sent = anonymous.post(
        f"/surveys/f/{unit.token}/", {**form, "share_contact": "on", "contact": "an@x.vn"}
    )
    stored = Response.objects.get()
    assert sent["Location"] == f"/surveys/f/{unit.token}/thanks/?receipt={stored.receipt}"
    page = anonymous.get(sent["Location"]).content.decode()
    assert stored.receipt in page
    assert URL in page
    # Without a contact: no receipt, a plain thanks page; a receipt of nothing shows nothing.
    other = {code: str(v) if not isinstance(v, list) else v for code, v in answers(5).items()}
    bare = anonymous.post(f"/surveys/f/{unit.token}/", other)  # not a repeat: not held
    assert bare["Location"] == f"/surveys/f/{unit.token}/thanks/"
    forged = anonymous.get(f"/surveys/f/{unit.token}/thanks/?receipt=PKS-AAAAAAAA").content
    assert b"PKS-AAAAAAAA" not in forged


def test_the_api_gives_the_receipt(anonymous, hanoi, city_admin) -> None:
    unit = campaign_of(city_admin, [(hanoi.ward_a, 100)], collecting=True).units.get()
    body = {
        "token": unit.token,
        "answers": answers(),
        "contact": "an@x.vn",
        "consent_version": CONSENT_VERSION,
    }
    sent = anonymous.post("/api/v1/surveys/responses", body, content_type="application/json")
    assert sent.status_code == 201
    assert sent.json()["receipt"] == Response.objects.get().receipt != ""


def test_the_job_sends_nothing_for_a_code_already_used(given, monkeypatch) -> None:
    from cchc.privacy.jobs import send_code

    monkeypatch.setattr("cchc.privacy.actions.secrets.randbelow", lambda n: 31)
    sent = send_one_time_code(given)
    prove_with_code(given, "000031")
    assert send_code.call(sent.pk, "000031") is False
    assert SENT == []

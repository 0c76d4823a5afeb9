"""A citizen's personal data in Chromium (Law 91/2025/QH15): on a phone, without logging in, a
citizen reads the notice on the petition form, sees the contact field appear only once the
consent box is ticked (no JavaScript: CSS), sends the petition with a contact, later looks it
up by its code, proves it is theirs with the contact, asks to erase it, and sees the journey
without it; a survey respondent gets a receipt code, proves control with a one-time code sent
to their e-mail and erases their written answer. Screenshots land in the test's tmp folder.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.core.privacy import CONSENT_VERSION
from cchc.dialogues.actions import announce_conference
from cchc.dialogues.models import Petition
from cchc.surveys.models import Response
from tests.browser.chromium import chromium_missing_reason

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_a_citizen_sends_a_petition_with_consent_then_erases_the_contact(
    phone_page: Page, hanoi, officer_a: User, tmp_path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    conference = announce_conference(
        actor=officer_a,
        title="Hội nghị đối thoại với người dân phường Ba Đình",
        level="ward",
        host_unit=hanoi.ward_a,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        audiences=["citizens"],
        chair_name="Chủ tịch UBND phường Ba Đình",
        place="Hội trường UBND phường",
    )
    citizen = phone_page
    # A shared, busy machine: the live server's first pages may take longer than the default.
    citizen.set_default_navigation_timeout(60_000)
    citizen.set_default_timeout(30_000)
    citizen.goto(f"/dialogues/c/{conference.pk}/petition/")
    notice = citizen.get_by_test_id("privacy-notice")
    expect(notice).to_contain_text("91/2025/QH15")
    expect(notice.get_by_role("link")).to_have_attribute("href", "/privacy/")
    # The contact is off until the consent is given.
    expect(citizen.locator("#id_contact")).to_be_hidden()
    form = citizen.get_by_test_id("petition-form")
    form.locator("#id_submitter_type_0").check()
    form.locator("#id_submitter_name").fill("Nguyễn Văn An")
    form.locator("#id_title").fill("Ngõ 12 Đội Cấn ngập khi mưa")
    form.locator("#id_content").fill("Mỗi trận mưa lớn ngõ ngập 30 cm, đề nghị cải tạo cống.")
    form.locator("#id_share_contact").check()
    expect(citizen.locator("#id_contact")).to_be_visible()
    citizen.locator("#id_contact").fill("0912 345 678")
    citizen.screenshot(path=str(tmp_path / "petition-form.png"), full_page=True)
    citizen.get_by_test_id("petition-submit").click()
    expect(citizen.get_by_test_id("petition-thanks")).to_be_visible()
    petition = Petition.objects.get()
    assert petition.contact == "0912 345 678"
    assert petition.contact_consent_version == CONSENT_VERSION

    # Later: the lookup by code, then "my personal data", proven with the contact.
    citizen.goto("/dialogues/lookup/")
    citizen.get_by_test_id("lookup-form").locator("#id_code").fill(petition.code)
    citizen.get_by_test_id("lookup-form").locator("button[type=submit]").click()
    expect(citizen.get_by_test_id("journey-code")).to_have_text(petition.code)
    citizen.get_by_test_id("my-data-link").click()
    citizen.get_by_test_id("prove-form").locator("#id_contact").fill("0912345678")
    citizen.get_by_test_id("prove-submit").click()
    expect(citizen.get_by_test_id("my-data")).to_contain_text("Nguyễn Văn An")
    expect(citizen.get_by_test_id("my-data")).to_contain_text(CONSENT_VERSION)
    citizen.screenshot(path=str(tmp_path / "my-data.png"), full_page=True)
    citizen.get_by_test_id("erase-my-data").click()
    expect(citizen.get_by_test_id("my-data-done")).to_be_visible()

    # The journey is still there, without the petitioner's data.
    citizen.get_by_test_id("back-to-journey").click()
    expect(citizen.get_by_test_id("journey-code")).to_have_text(petition.code)
    expect(citizen.get_by_test_id("public-status")).to_be_visible()
    petition.refresh_from_db()
    assert (petition.submitter_name, petition.contact) == ("", "")
    assert petition.anonymised_at is not None
    assert "0912" not in citizen.content()


def test_a_respondent_proves_control_with_a_one_time_code_and_erases_their_answers(
    phone_page: Page, hanoi, city_admin: User, tmp_path, settings
) -> None:
    """A survey respondent who gave an e-mail: the thanks page shows the receipt code; later,
    on "my data", they ask for a one-time code instead of retyping the contact, type the code
    received by e-mail, see their written answer and erase it."""
    from django.core import mail

    from cchc.surveys.tests.factories import SERVICE_CODES, campaign_of

    settings.CCHC_PRIVACY_CODE_RATE_PER_MINUTE = 10
    unit = campaign_of(city_admin, [(hanoi.ward_a, 100)], collecting=True).units.get()
    citizen = phone_page
    citizen.set_default_navigation_timeout(60_000)
    citizen.set_default_timeout(30_000)
    citizen.goto(f"/surveys/f/{unit.token}/")
    citizen.check("#id_A1_0")
    for question in ("A2", "A3", "A4"):
        citizen.check(f"#id_{question}_0")
    for question in SERVICE_CODES:
        citizen.check(f"#id_{question}_4")  # "very satisfied"
    citizen.locator("#id_D2").fill("Cán bộ Nguyễn Thị Hoa tiếp tôi rất chu đáo.")
    citizen.locator("#id_share_contact").check()
    citizen.locator("#id_contact").fill("binh@example.vn")
    citizen.get_by_test_id("survey-submit").click()
    receipt = citizen.get_by_test_id("survey-receipt")
    expect(receipt).to_contain_text("PKS-")
    code = Response.objects.get().receipt
    citizen.screenshot(path=str(tmp_path / "survey-receipt.png"), full_page=True)

    # Later: "my data", with a one-time code sent to the e-mail given.
    receipt.get_by_role("link").click()
    form = citizen.get_by_test_id("prove-form")
    form.locator("#id_code").fill(code)
    form.get_by_test_id("send-code").click()
    expect(citizen.get_by_test_id("code-sent")).to_contain_text("bi•••@example.vn")
    digits = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    citizen.get_by_test_id("otp-form").locator("#id_one_time_code").fill(digits)
    citizen.screenshot(path=str(tmp_path / "one-time-code.png"), full_page=True)
    citizen.get_by_test_id("otp-submit").click()
    expect(citizen.get_by_test_id("my-data")).to_contain_text("Nguyễn Thị Hoa")
    expect(citizen.get_by_test_id("my-data")).to_contain_text("binh@example.vn")
    citizen.screenshot(path=str(tmp_path / "respondent-data.png"), full_page=True)
    citizen.get_by_test_id("erase-my-data").click()
    expect(citizen.get_by_test_id("my-data-done")).to_be_visible()
    stored = Response.objects.get()
    assert (stored.contact, stored.anonymised_at is not None) == ("", True)
    assert not stored.answers.exclude(text="").exists()
    assert stored.answers.filter(rating=5).exists()

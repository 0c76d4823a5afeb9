"""The citizen satisfaction survey in Chromium at phone size: a respondent opens a unit's link,
sends the form half-filled (the errors come back next to the questions, with a summary at the
top), fills it in, partly with the keyboard, and lands on the thank-you page; the response is
stored as received for that unit, and the unit's reviewer (its focal point) finds it received in
the review queue while another unit's reviewer does not see it. Then the same with JavaScript
switched off.

Selectors use ids, data-testid and <html lang>, so the test holds in Vietnamese and in English.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from cchc.surveys.models import CampaignUnit, Response
from cchc.surveys.tests.factories import SERVICE_CODES, campaign_of
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import PHONE, TIMEOUT_MS, log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def unit(hanoi, city_admin) -> CampaignUnit:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 1000), (hanoi.ward_b, 800)], collecting=True)
    return campaign.units.get(unit=hanoi.ward_a)


@pytest.fixture
def no_script_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A phone with JavaScript switched off."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="vi-VN", java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def fill_in(page: Page, *, rating_index: int = 4) -> None:
    """Answer every required question: the first options of part I, `rating_index` (0-based)
    on every service question."""
    page.check("#id_A1_0")
    page.check("#id_A1_2")
    for code in ("A2", "A3", "A4"):
        page.check(f"#id_{code}_0")
    for code in SERVICE_CODES:
        page.check(f"#id_{code}_{rating_index}")


def test_respondent_fills_in_the_form_on_a_phone(
    phone_page: Page, unit: CampaignUnit, officer_a, officer_b
) -> None:
    page = phone_page
    page.goto(f"/surveys/f/{unit.token}/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_test_id("survey-unit")).to_have_text("Phường Ba Đình")
    assert page.locator("script").count() == 0
    # Phone-sized: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Sent with only part I answered: the errors come back, nothing is stored.
    page.check("#id_A1_0")
    page.get_by_test_id("survey-submit").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("a[href='#q-C1']")).to_have_count(1)
    expect(page.locator("#C1-error")).to_be_visible()
    expect(page.locator("#id_A1_0")).to_be_checked()  # what was answered is kept
    assert Response.objects.count() == 0

    # Following the summary's link goes to the question.
    summary.locator("a[href='#q-C1']").click()
    expect(page).to_have_url(re.compile(r"#q-C1$"))

    fill_in(page)
    # The keyboard works: a radio button takes focus (visibly) and the arrow keys move the choice.
    page.focus("#id_C18_4")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#id_C18_3")).to_be_checked()
    expect(page.locator("#id_C18_3")).to_be_focused()
    page.get_by_test_id("survey-submit").click()

    expect(page).to_have_url(re.compile(rf"/surveys/f/{unit.token}/thanks/(#.*)?$"))
    expect(page.get_by_test_id("survey-thanks")).to_contain_text("Phường Ba Đình")
    stored = Response.objects.get()
    assert stored.campaign_unit == unit
    assert stored.status == Response.Status.RECEIVED
    assert stored.channel == Response.Channel.WEB
    assert stored.tally("feedback") == (4, 4)  # C15–C18: 5, 5, 5 and 4 by the keyboard
    assert stored.client_hash
    assert stored.contact == ""

    # Ward A's focal point reviews it: received, in the queue of the campaign.
    queue = f"/surveys/{unit.campaign_id}/responses/"
    log_in(page, "officer_a")
    page.goto(queue)
    card = page.locator(f"[data-response='{stored.pk}']")
    expect(card.get_by_test_id("status")).to_have_text(re.compile("Đã tiếp nhận|Received"))
    expect(card).to_contain_text("Phường Ba Đình")
    expect(card.get_by_test_id("review-form")).to_be_visible()
    # Ward B's focal point reviews ward B only: the response is not in their queue.
    page.context.clear_cookies()
    log_in(page, "officer_b")
    page.goto(queue)
    expect(page.get_by_test_id("queue-empty")).to_be_visible()
    expect(page.locator(f"[data-response='{stored.pk}']")).to_have_count(0)


def test_form_works_with_javascript_off(no_script_page: Page, unit: CampaignUnit) -> None:
    page = no_script_page
    page.goto(f"/surveys/f/{unit.token}/?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    fill_in(page, rating_index=1)
    page.check("#id_share_contact")
    page.fill("#id_contact", "0912 345 678")
    page.get_by_test_id("survey-submit").click()

    # A contact was kept: the thanks page shows the response's receipt code (scripts off too).
    expect(page).to_have_url(re.compile(rf"/surveys/f/{unit.token}/thanks/\?receipt=PKS-\w+$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("survey-thanks")).to_be_visible()
    stored = Response.objects.get()
    expect(page.get_by_test_id("survey-receipt")).to_contain_text(stored.receipt)
    assert stored.campaign_unit == unit
    assert stored.status == Response.Status.RECEIVED
    assert stored.contact == "0912 345 678"
    assert stored.tally("access") == (3, 0)  # rated 2 of 5: not satisfied

"""Adapting the satisfaction questionnaire in Chromium: the city administrator opens the
questionnaires from the campaigns page, creates a new version of the published template, adds a
service question, sees a refused option line explained, publishes the version and finds it frozen.

Selectors use URLs, ids and data-testid, so the test holds in Vietnamese and in English.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.surveys.models import Questionnaire
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_city_admin_adapts_and_publishes_a_new_version(page: Page, city_admin: User) -> None:
    log_in(page, "city_admin")
    page.goto("/surveys/")
    page.get_by_test_id("questionnaires-link").click()
    row = page.get_by_test_id("questionnaire-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("template-badge")).to_be_visible()
    row.locator("a").first.click()
    expect(page.get_by_test_id("frozen-note")).to_be_visible()

    page.get_by_test_id("new-version").click()
    draft = Questionnaire.objects.get(version=2)
    expect(page).to_have_url(re.compile(rf"/surveys/questionnaires/{draft.pk}/$"))
    expect(page.get_by_test_id("draft-note")).to_be_visible()

    service = draft.sections.get(kind="service")
    prefix = f"#id_section-{service.pk}"
    section = page.locator("[data-testid=section][data-kind=service]")
    section.get_by_test_id("add-question").locator("summary").click()
    page.fill(f"{prefix}-code", "C19")
    page.select_option(f"{prefix}-type", "single")
    page.fill(f"{prefix}-text_vi", "Ông/Bà chờ bao lâu tại bộ phận một cửa?")
    page.fill(f"{prefix}-options", "1 | Dưới 15 phút | Under 15 minutes\nhai | ba | bốn | năm")
    section.get_by_test_id("question-form").locator("button[type=submit]").click()
    # The malformed second line is named; nothing is stored.
    expect(section.get_by_test_id("question-form")).to_contain_text(re.compile(r"(Dòng|Line) 2:"))
    assert not draft.sections.get(kind="service").questions.filter(code="C19").exists()

    page.fill(f"{prefix}-options", "1 | Dưới 15 phút | Under 15 minutes\n2 | Từ 15 phút | 15+")
    section.get_by_test_id("question-form").locator("button[type=submit]").click()
    expect(page.locator("[data-testid=question][data-code=C19]")).to_contain_text(
        "Ông/Bà chờ bao lâu tại bộ phận một cửa?"
    )

    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("frozen-note")).to_be_visible()
    expect(page.get_by_test_id("add-question")).to_have_count(0)
    draft.refresh_from_db()
    assert draft.is_frozen
    assert draft.questions.filter(code="C19").exists()

"""The headcount journey in Chromium (issue #8 acceptance): a ward's focal point enters the
ward's 2025 headcount, and the summary shows the reduction rolled up against the 2021 baseline
of the two old wards merged into it (2025 lies in the Conclusion 40-KL/TW period, which
compares with 2021) — on a desktop and on a phone.

Selectors use ids, URLs and data-testid, so the test holds in Vietnamese and in English.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.staffing.models import Headcount
from cchc.staffing.tests.factories import legacy_ward, record
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def _shots(tmp_path: Path) -> Path:
    """Screenshots go to $STAFFING_SHOTS when set (to look at them), else to tmp_path."""
    folder = Path(os.environ.get("STAFFING_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _merged_wards(hanoi, city_admin: User) -> None:
    old_1 = legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    old_2 = legacy_ward("00007", "Phường Trúc Bạch (cũ)", successors=[hanoi.ward_a])
    record(old_1, 2021, 30, 120, actor=city_admin)
    record(old_2, 2021, 20, 80, actor=city_admin)


def _enter_and_check(tab: Page, hanoi, shots: Path, name: str) -> None:
    log_in(tab, "officer_a")
    tab.goto(f"/staffing/units/{hanoi.ward_a.pk}/record/?year=2025")
    form = tab.get_by_test_id("record-form")
    form.locator("#id_civil_assigned").fill("40")
    form.locator("#id_civil_actual").fill("38")
    form.locator("#id_public_assigned").fill("170")
    tab.screenshot(path=str(shots / f"record-{name}.png"), full_page=True)
    form.locator("button[type=submit]").click()
    expect(tab.get_by_test_id("history-table")).to_contain_text("2025")
    tab.screenshot(path=str(shots / f"history-{name}.png"), full_page=True)
    saved = Headcount.objects.get(unit=hanoi.ward_a, year=2025)
    assert (saved.civil_assigned, saved.civil_actual, saved.public_assigned) == (40, 38, 170)

    tab.goto("/staffing/?year=2025")
    # 50 posts in 2021 (30 + 20 in the two old wards) → 40 in 2025: 10 fewer, 20%.
    expect(tab.get_by_test_id("total-civil-reduction")).to_contain_text("10")
    expect(tab.get_by_test_id("total-civil-percent")).to_have_text("20,00%")
    expect(tab.get_by_test_id("total-public-percent")).to_have_text("15,00%")
    row = tab.locator(f"[data-unit='{hanoi.ward_a.pk}']")
    expect(row).to_contain_text("20,00%")
    expect(tab.locator(".chart svg").first).to_be_visible()
    tab.screenshot(path=str(shots / f"summary-{name}.png"), full_page=True)


def test_enter_headcount_and_see_the_rolled_up_reduction(
    page: Page,
    hanoi,
    city_admin: User,
    officer_a: User,
    tmp_path: Path,
) -> None:
    _merged_wards(hanoi, city_admin)
    _enter_and_check(page, hanoi, _shots(tmp_path), "1366")


def test_the_same_on_a_phone(
    phone_page: Page,
    hanoi,
    city_admin: User,
    officer_a: User,
    tmp_path: Path,
) -> None:
    _merged_wards(hanoi, city_admin)
    _enter_and_check(phone_page, hanoi, _shots(tmp_path), "390")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"

"""The monthly rating in Chromium: the city administrator closes September 2026, which rates
it; she assesses ward A's general criteria on its scorecard; the head of the city approves;
the scorecard shows the calculation step by step and the band.

Ward A's September is the worked example of docs/ratings.md (quantity 80, quality 77.5,
progress 75: 54.25 task points); 28.50 general points make 82.75, "good". Selectors use ids,
URLs and data-testid, so the test holds in Vietnamese and in English.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.ratings.models import Rating
from cchc.ratings.tests.factories import appoint_head, draft_city_plan, worked_example
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import log_in, log_out

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

GENERAL = ["5", "5", "5", "5", "4,5", "4"]  # 28.50 of 30, typed the Vietnamese way


def test_close_assess_approve_and_read_the_scorecard(
    page: Page, hanoi, city_admin: User, officer_a: User
) -> None:
    chairman = appoint_head(
        hanoi.city, city_admin, username="chairman", full_name="Đinh Tiến Trưởng"
    )
    plan = draft_city_plan(hanoi.city, city_admin)
    worked_example(plan, hanoi.ward_a, city_admin, responsible=officer_a)

    # The administrator closes September: the month is rated.
    log_in(page, "city_admin")
    page.get_by_test_id("admin-menu").click()
    page.locator("#mainnav a.dropdown-item[href='/plans/months/']").click()
    page.fill("#id_month", "09/2026")
    page.locator("main form.card button[type=submit]").first.click()
    page.wait_for_load_state()
    unit = Rating.objects.get(kind=Rating.Kind.UNIT, unit=hanoi.ward_a)

    page.get_by_test_id("menu-evaluation").click()
    page.locator("#mainnav a.dropdown-item[href='/ratings/']").click()
    expect(page).to_have_url(re.compile(r"/ratings/2026/9/$"))
    row = page.locator(f"tr[data-rating='{unit.pk}']")
    expect(row.get_by_test_id("total")).to_have_text("54,25")
    row.locator(f"a[href='/ratings/rating/{unit.pk}/']").click()

    # She enters the general criteria on the scorecard.
    form = page.get_by_test_id("assess-form")
    inputs = form.locator("input[type=number], input[inputmode=decimal], input[type=text]")
    expect(inputs).to_have_count(len(GENERAL))
    for field, value in zip(inputs.all(), GENERAL, strict=True):
        field.fill(value)
    form.locator("textarea").fill("Chủ động, phối hợp tốt.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("status")).to_have_text("Đã đánh giá")
    expect(page.get_by_test_id("approve-form")).to_have_count(0)  # not a head of the city
    log_out(page)

    # The head of the city approves.
    log_in(page, "chairman")
    page.goto(f"/ratings/rating/{unit.pk}/")
    page.get_by_test_id("approve-form").locator("button[type=submit]").click()
    page.wait_for_load_state()

    expect(page.get_by_test_id("status")).to_have_text("Đã phê duyệt")
    calculation = page.get_by_test_id("calculation")
    expect(calculation.get_by_test_id("step-quantity")).to_contain_text("80,00")
    expect(calculation.get_by_test_id("step-quality")).to_contain_text("77,50")
    expect(calculation.get_by_test_id("step-progress")).to_contain_text("75,00")
    expect(calculation.get_by_test_id("task-points")).to_have_text("54,25")
    expect(calculation.get_by_test_id("general-scores").locator("tbody tr")).to_have_count(6)
    expect(calculation.get_by_test_id("total")).to_have_text("82,75")
    expect(calculation.locator("[data-band]").last).to_have_attribute("data-band", "good")
    unit.refresh_from_db()
    assert (unit.status, unit.general_points, unit.band, unit.approved_by) == (
        Rating.Status.APPROVED,
        28.5,
        "good",
        chairman,
    )

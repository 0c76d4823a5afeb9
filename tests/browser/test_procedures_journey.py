"""The procedures journey in Chromium (issue #8, acceptance): the city administrator imports a
procedure list on the import page, opens a review campaign, ward A reviews the procedure
(proposal: simplify) and proposes a simplification plan that the administrator approves, seeing
its yearly saving and cut; ward A writes an internal workflow that the administrator approves,
and its swimlane diagram shows one lane per actor.

Selectors use ids, URLs and data-testid, so the test holds in Vietnamese and in English.
Screenshots (1366 px and 390 px) go to $CCHC_SCREENSHOTS when set.
"""

import contextlib
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from cchc.accounts.models import User
from cchc.procedures.models import Procedure, Review, SimplificationPlan, Workflow
from cchc.procedures.tests.factories import row, workbook
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import DESKTOP, PHONE, log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def shot(page: Page, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("CCHC_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-1366.png"), full_page=True)
    page.set_viewport_size(PHONE)
    # Charts follow the new width on the window's resize event: give them a moment.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function("document.documentElement.scrollWidth <= 390", timeout=3000)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name} is {width} px wide on a 390 px screen"
    page.screenshot(path=str(folder / f"{name}-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def forget_session(page: Page) -> None:
    """Sign out by dropping the cookies (quicker than the user menu, which test_journeys covers)."""
    page.context.clear_cookies()


def decide(page: Page, testid: str, number: str) -> None:
    form = page.get_by_test_id(testid)
    form.locator("#id_decision_number").fill(number)
    form.locator("#id_decision_date").fill("02/03/2026")
    form.locator("button[type=submit]").click()


def test_import_review_plan_and_workflow(
    page: Page,
    hanoi,
    city_admin: User,
    officer_a: User,
    tmp_path: Path,
) -> None:
    upload = workbook(
        [
            row(),
            row("2.000100", name="Cấp giấy phép xây dựng", field="Xây dựng", units="00070"),
        ]
    )
    file = tmp_path / "danh-muc-thu-tuc.xlsx"
    file.write_bytes(upload.read())

    # 1. The administrator imports the list on the import page.
    log_in(page, "city_admin")
    page.goto("/procedures/import/")
    page.locator("#id_file").set_input_files(str(file))
    page.get_by_test_id("import-form").locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/procedures/$"))
    expect(page.get_by_test_id("procedure-list")).to_contain_text("Cấp giấy phép xây dựng")
    assert Procedure.objects.count() == 2
    shot(page, tmp_path, "catalogue")
    birth_row = page.locator("[data-procedure]").first
    birth_row.get_by_role("link").click()
    expect(page.get_by_test_id("procedure-documents")).to_contain_text("Giấy chứng sinh")
    shot(page, tmp_path, "detail")
    birth = Procedure.objects.get(code="1.000001")

    # 2. The administrator opens a review campaign with ward A as reviewer.
    page.goto("/procedures/campaigns/")
    form = page.get_by_test_id("campaign-form")
    form.locator("#id_title").fill("Rà soát thủ tục hành chính năm 2026")
    form.locator("#id_unit").select_option(str(hanoi.home_affairs.pk))
    form.locator("#id_codes").fill("1.000001")
    form.locator("#id_reviewer_units").select_option([str(hanoi.ward_a.pk)])
    form.locator("#id_deadline").fill("30/09/2026")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("campaign-reviews")).to_contain_text("Đăng ký khai sinh")
    campaign_url = page.url
    forget_session(page)

    # 3. Ward A reviews the procedure: simplify.
    log_in(page, "officer_a")
    page.goto(campaign_url)
    review = page.get_by_test_id("review-form")
    review.locator("#id_procedure").select_option(str(birth.pk))
    review.locator("#id_unit").select_option(str(hanoi.ward_a.pk))
    review.locator("#id_findings").fill("Giấy chứng sinh bản sao trùng với dữ liệu dân cư")
    review.locator("#id_proposal").select_option("simplify")
    review.locator("#id_reasons").fill("Khai thác Cơ sở dữ liệu quốc gia về dân cư")
    review.locator("button[type=submit]").click()
    expect(page.get_by_test_id("campaign-reviews")).to_contain_text("Giấy chứng sinh bản sao")
    shot(page, tmp_path, "campaign")
    assert Review.objects.get().proposal == Review.Proposal.SIMPLIFY

    # 4. Ward A proposes a plan: 15 → 10 working days, fees 100,000 → 50,000, 1,200 a year.
    page.goto(birth.get_absolute_url())
    page.get_by_test_id("new-plan").click()
    plan = page.get_by_test_id("plan-form")
    plan.locator("#id_unit").select_option(str(hanoi.ward_a.pk))
    for field, value in {
        "time_before": "15",
        "time_after": "10",
        "documents_before": "3",
        "documents_after": "2",
        "fees_before": "100000",
        "fees_after": "50000",
        "times_per_year": "1",
        "subjects_per_year": "1200",
    }.items():
        plan.locator(f"#id_{field}").fill(value)
    shot(page, tmp_path, "plan-form")
    plan.locator("button[type=submit]").click()
    expect(page.get_by_test_id("plan-calculation")).to_be_visible()
    plan_url = page.url

    # 5. Ward A writes the internal workflow: 3 working days = 24 hours at most.
    page.goto(birth.get_absolute_url())
    page.get_by_test_id("new-workflow").click()
    steps = [
        ("Bộ phận Một cửa", "Tiếp nhận, kiểm tra hồ sơ", "4"),
        ("Công chức Tư pháp - Hộ tịch", "Thẩm định, trình ký", "12"),
        ("Chủ tịch UBND phường", "Ký giấy khai sinh", "4"),
    ]
    page.locator("#id_unit").select_option(str(hanoi.ward_a.pk))
    for n, (actor, work, hours) in enumerate(steps):
        page.locator(f"#id_steps-{n}-actor").fill(actor)
        page.locator(f"#id_steps-{n}-work").fill(work)
        page.locator(f"#id_steps-{n}-hours").fill(hours)
    shot(page, tmp_path, "workflow-form")
    page.get_by_test_id("workflow-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("swimlane")).to_be_visible()
    workflow_url = page.url
    forget_session(page)

    # 6. The administrator approves the plan and sees the yearly saving and the cut.
    log_in(page, "city_admin")
    page.goto(plan_url)
    decide(page, "plan-approve", "15/QĐ-UBND")
    expect(page.get_by_test_id("plan-decision")).to_contain_text("15/QĐ-UBND")
    expect(page.get_by_test_id("plan-saving")).to_have_text("1.980.000.000 đ")
    expect(page.get_by_test_id("plan-cut")).to_have_text("33,67%")
    assert SimplificationPlan.objects.get().is_approved
    shot(page, tmp_path, "plan")

    # 7. … approves the workflow and sees its diagram: a lane per actor, a box per step.
    page.goto(workflow_url)
    decide(page, "workflow-approve", "16/QĐ-UBND")
    expect(page.get_by_test_id("workflow-decision")).to_contain_text("16/QĐ-UBND")
    swimlane = page.get_by_test_id("swimlane")
    expect(swimlane.locator(".swimlane-lane")).to_have_count(3)
    expect(swimlane.locator(".swimlane-box")).to_have_count(3)
    expect(swimlane.locator(".swimlane-lane").nth(1)).to_contain_text("Thẩm định, trình ký")
    assert Workflow.objects.get().status == Workflow.Status.APPROVED
    shot(page, tmp_path, "workflow")

    page.goto("/procedures/overview/?year=2026")
    expect(page.get_by_test_id("total-saving")).to_have_text("1.980.000.000 đ")
    shot(page, tmp_path, "overview")

"""The reform-plan loop in Chromium: the city administrator drafts a plan, assigns a task to
three wards and issues the plan; ward A reports progress with evidence; the report is returned,
resubmitted as a completion and accepted; the administrator closes the month and the briefing
and its XLSX export show the expected counts.

The task is due on the first day of last month (the last month that can be closed), so at that
month's end all three ward tasks were overdue; ward A's completion, accepted today, is late.

Selectors use ids, URLs and data-testid, not visible text, so the test holds in Vietnamese and
in English (the page language is Vietnamese, the browser's default here).
"""

import datetime
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.plans.models import Evidence, Plan, ProgressReport, Task
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import log_in, log_out

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submit(page: Page) -> None:
    page.locator("main form.card button[type=submit]").first.click()
    page.wait_for_load_state()


def test_plan_task_report_return_resubmit_accept(
    page: Page, hanoi, city_admin: User, officer_a: User, tmp_path: Path, settings
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    year = last_month.year
    OrgUnitFactory(code="00082", kind=OrgUnit.Kind.WARD, name="Phường Cửa Nam", parent=hanoi.city)

    # The city administrator creates and issues the plan.
    log_in(page, "city_admin")
    page.locator("#mainnav a.nav-link[href='/plans/']").click()
    page.locator("a[href='/plans/new/']").click()
    page.select_option("#id_unit", label="Thành phố Hà Nội")
    page.fill("#id_year", str(year))
    page.fill("#id_title", f"Kế hoạch cải cách hành chính năm {year}")
    submit(page)
    plan = Plan.objects.get()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))

    # A task led by the Department of Home Affairs, assigned to every ward of the city.
    page.locator(f"a[href='/plans/{plan.pk}/tasks/new/']").click()
    page.fill("#id_code", "1.1")
    page.fill("#id_title", "Rà soát, đơn giản hoá thủ tục hành chính")
    page.select_option("#id_area", label="Cải cách thủ tục hành chính")
    page.select_option("#id_lead_unit", label="Sở Nội vụ")
    page.fill("#id_deadline", f"{last_month:%d/%m/%Y}")
    submit(page)
    task = Task.objects.get(code="1.1")
    expect(page.get_by_test_id("deadline")).to_contain_text(f"{last_month:%d/%m/%Y}")
    page.locator(f"a[href='/plans/tasks/{task.pk}/assign/']").click()
    page.check("input[name=kinds][value=ward]")
    submit(page)
    children = page.get_by_test_id("children")
    expect(children.locator("tbody tr")).to_have_count(3)
    for name in ("Phường Ba Đình", "Phường Hoàn Kiếm", "Phường Cửa Nam"):
        expect(children).to_contain_text(name)

    # Issued once drafted: the tasks count from the plan's date.
    page.goto(f"/plans/{plan.pk}/issue/")
    page.fill("#id_document_number", f"01/KH-UBND-{year}")
    page.fill("#id_document_date", f"01/01/{year}")
    page.fill("#id_signer", "Chủ tịch UBND Thành phố")
    submit(page)
    expect(page.get_by_test_id("plan-status")).to_have_text(str(Plan.Status.ISSUED.label))
    log_out(page)

    # Ward A's focal point finds the task in the inbox and reports progress with evidence.
    ward_task = Task.objects.get(code="1.1.00004")
    evidence = tmp_path / "bien-ban-hop.pdf"
    evidence.write_bytes(PDF)
    log_in(page, "officer_a")
    page.locator("#mainnav a.nav-link[href='/plans/workspace/']").click()
    page.get_by_test_id("inbox").locator(f"a[href='/plans/tasks/{ward_task.pk}/']").click()
    page.locator(f"a[href='/plans/tasks/{ward_task.pk}/report/']").click()
    page.fill("#id_percent", "60")
    page.fill("#id_narrative", "Đã rà soát 12/20 thủ tục")
    page.set_input_files("#id_evidence", str(evidence))
    submit(page)
    reports = page.get_by_test_id("reports")
    expect(reports.get_by_role("link", name="bien-ban-hop.pdf")).to_be_visible()
    assert Evidence.objects.get().original_name == "bien-ban-hop.pdf"
    log_out(page)

    # The administrator returns it with a reason (from the list of reports to review).
    first = ProgressReport.objects.get()
    log_in(page, "city_admin")
    page.goto("/plans/workspace/")
    page.get_by_test_id("pending-reports").locator(
        f"a[href='/plans/tasks/{ward_task.pk}/']"
    ).click()
    page.fill(f"#return-reason-{first.pk}", "Thiếu danh mục thủ tục đã rà soát")
    page.locator(f"form[action='/plans/reports/{first.pk}/return/'] button").click()
    expect(page.locator(f"[data-report='{first.pk}']")).to_contain_text(
        "Thiếu danh mục thủ tục đã rà soát"
    )
    log_out(page)

    # The officer resubmits, now as the completion.
    log_in(page, "officer_a")
    page.goto(f"/plans/tasks/{ward_task.pk}/report/")
    page.fill("#id_percent", "100")
    page.fill("#id_narrative", "Đã rà soát đủ 20 thủ tục, kèm danh mục")
    page.check("#id_is_completion")
    page.fill("#id_output", "Quyết định công bố danh mục thủ tục đã đơn giản hoá")
    submit(page)
    expect(page.get_by_test_id("reports").locator("li[data-report]")).to_have_count(2)
    log_out(page)

    # The administrator accepts: the task is completed, late.
    second = ProgressReport.objects.exclude(pk=first.pk).get()
    log_in(page, "city_admin")
    page.goto(f"/plans/tasks/{ward_task.pk}/")
    page.locator(f"form[action='/plans/reports/{second.pk}/accept/'] button").click()
    expect(page.locator("h1 + [data-status]")).to_have_attribute("data-status", "late")
    ward_task.refresh_from_db()
    assert ward_task.completed_on == timezone.localdate()
    assert ward_task.failed_reviews == 1
    assert [r.status for r in ward_task.reports.order_by("submitted_at")] == [
        "returned",
        "accepted",
    ]

    # The administrator closes last month; the briefing shows its frozen tally.
    page.get_by_test_id("admin-menu").click()
    page.locator("#mainnav a.dropdown-item[href='/plans/months/']").click()
    page.fill("#id_month", f"{last_month:%m/%Y}")
    submit(page)
    briefing_url = f"/briefing/{last_month.year}/{last_month.month}/"
    page.locator(f"a[href='{briefing_url}']").click()
    totals = page.get_by_test_id("totals")
    expected = {
        "assigned": "3",
        "due_in_month": "3",
        "on_time": "0",
        "late": "0",
        "in_term": "0",
        "overdue": "3",
    }
    for name, value in expected.items():
        expect(totals.get_by_test_id(name)).to_have_text(value)
    expect(page.get_by_test_id("overdue-tasks").locator("tbody tr")).to_have_count(3)

    # The XLSX export holds the same numbers.
    with page.expect_download() as download:
        page.locator(f"a[href='{briefing_url}xlsx/']").click()
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    summary = workbook["Tổng hợp"]
    figures = [row[1] for row in summary.iter_rows(min_row=2, values_only=True)]
    assert figures[:6] == [3, 3, 0, 0, 0, 3]

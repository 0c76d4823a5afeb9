"""The periodic report journey in Chromium (issue #19 acceptance): a ward's focal point fills
its quarter III report (a section's text and a typed-in annex figure) and submits it, the
Department of Home Affairs accepts it, the city's report shows the ward's figures and text, and
the DOCX downloaded has the Decree 30 layout.

Selectors use ids, names and URLs, so the test holds in Vietnamese and in English.
"""

import io
import os
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.reports.models import PeriodicReport, ReportPeriod, ReportSection
from tests.browser.chromium import chromium_missing_reason
from tests.browser.test_journeys import log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
TEXT = "Phường đã rà soát 12 thủ tục hành chính, đề xuất đơn giản hóa 3 thủ tục."


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("REPORT_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _log_out(page: Page) -> None:
    # The last click's page (and the unread badge it loads) must have arrived first: a response
    # still in flight once the cookies are gone sets a new CSRF cookie under the next login
    # form, whose POST is then refused (seen once on PostgreSQL, 07/12).
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()


def test_ward_fills_q3_department_accepts_city_shows_it(
    page: Page, hanoi, officer_a: User, city_admin: User, tmp_path: Path
) -> None:
    shots = _shots(tmp_path)
    q3 = ReportPeriod.objects.get(code="q3")
    log_in(page, "officer_a")
    page.goto("/periodic/")
    page.select_option("#id_unit", str(hanoi.ward_a.pk))
    page.fill("#id_year", "2026")
    page.select_option("#id_period", str(q3.pk))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#report-status")).to_be_visible()
    section = ReportSection.objects.get(code="procedures")
    page.fill(f"#id_{section.pk}-results", TEXT)
    page.click("#save-report")
    row = page.locator("#row-CĐS\\.01")
    row.locator("input[name=value]").fill("154")
    row.locator("button[type=submit]").click()
    expect(page.locator("#row-CĐS\\.01 .annex-value")).to_contain_text("1")
    page.screenshot(path=str(shots / "ward-q3.png"), full_page=True)
    page.click("#submit-report")
    report = PeriodicReport.objects.get(unit=hanoi.ward_a)
    assert report.status == PeriodicReport.Status.SUBMITTED

    _log_out(page)
    log_in(page, "city_admin")
    page.goto(report.get_absolute_url())
    page.click("#accept-report")
    expect(page.locator("#report-status")).to_have_class(
        __import__("re").compile("text-bg-success")
    )
    page.goto("/periodic/")
    page.select_option("#id_unit", str(hanoi.city.pk))
    page.fill("#id_year", "2026")
    page.select_option("#id_period", str(q3.pk))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#section-procedures .contribution")).to_contain_text(TEXT)
    expect(page.locator("#row-CĐS\\.01 .annex-value")).to_contain_text("1")
    page.screenshot(path=str(shots / "city-q3.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#download-docx")
    word = Document(io.BytesIO(download.value.path().read_bytes()))
    header = word.tables[0].rows[0].cells
    assert "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI" in header[0].text  # the body's name on two lines
    assert "Độc lập - Tự do - Hạnh phúc" in header[1].text
    body = "\n".join(p.text for p in word.paragraphs)
    assert "quý III năm 2026" in body
    assert "15/06/2026" in body
    annex = word.tables[1]
    rows = {r.cells[1].text: r.cells[4].text for r in annex.rows[1:]}
    assert rows["CĐS.01"] == "154"  # the ward's typed-in figure, summed into the city's

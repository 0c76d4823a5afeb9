"""The organisation chart journey in Chromium: a city administrator imports departments from a
CSV on the chart page, then moves a public service unit under another department — on a
desktop and on a phone. Selectors use ids, URLs and data-testid, so the test holds in
Vietnamese and in English."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.orgunits.models import OrgUnit
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

CHART = (
    "code,name,kind,parent_code,valid_from\n"
    '01-SYT,Sở Y tế,"Sở, ban, ngành",01,01/07/2025\n'
    "01-SYT-BVXP,Bệnh viện Đa khoa Xanh Pôn,Đơn vị sự nghiệp,01-SYT,\n"
)


def _journey(tab: Page, hanoi, tmp_path: Path) -> None:
    log_in(tab, "city_admin")
    tab.goto("/units/")
    tab.get_by_test_id("manage-chart").click()
    tab.get_by_test_id("chart-import").click()
    chart = tmp_path / "chart.csv"
    chart.write_text(CHART, encoding="utf-8")
    tab.set_input_files("#id_file", str(chart))
    tab.locator("main form button[type=submit]").click()
    rows = tab.get_by_test_id("chart")
    expect(rows.locator("tr[data-unit='01-SYT-BVXP'] td.chart-level-2")).to_be_visible()

    hospital = OrgUnit.objects.get(code="01-SYT-BVXP")
    tab.goto(f"/units/{hospital.pk}/move/")
    tab.select_option("#id_parent", str(hanoi.home_affairs.pk))
    tab.locator("main form button[type=submit]").click()
    expect(tab.get_by_test_id("chart")).to_be_visible()
    hospital.refresh_from_db()
    assert hospital.path == "/01/01-SNV/01-SYT-BVXP/"
    assert AuditEvent.objects.filter(verb="orgunits.move").count() == 1


def test_city_admin_imports_and_moves_on_a_desktop(
    page: Page,
    hanoi,
    city_admin: User,
    tmp_path: Path,
) -> None:
    _journey(page, hanoi, tmp_path)


def test_city_admin_imports_and_moves_on_a_phone(
    phone_page: Page,
    hanoi,
    city_admin: User,
    tmp_path: Path,
) -> None:
    _journey(phone_page, hanoi, tmp_path)

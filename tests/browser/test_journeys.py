"""The main journeys through the unit browser, in Chromium, against the live server.

Language checks assert on <html lang>, which holds whether or not the Vietnamese catalogue has
been translated yet; visible text is checked where it does not depend on a translation (unit
names) or in English.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import LOG_OUT, log_in, log_out, open_navbar, switch_language

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

UNITS_LINK = "#mainnav a.nav-link[href='/units/']"


def test_ward_officer_finds_own_ward_switches_language_and_logs_out(
    page: Page, hanoi, officer_a: User
) -> None:
    log_in(page, "officer_a")

    page.locator(UNITS_LINK).click()
    expect(page).to_have_url(re.compile(r"/units/$"))
    page.wait_for_load_state()
    tree = page.get_by_test_id("unit-tree")
    expect(tree.get_by_role("link", name="Phường Ba Đình")).to_be_visible()
    expect(tree).not_to_contain_text("Phường Hoàn Kiếm")
    expect(tree).not_to_contain_text("Thành phố Hà Nội")

    page.fill("#id_q", "hoan kiem")  # another ward: the search is scoped too
    expect(page).to_have_url(re.compile(r"q=hoan(\+|%20)kiem"))
    expect(tree.get_by_role("link")).to_have_count(0)
    page.fill("#id_q", "ba dinh")
    expect(page).to_have_url(re.compile(r"q=ba(\+|%20)dinh"))
    result = tree.get_by_role("link", name="Phường Ba Đình")
    expect(result).to_be_visible()
    expect(tree.get_by_role("link")).to_have_count(1)

    result.click()
    expect(page).to_have_url(re.compile(rf"/units/{hanoi.ward_a.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Phường Ba Đình")
    subunits_title = page.locator("#subunits-title")
    vietnamese_title = subunits_title.inner_text()

    switch_language(page, "English", "en")
    expect(page).to_have_url(re.compile(rf"/units/{hanoi.ward_a.pk}/$"))  # stays on the page
    expect(subunits_title).to_contain_text("Sub-units")
    expect(page.get_by_role("button", name=LOG_OUT, include_hidden=True)).to_have_text("Log out")
    switch_language(page, "Tiếng Việt", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Phường Ba Đình")
    expect(subunits_title).to_have_text(vietnamese_title)  # whatever the catalogue says today

    log_out(page)
    page.goto("/units/")  # the session is gone
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/units/$"))


def test_city_admin_on_a_phone_sees_both_wards_and_expands_a_node(
    phone_page: Page, hanoi, city_admin: User
) -> None:
    page = phone_page
    archive = OrgUnitFactory(
        code="01-SNV-TTLT",
        kind=OrgUnit.Kind.PUBLIC_SERVICE,
        name="Trung tâm Lưu trữ lịch sử",
        parent=hanoi.home_affairs,
    )
    log_in(page, "city_admin")

    expect(page.locator(UNITS_LINK)).to_be_hidden()  # collapsed behind the toggler
    open_navbar(page)
    page.locator(UNITS_LINK).click()
    expect(page).to_have_url(re.compile(r"/units/$"))
    page.wait_for_load_state()
    tree = page.get_by_test_id("unit-tree")
    expect(tree.get_by_role("link", name="Phường Ba Đình")).to_be_visible()
    expect(tree.get_by_role("link", name="Phường Hoàn Kiếm")).to_be_visible()

    node = tree.locator(f"li.tree-node[data-unit='{hanoi.home_affairs.code}']")
    toggle = node.locator(":scope > .tree-row .tree-toggle")
    children = page.locator(f"#children-{hanoi.home_affairs.pk}")
    expect(children).to_be_hidden()
    with page.expect_response(f"**/units/{hanoi.home_affairs.pk}/children/") as response:
        toggle.click()
    assert response.value.ok
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(children.get_by_role("link", name=archive.name)).to_be_visible()
    toggle.click()  # closing again needs no request: the children are already there
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(children).to_be_hidden()

    open_navbar(page)
    log_out(page)

"""What every browser journey does: the window sizes, signing in and out, the navbar, the
language switch. A plain module (not a test module, not the conftest) that the journeys import;
the fixtures (browser, page, phone_page) are in conftest.py beside it."""

import re

from playwright.sync_api import Page, ViewportSize, expect

from cchc.accounts.tests.factories import PASSWORD

DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000

LOG_OUT = re.compile(r"^\s*(Log out|Đăng xuất)\s*$")


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.wait_for_load_state()  # the deferred scripts (Bootstrap, HTMX) have run


def open_navbar(page: Page) -> None:
    """On a phone the navbar is collapsed: open it and wait until the animation has finished.
    Clicking the user menu while the collapse was still moving once left the dropdown shut."""
    page.locator(".navbar-toggler").click()
    expect(page.locator("#mainnav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(page.locator("#mainnav")).not_to_have_class(re.compile("collapsing"))


def log_out(page: Page) -> None:
    menu = page.get_by_test_id("user-menu")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.get_by_role("button", name=LOG_OUT).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("#id_username")).to_be_visible()


def switch_language(page: Page, button: str, lang: str) -> None:
    page.locator("#mainnav").get_by_test_id("language-switch").get_by_role(
        "button", name=button
    ).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)

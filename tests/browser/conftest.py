"""Playwright driving Debian's Chromium (see chromium.py) against pytest-django's live server.

The root conftest sets DJANGO_ALLOW_ASYNC_UNSAFE, because Playwright's sync API runs an event
loop in the test thread and Django would otherwise refuse database access from it.
"""

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, ViewportSize, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, chromium_missing_reason
from tests.browser.steps import DESKTOP, PHONE, TIMEOUT_MS

DRAIN_SECONDS = 60


def _wait_for_requests(live_server: LiveServer) -> None:
    """Wait until the live server has finished the requests it is still handling.

    With in-memory SQLite the server's request threads share the test's connection (and the
    shared-cache database). A test that fails while a request is still running (a slow page,
    a poll) would otherwise let that request hold a transaction or an unfinished statement
    while the next test's flush runs: "database table is locked" for every test after it.
    Closing the browser context ends keep-alive connections, so the threads end too."""
    httpd = getattr(live_server.thread, "httpd", None)
    deadline = time.monotonic() + DRAIN_SECONDS
    for thread in list(getattr(httpd, "_threads", ())):
        thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module; each test gets its own context (cookies, viewport)."""
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser: Browser, live_server: LiveServer, viewport: ViewportSize) -> Iterator[Page]:
    """A fresh context and page. Fails the test at teardown when the browser reported a
    Content-Security-Policy violation: an inline script or style that slipped into a template."""
    # A Vietnamese browser: the site's default language, whatever the machine's locale is.
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    violations: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", watch)
    try:
        yield page
    finally:
        context.close()
        _wait_for_requests(live_server)
    assert not violations, violations


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A desktop-sized page whose relative URLs go to the live server."""
    yield from _new_page(browser, live_server, DESKTOP)


@pytest.fixture
def phone_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A phone-sized page (390x844): the navbar is collapsed behind its toggler."""
    yield from _new_page(browser, live_server, PHONE)

"""The home page in Chromium, one journey per role (issue #17 acceptance): the data is arranged
through the real actions, the person signs in, lands on the home page, sees what waits for them
and reaches it in one click.

- the focal point of a ward: the progress report returned to them (on a phone);
- the head of a ward: the ward's rating they may respond to, with its deadline;
- the head of the city (the chairman): the ratings waiting for his approval;
- an inspector: the recommendation due within days (on a phone);
- a viewer of the whole city: the latest closed month's figures, to the month's ratings (phone);
- a city administrator: the periodic report a ward submitted, to accept.

Selectors use data-kind, data-testid and URLs, so the tests hold in Vietnamese and in English.
"""

import datetime
import re
from urllib.request import urlopen

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from cchc.accounts.models import User
from cchc.inspections.tests.factories import concluded, started
from cchc.plans.actions import close_month, return_report, submit_report
from cchc.plans.tests.factories import issued_city_plan, task_in
from cchc.ratings.actions import assess_rating, response_deadline
from cchc.ratings.models import Rating
from cchc.ratings.tests.factories import (
    SEPTEMBER,
    appoint_head,
    draft_city_plan,
    rate,
    worked_example,
)
from cchc.reports import actions as periodic
from cchc.reports.tests.factories import period, write
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
WARM_UP_SECONDS = 120


@pytest.fixture(autouse=True)
def _warm(live_server: LiveServer) -> None:
    """The live server's first request imports every view; on a busy machine that took longer
    than the browser's 10 s, and the first journey failed at its sign-in page."""
    urlopen(f"{live_server.url}/accounts/login/", timeout=WARM_UP_SECONDS).close()  # noqa: S310


def _today() -> datetime.date:
    return timezone.localdate()


def _waiting(page: Page, kind: str) -> Locator:
    """The home page's item of `kind` in "Waiting for you" (one expected)."""
    item = page.get_by_test_id("waiting").locator(f"li[data-kind='{kind}']")
    expect(item).to_have_count(1)
    return item


def _click_through(page: Page, item: Locator, url: str) -> None:
    """One click on the item's link reaches `url`."""
    expect(page).to_have_url(re.compile(r"/$"))
    item.locator("a").first.click()
    expect(page).to_have_url(re.compile(re.escape(url) + r"(\?.*)?$"))


def _assess_all(ratings: list[Rating], actor: User) -> None:
    for rating in ratings:
        criteria = rating.round.policy.criteria.order_by("order")
        assess_rating(rating, actor=actor, points={c.pk: c.max_points for c in criteria})


def test_a_focal_point_opens_the_report_returned_to_her(
    phone_page: Page, hanoi, officer_a: User, city_admin: User
) -> None:
    plan = issued_city_plan(hanoi.city, city_admin, year=_today().year)
    task = task_in(
        plan, hanoi.ward_a, city_admin, code="A7", deadline=_today() + datetime.timedelta(days=20)
    )
    report = submit_report(task, actor=officer_a, percent=50, narrative="Đã triển khai một nửa")
    return_report(report, actor=city_admin, reason="Thiếu tài liệu kiểm chứng")

    log_in(phone_page, "officer_a")
    item = _waiting(phone_page, "report_returned")
    expect(item).to_contain_text("A7")
    _click_through(phone_page, item, task.get_absolute_url())
    expect(phone_page.locator("main")).to_contain_text("Thiếu tài liệu kiểm chứng")


def test_a_head_sees_the_deadline_and_opens_the_rating_to_respond_to(
    page: Page, hanoi, officer_a: User, city_admin: User
) -> None:
    appoint_head(hanoi.ward_a, city_admin, username="head_a", full_name="Vũ Đức Bình")
    worked_example(draft_city_plan(hanoi.city, city_admin), hanoi.ward_a, city_admin)
    rate(SEPTEMBER, city_admin)
    unit = Rating.objects.get(kind=Rating.Kind.UNIT, unit=hanoi.ward_a)
    _assess_all([unit], city_admin)
    unit.refresh_from_db()
    deadline = f"{response_deadline(unit):%d/%m/%Y}"

    log_in(page, "head_a")
    item = _waiting(page, "rating_response")
    expect(item.locator("time")).to_have_text(deadline)
    _click_through(page, item, unit.get_absolute_url())
    expect(page.get_by_test_id("respond-form")).to_contain_text(deadline)
    expect(page.get_by_test_id("workflow")).to_contain_text(deadline)


def test_the_chairman_opens_the_ratings_waiting_for_his_approval(
    page: Page, hanoi, officer_a: User, city_admin: User
) -> None:
    appoint_head(hanoi.city, city_admin, username="chairman", full_name="Đinh Tiến Trưởng")
    appoint_head(hanoi.ward_a, city_admin, username="head_a")
    worked_example(draft_city_plan(hanoi.city, city_admin), hanoi.ward_a, city_admin)
    ratings = list(rate(SEPTEMBER, city_admin).ratings.exclude(kind=Rating.Kind.PERSON))
    _assess_all(ratings, city_admin)

    log_in(page, "chairman")
    item = _waiting(page, "ratings_to_approve")
    expect(item.locator(".badge")).to_have_text(str(len(ratings)))
    _click_through(page, item, "/ratings/2026/9/")
    expect(page.get_by_test_id("approve-many")).to_be_visible()
    for rating in ratings:  # the units' ratings first (the heads' are a filter away)
        if rating.kind == Rating.Kind.UNIT:
            expect(page.locator(f"tr[data-rating='{rating.pk}']")).to_be_visible()


def test_an_inspector_opens_the_inspection_of_the_recommendation_due(
    phone_page: Page, hanoi, inspector: User, city_admin: User
) -> None:
    due = _today() + datetime.timedelta(days=5)
    issued_city_plan(hanoi.city, city_admin)  # the remediation tasks go into it
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    recommendation = concluded(inspection, inspector, [hanoi.ward_a], deadline=due)
    text = recommendation.recommendations.get().text

    log_in(phone_page, "inspector")
    item = _waiting(phone_page, "recommendation")
    expect(item.locator("time")).to_have_text(f"{due:%d/%m/%Y}")
    _click_through(phone_page, item, inspection.get_absolute_url())
    expect(phone_page.locator("main")).to_contain_text(text)


def test_a_city_viewer_opens_the_latest_months_ratings(
    phone_page: Page, hanoi, city_admin: User, city_viewer: User
) -> None:
    worked_example(draft_city_plan(hanoi.city, city_admin), hanoi.ward_a, city_admin)
    close_month(SEPTEMBER, actor=city_admin)
    unit = Rating.objects.get(kind=Rating.Kind.UNIT, unit=hanoi.ward_a)

    log_in(phone_page, "city_viewer")
    latest = phone_page.get_by_test_id("latest-month")
    expect(latest).to_contain_text("09/2026")
    expect(latest).to_contain_text("80")  # ward A completed 8 of its 10 tasks
    _click_through(phone_page, latest, "/ratings/2026/9/")
    expect(phone_page.locator(f"tr[data-rating='{unit.pk}']")).to_be_visible()


def test_a_city_administrator_opens_the_periodic_report_to_accept(
    page: Page, hanoi, officer_a: User, city_admin: User
) -> None:
    report = periodic.start_report(hanoi.ward_a, actor=officer_a, year=2026, period=period("q3"))
    write(report, officer_a)
    periodic.submit_report(report, actor=officer_a, version=report.version)

    log_in(page, "city_admin")
    item = _waiting(page, "periodic_to_decide")
    expect(item.locator(".badge")).to_have_text("1")
    _click_through(page, item, report.get_absolute_url())
    expect(page.locator("#accept-report")).to_be_visible()

"""The policy of a month's rounds in Chromium (docs/ratings.md, "The city's settings pages"):
public service units leave the Decree 335 round; with no policy of theirs in force they are not
rated in September, and the city administrator attaches their own policy to the month from the
round policy page, with a reason; the year page then lists both rounds of the month.

Selectors use ids, URLs and data-testid, so the test holds in Vietnamese and in English. With
CCHC_SCREENSHOTS set to a folder, the pages are saved there to be looked at.
"""

import datetime
import os
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.plans.actions import close_month
from cchc.ratings.actions import publish_policy
from cchc.ratings.models import RatingRound, Scope
from cchc.ratings.tests.factories import SEPTEMBER, public_service_september
from tests.browser.chromium import chromium_missing_reason
from tests.browser.test_journeys import log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("CCHC_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_the_city_attaches_the_public_employees_policy_to_a_month(
    page: Page, hanoi, city_admin: User
) -> None:
    public_service_september(
        hanoi.city, hanoi.ward_a, city_admin, name="Trung tâm Phục vụ hành chính công"
    )
    close_month(SEPTEMBER, actor=city_admin)
    assert not RatingRound.objects.filter(scope=Scope.PUBLIC_EMPLOYEE).exists()
    policy = publish_policy(
        actor=city_admin,
        valid_from=datetime.date(2026, 1, 1),
        name="Quy chế đánh giá viên chức của Trung tâm",
        criteria=[("1", "Phẩm chất, đạo đức nghề nghiệp", Decimal(30))],
        scope=Scope.PUBLIC_EMPLOYEE,
        is_default=False,
    )

    log_in(page, "city_admin")
    page.goto("/ratings/2026/9/policy/")
    expect(page.get_by_test_id("round-current-policy")).to_be_visible()
    page.get_by_test_id("round-policy-scopes").locator(
        "a[href='/ratings/2026/9/policy/public_employee/']"
    ).click()
    expect(page.get_by_test_id("round-not-rated")).to_be_visible()
    form = page.get_by_test_id("round-policy-form")
    form.locator("select[name=policy]").select_option(str(policy.pk))
    form.locator("textarea[name=reason]").fill("Trung tâm đánh giá viên chức theo quy chế riêng")
    _shot(page, "round-policy-public-employees")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()

    rounds = page.get_by_test_id("year-rounds")
    expect(rounds).to_contain_text(policy.name)
    expect(rounds.locator("a[href='/ratings/2026/9/policy/public_employee/']")).to_be_visible()
    expect(rounds.locator("a[href='/ratings/2026/9/policy/civil_service/']")).to_be_visible()
    _shot(page, "year-rounds-both-scopes")
    employees = RatingRound.objects.get(month=SEPTEMBER, scope=Scope.PUBLIC_EMPLOYEE)
    assert employees.policy == policy
    assert list(employees.ratings.values_list("unit__code", flat=True).distinct()) == ["01-TT"]

    page.goto("/ratings/2026/9/policy/public_employee/")
    expect(page.get_by_test_id("round-current-policy")).to_contain_text(policy.name)
    _shot(page, "round-policy-public-employees-rated")

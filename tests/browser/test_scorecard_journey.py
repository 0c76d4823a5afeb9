"""The head of Phường Ba Đình reads the September scorecard in Chromium (issue 14): the tasks
the calculation counted, each with its outcome at the month's end, summary boxes that agree
with the calculation, and apart the task completed after the close.

Ward A (Ba Đình): task 21 due 30/09/2026 completed on time on 25/09; task 20 due 15/09 not
completed at the month's end (completed only on 05/10, after the close); task 19, completed in
June, is not rated again in September. Selectors use data-testid.
"""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.plans.tests.factories import task_in
from cchc.ratings.models import Rating
from cchc.ratings.tests.factories import (
    SEPTEMBER,
    appoint_head,
    complete,
    draft_city_plan,
    issue,
    rate,
)
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_head_reads_the_september_scorecard(page: Page, hanoi, city_admin: User) -> None:
    plan = draft_city_plan(hanoi.city, city_admin)
    ward = hanoi.ward_a
    june = task_in(plan, ward, city_admin, code="19", deadline=datetime.date(2026, 6, 30))
    late = task_in(plan, ward, city_admin, code="20", deadline=datetime.date(2026, 9, 15))
    done = task_in(
        plan,
        ward,
        city_admin,
        code="21",
        deadline=datetime.date(2026, 9, 30),
        title="Đạt tỷ lệ 80% hồ sơ thủ tục hành chính được tiếp nhận trực tuyến",
    )
    issue(plan, city_admin)
    complete(june, city_admin, datetime.date(2026, 6, 20))
    complete(done, city_admin, datetime.date(2026, 9, 25))
    rate(SEPTEMBER, city_admin)
    complete(late, city_admin, datetime.date(2026, 10, 5))  # after the close
    appoint_head(ward, city_admin, username="badinh.chutich", full_name="Chủ tịch Ba Đình")
    rating = Rating.objects.get(kind=Rating.Kind.UNIT, unit=ward, round__month=SEPTEMBER)

    log_in(page, "badinh.chutich")
    page.get_by_test_id("menu-evaluation").click()
    page.locator("#mainnav a.dropdown-item[href='/ratings/']").click()
    expect(page).to_have_url(re.compile(r"/ratings/2026/9/$"))
    page.locator(f"tr[data-rating='{rating.pk}'] a[href='/ratings/rating/{rating.pk}/']").click()
    expect(page).to_have_url(re.compile(rf"/ratings/rating/{rating.pk}/$"))

    # The counted tasks, each with its outcome at the month's end.
    rows = page.get_by_test_id("counted-task")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("20")
    expect(rows.nth(0).get_by_test_id("outcome")).to_contain_text("Chưa hoàn thành")
    expect(rows.nth(0).get_by_test_id("outcome")).to_contain_text("15")  # days overdue
    expect(rows.nth(1)).to_contain_text("Đạt tỷ lệ 80% hồ sơ")
    expect(rows.nth(1).get_by_test_id("outcome")).to_have_text("Hoàn thành đúng hạn")
    expect(page.get_by_test_id("counted")).not_to_contain_text("19")

    # The summary boxes agree with the calculation below them.
    expect(page.get_by_test_id("counted-tasks")).to_have_text("2")
    expect(page.get_by_test_id("counted-on-time")).to_have_text("1")
    expect(page.get_by_test_id("counted-late")).to_have_text("0")
    expect(page.get_by_test_id("counted-not-completed")).to_have_text("1")
    expect(page.get_by_test_id("summary-differs")).to_have_count(0)
    calculation = page.get_by_test_id("calculation")
    expect(calculation).to_contain_text("Hoàn thành: 1 (trong đó quá hạn: 0); chưa hoàn thành: 1.")
    expect(calculation.get_by_test_id("step-quantity")).to_contain_text("= 1 ÷ 2 × 100")

    # Apart: the task completed after the close.
    later = page.get_by_test_id("completed-later")
    expect(later).to_contain_text("20")
    expect(later).to_contain_text("05/10/2026")

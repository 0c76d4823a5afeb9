"""The inspection journey in Chromium on a phone-sized screen (issue #7, acceptance (a)): the
inspector records a finding with a photo at 390 px, issues the conclusion, the remediation task
appears for ward A, a re-inspection marks it not remedied and it stays open.

Selectors use ids, URLs and data-testid, so the test holds in Vietnamese and in English.
"""

import datetime
import importlib
import re
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.inspections.models import Finding, Recommendation
from cchc.inspections.tests.factories import PNG, started
from cchc.plans.models import Task
from cchc.plans.tests.factories import issued_city_plan
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture(autouse=True)
def _checklist(transactional_db: None, settings: Any, tmp_path: Any) -> None:
    """The checklist items come from a data migration that a transactional flush empties; the
    photos go to a temporary media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    importlib.import_module("cchc.inspections.migrations.0002_checklist_items").create(apps, None)


def fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"


def test_field_record_conclusion_task_and_reinspection_on_a_phone(
    phone_page: Page,
    hanoi,
    city_admin: User,
    inspector: User,
    officer_a: User,
    tmp_path,
) -> None:
    page = phone_page
    issued_city_plan(hanoi.city, city_admin)
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    picture = tmp_path / "hien-truong.png"
    picture.write_bytes(PNG)

    log_in(page, "inspector")
    page.goto(inspection.get_absolute_url())
    form = page.get_by_test_id("finding-form")
    form.locator("#id_unit").select_option(str(hanoi.ward_a.pk))
    form.locator("#id_item").select_option(
        label="Thái độ, tác phong, ứng xử với người dân, doanh nghiệp"
    )
    form.locator("#id_severity").select_option("serious")
    form.locator("#id_description").fill("Cán bộ tiếp dân có thái độ thiếu tôn trọng")
    form.locator("#id_photos").set_input_files(str(picture))
    fits_the_screen(page)
    page.screenshot(path=str(tmp_path / "finding-390.png"), full_page=True)
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("findings")).to_contain_text("thiếu tôn trọng")
    assert Finding.objects.get().files.count() == 1

    page.goto(f"/inspections/{inspection.pk}/conclude/")
    conclusion = page.get_by_test_id("conclusion-form")
    conclusion.locator("#id_number").fill("25/TB-TTTP")
    conclusion.locator("#id_date").fill("06/03/2026")
    conclusion.locator("#id_signer").fill("Chánh Thanh tra Thành phố")
    conclusion.locator("#id_text").fill("Phường Ba Đình cần chấn chỉnh thái độ tiếp dân.")
    conclusion.locator("#id_rec-0-text").fill("Tổ chức kiểm điểm cán bộ tiếp dân")
    conclusion.locator("#id_rec-0-unit").select_option(str(hanoi.ward_a.pk))
    conclusion.locator("#id_rec-0-deadline").fill("30/04/2026")
    fits_the_screen(page)
    conclusion.locator("button[type=submit]").click()
    expect(page.get_by_test_id("conclusion")).to_contain_text("kiểm điểm cán bộ tiếp dân")
    recommendation = Recommendation.objects.get()
    task = Task.objects.get(source=Task.Source.INSPECTION)
    assert recommendation.task == task
    assert task.lead_unit == hanoi.ward_a

    # Ward A's officer sees the remediation task.
    page.context.clear_cookies()
    log_in(page, "officer_a")
    page.goto(task.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Tổ chức kiểm điểm cán bộ tiếp dân")

    # A re-inspection finds it not remedied: it stays open.
    later = started(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_a], start=datetime.date(2026, 6, 1)
    )
    page.context.clear_cookies()
    log_in(page, "inspector")
    page.goto(f"/inspections/{later.pk}/reinspection/")
    card = page.locator(f"[data-recommendation='{recommendation.pk}']")
    card.locator("input[value=not_remedied]").check()
    card.locator("textarea").fill("Chưa tổ chức kiểm điểm")
    fits_the_screen(page)
    card.locator("button[type=submit]").click()
    expect(page.locator(f"[data-recommendation='{recommendation.pk}']")).to_contain_text(
        re.compile("Chưa khắc phục|Not remedied")
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.NOT_REMEDIED
    page.goto("/inspections/recommendations/")
    expect(page.get_by_test_id("recommendation-list")).to_contain_text(recommendation.reference)

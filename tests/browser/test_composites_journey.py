"""The composite index journey in Chromium: a city administrator imports COINr's ASEM example
(iMeta and iData as CSV), runs it with rank intervals, and reads the ranks, the interval chart
and the XLSX export link.

Selectors use URLs, ids and data-testid, so the test holds in Vietnamese and in English.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cchc.composites.models import CompositeRun
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
ASEM = Path(__file__).resolve().parents[1] / "data" / "asem"


def test_import_run_and_read_the_ranks(
    page: Page,
    hanoi,
    city_admin,
    tmp_path: Path,
) -> None:
    shots = Path(os.environ.get("COMPOSITE_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    log_in(page, "city_admin")
    page.goto("/composites/")
    page.get_by_test_id("import-link").click()
    form = page.get_by_test_id("import-form")
    form.locator("#id_name").fill("ASEM (COINr)")
    form.locator("#id_meta_file").set_input_files(str(ASEM / "ASEM_iMeta.csv"))
    form.locator("#id_data_file").set_input_files(str(ASEM / "ASEM_iData.csv"))
    form.locator("button[type=submit]").click()
    run_form = page.get_by_test_id("run-form")
    run_form.locator("#id_replications").fill("30")
    run_form.locator("button[type=submit]").click()
    # the test settings run jobs immediately: the page may poll once, then shows the results
    expect(page.get_by_test_id("results-table")).to_be_visible(timeout=60_000)
    expect(page.locator("tr[data-unit='CHE'] th")).to_have_text("Switzerland")
    expect(page.locator("tr[data-unit='CHE'] td").first).to_have_text("1")
    expect(page.locator(".chart[data-chart='intervals'] svg")).to_be_visible()
    expect(page.get_by_test_id("xlsx-link")).to_be_visible()
    page.screenshot(path=str(shots / "composite-run.png"), full_page=True)
    assert CompositeRun.objects.get().status == CompositeRun.Status.DONE

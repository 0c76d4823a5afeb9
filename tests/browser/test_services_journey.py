"""The service index journey in Chromium (issue #21 acceptance): the chairman sees a ward's
on-time rate fall from September to October, opens its late dossiers, and the ward's focal
point issues an apology letter for one of them.

Selectors use URLs, data-* attributes and data-testid, so the test holds in Vietnamese and in
English.
"""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.indices.models import ExternalIndex, ExternalResult
from cchc.services.imports import import_source, json_source
from cchc.services.models import ApologyLetter, ImportRun
from cchc.services.tests.helpers import dossier
from tests.browser.chromium import chromium_missing_reason
from tests.browser.test_journeys import log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
W = "00004"


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("SERVICES_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _two_months() -> None:
    rows = [
        # September: four dossiers, all on time
        *(
            dossier(f"S{i}", W, f"2026-09-0{i}", f"2026-09-1{i}", f"2026-09-0{i + 4}")
            for i in range(1, 5)
        ),
        # October: one on time, three completed after their due time
        dossier("O1", W, "2026-10-01", "2026-10-08", "2026-10-05"),
        dossier("O2", W, "2026-10-02", "2026-10-09", "2026-10-15"),
        dossier("O3", W, "2026-10-03", "2026-10-10", "2026-10-20"),
        dossier("O4", W, "2026-10-04", "2026-10-11", "2026-10-25"),
    ]
    import_source(json_source(rows), ImportRun.Kind.DOSSIERS, name="journey", actor=None)


def test_the_chairman_sees_the_fall_and_the_ward_apologises(
    page: Page, hanoi, officer_a: User, tmp_path: Path
) -> None:
    shots = _shots(tmp_path)
    chairman = UserFactory(username="chutich")
    MembershipFactory(user=chairman, unit=hanoi.city, role=Membership.Role.HEAD)
    _two_months()

    log_in(page, "chutich")
    page.goto("/services/?month=2026-10")
    row = page.locator(f"[data-testid=ranking-lower] tr[data-unit='{W}']")
    expect(row).to_contain_text("25,00%")
    page.screenshot(path=str(shots / "ranking.png"), full_page=True)
    row.locator("a").click()
    trend = page.get_by_test_id("trend")
    expect(trend.locator("tr[data-month='2026-09']")).to_contain_text("100,00%")
    expect(trend.locator("tr[data-month='2026-10']")).to_contain_text("25,00%")
    page.screenshot(path=str(shots / "unit.png"), full_page=True)
    page.get_by_test_id("late-link").click()
    late = page.get_by_test_id("late-table")
    for code in ("O2", "O3", "O4"):
        expect(late.locator(f"tr[data-dossier='{code}']")).to_be_visible()
    expect(late.locator("tr[data-dossier='O1']")).to_have_count(0)
    page.screenshot(path=str(shots / "late-chairman.png"), full_page=True)
    page.context.clear_cookies()

    log_in(page, "officer_a")
    page.goto(f"/services/unit/{hanoi.ward_a.pk}/2026/10/late/")
    page.locator("tr[data-dossier='O2'] [data-testid=issue]").click()
    page.fill("#id_number", "01/PXL-UBND")
    page.fill("#id_issued_on", "10/10/2026")
    page.fill("#id_new_due_on", "15/10/2026")
    page.fill("#id_reason", "Hồ sơ cần xác minh thêm với cơ quan đất đai.")
    page.fill("#id_signer", "Vũ Đức Bình")
    page.get_by_test_id("submit").click()
    letter = page.locator("tr[data-dossier='O2'] [data-testid=letter]")
    expect(letter).to_contain_text("01/PXL-UBND")
    expect(letter).to_contain_text("10/10/2026")
    page.screenshot(path=str(shots / "late-after-letter.png"), full_page=True)
    assert ApologyLetter.objects.get().dossier.code == "O2"


def test_the_chairman_sees_the_city_figure_beside_the_portal_one(
    page: Page, hanoi, tmp_path: Path
) -> None:
    shots = _shots(tmp_path)
    chairman = UserFactory(username="chutich")
    MembershipFactory(user=chairman, unit=hanoi.city, role=Membership.Role.HEAD)
    _two_months()
    # A transactional test starts without the data migration's rows: the published figure.
    d766, _new = ExternalIndex.objects.get_or_create(
        code="d766",
        defaults={"name": "Chỉ số phục vụ (Quyết định 766)", "period": "month", "unit": ""},
    )
    ExternalResult.objects.get_or_create(
        index=d766,
        province_code="01",
        year=2024,
        month=10,
        defaults={"province_name": "Hà Nội", "score": Decimal("61.18"), "rank": 60, "out_of": 63},
    )

    log_in(page, "chutich")
    page.goto("/indices/external/d766/")
    table = page.get_by_test_id("external-trend-table")
    # The Portal's figure for 10/2024 (migration indices.0003), nothing computed for it …
    published = table.locator("tr[data-period='10/2024']")
    expect(published.get_by_test_id("published")).to_contain_text("61,18")
    expect(published.get_by_test_id("computed")).to_have_text("—")
    # … and the city's own months, computed from its dossiers before any publication.
    for month in ("09/2026", "10/2026"):
        row = table.locator(f"tr[data-period='{month}']")
        expect(row.get_by_test_id("computed")).not_to_have_text("—")
        expect(row.get_by_test_id("published")).to_have_text("—")
    expect(page.locator("[data-source=external-trend]")).to_be_visible()
    page.screenshot(path=str(shots / "d766-trend.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(shots / "d766-trend-phone.png"), full_page=True)

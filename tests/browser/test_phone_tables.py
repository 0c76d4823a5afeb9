"""The main table pages on a 390x844 phone (issue #17, item 4): the page never scrolls sideways,
each table keeps its priority columns on screen (the secondary ones are hidden below 576 px),
and a name keeps a readable width instead of wrapping one word a line.

The headers are the Vietnamese ones: the browser asks for Vietnamese, the site's language.
"""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page

from cchc.accounts.models import User
from cchc.indices.actions import create_framework, open_round, publish_framework
from cchc.indices.tests.factories import tree
from cchc.inspections.tests.factories import inspection_of
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.procedures.tests.factories import catalogue
from cchc.ratings.tests.factories import SEPTEMBER, draft_city_plan, rate, worked_example
from cchc.services.tests.helpers import dossier, write_csv
from cchc.staffing.tests.factories import record
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

# What a table must show on a phone: (page, table, the headers of its priority columns).
TABLES = [
    ("/ratings/2026/9/", "[data-testid=ranking]", ["#", "Đối tượng xếp loại", "Điểm", "Xếp loại"]),
    (
        "/ratings/year/2026/q3/",
        "[data-testid=period-ranking]",
        ["#", "Đối tượng xếp loại", "Xếp loại"],
    ),
    (
        "/briefing/2026/9/",
        "[data-testid=ranking] table",
        ["#", "Đơn vị", "Quá hạn", "Tỷ lệ hoàn thành", "Tỷ lệ đúng hạn"],
    ),
    ("{plan}", "[data-testid=task-table]", ["Mã", "Nhiệm vụ"]),
    ("{round}", "[data-testid=progress]", ["Đơn vị", "Trạng thái", "Tiêu chí đã chấm"]),
    (
        "/staffing/?year=2021",
        "#rows table",
        ["Đơn vị", "Biên chế công chức %", "Số người làm việc (viên chức) %"],
    ),
    ("/procedures/", "main table", ["Thủ tục", "Trạng thái"]),
    ("/inspections/", "main table", ["Đợt kiểm tra", "Đơn vị được kiểm tra", "Trạng thái"]),
    ("/services/?month=2024-10", "main table", ["Xếp hạng", "Đơn vị", "Điểm"]),
]

# For each header asked for: where it is, whether a body cell of its column is on screen too.
CHECK = """([table, headers]) => {
  const t = document.querySelector(table);
  if (!t) return ["no table " + table];
  const width = document.documentElement.clientWidth;
  const heads = [...t.querySelectorAll("thead th")].filter((th) => th.offsetWidth > 0);
  const row = [...t.querySelectorAll("tbody tr")].find((tr) => tr.cells.length > 2);
  const cells = row ? [...row.cells].filter((td) => td.offsetWidth > 0) : [];
  const problems = [];
  const onScreen = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.left >= 0 && r.right <= width + 1;
  };
  const named = heads.filter((th) => th.colSpan === 1 || th.rowSpan > 1);
  headers.forEach((name) => {
    const th = named.find((h) => h.innerText.replace(/\\s+/g, " ").trim() === name);
    if (!th) { problems.push(name + ": not shown"); return; }
    if (!onScreen(th)) problems.push(name + ": off screen");
    const cell = cells[named.indexOf(th)];
    if (!cell || !onScreen(cell)) problems.push(name + ": its cells are off screen");
  });
  t.querySelectorAll(".cell-name").forEach((cell) => {
    if (cell.offsetWidth < 140) problems.push("a name squeezed to " + cell.offsetWidth + " px");
  });
  return problems;
}"""


def _data(hanoi, city_admin: User, inspector: User, tmp_path: Path) -> dict[str, str]:
    """A rated September (ratings, briefing, a plan's tasks), an index round, headcounts, a
    procedure, an inspection and a month of dossiers."""
    plan = draft_city_plan(hanoi.city, city_admin)
    worked_example(plan, hanoi.ward_a, city_admin)
    rate(SEPTEMBER, city_admin)
    framework = create_framework(
        actor=city_admin,
        year=2026,
        group="wards",
        title="Bộ Chỉ số cải cách hành chính của phường, xã năm 2026 (minh họa)",
        nodes=tree(),
    )
    rating_round = open_round(
        publish_framework(framework, actor=city_admin),
        actor=city_admin,
        title="Tự đánh giá Chỉ số CCHC năm 2026 (minh họa)",
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        units=[hanoi.ward_a, hanoi.ward_b],
    )
    centre = OrgUnitFactory(
        code="01-TTPVHCC",
        kind=OrgUnit.Kind.DEPARTMENT,
        name="Trung tâm Phục vụ hành chính công Thành phố Hà Nội",
        short_name="Trung tâm Phục vụ hành chính công Thành phố",
        parent=hanoi.city,
    )
    for unit in (hanoi.ward_a, centre):
        record(unit, 2015, 30, 100, actor=city_admin)
        record(unit, 2021, 24, 85, actor=city_admin)
    catalogue(city_admin)
    inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b])
    rows = [
        dossier("D1", "00004", "2024-10-01", "2024-10-05", "2024-10-04"),
        dossier("D2", "00070", "2024-10-03", "2024-10-08", "2024-10-09"),
    ]
    call_command("import_dossiers", write_csv(tmp_path / "d.csv", rows), stdout=io.StringIO())
    return {"plan": plan.get_absolute_url(), "round": f"/indices/rounds/{rating_round.pk}/"}


def test_tables_keep_their_priority_columns_on_a_phone(
    phone_page: Page, hanoi, city_admin: User, inspector: User, tmp_path: Path
) -> None:
    urls = _data(hanoi, city_admin, inspector, tmp_path)
    page = phone_page
    log_in(page, "city_admin")
    problems = {}
    for url, table, headers in TABLES:
        page.goto(url.format(**urls))
        page.wait_for_load_state()
        found = page.evaluate(CHECK, [table, headers])
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > 390:
            found.append(f"the page is {scroll} px wide")
        if found:
            problems[url] = found
    assert not problems

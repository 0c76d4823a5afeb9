"""The charts' options as ECharts drew them on a phone (issue #17, item 5): the staffing chart
labels every unit on its own row, draws the targets as lines (markLine) rather than as bars,
and keeps its legend below the plot."""

import pytest
from playwright.sync_api import Page

from cchc.accounts.models import User
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.staffing.tests.factories import record
from tests.browser.chromium import chromium_missing_reason
from tests.browser.steps import log_in

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

OPTION = """() => {
  const option = echarts.getInstanceByDom(document.querySelector(".chart")).getOption();
  return {
    labels: option.yAxis[0].data,
    interval: option.yAxis[0].axisLabel.interval,
    series: option.series.map((s) => [s.type, s.name]),
    lines: option.series[0].markLine.data.map((line) => [line.name, line.xAxis]),
    legendBottom: option.legend[0].bottom,
    containLabel: option.grid[0].containLabel,
    height: document.querySelector(".chart").offsetHeight,
  };
}"""


def test_staffing_chart_labels_every_unit_and_draws_the_target_as_a_line(
    phone_page: Page, hanoi, city_admin: User
) -> None:
    wards = [
        OrgUnitFactory(
            code=f"0{n:04d}", name=f"Phường Số {n}", short_name=f"Số {n}", parent=hanoi.city
        )
        for n in range(100, 120)
    ]
    for unit in [hanoi.ward_a, *wards]:
        record(unit, 2015, 30, 100, actor=city_admin)
        record(unit, 2021, 24, 85, actor=city_admin)
    phone_page.set_default_timeout(60_000)  # a loaded machine may take over 10 s for the first page
    log_in(phone_page, "city_admin")
    phone_page.goto("/staffing/?year=2021")
    phone_page.wait_for_function("document.querySelector('.chart')?.dataset.drawn")

    option = phone_page.evaluate(OPTION)

    shown = {unit.short_name for unit in [hanoi.ward_a, *wards]}
    assert shown <= set(option["labels"])  # every unit, each on its own labelled row
    assert option["interval"] == 0
    assert option["height"] >= len(option["labels"]) * 26  # a row of 26 px or more each
    assert [kind for kind, _name in option["series"]] == ["bar", "bar"]  # no target bars
    assert [value for _name, value in option["lines"]] == [10.0]  # 10% for both: one line
    assert option["legendBottom"] == 0
    assert option["containLabel"] is True

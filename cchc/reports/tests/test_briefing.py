"""The monthly briefing page, its scoping and its exports.

Closed months and their tally rows are written directly with the ORM (the month close itself
is tested in the plans app); overdue tasks go through the plans actions.
"""

import datetime
import json
import re
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.tests.helpers import (
    assert_official_docx,
    assert_official_pdf,
    assert_shows,
    count_queries,
    html,
)
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.plans.models import MonthClose, Plan, TallyRow, Task
from cchc.plans.tests.factories import issued_city_plan, task_in
from cchc.reports.briefing import get_briefing_for_user
from conftest import Hanoi, client_for

MARCH = datetime.date(2026, 3, 1)
URL = "/briefing/2026/3/"
MAX_QUERIES = 15


def close_month(month: datetime.date = MARCH, *, is_open: bool = False) -> MonthClose:
    closed_at = timezone.make_aware(datetime.datetime(month.year, month.month, 28, 9, 0))
    return MonthClose.objects.create(month=month, closed_at=closed_at, is_open=is_open)


def tally(close: MonthClose, unit: OrgUnit | None = None, **counts: Any) -> TallyRow:
    scope = TallyRow.Scope.CITY if unit is None else TallyRow.Scope.UNIT
    label = counts.pop("label", "Thành phố Hà Nội" if unit is None else unit.name)
    return TallyRow.objects.create(close=close, scope=scope, unit=unit, label=label, **counts)


def march_tally(hanoi: Hanoi) -> MonthClose:
    """City: 35 on time, 3 late, 2 overdue (87,5% on time), 6 of 9 reviews passed (66,7%).
    Ward A 100% on time; ward B 50%; the Department of Home Affairs had nothing due and did not
    report."""
    close = close_month()
    tally(
        close,
        assigned=1754,
        due_in_month=40,
        on_time=35,
        late=3,
        in_term=1714,
        overdue=2,
        reviewed=9,
        reviews_passed=6,
    )
    tally(
        close,
        hanoi.ward_a,
        assigned=10,
        due_in_month=4,
        on_time=4,
        in_term=6,
        reviewed=4,
        reviews_passed=3,
    )
    tally(
        close,
        hanoi.ward_b,
        assigned=8,
        due_in_month=4,
        on_time=2,
        late=1,
        overdue=1,
        in_term=4,
        reviewed=2,
        reviews_passed=2,
    )
    tally(close, hanoi.home_affairs, assigned=3, in_term=3, reported_in_month=False)
    return close


@pytest.fixture
def plan(hanoi: Hanoi, city_admin: User) -> Plan:
    return issued_city_plan(hanoi.city, city_admin)


def overdue_tasks(plan: Plan, hanoi: Hanoi, actor: User, responsible: User) -> None:
    """At 31/03/2026: A-1 is 21 days overdue, A-2 was completed only in April (so overdue on
    31/03, 6 days), B-1 is 1 day overdue. A-3 (completed in March), A-4 (due in April) and A-5
    (cancelled) are not overdue."""
    task_in(
        plan,
        hanoi.ward_a,
        actor,
        code="A-1",
        deadline=datetime.date(2026, 3, 10),
        title="Rà soát thủ tục hành chính",
        responsible=responsible,
    )
    a2 = task_in(plan, hanoi.ward_a, actor, code="A-2", deadline=datetime.date(2026, 3, 25))
    a3 = task_in(plan, hanoi.ward_a, actor, code="A-3", deadline=datetime.date(2026, 3, 5))
    task_in(plan, hanoi.ward_a, actor, code="A-4", deadline=datetime.date(2026, 4, 5))
    a5 = task_in(plan, hanoi.ward_a, actor, code="A-5", deadline=datetime.date(2026, 2, 5))
    task_in(plan, hanoi.ward_b, actor, code="B-1", deadline=datetime.date(2026, 3, 30))
    Task.objects.filter(pk=a2.pk).update(completed_on=datetime.date(2026, 4, 2))
    Task.objects.filter(pk=a3.pk).update(completed_on=datetime.date(2026, 3, 20))
    Task.objects.filter(pk=a5.pk).update(cancelled_at=timezone.now())
    Task.objects.filter(plan=plan).update(assigned_on=plan.document_date)  # count from January


def figure(page: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}">(.*?)</dd>', page, re.S)
    assert match is not None, name
    return match.group(1).strip()


def unit_rows(page: str) -> list[list[str]]:
    rows = re.findall(r'<tr data-testid="unit-row">(.*?)</tr>', page, re.S)
    return [
        [
            re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


def chart_data(page: str, name: str) -> Any:
    match = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', page)
    assert match is not None
    return json.loads(match.group(1))


# The page


def test_briefing_shows_city_totals_in_vietnamese_format(hanoi: Hanoi, city_admin: User) -> None:
    march_tally(hanoi)
    page = html(client_for(city_admin).get(URL))

    assert figure(page, "assigned") == "1.754"
    assert figure(page, "due_in_month") == "40"
    assert figure(page, "on_time") == "35"
    assert figure(page, "late") == "3"
    assert figure(page, "in_term") == "1.714"
    assert figure(page, "overdue") == "2"
    # Completed (35 on time + 3 late) of 40 due: 95%; on time 35 of 40: 87.5%.
    assert figure(page, "completion_rate") == "95,00%"
    assert figure(page, "on_time_rate") == "87,50%"
    assert figure(page, "quality_rate") == "66,67%"
    assert "40 nhiệm vụ đến hạn" in page or "40 tasks due" in page
    assert 'data-testid="reopened"' not in page
    assert 'data-testid="scope"' not in page


def test_briefing_ranks_units_by_completion_then_on_time_then_quality(
    hanoi: Hanoi, city_admin: User
) -> None:
    close = march_tally(hanoi)
    # Same completion and on-time rates as ward A, lower quality rate: ranked second.
    tally(
        close,
        hanoi.inspectorate,
        assigned=2,
        due_in_month=2,
        on_time=2,
        reviewed=2,
        reviews_passed=1,
    )
    rows = unit_rows(html(client_for(city_admin).get(URL)))

    assert [row[0] for row in rows] == ["1", "2", "3", "—"]
    assert [row[1] for row in rows[:3]] == [
        "Phường Ba Đình",
        "Thanh tra Thành phố",
        "Phường Hoàn Kiếm",
    ]
    assert rows[0][2:] == ["10", "4", "4", "0", "6", "0", "100,00%", "100,00%", "75,00%", "0"]
    # Ward B: 3 completed of 4 due (75%), 2 on time (50%).
    assert rows[2][8:] == ["75,00%", "50,00%", "100,00%", "0"]
    assert rows[3][0] == "—"
    assert rows[3][1].startswith("Sở Nội vụ")
    assert rows[3][8:] == ["—", "—", "—", "0"]  # nothing due: no rate, never 100%


def test_briefing_ranks_units_that_did_not_report_apart(hanoi: Hanoi, city_admin: User) -> None:
    close = march_tally(hanoi)
    # 100% on paper, but it did not report in the month: marked, listed after the ranked
    # units, without a rank (not 1st with 100%).
    tally(close, hanoi.inspectorate, due_in_month=2, on_time=2, reported_in_month=False)
    rows = unit_rows(html(client_for(city_admin).get(URL)))

    assert [(row[0], row[1].split(" ")[0]) for row in rows[:2]] == [
        ("1", "Phường"),
        ("2", "Phường"),
    ]
    # Both units that did not report come after the ranked ones, by name, marked.
    assert [row[0] for row in rows[2:]] == ["—", "—"]
    assert [row[1] for row in rows[2:]] == [
        "Sở Nội vụ  chưa báo cáo",
        "Thanh tra Thành phố  chưa báo cáo",
    ]
    assert rows[3][8:] == ["100,00%", "100,00%", "—", "0"]


def test_briefing_lists_units_that_did_not_report(hanoi: Hanoi, city_admin: User) -> None:
    march_tally(hanoi)
    page = html(client_for(city_admin).get(URL))
    section = page.split('data-testid="not-reported"')[1].split("</section>")[0]

    assert "Sở Nội vụ" in section
    assert "Phường Ba Đình" not in section


def test_briefing_lists_tasks_overdue_at_the_month_end(
    hanoi: Hanoi, city_admin: User, officer_a: User, plan: Plan
) -> None:
    march_tally(hanoi)
    overdue_tasks(plan, hanoi, city_admin, officer_a)
    page = html(client_for(city_admin).get(URL))
    section = page.split('data-testid="overdue-tasks"')[1].split("</section>")[0]
    codes = re.findall(r"<code>(.*?)</code>", section)

    assert codes == ["A-1", "A-2", "B-1"]
    assert "(2)" in section  # the frozen tally's overdue count (march_tally: 2)
    assert "Rà soát thủ tục hành chính" in section
    assert "officer_a" in section or str(officer_a) in section
    assert "10/03/2026" in section
    assert '<td class="text-end">21</td>' in section


def test_briefing_charts_hold_the_closed_months_of_the_year(hanoi: Hanoi, city_admin: User) -> None:
    february = close_month(datetime.date(2026, 2, 1))
    tally(february, on_time=1, late=1, reviewed=4, reviews_passed=4)
    tally(close_month(datetime.date(2025, 12, 1)), on_time=1)  # another year: not in the trend
    march_tally(hanoi)
    page = html(client_for(city_admin).get(URL))

    rates = chart_data(page, "trend-rates")
    assert rates["labels"] == ["02/2026", "03/2026"]
    assert [s["data"] for s in rates["series"]] == [[100.0, 95.0], [50.0, 87.5], [100.0, 66.67]]
    categories = chart_data(page, "trend-categories")
    assert [s["data"] for s in categories["series"]] == [[1, 35], [1, 3], [0, 1714], [0, 2]]
    assert 'data-chart="line"' in page
    assert 'data-chart="bars"' in page


def test_reopened_month_shows_a_banner(hanoi: Hanoi, city_admin: User) -> None:
    close = march_tally(hanoi)
    MonthClose.objects.filter(pk=close.pk).update(is_open=True, reopen_reason="Sai số liệu")
    response = client_for(city_admin).get(URL)

    assert 'data-testid="reopened"' in html(response)
    assert "Sai số liệu" in html(response)


# Scoping


def test_focal_point_sees_only_their_unit(
    hanoi: Hanoi, city_admin: User, officer_a: User, plan: Plan
) -> None:
    march_tally(hanoi)
    overdue_tasks(plan, hanoi, city_admin, officer_a)
    page = html(client_for(officer_a).get(URL))

    assert [row[1] for row in unit_rows(page)] == ["Phường Ba Đình"]
    assert "Phường Hoàn Kiếm" not in page
    # The totals are ward A's, not the city's.
    assert figure(page, "assigned") == "10"
    assert figure(page, "on_time_rate") == "100,00%"
    assert figure(page, "quality_rate") == "75,00%"
    assert 'data-testid="scope"' in page
    overdue = page.split('data-testid="overdue-tasks"')[1].split("</section>")[0]
    assert re.findall(r"<code>(.*?)</code>", overdue) == ["A-1", "A-2"]
    assert chart_data(page, "trend-rates")["series"][0]["data"] == [100.0]


def test_head_of_unit_sees_their_unit(hanoi: Hanoi) -> None:
    march_tally(hanoi)
    head = UserFactory()
    MembershipFactory(user=head, unit=hanoi.ward_b, role=Membership.Role.HEAD)
    page = html(client_for(head).get(URL))

    assert [row[1] for row in unit_rows(page)] == ["Phường Hoàn Kiếm"]
    assert figure(page, "completion_rate") == "75,00%"
    assert figure(page, "on_time_rate") == "50,00%"


@pytest.mark.parametrize("suffix", ["", "xlsx/", "docx/", "pdf/"])
def test_inspector_gets_404(hanoi: Hanoi, inspector: User, suffix: str) -> None:
    march_tally(hanoi)
    assert client_for(inspector).get(URL + suffix).status_code == 404


def test_officer_without_a_row_that_month_gets_404(hanoi: Hanoi, officer_a: User) -> None:
    tally(close_month(), hanoi.ward_b, on_time=1)
    assert client_for(officer_a).get(URL).status_code == 404


@pytest.mark.parametrize("url", ["/briefing/2026/4/", "/briefing/2026/13/", "/briefing/0/1/"])
def test_month_not_closed_or_invalid_is_404(hanoi: Hanoi, city_admin: User, url: str) -> None:
    march_tally(hanoi)
    assert client_for(city_admin).get(url).status_code == 404


@pytest.mark.parametrize("suffix", ["", "xlsx/", "docx/", "pdf/"])
def test_anonymous_is_sent_to_login(hanoi: Hanoi, anonymous: Client, suffix: str) -> None:
    march_tally(hanoi)
    response = anonymous.get(URL + suffix)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# The list of closed months


def test_briefing_list_shows_closed_months_newest_first(hanoi: Hanoi, city_admin: User) -> None:
    tally(close_month(datetime.date(2026, 1, 1)))
    march_tally(hanoi)
    tally(close_month(datetime.date(2026, 2, 1), is_open=True))
    response = client_for(city_admin).get("/briefing/")
    page = html(response)

    links = re.findall(r'href="/briefing/(\d+/\d+)/"', page)
    assert links == ["2026/3", "2026/2", "2026/1"]
    assert_shows(response, "reopened")


def test_briefing_list_shows_an_officer_only_months_with_their_unit(
    hanoi: Hanoi, officer_a: User, inspector: User
) -> None:
    march_tally(hanoi)
    tally(close_month(datetime.date(2026, 2, 1)), hanoi.ward_b, on_time=1)

    assert re.findall(
        r'href="/briefing/(\d+/\d+)/"', html(client_for(officer_a).get("/briefing/"))
    ) == ["2026/3"]
    assert (
        re.findall(r'href="/briefing/(\d+/\d+)/"', html(client_for(inspector).get("/briefing/")))
        == []
    )


# Queries


def test_briefing_queries_do_not_grow_with_units_and_tasks(
    hanoi: Hanoi, city_admin: User, officer_a: User, plan: Plan
) -> None:
    close = march_tally(hanoi)
    client = client_for(city_admin)
    added: list[int] = [0]

    def add_units(n: int) -> None:
        for _ in range(n):
            added[0] += 1
            unit = OrgUnitFactory(parent=hanoi.city)
            tally(close, unit, on_time=1, overdue=1, reported_in_month=False)
            task_in(
                plan,
                unit,
                city_admin,
                code=f"N-{added[0]}",
                deadline=datetime.date(2026, 3, 2),
                responsible=officer_a,
            )

    add_units(1)
    client.get(URL)
    with_one, first = count_queries(lambda: client.get(URL))
    add_units(2)
    with_three, second = count_queries(lambda: client.get(URL))

    assert first.status_code == second.status_code == 200
    assert with_one == with_three, f"{with_one} queries with 1 unit, {with_three} with 3"
    assert with_three <= MAX_QUERIES


def test_briefing_for_an_officer_stays_within_the_query_budget(
    hanoi: Hanoi, officer_a: User
) -> None:
    march_tally(hanoi)
    client = client_for(officer_a)
    client.get(URL)
    queries, response = count_queries(lambda: client.get(URL))
    assert response.status_code == 200
    assert queries <= MAX_QUERIES


# Exports


def test_xlsx_holds_the_page_numbers(
    hanoi: Hanoi, city_admin: User, officer_a: User, plan: Plan
) -> None:
    march_tally(hanoi)
    overdue_tasks(plan, hanoi, city_admin, officer_a)
    response = client_for(city_admin).get(URL + "xlsx/")

    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-cchc-2026-03.xlsx"'
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Tổng hợp", "Xếp hạng đơn vị", "Nhiệm vụ quá hạn", "Chưa báo cáo"]
    totals = [row[1] for row in book["Tổng hợp"].iter_rows(min_row=2, values_only=True)]
    assert totals == [1754, 40, 35, 3, 1714, 2, 0.95, 0.875, 0.6667, 0]
    assert book["Tổng hợp"]["B8"].number_format == "0.00%"
    ranking = book["Xếp hạng đơn vị"]
    assert ranking.freeze_panes == "A2"
    assert ranking["A1"].font.bold
    assert next(iter(ranking.iter_rows(min_row=2, max_row=2, values_only=True))) == (
        1,
        "Phường Ba Đình",
        10,
        4,
        4,
        0,
        6,
        0,
        1.0,
        1.0,
        0.75,
        0,
    )
    overdue = list(book["Nhiệm vụ quá hạn"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in overdue] == ["A-1", "A-2", "B-1"]
    assert overdue[0][4] == datetime.datetime(2026, 3, 10)
    assert overdue[0][5] == 21
    assert book["Nhiệm vụ quá hạn"]["E2"].number_format == "dd/mm/yyyy"
    assert [row[0] for row in book["Chưa báo cáo"].iter_rows(min_row=2, values_only=True)] == [
        "Sở Nội vụ"
    ]


def test_xlsx_for_an_officer_holds_only_their_unit(hanoi: Hanoi, officer_a: User) -> None:
    march_tally(hanoi)
    book = load_workbook(BytesIO(client_for(officer_a).get(URL + "xlsx/").content))
    names = [row[1] for row in book["Xếp hạng đơn vị"].iter_rows(min_row=2, values_only=True)]
    assert names == ["Phường Ba Đình"]
    assert book["Tổng hợp"]["B2"].value == 10


def test_docx_is_the_report_with_title_units_and_charts(hanoi: Hanoi, city_admin: User) -> None:
    march_tally(hanoi)
    response = client_for(city_admin).get(URL + "docx/")

    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-cchc-2026-03.docx"'
    document = assert_official_docx(response.content)
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Số:       /BC-SNV" in cells
    assert "KT. GIÁM ĐỐC" in cells
    assert "Ủy ban nhân dân Thành phố (để báo cáo)" in cells
    assert "1 đơn vị chưa báo cáo trong tháng: Sở Nội vụ." in text
    assert "BÁO CÁO" in text
    assert "Kết quả thực hiện nhiệm vụ cải cách hành chính tháng 03/2026" in text
    assert "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI" in cells
    assert "Độc lập - Tự do - Hạnh phúc" in cells
    assert "Phường Ba Đình" in cells
    assert "87,50%" in cells
    assert "38 nhiệm vụ đến hạn đã hoàn thành, đạt 95,00%" in text
    assert len(document.inline_shapes) == 2


def test_pdf_is_typeset(hanoi: Hanoi, city_admin: User) -> None:
    march_tally(hanoi)
    response = client_for(city_admin).get(URL + "pdf/")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-cchc-2026-03.pdf"'
    text = assert_official_pdf(response.content)
    assert "SỞ NỘI VỤ" in text
    assert "/BC-SNV" in text
    assert "KT. GIÁM ĐỐC" in text
    assert text.rstrip().endswith("Lưu: VT.")  # the report ends with the recipients


def test_overdue_list_is_limited_and_shows_the_total(
    hanoi: Hanoi, city_admin: User, officer_a: User, plan: Plan, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cchc.reports.briefing.OVERDUE_LIMIT", 2)
    march_tally(hanoi)
    overdue_tasks(plan, hanoi, city_admin, officer_a)
    page = html(client_for(city_admin).get(URL))
    section = page.split('data-testid="overdue-tasks"')[1].split("</section>")[0]

    assert re.findall(r"<code>(.*?)</code>", section) == ["A-1", "A-2"]
    assert "(2)" in section  # the frozen tally's overdue count (march_tally: 2)


def test_briefing_lists_open_dialogue_commitments_of_the_users_units(
    hanoi: Hanoi,
    city_admin: User,
    officer_a: User,
    officer_b: User,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    from cchc.dialogues.actions import (
        CommitmentSpec,
        answer_petition,
        route_petition,
        screen_petition,
        submit_petition,
    )
    from cchc.dialogues.models import Field, IssueGroup
    from cchc.dialogues.tests.conftest import announce
    from cchc.plans.models import ContentArea

    today = timezone.localdate()
    first = today.replace(day=1)
    issued_city_plan(hanoi.city, city_admin, year=today.year)
    petition = submit_petition(
        announce(hanoi.ward_a, officer_a),
        title="Chậm hoàn thuế",
        content="Hồ sơ hoàn thuế chậm 2 tháng.",
        submitter_type="business",
    )
    screen_petition(
        petition,
        actor=officer_a,
        field=Field.objects.get(code="TP"),
        issue_group=IssueGroup.objects.get(code="TP-HOAN"),
    )
    route_petition(
        petition, actor=officer_a, unit=hanoi.ward_a, deadline=today + datetime.timedelta(days=5)
    )
    answer_petition(
        petition,
        actor=officer_a,
        text="Sẽ hoàn thuế trong tháng.",
        given_at="conference",
        answered_on=today,
        commitment=CommitmentSpec(
            title="Hoàn thuế cho doanh nghiệp",
            deadline=today + datetime.timedelta(days=30),
            area=ContentArea.objects.get(code="TCC"),
        ),
    )
    close = close_month(first)
    tally(close, hanoi.ward_a, on_time=1)
    tally(close, hanoi.ward_b, on_time=1)
    url = f"/briefing/{first.year}/{first.month}/"

    def section(user: User) -> str:
        page = html(client_for(user).get(url))
        return page.split('data-testid="dialogue-commitments"')[1].split("</section>")[0]

    assert petition.code in section(city_admin)
    assert "Hoàn thuế cho doanh nghiệp" in section(officer_a)
    # The list reads only what the page shows, and all of it comes with the list.
    listed = get_briefing_for_user(city_admin, first.year, first.month).commitments
    with django_assert_num_queries(0):
        shown = [
            [c.petition.get_absolute_url(), c.petition.code, c.task.title, c.task.code]
            for c in listed
            if c.task.deadline and c.task.lead_unit.name
        ]
    assert shown[0][1:3] == [petition.code, "Hoàn thuế cho doanh nghiệp"]
    assert petition.code not in section(officer_b)  # ward B's briefing: not its commitment
    # Done: no longer listed.
    task = petition.commitments.get().task
    Task.objects.filter(pk=task.pk).update(completed_on=today)
    assert petition.code not in section(city_admin)

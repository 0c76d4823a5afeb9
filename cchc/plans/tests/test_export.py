"""XLSX exports of task lists: the database's values, numbers as numbers, dates as dates."""

import datetime
import io
import itertools
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.core.tests.helpers import assert_constant_queries, html, translated
from cchc.plans.actions import accept_report, create_plan, submit_report
from cchc.plans.actions.imports import COLUMNS
from cchc.plans.models import ContentArea, Plan, Task, TaskStatus
from cchc.plans.tests.factories import issued_city_plan, task_in
from cchc.plans.views.excel import EXPORT_COLUMNS
from conftest import client_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year - 1  # deadlines both past (overdue) and future (in term) are possible


def read(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def sheet_of(response: Any) -> Any:
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


@pytest.fixture
def plan(hanoi, city_admin) -> Plan:
    return issued_city_plan(hanoi.city, city_admin, year=YEAR)


@pytest.fixture
def tasks(plan, hanoi, city_admin, officer_a) -> dict[str, Task]:
    overdue = task_in(
        plan,
        hanoi.ward_a,
        city_admin,
        code="T1",
        deadline=datetime.date(YEAR, 3, 31),
        weight=Decimal("2.5"),
        priority=Task.Priority.HIGH,
        cooperating_units=[hanoi.ward_b],
        expected_output="Báo cáo",
    )
    in_term = task_in(
        plan, hanoi.ward_b, city_admin, code="T2", deadline=TODAY + datetime.timedelta(days=30)
    )
    done = task_in(
        plan,
        hanoi.ward_a,
        city_admin,
        code="T3",
        deadline=TODAY + datetime.timedelta(days=10),
        area=ContentArea.objects.get(code="CD"),
        parent=overdue,
    )
    report = submit_report(
        done, actor=officer_a, percent=100, narrative="Xong", is_completion=True, output="QĐ 1"
    )
    accept_report(report, actor=city_admin)
    done.refresh_from_db()
    return {"T1": overdue, "T2": in_term, "T3": done}


def _codes(rows: list[tuple[Any, ...]]) -> list[str]:
    return [row[0] for row in rows[1:]]


def test_plan_tasks_xlsx_holds_the_database_values(plan, tasks, admin_client_) -> None:
    response = admin_client_.get(reverse("plans:plan_tasks_xlsx", args=[plan.pk]))
    sheet = sheet_of(response)
    rows = list(sheet.iter_rows(values_only=True))

    assert list(rows[0]) == [header for header, _width in EXPORT_COLUMNS]
    assert list(rows[0][: len(COLUMNS)]) == [column.header for column in COLUMNS]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert _codes(rows) == ["T1", "T3", "T2"]  # by deadline
    t1 = dict(zip(rows[0], rows[1], strict=True))
    assert t1 == {
        "Mã nhiệm vụ (code)": "T1",
        "Tên nhiệm vụ (title)": "Nhiệm vụ T1",
        "Lĩnh vực (area: CD, TC, TTHC, TCBM, CV, TCC, CĐS, TĐ)": "TTHC",
        "Đơn vị chủ trì (lead_unit: mã đơn vị)": "00004",
        "Đơn vị phối hợp (cooperating_units: các mã, cách nhau bởi ;)": "00070",
        "Thời hạn (deadline: dd/mm/yyyy hoặc Q1–Q4)": datetime.datetime(YEAR, 3, 31),
        "Sản phẩm đầu ra (expected_output)": "Báo cáo",
        "Ưu tiên (priority: Bình thường, Cao, Khẩn)": "Cao",
        "Trọng số (weight: số dương, mặc định 1)": 2.5,
        "Nhiệm vụ cha (parent: mã nhiệm vụ)": None,
        "Mô tả (description)": None,
        "Trạng thái (status)": translated(TaskStatus.OVERDUE.label),
        "Tiến độ % (progress)": 100,  # rolled up from its only child, T3, completed
        "Thời hạn ban đầu (original_deadline)": datetime.datetime(YEAR, 3, 31),
        "Ngày hoàn thành (completed_on)": None,
        "Số lần không đạt (failed_reviews)": 0,
        "Tên đơn vị chủ trì (lead_unit_name)": "Phường Ba Đình",
        "Kế hoạch (plan)": plan.title,
    }
    assert sheet["F2"].number_format == "DD/MM/YYYY"
    assert sheet["I2"].data_type == "n"  # the weight is a number, not text
    t3 = dict(zip(rows[0], rows[2], strict=True))
    assert t3["Nhiệm vụ cha (parent: mã nhiệm vụ)"] == "T1"
    assert t3["Tiến độ % (progress)"] == 100
    assert t3["Trạng thái (status)"] == translated(TaskStatus.ON_TIME.label)
    assert t3["Ngày hoàn thành (completed_on)"] == datetime.datetime.combine(
        tasks["T3"].completed_on, datetime.time()
    )


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"status": "overdue"}, ["T1"]),
        ({"status": "in_term"}, ["T2"]),
        ({"status": "on_time"}, ["T3"]),
        ({"area": "CD"}, ["T3"]),
        ({"unit": "ward_b"}, ["T2"]),
    ],
)
def test_plan_tasks_xlsx_applies_the_plan_page_filters(
    plan, tasks, hanoi, admin_client_, params, codes
) -> None:
    if "area" in params:
        params = {"area": ContentArea.objects.get(code=params["area"]).pk}
    if "unit" in params:
        params = {"unit": hanoi.ward_b.pk}
    rows = read(admin_client_.get(reverse("plans:plan_tasks_xlsx", args=[plan.pk]), params))
    assert _codes(rows) == codes


def test_plan_tasks_xlsx_of_a_concretised_city_plan_holds_only_the_unit_s_tasks(
    plan, tasks, hanoi, officer_a
) -> None:
    create_plan(actor=officer_a, unit=hanoi.ward_a, year=YEAR, title="KH Ba Đình", parent=plan)
    rows = read(client_for(officer_a).get(reverse("plans:plan_tasks_xlsx", args=[plan.pk])))
    assert _codes(rows) == ["T1", "T3"]


def test_plan_tasks_xlsx_of_a_plan_the_user_does_not_see_is_not_found(
    plan, tasks, inspector
) -> None:
    client = client_for(inspector)
    assert client.get(reverse("plans:plan_tasks_xlsx", args=[plan.pk])).status_code == 404


def test_plan_tasks_xlsx_for_a_unit_leading_tasks_lists_only_its_tasks(
    plan, tasks, client_b
) -> None:
    # ward B leads T2 and cooperates on T1 of the city plan: it sees the plan, with those tasks
    assert _codes(read(client_b.get(reverse("plans:plan_tasks_xlsx", args=[plan.pk])))) == [
        "T1",
        "T2",
    ]


def test_tasks_xlsx_lists_the_tasks_of_the_user_s_units(tasks, client_a, client_b) -> None:
    assert _codes(read(client_a.get(reverse("plans:tasks_xlsx")))) == ["T1", "T3"]
    # ward B leads T2 and cooperates on T1
    assert _codes(read(client_b.get(reverse("plans:tasks_xlsx")))) == ["T1", "T2"]
    overdue = read(client_b.get(reverse("plans:tasks_xlsx"), {"status": "overdue"}))
    assert _codes(overdue) == ["T1"]


def test_plan_tasks_xlsx_writes_text_that_looks_like_a_formula_as_text(
    plan, hanoi, city_admin, admin_client_
) -> None:
    task_in(plan, hanoi.ward_a, city_admin, code="F1", title='=HYPERLINK("http://x.test","a")')
    sheet = sheet_of(admin_client_.get(reverse("plans:plan_tasks_xlsx", args=[plan.pk])))
    assert sheet["B2"].value == '=HYPERLINK("http://x.test","a")'
    assert sheet["B2"].data_type == "s"


def test_tasks_xlsx_with_no_task_is_a_header_only_sheet(hanoi, client_a) -> None:
    rows = read(client_a.get(reverse("plans:tasks_xlsx")))
    assert len(rows) == 1


def test_plan_tasks_xlsx_query_count_is_constant(plan, hanoi, city_admin, admin_client_) -> None:
    numbers = itertools.count(1)

    def add_tasks(n: int) -> None:
        for _ in range(n):
            task_in(
                plan,
                hanoi.ward_a,
                city_admin,
                code=f"N{next(numbers)}",
                deadline=datetime.date(YEAR, 6, 30),
                cooperating_units=[hanoi.ward_b],
            )

    url = reverse("plans:plan_tasks_xlsx", args=[plan.pk])
    _first, second = assert_constant_queries(lambda: admin_client_.get(url), add_tasks)
    assert len(read(second)) == 4


def test_tasks_xlsx_query_count_is_constant(plan, hanoi, city_admin, client_a) -> None:
    numbers = itertools.count(1)

    def add_tasks(n: int) -> None:
        for _ in range(n):
            task_in(
                plan,
                hanoi.ward_a,
                city_admin,
                code=f"N{next(numbers)}",
                deadline=datetime.date(YEAR, 6, 30),
                cooperating_units=[hanoi.ward_b],
            )

    assert_constant_queries(lambda: client_a.get(reverse("plans:tasks_xlsx")), add_tasks)


def test_tasks_xlsx_anonymous_is_sent_to_login(anonymous) -> None:
    response = anonymous.get(reverse("plans:tasks_xlsx"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_plan_page_links_to_its_export_and_import(plan, tasks, city_admin, client_b) -> None:
    admin_page = html(client_for(city_admin).get(reverse("plans:plan_detail", args=[plan.pk])))
    assert reverse("plans:plan_tasks_xlsx", args=[plan.pk]) in admin_page
    assert reverse("plans:plan_import", args=[plan.pk]) in admin_page
    unit_page = html(client_b.get(reverse("plans:plan_detail", args=[plan.pk])))
    assert reverse("plans:plan_tasks_xlsx", args=[plan.pk]) in unit_page
    assert reverse("plans:plan_import", args=[plan.pk]) not in unit_page  # ward B cannot edit

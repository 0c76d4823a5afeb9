"""The plans part of the JSON API: plans, tasks, progress reports and closed months' tallies."""

import datetime
import itertools
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from cchc.accounts.models import User
from cchc.api.tests.helpers import ApiClient
from cchc.core.tests.helpers import assert_constant_queries
from cchc.plans.actions import (
    create_plan,
    decide_extension,
    request_extension,
    return_report,
    submit_report,
)
from cchc.plans.models import (
    ContentArea,
    MonthClose,
    Plan,
    ProgressReport,
    TallyRow,
    Task,
)
from cchc.plans.tests.factories import issued_city_plan, task_in
from conftest import Hanoi, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests assert messages by their English msgids: run them in English (the
    Vietnamese catalogue is checked by cchc/core/tests/test_translations.py)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


TODAY = timezone.localdate()
YEAR = TODAY.year - 1


class WriteClient(ApiClient):
    def post(self, path: str, data: dict) -> Any:
        return self.client.post(
            path,
            json.dumps(data),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.key}",
        )


@pytest.fixture
def plan(hanoi: Hanoi, city_admin: User) -> Plan:
    return issued_city_plan(hanoi.city, city_admin, year=YEAR)


@pytest.fixture
def tasks(plan: Plan, hanoi: Hanoi, city_admin: User) -> dict[str, Task]:
    """T1 led by ward A with ward B cooperating (overdue); T2 led by ward B (in term)."""
    return {
        "T1": task_in(
            plan,
            hanoi.ward_a,
            city_admin,
            code="T1",
            deadline=datetime.date(YEAR, 3, 31),
            cooperating_units=[hanoi.ward_b],
            weight=Decimal("2.5"),
        ),
        "T2": task_in(
            plan,
            hanoi.ward_b,
            city_admin,
            code="T2",
            deadline=TODAY + datetime.timedelta(days=30),
            area=ContentArea.objects.get(code="CD"),
        ),
    }


def _codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


# --- schema --------------------------------------------------------------------------------


def test_openapi_documents_every_plans_endpoint(anonymous: Client, db: None) -> None:
    paths = anonymous.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/plans": {"get"},
        "/api/v1/plans/{plan_id}": {"get"},
        "/api/v1/tasks": {"get"},
        "/api/v1/tasks/{task_id}": {"get"},
        "/api/v1/tasks/{task_id}/reports": {"get", "post"},
        "/api/v1/months": {"get"},
        "/api/v1/months/{month}/tally": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            operation = paths[path][method]
            assert operation["summary"], (path, method)
            assert len(operation["description"]) > 40, (path, method)
    post = paths["/api/v1/tasks/{task_id}/reports"]["post"]
    assert post["security"] == [{"TokenAuth": []}]
    assert {"201", "422"} <= set(post["responses"])
    task_filters = {p["name"] for p in paths["/api/v1/tasks"]["get"]["parameters"]}
    assert {"plan", "status", "lead_unit", "area", "page", "page_size"} <= task_filters


# --- plans ---------------------------------------------------------------------------------


def test_plans_officer_sees_own_plan_and_the_city_plan_it_concretises(
    plan: Plan, hanoi: Hanoi, officer_a: User, officer_b: User
) -> None:
    ward = create_plan(
        actor=officer_a, unit=hanoi.ward_a, year=YEAR, title="KH Ba Đình", parent=plan
    )
    body = ApiClient(officer_a).get("/api/v1/plans").json()
    assert body["count"] == 2
    assert {item["id"] for item in body["items"]} == {plan.pk, ward.pk}
    assert ApiClient(officer_b).get("/api/v1/plans").json() == {"items": [], "count": 0}


def test_plans_filter_by_year(plan: Plan, hanoi: Hanoi, city_admin: User) -> None:
    issued_city_plan(hanoi.city, city_admin, year=YEAR + 1)
    api = ApiClient(city_admin)
    assert [p["year"] for p in api.get("/api/v1/plans").json()["items"]] == [YEAR + 1, YEAR]
    assert [p["id"] for p in api.get("/api/v1/plans", {"year": YEAR}).json()["items"]] == [plan.pk]


def test_plan_read_returns_fields_and_counts(plan: Plan, tasks: dict, city_admin: User) -> None:
    body = ApiClient(city_admin).get(f"/api/v1/plans/{plan.pk}").json()
    assert body == {
        "id": plan.pk,
        "year": YEAR,
        "unit_id": plan.unit_id,
        "unit": "Thành phố Hà Nội",
        "parent_id": None,
        "title": plan.title,
        "document_number": plan.document_number,
        "document_date": f"{YEAR}-01-05",
        "signer": "Chủ tịch UBND Thành phố",
        "status": "issued",
        "issued_at": body["issued_at"],
        "task_count": 2,
        "can_edit": True,
    }


def test_plan_read_by_another_unit_is_not_found(plan: Plan, officer_b: User) -> None:
    api = ApiClient(officer_b)
    hidden, missing = api.get(f"/api/v1/plans/{plan.pk}"), api.get("/api/v1/plans/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_plan_read_through_a_unit_plan_counts_only_the_unit_s_tasks(
    plan: Plan, tasks: dict, hanoi: Hanoi, officer_a: User
) -> None:
    create_plan(actor=officer_a, unit=hanoi.ward_a, year=YEAR, title="KH Ba Đình", parent=plan)
    body = ApiClient(officer_a).get(f"/api/v1/plans/{plan.pk}").json()
    assert (body["task_count"], body["can_edit"]) == (1, False)


# --- tasks ---------------------------------------------------------------------------------


def test_tasks_are_scoped_to_lead_and_cooperating_units(
    tasks: dict, officer_a: User, officer_b: User, city_admin: User, inspector: User
) -> None:
    assert _codes(ApiClient(officer_a).get("/api/v1/tasks")) == ["T1"]
    assert _codes(ApiClient(officer_b).get("/api/v1/tasks")) == ["T1", "T2"]
    assert _codes(ApiClient(city_admin).get("/api/v1/tasks")) == ["T1", "T2"]
    assert _codes(ApiClient(inspector).get("/api/v1/tasks")) == []


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"status": "overdue"}, ["T1"]),
        ({"status": "in_term"}, ["T2"]),
        ({"status": "on_time"}, []),
        ({"area": "cd"}, ["T2"]),
        ({"lead_unit": "ward_a"}, ["T1"]),
        ({"plan": "plan"}, ["T1", "T2"]),
        ({"plan": 999999}, []),
    ],
)
def test_tasks_filters(
    tasks: dict, plan: Plan, hanoi: Hanoi, city_admin: User, params: dict, codes: list
) -> None:
    params = {
        k: {"ward_a": hanoi.ward_a.pk, "plan": plan.pk}.get(str(v), v) for k, v in params.items()
    }
    assert _codes(ApiClient(city_admin).get("/api/v1/tasks", params)) == codes


def test_tasks_with_an_unknown_status_is_refused(tasks: dict, city_admin: User) -> None:
    assert ApiClient(city_admin).get("/api/v1/tasks", {"status": "done"}).status_code == 422


def test_tasks_item_fields(tasks: dict, hanoi: Hanoi, plan: Plan, officer_a: User) -> None:
    item = ApiClient(officer_a).get("/api/v1/tasks").json()["items"][0]
    assert item == {
        "id": tasks["T1"].pk,
        "plan_id": plan.pk,
        "code": "T1",
        "title": "Nhiệm vụ T1",
        "area": "TTHC",
        "lead_unit_id": hanoi.ward_a.pk,
        "lead_unit": "Phường Ba Đình",
        "parent_id": None,
        "deadline": f"{YEAR}-03-31",
        "original_deadline": f"{YEAR}-03-31",
        "status": "overdue",
        "progress": 0,
        "failed_reviews": 0,
        "priority": "normal",
        "weight": 2.5,
        "completed_on": None,
    }


def test_tasks_query_count_is_constant(
    plan: Plan, hanoi: Hanoi, city_admin: User, officer_a
) -> None:
    numbers = itertools.count(1)
    api = ApiClient(officer_a)

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

    _first, second = assert_constant_queries(lambda: api.get("/api/v1/tasks"), add_tasks)
    assert second.json()["count"] == 3


def test_task_read_shows_extension_progress_and_failed_reviews(
    tasks: dict, hanoi: Hanoi, city_admin: User, officer_b: User
) -> None:
    task = tasks["T2"]
    report = submit_report(task, actor=officer_b, percent=40, narrative="Đang làm")
    return_report(report, actor=city_admin, reason="Thiếu số liệu")
    new_deadline = task.deadline + datetime.timedelta(days=15)
    extension = request_extension(task, actor=officer_b, reason="Chờ", new_deadline=new_deadline)
    decide_extension(extension, actor=city_admin, approve=True)

    body = ApiClient(officer_b).get(f"/api/v1/tasks/{task.pk}").json()

    assert body["deadline"] == new_deadline.isoformat()
    assert body["original_deadline"] == (TODAY + datetime.timedelta(days=30)).isoformat()
    assert (body["progress"], body["failed_reviews"], body["status"]) == (40, 1, "in_term")
    assert body["can_report"] is True
    assert body["cooperating_unit_ids"] == []


def test_task_read_by_a_cooperating_unit_works_and_another_unit_gets_404(
    tasks: dict, hanoi: Hanoi, officer_b: User, officer_a: User
) -> None:
    cooperating = ApiClient(officer_b).get(f"/api/v1/tasks/{tasks['T1'].pk}")
    assert cooperating.status_code == 200
    assert cooperating.json()["cooperating_unit_ids"] == [hanoi.ward_b.pk]
    assert cooperating.json()["can_report"] is False
    assert ApiClient(officer_a).get(f"/api/v1/tasks/{tasks['T2'].pk}").status_code == 404
    assert ApiClient(officer_a).get(f"/api/v1/tasks/{tasks['T2'].pk}/reports").status_code == 404


# --- progress reports ----------------------------------------------------------------------


def test_reports_list_is_readable_by_the_cooperating_unit(
    tasks: dict, officer_a: User, officer_b: User
) -> None:
    submit_report(tasks["T1"], actor=officer_a, percent=30, narrative="Đã họp triển khai")
    response = ApiClient(officer_b).get(f"/api/v1/tasks/{tasks['T1'].pk}/reports")
    assert response.status_code == 200
    [report] = response.json()
    assert (report["percent"], report["narrative"], report["status"]) == (
        30,
        "Đã họp triển khai",
        "submitted",
    )
    assert report["author"] == officer_a.get_full_name()
    assert report["evidence"] == []


def test_report_post_by_the_lead_unit_is_created(tasks: dict, officer_a: User) -> None:
    response = WriteClient(officer_a).post(
        f"/api/v1/tasks/{tasks['T1'].pk}/reports", {"percent": 60, "narrative": "Đã rà soát"}
    )

    assert response.status_code == 201
    body = response.json()
    report = ProgressReport.objects.get()
    assert body["id"] == report.pk
    assert (report.task, report.author, report.percent, report.narrative) == (
        tasks["T1"],
        officer_a,
        60,
        "Đã rà soát",
    )
    assert (body["status"], body["is_completion"]) == ("submitted", False)
    tasks["T1"].refresh_from_db()
    assert tasks["T1"].progress == 60


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"percent": 101, "narrative": "x"}, "percent", "The progress must be between 0 and 100%."),
        ({"percent": -1, "narrative": "x"}, "percent", "The progress must be between 0 and 100%."),
        ({"percent": 50, "narrative": " "}, "narrative", "Describe the progress made."),
        (
            {"percent": 90, "narrative": "x", "is_completion": True, "output": "QĐ"},
            "percent",
            "A completion report is at 100%.",
        ),
        (
            {"percent": 100, "narrative": "x", "is_completion": True},
            "output",
            "Describe the output delivered.",
        ),
    ],
)
def test_report_post_refused_with_the_specific_message_and_nothing_saved(
    tasks: dict, officer_a: User, data: dict, field: str, message: str
) -> None:
    response = WriteClient(officer_a).post(f"/api/v1/tasks/{tasks['T1'].pk}/reports", data)

    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"type": "refused", "loc": ["body", field], "msg": message}]
    }
    assert not ProgressReport.objects.exists()
    tasks["T1"].refresh_from_db()
    assert tasks["T1"].progress == 0


def test_report_post_while_one_awaits_review_is_refused(tasks: dict, officer_a: User) -> None:
    api = WriteClient(officer_a)
    url = f"/api/v1/tasks/{tasks['T1'].pk}/reports"
    assert api.post(url, {"percent": 10, "narrative": "Bắt đầu"}).status_code == 201
    second = api.post(url, {"percent": 20, "narrative": "Tiếp"})
    assert second.status_code == 422
    assert second.json()["detail"][0]["loc"] == ["body"]
    assert ProgressReport.objects.count() == 1


def test_report_post_with_a_missing_field_is_a_schema_error(tasks: dict, officer_a: User) -> None:
    response = WriteClient(officer_a).post(
        f"/api/v1/tasks/{tasks['T1'].pk}/reports", {"percent": 5}
    )
    assert response.status_code == 422
    assert not ProgressReport.objects.exists()


def test_report_post_by_the_cooperating_or_another_unit_is_not_found(
    tasks: dict, officer_b: User, officer_a: User
) -> None:
    data = {"percent": 10, "narrative": "x"}
    assert (
        WriteClient(officer_b).post(f"/api/v1/tasks/{tasks['T1'].pk}/reports", data).status_code
        == 404
    )
    assert (
        WriteClient(officer_a).post(f"/api/v1/tasks/{tasks['T2'].pk}/reports", data).status_code
        == 404
    )
    assert not ProgressReport.objects.exists()


def test_report_post_with_a_browser_session_is_unauthorized(tasks: dict, officer_a: User) -> None:
    client = client_for(officer_a)
    response = client.post(
        f"/api/v1/tasks/{tasks['T1'].pk}/reports",
        json.dumps({"percent": 10, "narrative": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not ProgressReport.objects.exists()


# --- closed months -------------------------------------------------------------------------


@pytest.fixture
def closed(hanoi: Hanoi, city_admin: User, officer_a: User) -> MonthClose:
    """A closed month with a city row, a row per ward, an area row and officer A's row."""
    close = MonthClose.objects.create(month=datetime.date(YEAR, 3, 1), closed_at=timezone.now())
    common = {"close": close, "assigned": 4, "due_in_month": 2}
    TallyRow.objects.create(
        scope=TallyRow.Scope.CITY, label="Thành phố", on_time=3, late=1, **common
    )
    TallyRow.objects.create(
        scope=TallyRow.Scope.UNIT, unit=hanoi.ward_a, label="Phường Ba Đình", on_time=1, overdue=1,
        reviewed=2, reviews_passed=1, **common,
    )  # fmt: skip
    TallyRow.objects.create(
        scope=TallyRow.Scope.UNIT, unit=hanoi.ward_b, label="Phường Hoàn Kiếm", on_time=2, **common
    )
    TallyRow.objects.create(
        scope=TallyRow.Scope.AREA, area=ContentArea.objects.get(code="TTHC"), label="TTHC", **common
    )
    TallyRow.objects.create(
        scope=TallyRow.Scope.PERSON, person=officer_a, label=str(officer_a), **common
    )
    MonthClose.objects.create(
        month=datetime.date(YEAR, 4, 1), closed_at=timezone.now(), is_open=True, reopen_reason="Sai"
    )
    return close


def _labels(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["label"] for row in response.json()["items"]]


def test_months_lists_only_closed_months(closed: MonthClose, officer_a: User) -> None:
    body = ApiClient(officer_a).get("/api/v1/months").json()
    assert [m["month"] for m in body] == [f"{YEAR}-03"]


def test_tally_city_admin_gets_every_row(closed: MonthClose, city_admin: User) -> None:
    response = ApiClient(city_admin).get(f"/api/v1/months/{YEAR}-03/tally")
    assert response.json()["count"] == 5
    assert (
        ApiClient(city_admin)
        .get(f"/api/v1/months/{YEAR}-03/tally", {"scope": "unit"})
        .json()["count"]
        == 2
    )


def test_tally_officer_gets_only_own_unit_and_own_person_rows(
    closed: MonthClose, officer_a: User, officer_b: User, inspector: User
) -> None:
    assert sorted(_labels(ApiClient(officer_a).get(f"/api/v1/months/{YEAR}-03/tally"))) == sorted(
        ["Phường Ba Đình", str(officer_a)]
    )
    assert _labels(ApiClient(officer_b).get(f"/api/v1/months/{YEAR}-03/tally")) == [
        "Phường Hoàn Kiếm"
    ]
    assert (
        _labels(ApiClient(officer_b).get(f"/api/v1/months/{YEAR}-03/tally", {"scope": "city"}))
        == []
    )
    assert _labels(ApiClient(inspector).get(f"/api/v1/months/{YEAR}-03/tally")) == []


def test_tally_row_fields_include_the_rates(
    closed: MonthClose, hanoi: Hanoi, officer_a: User
) -> None:
    rows = ApiClient(officer_a).get(f"/api/v1/months/{YEAR}-03/tally", {"scope": "unit"}).json()
    assert rows["items"] == [
        {
            "scope": "unit",
            "label": "Phường Ba Đình",
            "unit_id": hanoi.ward_a.pk,
            "area": None,
            "person_id": None,
            "assigned": 4,
            "due_in_month": 2,
            "on_time": 1,
            "late": 0,
            "in_term": 0,
            "overdue": 1,
            "due": 2,
            "completed": 1,
            "completion_rate": 50.0,
            "on_time_rate": 50.0,
            "reviewed": 2,
            "reviews_passed": 1,
            "quality_rate": 50.0,
            "carried_over": 0,
            "reported_in_month": True,
        }
    ]


def test_tally_rates_are_half_up_and_null_when_nothing_is_due(
    closed: MonthClose, hanoi: Hanoi, city_admin: User
) -> None:
    closed.rows.filter(scope=TallyRow.Scope.UNIT, unit=hanoi.ward_a).update(
        on_time=1, late=0, overdue=15, carried_over=3
    )
    closed.rows.filter(scope=TallyRow.Scope.UNIT, unit=hanoi.ward_b).update(
        on_time=0, late=0, overdue=0, in_term=2
    )
    rows = ApiClient(city_admin).get(f"/api/v1/months/{YEAR}-03/tally", {"scope": "unit"}).json()
    by_label = {row["label"]: row for row in rows["items"]}
    ward_a = by_label["Phường Ba Đình"]
    # 1 of 16: 6.25 (Python's round would give 6.2 at one decimal; half-up gives 6.3).
    assert (ward_a["completion_rate"], ward_a["on_time_rate"], ward_a["carried_over"]) == (
        6.25,
        6.25,
        3,
    )
    ward_b = by_label["Phường Hoàn Kiếm"]
    assert (ward_b["due"], ward_b["completion_rate"], ward_b["on_time_rate"]) == (0, None, None)


@pytest.mark.parametrize(("month", "status"), [("2026-13", 422), ("26-03", 422), ("open", 422)])
def test_tally_with_a_malformed_month_is_refused(
    closed: MonthClose, city_admin: User, month: str, status: int
) -> None:
    assert ApiClient(city_admin).get(f"/api/v1/months/{month}/tally").status_code == status


def test_tally_of_a_month_not_closed_or_reopened_is_not_found(
    closed: MonthClose, city_admin: User
) -> None:
    api = ApiClient(city_admin)
    assert api.get(f"/api/v1/months/{YEAR}-04/tally").status_code == 404  # reopened
    assert api.get(f"/api/v1/months/{YEAR}-05/tally").status_code == 404  # never closed

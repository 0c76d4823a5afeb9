"""Importing tasks from the XLSX template: all or nothing, every error named by row and column."""

import datetime
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_shows, html
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.plans.actions import create_plan, import_tasks
from cchc.plans.actions.imports import COLUMNS, MAX_ROWS
from cchc.plans.models import Plan, Task
from cchc.plans.tests.factories import issued_city_plan, task_in
from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests assert messages by their English msgids: run them in English (the
    Vietnamese catalogue is checked by cchc/core/tests/test_translations.py)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [column.header for column in COLUMNS]


def xlsx(rows: list[dict[str, Any] | None], *, header: list[str] | None = None) -> bytes:
    """A workbook like the template: the header row, then one row per dict (None: empty row)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header or HEADERS)
    for row in rows:
        sheet.append([(row or {}).get(column.key) for column in COLUMNS])
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def upload(content: bytes, name: str = "nhiem-vu.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def row(code: str, **values: Any) -> dict[str, Any]:
    return {
        "code": code,
        "title": f"Nhiệm vụ {code}",
        "area": "TTHC",
        "lead_unit": "00004",
        "deadline": "30/06/2026",
        **values,
    }


@pytest.fixture
def city_plan(hanoi, city_admin) -> Plan:
    return issued_city_plan(hanoi.city, city_admin)


@pytest.fixture
def ward_plan(hanoi, officer_a, city_plan) -> Plan:
    """Ward A's draft plan (no document date yet: deadlines from 01/01/2026), with task A0."""
    plan = create_plan(
        actor=officer_a,
        unit=hanoi.ward_a,
        year=2026,
        title="Kế hoạch CCHC Ba Đình",
        parent=city_plan,
    )
    task_in(plan, hanoi.ward_a, officer_a, code="A0")
    return plan


@pytest.fixture
def team(hanoi) -> OrgUnit:
    return OrgUnitFactory(
        code="00004-TDP1",
        kind=OrgUnit.Kind.PUBLIC_SERVICE,
        name="Tổ dân phố 1",
        parent=hanoi.ward_a,
    )


# --- the action --------------------------------------------------------------------------------


def test_import_tasks_creates_every_row_and_one_audit_event(ward_plan, officer_a, team) -> None:
    content = xlsx(
        [
            row(
                "A1",
                cooperating_units="00004-TDP1; 00004",
                deadline="Q2",
                priority="Cao",
                weight="2,5",
                expected_output="Quyết định ban hành",
                description="Rà soát thủ tục",
            ),
            None,  # an empty row is skipped
            row("A1.1", parent="A1", deadline=datetime.datetime(2026, 5, 15), weight=0.5),
            row("A0.1", parent="A0", lead_unit="00004-TDP1", area="cđs", priority="urgent"),
        ]
    )

    result = import_tasks(ward_plan, actor=officer_a, upload=upload(content))

    assert result.ok
    assert result.rows == 3
    assert [task.code for task in result.tasks] == ["A1", "A1.1", "A0.1"]
    tasks = {t.code: t for t in Task.objects.filter(plan=ward_plan).select_related("parent")}
    assert set(tasks) == {"A0", "A1", "A1.1", "A0.1"}
    first = tasks["A1"]
    assert (first.title, first.area.code, first.lead_unit, first.priority) == (
        "Nhiệm vụ A1",
        "TTHC",
        ward_plan.unit,
        Task.Priority.HIGH,
    )
    assert first.deadline == first.original_deadline == datetime.date(2026, 6, 30)
    assert first.weight == Decimal("2.50")
    assert (first.expected_output, first.description) == ("Quyết định ban hành", "Rà soát thủ tục")
    assert set(first.cooperating_units.values_list("code", flat=True)) == {"00004-TDP1", "00004"}
    assert tasks["A1.1"].parent == first
    assert tasks["A1.1"].deadline == datetime.date(2026, 5, 15)
    assert tasks["A1.1"].weight == Decimal("0.50")
    assert tasks["A0.1"].parent == tasks["A0"]
    assert (tasks["A0.1"].area.code, tasks["A0.1"].lead_unit, tasks["A0.1"].priority) == (
        "CĐS",
        team,
        Task.Priority.URGENT,
    )
    events = AuditEvent.objects.filter(verb="plans.import_tasks")
    assert events.count() == 1
    event = events.get()
    assert (event.actor, event.target_id, event.unit) == (
        officer_a,
        str(ward_plan.pk),
        ward_plan.unit,
    )
    assert event.details["count"] == 3
    assert event.details["file"] == "nhiem-vu.xlsx"
    assert not AuditEvent.objects.filter(verb="plans.create_task", target_id=str(first.pk)).exists()


def test_import_tasks_into_an_issued_plan_is_allowed(city_plan, city_admin) -> None:
    result = import_tasks(city_plan, actor=city_admin, upload=upload(xlsx([row("C1")])))
    assert result.ok
    assert city_plan.tasks.get().code == "C1"


def test_import_tasks_with_malformed_rows_creates_nothing_and_names_each_row_and_column(
    ward_plan, officer_a
) -> None:
    content = xlsx(
        [
            row("A1"),  # 2: valid
            row("A2", area="XX"),  # 3
            row("A3", lead_unit="99999"),  # 4: unknown unit
            row("A4", lead_unit="00070"),  # 5: ward B, not visible to officer A
            row("A5", deadline="31/02/2026"),  # 6
            row("A6", deadline="31/12/2025"),  # 7: before the plan's date
            row("A1"),  # 8: repeated in the file
            row("A0"),  # 9: already in the plan
            row("A9", weight=-1),  # 10
            row("A10", title=""),  # 11
            row("A11", priority="rất gấp"),  # 12
            row("A12", parent="ZZ"),  # 13
            row("A13", cooperating_units="00004; 00070"),  # 14
            None,  # 15: empty
            row("A14", parent="A15"),  # 16: parent on a later row
            row("A15"),  # 17: valid
            {"title": "Không mã", "area": "", "lead_unit": "00004", "weight": "abc"},  # 18
        ]
    )

    result = import_tasks(ward_plan, actor=officer_a, upload=upload(content))

    assert not result.ok
    assert result.tasks == []
    assert list(Task.objects.filter(plan=ward_plan).values_list("code", flat=True)) == ["A0"]
    assert not AuditEvent.objects.filter(verb="plans.import_tasks").exists()
    found = {(e.row, e.column): e.message for e in result.errors}
    assert set(found) == {
        (3, "Lĩnh vực (area)"),
        (4, "Đơn vị chủ trì (lead_unit)"),
        (5, "Đơn vị chủ trì (lead_unit)"),
        (6, "Thời hạn (deadline)"),
        (7, "Thời hạn (deadline)"),
        (8, "Mã nhiệm vụ (code)"),
        (9, "Mã nhiệm vụ (code)"),
        (10, "Trọng số (weight)"),
        (11, "Tên nhiệm vụ (title)"),
        (12, "Ưu tiên (priority)"),
        (13, "Nhiệm vụ cha (parent)"),
        (14, "Đơn vị phối hợp (cooperating_units)"),
        (16, "Nhiệm vụ cha (parent)"),
        (18, "Mã nhiệm vụ (code)"),
        (18, "Lĩnh vực (area)"),
        (18, "Thời hạn (deadline)"),
        (18, "Trọng số (weight)"),
    }
    assert "“XX” is not a content area" in found[3, "Lĩnh vực (area)"]
    assert "“99999” is not the code of a current unit" in found[4, "Đơn vị chủ trì (lead_unit)"]
    # an invisible unit gets the same answer as a unit that does not exist
    assert found[5, "Đơn vị chủ trì (lead_unit)"] == found[4, "Đơn vị chủ trì (lead_unit)"].replace(
        "99999", "00070"
    )
    assert "“31/02/2026” is not a deadline" in found[6, "Thời hạn (deadline)"]
    assert found[7, "Thời hạn (deadline)"] == (
        "The deadline 31/12/2025 is before the plan's date 01/01/2026."
    )
    assert found[8, "Mã nhiệm vụ (code)"] == "The code A1 is repeated: row 2 has it already."
    assert found[9, "Mã nhiệm vụ (code)"] == "The code A0 is already used in this plan."
    assert "positive number" in found[10, "Trọng số (weight)"]
    assert found[11, "Tên nhiệm vụ (title)"] == "This cell is required."
    assert "“rất gấp” is not a priority" in found[12, "Ưu tiên (priority)"]
    assert found[13, "Nhiệm vụ cha (parent)"] == "No task ZZ in this plan or earlier in the file."
    assert "“00070”" in found[14, "Đơn vị phối hợp (cooperating_units)"]
    assert found[16, "Nhiệm vụ cha (parent)"] == "The parent A15 must come on an earlier row."


def test_import_tasks_refuses_an_ended_unit(ward_plan, officer_a, hanoi) -> None:
    OrgUnitFactory(
        code="00004-OLD", name="Tổ cũ", parent=hanoi.ward_a, valid_to=datetime.date(2025, 6, 30)
    )
    result = import_tasks(
        ward_plan, actor=officer_a, upload=upload(xlsx([row("A1", lead_unit="00004-OLD")]))
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "Đơn vị chủ trì (lead_unit)")]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tasks.csv", b"code;title\nA1;x\n", "this type of file is not accepted"),
        ("tasks.pdf", b"%PDF-1.4 fake", "import an Excel workbook (.xlsx)"),
        (
            "tasks.xlsx",
            b"PK\x03\x04 not really a zip archive",
            "cannot be read as an Excel workbook",
        ),
        ("tasks.xlsx", b"%PDF-1.4 renamed", "does not contain what its name says"),
    ],
)
def test_import_tasks_refuses_a_file_that_is_not_an_xlsx_workbook(
    ward_plan, officer_a, name, content, message
) -> None:
    with pytest.raises(ValidationError) as refused:
        import_tasks(ward_plan, actor=officer_a, upload=upload(content, name))
    assert message in " ".join(refused.value.messages)
    assert ward_plan.tasks.count() == 1


def test_import_tasks_refuses_an_oversize_file(ward_plan, officer_a, settings) -> None:
    content = xlsx([row("A1")])
    settings.CCHC_UPLOAD_MAX_BYTES = len(content) - 1
    with pytest.raises(ValidationError, match="the limit is"):
        import_tasks(ward_plan, actor=officer_a, upload=upload(content))
    assert ward_plan.tasks.count() == 1


def test_import_tasks_refuses_a_sheet_without_the_required_columns(ward_plan, officer_a) -> None:
    content = xlsx([row("A1")], header=["Mã nhiệm vụ (code)", "Tên nhiệm vụ (title)"])
    with pytest.raises(ValidationError) as refused:
        import_tasks(ward_plan, actor=officer_a, upload=upload(content))
    message = refused.value.messages[0]
    assert "Lĩnh vực (area" in message
    assert "Thời hạn (deadline" in message


def test_import_tasks_refuses_an_empty_sheet_and_too_many_rows(
    ward_plan, officer_a, monkeypatch
) -> None:
    with pytest.raises(ValidationError, match="no task rows"):
        import_tasks(ward_plan, actor=officer_a, upload=upload(xlsx([])))
    monkeypatch.setattr("cchc.plans.actions.imports.MAX_ROWS", 2)
    with pytest.raises(ValidationError, match="more than 2 rows"):
        import_tasks(
            ward_plan, actor=officer_a, upload=upload(xlsx([row("A1"), row("A2"), row("A3")]))
        )
    assert MAX_ROWS == 10_000


def test_import_tasks_reads_reordered_columns_by_their_key(ward_plan, officer_a) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["deadline", "Tên (title)", "Mã (code)", "Đơn vị (lead_unit)", "area"])
    workbook.active.append(["Q3", "Đảo cột", "B1", "00004", "CV"])
    content = io.BytesIO()
    workbook.save(content)

    result = import_tasks(ward_plan, actor=officer_a, upload=upload(content.getvalue()))

    assert result.ok
    task = ward_plan.tasks.get(code="B1")
    assert (task.title, task.area.code, task.deadline) == (
        "Đảo cột",
        "CV",
        datetime.date(2026, 9, 30),
    )


def test_import_tasks_lookups_do_not_grow_with_the_rows(ward_plan, officer_a, team) -> None:
    def queries(count: int, prefix: str) -> int:
        rows = [row(f"{prefix}{n}", cooperating_units="00004-TDP1") for n in range(count)]
        content = upload(xlsx(rows))
        with CaptureQueriesContext(connection) as context:
            assert import_tasks(ward_plan, actor=officer_a, upload=content).ok
        return len(context.captured_queries)

    queries(1, "W")  # warms the content-type cache of the audit trail
    assert queries(2, "P") == queries(40, "Q")


def test_import_tasks_of_5000_rows_takes_a_handful_of_queries(ward_plan, city_admin) -> None:
    rows = [row(f"K{n:04d}", area=["CD", "TC", "TTHC", "CV"][n % 4]) for n in range(5000)]
    with CaptureQueriesContext(connection) as context:
        result = import_tasks(ward_plan, actor=city_admin, upload=upload(xlsx(rows)))
    assert result.ok
    assert ward_plan.tasks.count() == 5001
    assert len(context.captured_queries) < 40


# --- the pages ---------------------------------------------------------------------------------


def _url(name: str, plan: Plan) -> str:
    return reverse(f"plans:{name}", args=[plan.pk])


def test_plan_import_page_shows_the_form_and_the_template_link(ward_plan, client_a) -> None:
    response = client_a.get(_url("plan_import", ward_plan))
    assert response.status_code == 200
    page = html(response)
    assert 'enctype="multipart/form-data"' in page
    assert _url("import_template", ward_plan) in page
    assert "01/01/2026" in page


def test_plan_import_creates_the_tasks_and_returns_to_the_plan(ward_plan, client_a) -> None:
    response = client_a.post(
        _url("plan_import", ward_plan), {"file": upload(xlsx([row("A1"), row("A2")]))}
    )
    assert response.status_code == 302
    assert response["Location"] == ward_plan.get_absolute_url()
    assert sorted(ward_plan.tasks.values_list("code", flat=True)) == ["A0", "A1", "A2"]
    assert_shows(client_a.get(response["Location"]), "2 tasks were imported.")


def test_plan_import_with_errors_shows_them_and_offers_the_error_report(
    ward_plan, client_a
) -> None:
    content = xlsx([row("A1", area="XX"), row("A2", lead_unit="00070"), row("A3")])

    response = client_a.post(_url("plan_import", ward_plan), {"file": upload(content)})

    assert response.status_code == 200
    page = html(response)
    assert 'data-testid="import-errors"' in page
    assert "<td>2</td><td>Lĩnh vực (area)</td>" in page
    assert "<td>3</td><td>Đơn vị chủ trì (lead_unit)</td>" in page
    assert _url("import_errors", ward_plan) in page
    assert ward_plan.tasks.count() == 1

    report = client_a.get(_url("import_errors", ward_plan))
    assert report.status_code == 200
    assert report["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Dòng (row)", "Cột (column)", "Lỗi (message)")
    assert [(r, c) for r, c, _m in values[1:]] == [
        (2, "Lĩnh vực (area)"),
        (3, "Đơn vị chủ trì (lead_unit)"),
    ]
    assert "XX" in values[1][2]


def test_plan_import_shows_the_first_100_errors(ward_plan, client_a) -> None:
    content = xlsx([row(f"E{n}", area="XX") for n in range(120)])
    response = client_a.post(_url("plan_import", ward_plan), {"file": upload(content)})
    assert html(response).count("<td>Lĩnh vực (area)</td>") == 100
    sheet = openpyxl.load_workbook(
        io.BytesIO(client_a.get(_url("import_errors", ward_plan)).content)
    ).active
    assert sheet.max_row == 121


def test_plan_import_refuses_a_non_xlsx_upload_on_the_form(ward_plan, client_a) -> None:
    response = client_a.post(
        _url("plan_import", ward_plan),
        {"file": SimpleUploadedFile("tasks.csv", b"a;b\n", content_type="text/csv")},
    )
    assert response.status_code == 200
    page = html(response)
    assert "tasks.csv" in page
    assert "is-invalid" in page
    assert 'data-testid="import-errors"' not in page
    assert ward_plan.tasks.count() == 1


def test_import_errors_without_a_failed_import_is_not_found(ward_plan, client_a) -> None:
    assert client_a.get(_url("import_errors", ward_plan)).status_code == 404


@pytest.mark.parametrize("name", ["plan_import", "import_template", "import_errors"])
def test_plan_import_is_not_found_for_another_unit(ward_plan, officer_b, name) -> None:
    client = client_for(officer_b)
    assert client.get(_url(name, ward_plan)).status_code == 404
    assert (
        client.post(_url("plan_import", ward_plan), {"file": upload(xlsx([row("B1")]))}).status_code
        == 404
    )
    assert ward_plan.tasks.count() == 1


def test_plan_import_is_not_found_for_a_unit_that_only_reads_the_plan(
    city_plan, hanoi, city_admin, officer_b
) -> None:
    # Ward B sees the city plan (its own plan concretises it, and it cooperates on a task)
    # but may not edit it.
    create_plan(
        actor=officer_b, unit=hanoi.ward_b, year=2026, title="KH Hoàn Kiếm", parent=city_plan
    )
    task_in(city_plan, hanoi.ward_a, city_admin, code="C1", cooperating_units=[hanoi.ward_b])
    client = client_for(officer_b)
    assert client.get(reverse("plans:plan_detail", args=[city_plan.pk])).status_code == 200

    response = client.post(_url("plan_import", city_plan), {"file": upload(xlsx([row("C2")]))})

    assert response.status_code == 404
    assert client.get(_url("import_template", city_plan)).status_code == 404
    assert list(city_plan.tasks.values_list("code", flat=True)) == ["C1"]


def test_import_template_opens_with_the_headers_and_the_user_s_lists(
    ward_plan, client_a, team
) -> None:
    response = client_a.get(_url("import_template", ward_plan))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Nhiệm vụ", "Danh mục"]
    tasks = workbook["Nhiệm vụ"]
    header = [cell.value for cell in tasks[1]]
    assert header == HEADERS
    assert header[:3] == [
        "Mã nhiệm vụ (code)",
        "Tên nhiệm vụ (title)",
        "Lĩnh vực (area: CD, TC, TTHC, TCBM, CV, TCC, CĐS, TĐ)",
    ]
    assert tasks["A1"].font.bold
    assert tasks.freeze_panes == "A2"
    assert tasks["A2"].number_format == "@"  # codes keep their leading zeros
    validated = {str(v.sqref).split(":")[0] for v in tasks.data_validations.dataValidation}
    assert validated == {"C2", "D2", "H2"}
    lists = workbook["Danh mục"]
    areas = [lists.cell(r, 1).value for r in range(2, 10)]
    assert areas == ["CD", "TC", "TTHC", "TCBM", "CV", "TCC", "CĐS", "TĐ"]
    units = [c.value for c in lists["D"][1:] if c.value]
    assert units == ["00004", "00004-TDP1"]  # only the units officer A may assign


def test_import_template_roundtrip_is_accepted(ward_plan, client_a, officer_a) -> None:
    response = client_a.get(_url("import_template", ward_plan))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["Nhiệm vụ"]
    for column, value in enumerate(["M1", "Từ mẫu", "TC", "00004", "", "Q4"], start=1):
        sheet.cell(2, column, value)
    content = io.BytesIO()
    workbook.save(content)

    result = import_tasks(ward_plan, actor=officer_a, upload=upload(content.getvalue()))

    assert result.ok
    assert ward_plan.tasks.get(code="M1").deadline == datetime.date(2026, 12, 31)


def test_plan_import_anonymous_is_sent_to_login(ward_plan, anonymous: Client) -> None:
    response = anonymous.get(_url("plan_import", ward_plan))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

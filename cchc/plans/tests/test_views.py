"""The plans pages, per view: the happy path, the refusals, the forbidden personas.

The city plan (2026) has task T1 led by ward A (Ba Đình) with ward B (Hoàn Kiếm) cooperating.
officer_a reports on it, officer_b sees it but changes nothing, the inspector (another unit)
sees nothing, the city administrator assigns and reviews.
"""

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries, assert_shows, html
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.plans.actions import (
    accept_report,
    create_plan,
    decide_extension,
    request_extension,
    submit_report,
)
from cchc.plans.models import (
    ContentArea,
    Evidence,
    ExtensionRequest,
    Plan,
    ProgressReport,
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


HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = timezone.localdate()
SOON = TODAY + datetime.timedelta(days=30)
PAST = TODAY - datetime.timedelta(days=10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def plan(hanoi: Hanoi, city_admin: User) -> Plan:
    return issued_city_plan(hanoi.city, city_admin)


@pytest.fixture
def task(plan: Plan, hanoi: Hanoi, city_admin: User) -> Task:
    return task_in(plan, hanoi.ward_a, city_admin, deadline=SOON, cooperating_units=[hanoi.ward_b])


def pdf(name: str = "bien-ban.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def report_on(task: Task, officer: User, **extra: object) -> ProgressReport:
    values: dict = {"percent": 40, "narrative": "Đã họp triển khai"} | extra
    return submit_report(task, actor=officer, **values)


def verbs(obj: object) -> list[str]:
    return list(AuditEvent.objects.for_target(obj).values_list("verb", flat=True))  # type: ignore[arg-type]


def area(code: str = "TTHC") -> ContentArea:
    return ContentArea.objects.get(code=code)


# --- plan list -------------------------------------------------------------------------------


def test_plan_list_filters_by_year(plan: Plan, hanoi: Hanoi, city_admin: User) -> None:
    create_plan(actor=city_admin, unit=hanoi.city, year=2027, title="Kế hoạch CCHC năm 2027")
    client = client_for(city_admin)

    everything = client.get("/plans/")
    only_2026 = client.get("/plans/", {"year": "2026"})

    assert [p.year for p in everything.context["page"]] == [2027, 2026]
    assert [p.title for p in only_2026.context["page"]] == ["Kế hoạch CCHC năm 2026"]
    assert "Kế hoạch CCHC năm 2027" not in html(only_2026)


def test_plan_list_shows_a_ward_only_its_own_plans(
    plan: Plan, hanoi: Hanoi, officer_a: User, officer_b: User
) -> None:
    create_plan(actor=officer_b, unit=hanoi.ward_b, year=2026, title="Kế hoạch phường Hoàn Kiếm")
    create_plan(actor=officer_a, unit=hanoi.ward_a, year=2026, title="Kế hoạch phường Ba Đình")

    response = client_for(officer_a).get("/plans/")

    assert [p.title for p in response.context["page"]] == ["Kế hoạch phường Ba Đình"]
    assert "Hoàn Kiếm" not in html(response)


def test_plan_list_htmx_returns_the_partial(plan: Plan, city_admin: User) -> None:
    response = client_for(city_admin).get("/plans/", {"year": "2026"}, **HTMX)

    assert html(response).lstrip().startswith('<section id="plans"')
    assert "<nav" not in html(response)


def test_plan_list_queries_do_not_grow_with_plans(hanoi: Hanoi, city_admin: User) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            unit = OrgUnitFactory(parent=hanoi.city)
            create_plan(actor=city_admin, unit=unit, year=2026, title=f"Kế hoạch {unit.name}")

    client = client_for(city_admin)
    _first, second = assert_constant_queries(lambda: client.get("/plans/"), add)
    assert len(second.context["page"]) == 3


# --- plan create -----------------------------------------------------------------------------


def test_plan_create_by_city_admin_makes_a_draft(hanoi: Hanoi, city_admin: User) -> None:
    response = client_for(city_admin).post(
        "/plans/new/", {"unit": hanoi.city.pk, "year": 2026, "title": "Kế hoạch CCHC năm 2026"}
    )

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{plan.pk}/"
    assert (plan.unit, plan.year, plan.status) == (hanoi.city, 2026, Plan.Status.DRAFT)
    assert verbs(plan) == ["plans.create_plan"]


def test_plan_create_ward_plan_concretises_the_city_plan(
    plan: Plan, hanoi: Hanoi, officer_a: User
) -> None:
    client = client_for(officer_a)
    form = client.get("/plans/new/").context["form"]
    assert list(form.fields["unit"].queryset) == [hanoi.ward_a]
    assert list(form.fields["parent"].queryset) == [plan]

    client.post(
        "/plans/new/",
        {"unit": hanoi.ward_a.pk, "year": 2026, "title": "KH Ba Đình", "parent": plan.pk},
    )

    ward_plan = Plan.objects.get(unit=hanoi.ward_a)
    assert ward_plan.parent == plan


def test_plan_create_for_another_ward_is_refused(hanoi: Hanoi, officer_a: User) -> None:
    response = client_for(officer_a).post(
        "/plans/new/", {"unit": hanoi.ward_b.pk, "year": 2026, "title": "Kế hoạch"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not Plan.objects.exists()


def test_plan_create_second_plan_of_the_year_shows_the_reason(
    plan: Plan, hanoi: Hanoi, city_admin: User
) -> None:
    response = client_for(city_admin).post(
        "/plans/new/", {"unit": hanoi.city.pk, "year": 2026, "title": "Lần nữa"}
    )

    assert_shows(response, "Thành phố Hà Nội already has a plan for 2026.")
    assert Plan.objects.count() == 1


def test_plan_create_inspector_without_an_assigner_role_gets_404(inspector: User) -> None:
    assert client_for(inspector).get("/plans/new/").status_code == 404


# --- plan detail -----------------------------------------------------------------------------


def test_plan_detail_lists_tasks_with_status_and_extension_marker(
    plan: Plan, task: Task, hanoi: Hanoi, city_admin: User, officer_a: User
) -> None:
    late = task_in(plan, hanoi.ward_b, city_admin, code="T2", deadline=PAST)
    extension = request_extension(late, actor=city_admin, reason="Chờ", new_deadline=SOON)
    decide_extension(extension, actor=city_admin, approve=True)

    response = client_for(city_admin).get(f"/plans/{plan.pk}/")

    page = html(response)
    assert [t.code for t in response.context["page"]] == ["T1", "T2"]
    assert 'data-status="in_term"' in page
    assert page.count('data-testid="extended"') == 2  # its column, and the phone line
    assert "Phường Ba Đình" in page
    assert "Phường Hoàn Kiếm" in page
    assert f"{SOON:%d/%m/%Y}" in page
    counts = {row["status"]: row["count"] for row in response.context["counts"]}
    assert counts == {"in_term": 2, "overdue": 0, "on_time": 0, "late": 0, "cancelled": 0}


def test_plan_detail_filters_by_status_area_and_unit(
    plan: Plan, task: Task, hanoi: Hanoi, city_admin: User
) -> None:
    task_in(plan, hanoi.ward_b, city_admin, code="T2", deadline=PAST, area=area("CV"))
    client = client_for(city_admin)

    def codes(**query: object) -> list[str]:
        return [t.code for t in client.get(f"/plans/{plan.pk}/", query).context["page"]]

    assert codes(status="overdue") == ["T2"]
    assert codes(status="in_term") == ["T1"]
    assert codes(area=area("CV").pk) == ["T2"]
    assert codes(unit=hanoi.ward_a.pk) == ["T1"]
    assert codes(status="on_time") == []


def test_plan_detail_htmx_filter_returns_the_tasks_partial(
    plan: Plan, task: Task, city_admin: User
) -> None:
    response = client_for(city_admin).get(f"/plans/{plan.pk}/", {"status": "in_term"}, **HTMX)

    assert html(response).lstrip().startswith('<section class="card mb-3" id="tasks"')
    assert "T1" in html(response)


def test_plan_detail_other_unit_gets_404(plan: Plan, inspector: User) -> None:
    assert client_for(inspector).get(f"/plans/{plan.pk}/").status_code == 404


def test_plan_detail_queries_do_not_grow_with_tasks(
    plan: Plan, hanoi: Hanoi, city_admin: User
) -> None:
    counter = iter(range(1, 100))

    def add(n: int) -> None:
        for _ in range(n):
            unit = OrgUnitFactory(parent=hanoi.city)
            t = task_in(plan, unit, city_admin, code=f"T{next(counter)}", deadline=SOON)
            t.cooperating_units.set([hanoi.ward_b])

    url = f"/plans/{plan.pk}/"
    client = client_for(city_admin)
    _first, second = assert_constant_queries(lambda: client.get(url), add)
    assert len(second.context["page"]) == 3


# --- issue, copy -----------------------------------------------------------------------------


@pytest.fixture
def draft(hanoi: Hanoi, city_admin: User) -> Plan:
    return create_plan(actor=city_admin, unit=hanoi.city, year=2026, title="Kế hoạch 2026")


def issue_data(**overrides: object) -> dict:
    data = {
        "document_number": "15/KH-UBND",
        "document_date": "10/01/2026",
        "signer": "Trần Sỹ Thanh",
    }
    return data | overrides


def test_plan_issue_records_the_signed_document(draft: Plan, city_admin: User, media: Path) -> None:
    data = issue_data(attachment=pdf("ke-hoach.pdf"))
    response = client_for(city_admin).post(f"/plans/{draft.pk}/issue/", data)

    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == Plan.Status.ISSUED
    assert (draft.document_number, draft.document_date) == (
        "15/KH-UBND",
        datetime.date(2026, 1, 10),
    )
    assert draft.attachment.name.endswith(".pdf")
    assert "plans.issue_plan" in verbs(draft)
    download = client_for(city_admin).get(f"/plans/{draft.pk}/document/")
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == 'attachment; filename="15-KH-UBND.pdf"'


def test_plan_issue_refuses_an_html_page_renamed_pdf(draft: Plan, city_admin: User) -> None:
    fake = pdf("ke-hoach.pdf", b"<html><script>alert(1)</script></html>")
    response = client_for(city_admin).post(f"/plans/{draft.pk}/issue/", issue_data(attachment=fake))

    assert_shows(response, "ke-hoach.pdf does not contain what its name says (.pdf).")
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT
    assert not draft.attachment


def test_plan_issue_refuses_a_task_due_before_the_document(
    draft: Plan, hanoi: Hanoi, city_admin: User
) -> None:
    task_in(draft, hanoi.ward_a, city_admin, code="T1", deadline=datetime.date(2026, 1, 7))

    response = client_for(city_admin).post(f"/plans/{draft.pk}/issue/", issue_data())

    assert_shows(response, "Task T1 is due 07/01/2026, before the plan's date.")
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT


def test_plan_issue_ward_officer_gets_404(draft: Plan, officer_a: User) -> None:
    response = client_for(officer_a).post(f"/plans/{draft.pk}/issue/", issue_data())
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == Plan.Status.DRAFT


def test_plan_copy_makes_next_years_draft(plan: Plan, task: Task, city_admin: User) -> None:
    response = client_for(city_admin).post(f"/plans/{plan.pk}/copy/")

    copy = Plan.objects.get(year=2027)
    assert response["Location"] == f"/plans/{copy.pk}/"
    assert copy.status == Plan.Status.DRAFT
    assert list(copy.tasks.values_list("code", flat=True)) == ["T1"]


def test_plan_copy_needs_post_and_an_assigner(
    plan: Plan, city_admin: User, officer_b: User
) -> None:
    assert client_for(city_admin).get(f"/plans/{plan.pk}/copy/").status_code == 405
    assert client_for(officer_b).post(f"/plans/{plan.pk}/copy/").status_code == 404
    assert not Plan.objects.filter(year=2027).exists()


# --- task create -----------------------------------------------------------------------------


def task_data(hanoi: Hanoi, **overrides: object) -> dict:
    data = {
        "code": "T9",
        "title": "Số hoá hồ sơ thủ tục hành chính",
        "area": area().pk,
        "lead_unit": hanoi.ward_a.pk,
        "cooperating_units": [hanoi.ward_b.pk],
        "deadline": "Q2",
        "priority": "high",
        "weight": "2",
        "source": "plan",
    }
    return data | overrides


def test_task_create_reads_a_quarter_deadline(plan: Plan, hanoi: Hanoi, city_admin: User) -> None:
    response = client_for(city_admin).post(f"/plans/{plan.pk}/tasks/new/", task_data(hanoi))

    task = Task.objects.get(code="T9")
    assert response["Location"] == f"/plans/tasks/{task.pk}/"
    assert task.deadline == task.original_deadline == datetime.date(2026, 6, 30)
    assert (task.lead_unit, task.priority, str(task.weight)) == (hanoi.ward_a, "high", "2.00")
    assert list(task.cooperating_units.all()) == [hanoi.ward_b]
    assert verbs(task) == ["plans.create_task"]


def test_task_create_records_a_briefing_commitment(
    plan: Plan, hanoi: Hanoi, city_admin: User
) -> None:
    data = task_data(hanoi, source="briefing", source_ref="Kết luận giao ban tháng 9/2026")

    client_for(city_admin).post(f"/plans/{plan.pk}/tasks/new/", data)

    task = Task.objects.get(code="T9")
    assert (task.source, task.source_ref) == ("briefing", "Kết luận giao ban tháng 9/2026")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "T1"}, "The code T1 is already used in this plan."),
        (
            {"deadline": "02/01/2026"},
            "The deadline 02/01/2026 is before the plan's date 05/01/2026.",
        ),
        (
            {"deadline": "sắp tới"},
            "“sắp tới” is not a deadline: write dd/mm/yyyy or a quarter such as Q2.",
        ),
    ],
)
def test_task_create_bad_input_is_refused_with_its_reason(
    plan: Plan, task: Task, hanoi: Hanoi, city_admin: User, overrides: dict, message: str
) -> None:
    response = client_for(city_admin).post(
        f"/plans/{plan.pk}/tasks/new/", task_data(hanoi, **overrides)
    )

    assert response.status_code == 200
    assert_shows(response, message)
    assert list(Task.objects.values_list("code", flat=True)) == ["T1"]


def test_task_create_lead_officer_gets_404(plan: Plan, hanoi: Hanoi, officer_a: User) -> None:
    response = client_for(officer_a).post(f"/plans/{plan.pk}/tasks/new/", task_data(hanoi))
    assert response.status_code == 404
    assert not Task.objects.exists()


# --- task detail, edit, cancel ---------------------------------------------------------------


def test_task_detail_shows_the_task_reports_and_history(
    task: Task, officer_a: User, city_admin: User
) -> None:
    report = report_on(task, officer_a, files=[pdf()])

    response = client_for(city_admin).get(f"/plans/tasks/{task.pk}/")

    page = html(response)
    evidence = Evidence.objects.get()
    assert "Phường Ba Đình" in page
    assert "Phường Hoàn Kiếm" in page
    assert "Đã họp triển khai" in page
    assert f'href="/plans/evidence/{evidence.pk}/"' in page
    assert f"/plans/reports/{report.pk}/accept/" in page  # the assigner reviews
    assert "created the task" in page  # the event in words (cchc.core.history)
    assert "plans.create_task" not in page
    assert response.context["can_review"]
    assert not response.context["can_report"]


def test_task_detail_cooperating_unit_sees_but_cannot_act(
    task: Task, officer_a: User, officer_b: User
) -> None:
    report = report_on(task, officer_a)
    response = client_for(officer_b).get(f"/plans/tasks/{task.pk}/")

    assert response.status_code == 200
    assert "Đã họp triển khai" in html(response)
    assert f"/plans/reports/{report.pk}/accept/" not in html(response)
    assert f"/plans/tasks/{task.pk}/report/" not in html(response)
    assert f"/plans/tasks/{task.pk}/edit/" not in html(response)


def test_task_detail_lead_officer_gets_the_report_button(task: Task, officer_a: User) -> None:
    response = client_for(officer_a).get(f"/plans/tasks/{task.pk}/")
    assert f"/plans/tasks/{task.pk}/report/" in html(response)
    assert f"/plans/tasks/{task.pk}/edit/" not in html(response)


def test_task_detail_other_unit_gets_404(task: Task, inspector: User) -> None:
    assert client_for(inspector).get(f"/plans/tasks/{task.pk}/").status_code == 404


def edit_data(task: Task, **overrides: object) -> dict:
    data = {
        "title": task.title,
        "description": "",
        "area": task.area_id,
        "lead_unit": task.lead_unit_id,
        "expected_output": "",
        "priority": task.priority,
        "weight": "1",
        "version": task.version,
    }
    return data | overrides


def test_task_edit_saves_and_records_the_change(task: Task, city_admin: User) -> None:
    response = client_for(city_admin).post(
        f"/plans/tasks/{task.pk}/edit/", edit_data(task, title="Tiêu đề mới")
    )

    task.refresh_from_db()
    assert response.status_code == 302
    assert (task.title, task.version, task.deadline) == ("Tiêu đề mới", 2, SOON)
    assert verbs(task)[0] == "plans.update_task"


def test_task_edit_with_a_stale_version_changes_nothing(task: Task, city_admin: User) -> None:
    client = client_for(city_admin)
    client.post(f"/plans/tasks/{task.pk}/edit/", edit_data(task, title="Lần một"))

    response = client.post(f"/plans/tasks/{task.pk}/edit/", edit_data(task, title="Lần hai"))

    assert_shows(
        response, "Someone else changed this task while you were editing. Reload and try again."
    )
    task.refresh_from_db()
    assert task.title == "Lần một"


def test_task_edit_cannot_move_the_deadline_of_an_issued_plan(task: Task, city_admin: User) -> None:
    client_for(city_admin).post(
        f"/plans/tasks/{task.pk}/edit/", edit_data(task, deadline="31/12/2026", title="X")
    )

    task.refresh_from_db()
    assert (task.title, task.deadline) == ("X", SOON)


@pytest.mark.parametrize("persona", ["officer_a", "officer_b", "inspector"])
def test_task_edit_is_404_for_everyone_but_the_assigner(
    task: Task, persona: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(f"/plans/tasks/{task.pk}/edit/").status_code == 404
    assert (
        client.post(f"/plans/tasks/{task.pk}/edit/", edit_data(task, title="X")).status_code == 404
    )
    task.refresh_from_db()
    assert task.version == 1


def test_task_cancel_with_a_reason(task: Task, city_admin: User) -> None:
    client_for(city_admin).post(f"/plans/tasks/{task.pk}/cancel/", {"reason": "Trùng nhiệm vụ"})

    task.refresh_from_db()
    assert task.cancelled_at is not None
    assert task.cancel_reason == "Trùng nhiệm vụ"


def test_task_cancel_without_a_reason_is_refused(task: Task, city_admin: User) -> None:
    response = client_for(city_admin).post(
        f"/plans/tasks/{task.pk}/cancel/", {"reason": ""}, follow=True
    )

    assert_shows(response, "Give the reason for cancelling.")
    task.refresh_from_db()
    assert task.cancelled_at is None


def test_task_cancel_needs_post_and_the_assigner(
    task: Task, city_admin: User, officer_a: User
) -> None:
    assert client_for(city_admin).get(f"/plans/tasks/{task.pk}/cancel/").status_code == 405
    response = client_for(officer_a).post(f"/plans/tasks/{task.pk}/cancel/", {"reason": "x"})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.cancelled_at is None


# --- assign to many units --------------------------------------------------------------------


@pytest.fixture
def city_task(plan: Plan, hanoi: Hanoi, city_admin: User) -> Task:
    return task_in(plan, hanoi.home_affairs, city_admin, code="C1", deadline=SOON)


def test_task_assign_to_every_ward_and_a_chosen_department(
    city_task: Task, hanoi: Hanoi, city_admin: User
) -> None:
    OrgUnitFactory(
        code="00999",
        kind=OrgUnit.Kind.WARD,
        name="Phường Đã Giải Thể",
        parent=hanoi.city,
        valid_to=datetime.date(2025, 6, 30),
    )
    response = client_for(city_admin).post(
        f"/plans/tasks/{city_task.pk}/assign/",
        {"kinds": ["ward"], "units": [hanoi.inspectorate.pk]},
    )

    assert response.status_code == 302
    children = city_task.children.order_by("code")
    assert [c.code for c in children] == ["C1.00004", "C1.00070", "C1.01-TTTP"]
    assert {c.deadline for c in children} == {SOON}
    assert verbs(city_task)[0] == "plans.assign_task"


def test_task_assign_lists_only_units_not_yet_assigned(
    city_task: Task, hanoi: Hanoi, city_admin: User
) -> None:
    client = client_for(city_admin)
    client.post(f"/plans/tasks/{city_task.pk}/assign/", {"units": [hanoi.ward_a.pk]})

    units = (
        client.get(f"/plans/tasks/{city_task.pk}/assign/").context["form"].fields["units"].queryset
    )
    assert hanoi.ward_a not in units
    assert hanoi.ward_b in units


def test_task_assign_with_nothing_chosen_says_so(city_task: Task, city_admin: User) -> None:
    response = client_for(city_admin).post(f"/plans/tasks/{city_task.pk}/assign/", {})

    assert_shows(response, "Choose at least one unit.")
    assert not city_task.children.exists()


def test_task_assign_ward_officer_gets_404(city_task: Task, hanoi: Hanoi, officer_a: User) -> None:
    response = client_for(officer_a).post(
        f"/plans/tasks/{city_task.pk}/assign/", {"kinds": ["ward"]}
    )
    assert response.status_code == 404
    assert not city_task.children.exists()


# --- progress reports ------------------------------------------------------------------------


def test_report_create_with_several_evidence_files(task: Task, officer_a: User) -> None:
    files = [pdf("bien-ban.pdf"), SimpleUploadedFile("so-lieu.txt", b"12 ho so", "text/plain")]
    response = client_for(officer_a).post(
        f"/plans/tasks/{task.pk}/report/",
        {"percent": "60", "narrative": "Đã số hoá 60% hồ sơ", "evidence": files},
    )

    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.percent, report.author, report.status) == (60, officer_a, "submitted")
    assert sorted(report.evidence.values_list("original_name", flat=True)) == [
        "bien-ban.pdf",
        "so-lieu.txt",
    ]
    task.refresh_from_db()
    assert task.progress == 60


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"percent": "101"}, "The progress must be between 0 and 100%."),
        ({"narrative": ""}, "Describe the progress made."),
        ({"is_completion": "on", "percent": "100"}, "Describe the output delivered."),
        (
            {
                "evidence": [
                    SimpleUploadedFile("setup.exe", b"MZ\x90\x00", "application/octet-stream")
                ]
            },
            "setup.exe: this type of file is not accepted",
        ),
        (
            {"evidence": [pdf("scan.pdf", b"<!DOCTYPE html><html><body>x</body></html>")]},
            "scan.pdf does not contain what its name says (.pdf).",
        ),
    ],
)
def test_report_create_bad_input_is_refused_and_nothing_written(
    task: Task, officer_a: User, media: Path, data: dict, message: str
) -> None:
    values = {"percent": "50", "narrative": "Đang làm"} | data
    response = client_for(officer_a).post(f"/plans/tasks/{task.pk}/report/", values)

    assert response.status_code == 200
    assert message in html(response).replace("&#x27;", "'")
    assert not ProgressReport.objects.exists()
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))
    task.refresh_from_db()
    assert task.progress == 0


def test_report_create_refuses_an_oversize_file(task: Task, officer_a: User, settings) -> None:
    settings.CCHC_UPLOAD_MAX_BYTES = 1024 * 1024
    big = pdf("lon.pdf", PDF + b"0" * (1024 * 1024 + 1))
    response = client_for(officer_a).post(
        f"/plans/tasks/{task.pk}/report/", {"percent": "50", "narrative": "x", "evidence": [big]}
    )

    assert_shows(response, "lon.pdf is 1,0 MB; the limit is 1,0 MB.")
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("persona", ["officer_b", "inspector", "city_admin"])
def test_report_create_is_404_for_all_but_the_lead_units_focal_point(
    task: Task, persona: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    data = {"percent": "50", "narrative": "x"}
    assert client.get(f"/plans/tasks/{task.pk}/report/").status_code == 404
    assert client.post(f"/plans/tasks/{task.pk}/report/", data).status_code == 404
    assert not ProgressReport.objects.exists()


def test_evidence_is_a_download_never_shown_inline(
    task: Task, officer_a: User, officer_b: User
) -> None:
    report_on(task, officer_a, files=[pdf("bien-ban.pdf")])
    evidence = Evidence.objects.get()

    response = client_for(officer_b).get(f"/plans/evidence/{evidence.pk}/")  # cooperating unit

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_evidence_other_unit_gets_404(task: Task, officer_a: User, inspector: User) -> None:
    report_on(task, officer_a, files=[pdf()])
    evidence = Evidence.objects.get()
    assert client_for(inspector).get(f"/plans/evidence/{evidence.pk}/").status_code == 404


# --- reviews ---------------------------------------------------------------------------------


def test_report_accept_completes_the_task(task: Task, officer_a: User, city_admin: User) -> None:
    report = report_on(task, officer_a, percent=100, is_completion=True, output="QĐ 12/QĐ-UBND")

    response = client_for(city_admin).post(
        f"/plans/reports/{report.pk}/accept/", {"comment": "Tốt"}
    )

    assert response["Location"] == f"/plans/tasks/{task.pk}/"
    report.refresh_from_db()
    task.refresh_from_db()
    assert report.status == ProgressReport.Status.ACCEPTED
    assert report.review.passed
    assert report.review.comment == "Tốt"
    assert task.completed_on == TODAY


def test_report_return_needs_a_reason(task: Task, officer_a: User, city_admin: User) -> None:
    report = report_on(task, officer_a)
    client = client_for(city_admin)

    refused = client.post(f"/plans/reports/{report.pk}/return/", {"reason": " "}, follow=True)
    assert_shows(refused, "Say why the report is returned.")
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED

    client.post(f"/plans/reports/{report.pk}/return/", {"reason": "Thiếu biên bản"})
    report.refresh_from_db()
    task.refresh_from_db()
    assert (report.status, report.return_reason) == ("returned", "Thiếu biên bản")
    assert task.failed_reviews == 1


@pytest.mark.parametrize("persona", ["officer_a", "officer_b", "inspector"])
def test_report_review_is_404_for_everyone_but_the_assigner(
    task: Task, officer_a: User, persona: str, request: pytest.FixtureRequest
) -> None:
    report = report_on(task, officer_a)
    client = client_for(request.getfixturevalue(persona))
    assert client.post(f"/plans/reports/{report.pk}/accept/").status_code == 404
    assert client.post(f"/plans/reports/{report.pk}/return/", {"reason": "x"}).status_code == 404
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED


# --- extensions ------------------------------------------------------------------------------


def test_extension_request_and_approval_move_the_deadline(
    task: Task, plan: Plan, officer_a: User, city_admin: User
) -> None:
    later = SOON + datetime.timedelta(days=20)
    response = client_for(officer_a).post(
        f"/plans/tasks/{task.pk}/extension/",
        {"new_deadline": f"{later:%d/%m/%Y}", "reason": "Chờ ý kiến của Sở"},
    )
    assert response.status_code == 302
    extension = ExtensionRequest.objects.get()

    client_for(city_admin).post(f"/plans/extensions/{extension.pk}/decide/", {"approve": "1"})

    task.refresh_from_db()
    assert (task.deadline, task.original_deadline) == (later, SOON)
    assert 'data-testid="extended"' in html(client_for(officer_a).get(f"/plans/tasks/{task.pk}/"))


def test_extension_request_before_the_deadline_is_refused(task: Task, officer_a: User) -> None:
    response = client_for(officer_a).post(
        f"/plans/tasks/{task.pk}/extension/",
        {"new_deadline": f"{PAST:%d/%m/%Y}", "reason": "x"},
    )

    assert_shows(response, f"The new deadline must be after {SOON:%d/%m/%Y}.")
    assert not ExtensionRequest.objects.exists()


def test_extension_refusal_needs_a_comment(task: Task, officer_a: User, city_admin: User) -> None:
    extension = request_extension(
        task, actor=officer_a, reason="x", new_deadline=SOON + datetime.timedelta(days=5)
    )
    client = client_for(city_admin)

    response = client.post(
        f"/plans/extensions/{extension.pk}/decide/", {"approve": "0"}, follow=True
    )
    assert_shows(response, "Say why the extension is refused.")
    client.post(f"/plans/extensions/{extension.pk}/decide/", {"approve": "0", "comment": "Không"})

    extension.refresh_from_db()
    task.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.REFUSED
    assert task.deadline == SOON


def test_extension_forbidden_personas_get_404(
    task: Task, officer_a: User, officer_b: User, inspector: User
) -> None:
    data = {"new_deadline": "31/12/2026", "reason": "x"}
    assert client_for(officer_b).post(f"/plans/tasks/{task.pk}/extension/", data).status_code == 404
    assert client_for(inspector).get(f"/plans/tasks/{task.pk}/extension/").status_code == 404
    extension = request_extension(
        task, actor=officer_a, reason="x", new_deadline=SOON + datetime.timedelta(days=5)
    )
    decide = f"/plans/extensions/{extension.pk}/decide/"
    assert client_for(officer_a).post(decide, {"approve": "1"}).status_code == 404
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.PENDING


# --- workspace -------------------------------------------------------------------------------


def test_workspace_officer_inbox_puts_overdue_first_and_counts_the_month(
    plan: Plan, task: Task, hanoi: Hanoi, officer_a: User, city_admin: User
) -> None:
    overdue = task_in(plan, hanoi.ward_a, city_admin, code="T2", deadline=PAST)
    done = task_in(plan, hanoi.ward_a, city_admin, code="T3", deadline=SOON)
    accept_report(
        report_on(done, officer_a, percent=100, is_completion=True, output="Xong"), actor=city_admin
    )
    task_in(plan, hanoi.ward_b, city_admin, code="T4", deadline=PAST)  # another ward's

    response = client_for(officer_a).get("/plans/workspace/")

    assert [t.code for t in response.context["page"]] == [overdue.code, task.code]
    assert response.context["figures"] == {"in_term": 1, "overdue": 1, "on_time": 1, "late": 0}
    assert 'data-figure="overdue">1<' in html(response)
    assert list(response.context["reports"]) == []


def test_workspace_city_admin_sees_what_to_review(
    task: Task, officer_a: User, city_admin: User
) -> None:
    report = report_on(task, officer_a)
    extension = request_extension(
        task, actor=officer_a, reason="x", new_deadline=SOON + datetime.timedelta(days=5)
    )

    response = client_for(city_admin).get("/plans/workspace/")

    assert list(response.context["reports"]) == [report]
    assert list(response.context["extensions"]) == [extension]
    assert [t.code for t in response.context["page"]] == ["T1"]
    assert f'href="/plans/tasks/{task.pk}/"' in html(response)


def test_workspace_other_ward_sees_nothing_of_ward_a(
    task: Task, officer_a: User, officer_b: User
) -> None:
    report_on(task, officer_a)

    response = client_for(officer_b).get("/plans/workspace/")

    assert list(response.context["page"]) == []  # cooperating is not leading
    assert list(response.context["reports"]) == []
    assert response.context["figures"] == {"in_term": 0, "overdue": 0, "on_time": 0, "late": 0}


def test_workspace_a_head_reviews_reports_of_the_plans_of_their_unit(
    hanoi: Hanoi, officer_a: User
) -> None:
    head = UserFactory(username="head_a")
    MembershipFactory(user=head, unit=hanoi.ward_a, role=Membership.Role.HEAD)
    ward_plan = create_plan(actor=head, unit=hanoi.ward_a, year=2026, title="KH Ba Đình")
    team = OrgUnitFactory(code="00004-VP", kind=OrgUnit.Kind.PUBLIC_SERVICE, parent=hanoi.ward_a)
    MembershipFactory(user=officer_a, unit=team, role=Membership.Role.FOCAL_POINT)
    report = report_on(task_in(ward_plan, team, head, deadline=SOON), officer_a)

    response = client_for(head).get("/plans/workspace/")

    assert list(response.context["reports"]) == [report]


@pytest.mark.parametrize("persona", ["officer_a", "city_admin"])
def test_workspace_queries_do_not_grow_with_tasks(
    plan: Plan,
    hanoi: Hanoi,
    city_admin: User,
    officer_a: User,
    persona: str,
    request: pytest.FixtureRequest,
) -> None:
    counter = iter(range(1, 100))

    def add(n: int) -> None:
        for _ in range(n):
            t = task_in(plan, hanoi.ward_a, city_admin, code=f"T{next(counter)}", deadline=SOON)
            report_on(t, officer_a)
            request_extension(
                t, actor=officer_a, reason="x", new_deadline=SOON + datetime.timedelta(days=5)
            )

    client = client_for(request.getfixturevalue(persona))
    _first, second = assert_constant_queries(lambda: client.get("/plans/workspace/"), add)
    assert len(second.context["page"]) == 3


def test_workspace_is_paged_searchable_and_filtered(
    plan: Plan, hanoi: Hanoi, officer_a: User, city_admin: User
) -> None:
    for number in range(1, 56):
        task_in(plan, hanoi.ward_a, city_admin, code=f"P{number:02d}", deadline=SOON)
    late = task_in(plan, hanoi.ward_a, city_admin, code="Q1", deadline=PAST, title="Số hóa hồ sơ")
    done = task_in(plan, hanoi.ward_a, city_admin, code="Q2", deadline=SOON)
    accept_report(
        report_on(done, officer_a, percent=100, is_completion=True, output="Xong"), actor=city_admin
    )
    client = client_for(officer_a)

    first = client.get("/plans/workspace/")
    assert first.context["page"].paginator.count == 56  # open ones: 55 + the overdue one
    assert [t.code for t in first.context["page"]][:2] == ["Q1", "P01"]
    assert len(first.context["page"]) == 50
    second = client.get("/plans/workspace/", {"page": 2})
    assert [t.code for t in second.context["page"]][-1] == "P55"

    found = client.get("/plans/workspace/", {"q": "số hóa"})
    assert [t.code for t in found.context["page"]] == [late.code]
    overdue = client.get("/plans/workspace/", {"status": "overdue"})
    assert [t.code for t in overdue.context["page"]] == ["Q1"]
    on_time = client.get("/plans/workspace/", {"status": "on_time"})
    assert [t.code for t in on_time.context["page"]] == ["Q2"]
    everything = client.get("/plans/workspace/", {"status": "all"})
    assert everything.context["page"].paginator.count == 57
    ranged = client.get(
        "/plans/workspace/",
        {"status": "all", "deadline_to": PAST.strftime("%d/%m/%Y")},
    )
    assert [t.code for t in ranged.context["page"]] == ["Q1"]


def test_workspace_filter_refuses_a_reversed_range_and_htmx_gets_the_list(
    task: Task, officer_a: User
) -> None:
    client = client_for(officer_a)
    reversed_range = client.get(
        "/plans/workspace/", {"deadline_from": "31/12/2026", "deadline_to": "01/01/2026"}
    )
    assert "The start date is after the end date." in html(reversed_range)
    assert [t.code for t in reversed_range.context["page"]] == ["T1"]  # open tasks, unfiltered

    partial = client.get("/plans/workspace/", {"q": "T1"}, HTTP_HX_REQUEST="true")
    text = html(partial)
    assert text.lstrip().startswith('<section class="card mb-3" id="inbox"')
    assert "<html" not in text
    assert "T1" in text


def test_workspace_anonymous_is_sent_to_login(anonymous: Client) -> None:
    response = anonymous.get("/plans/workspace/")
    assert response["Location"] == "/accounts/login/?next=/plans/workspace/"


ReportFactory = Callable[..., ProgressReport]

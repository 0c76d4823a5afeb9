"""The procedure pages: happy paths, forbidden personas, N+1 guards, downloads."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_official_pdf
from cchc.procedures.actions import approve_simplification_plan, approve_workflow
from cchc.procedures.models import Procedure, Review, SimplificationPlan, Workflow
from cchc.procedures.tests.factories import (
    DECISION_DATE,
    campaign_over,
    catalogue,
    plan_data,
    plan_for,
    procedure_of,
    reviewed,
    row,
    workbook,
    workflow_for,
)
from conftest import client_for

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# --- catalogue -----------------------------------------------------------------------------------


def test_catalogue_is_scoped_and_filtered(hanoi, city_admin, officer_a, officer_b):
    catalogue(
        city_admin,
        [
            row(),
            row("2.000100", name="Cấp phép xây dựng", field="Xây dựng", units="00070"),
        ],
    )
    url = reverse("procedures:list")
    page_a = client_for(officer_a).get(url).content.decode()
    assert "Đăng ký khai sinh" in page_a
    assert "Cấp phép xây dựng" not in page_a
    assert 'data-testid="import-link"' not in page_a
    admin = client_for(city_admin)
    both = admin.get(url).content.decode()
    assert "Đăng ký khai sinh" in both
    assert "Cấp phép xây dựng" in both
    assert 'data-testid="import-link"' in both
    filtered = admin.get(url, {"q": "xay dung"}).content.decode()
    assert "Cấp phép xây dựng" in filtered
    assert "Đăng ký khai sinh" not in filtered
    by_unit = admin.get(url, {"unit": hanoi.ward_a.pk}).content.decode()
    assert "Đăng ký khai sinh" in by_unit
    assert "Cấp phép xây dựng" not in by_unit
    by_field = admin.get(url, {"field": "Hộ tịch", "level": "commune"}).content.decode()
    assert "Đăng ký khai sinh" in by_field
    assert "Cấp phép xây dựng" not in by_field
    assert "Đăng ký khai sinh" not in client_for(officer_b).get(url).content.decode()


def test_catalogue_has_no_n_plus_1(hanoi, city_admin, django_assert_num_queries):
    client = client_for(city_admin)
    url = reverse("procedures:list")
    catalogue(city_admin, [row()])
    one = queries(client, url)
    catalogue(city_admin, [row(f"1.00000{n}", units="00004;00070") for n in range(2, 5)])
    assert Procedure.objects.count() == 4
    with django_assert_num_queries(one):
        assert client.get(url).status_code == 200


def test_catalogue_xlsx_reimports_unchanged(hanoi, city_admin):
    catalogue(city_admin, [row()])
    response = client_for(city_admin).get(reverse("procedures:list"), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in sheet[2]]
    assert values[:6] == ["1.000001", "Đăng ký khai sinh", "Hộ tịch", "Cấp xã", "00004", 3]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cchc.procedures.imports import import_procedures

    again = import_procedures(
        actor=city_admin, upload=SimpleUploadedFile("lai.xlsx", response.content)
    )
    assert again.ok
    assert again.unchanged == 1


def test_detail_shows_versions_and_is_404_for_other_units(
    hanoi, city_admin, officer_a, officer_b, birth
):
    procedure_of(city_admin, hanoi.ward_a, days="2")
    page = client_for(officer_a).get(birth.get_absolute_url()).content.decode()
    assert "Tờ khai đăng ký khai sinh" in page
    assert 'data-testid="new-workflow"' in page
    assert "Version 2" in page
    assert "Version 1" in page
    assert client_for(officer_b).get(birth.get_absolute_url()).status_code == 404


# --- import --------------------------------------------------------------------------------------


def test_import_page_imports_and_reports_row_errors(hanoi, city_admin):
    client = client_for(city_admin)
    url = reverse("procedures:import")
    response = client.post(url, {"file": workbook([row()])})
    assert response.status_code == 302
    assert Procedure.objects.count() == 1
    broken = client.post(url, {"file": workbook([row("1.000009"), row("1.000010", days="abc")])})
    page = broken.content.decode()
    assert "“abc” is not a number of working days" in page
    assert 'data-testid="import-errors"' in page
    assert Procedure.objects.count() == 1
    report = client.get(reverse("procedures:import_errors"))
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    assert sheet["A2"].value == 3
    assert "abc" in sheet["C2"].value
    template = client.get(reverse("procedures:import_template"))
    header = [c.value for c in openpyxl.load_workbook(io.BytesIO(template.content)).active[1]]
    assert header[0] == "Mã thủ tục (code)"


def test_import_page_is_for_city_administrators(hanoi, officer_a):
    client = client_for(officer_a)
    assert client.get(reverse("procedures:import")).status_code == 403
    assert client.post(reverse("procedures:import"), {"file": workbook([row()])}).status_code == 403
    assert not Procedure.objects.exists()


# --- campaigns -----------------------------------------------------------------------------------


def test_admin_opens_campaign_unit_reviews_admin_approves(hanoi, city_admin, officer_a, birth):
    admin = client_for(city_admin)
    response = admin.post(
        reverse("procedures:campaigns"),
        {
            "title": "Rà soát 2026",
            "year": "2026",
            "unit": hanoi.home_affairs.pk,
            "codes": "1.000001",
            "reviewer_units": [hanoi.ward_a.pk],
            "deadline": "30/09/2026",
        },
    )
    campaign = birth.campaigns.get()
    assert response["Location"] == campaign.get_absolute_url()
    officer = client_for(officer_a)
    response = officer.post(
        campaign.get_absolute_url(),
        {
            "procedure": birth.pk,
            "unit": hanoi.ward_a.pk,
            "findings": "Trùng giấy tờ",
            "proposal": "simplify",
            "reasons": "Đã có dữ liệu",
        },
    )
    assert response.status_code == 302
    assert Review.objects.get().proposal == "simplify"
    approve = admin.post(
        reverse("procedures:campaign_approve", args=[campaign.pk]),
        {"decision_number": "12/QĐ-UBND", "decision_date": "02/03/2026"},
    )
    assert approve.status_code == 302
    campaign.refresh_from_db()
    assert campaign.decision_number == "12/QĐ-UBND"
    assert (
        "Approved by decision 12/QĐ-UBND" in admin.get(campaign.get_absolute_url()).content.decode()
    )


def test_campaign_forbidden_personas(hanoi, city_admin, officer_a, officer_b, birth):
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a])
    assert client_for(officer_b).get(campaign.get_absolute_url()).status_code == 404
    data = {"decision_number": "1", "decision_date": "02/03/2026"}
    url = reverse("procedures:campaign_approve", args=[campaign.pk])
    assert client_for(officer_a).post(url, data).status_code == 403
    response = client_for(officer_a).post(reverse("procedures:campaigns"), {"title": "x"})
    assert response.status_code == 403


def _reviewed_by_ward_a(hanoi, city_admin, officer_a):
    units = f"{hanoi.ward_a.code};{hanoi.ward_b.code}"
    procedure = catalogue(city_admin, [row(units=units)])[0]
    campaign = campaign_over(city_admin, [procedure], [hanoi.ward_a, hanoi.ward_b])
    client_for(officer_a).post(
        campaign.get_absolute_url(),
        {
            "procedure": procedure.pk,
            "unit": hanoi.ward_a.pk,
            "findings": "Phát hiện riêng của Ba Đình",
            "proposal": "simplify",
            "reasons": "Lý do riêng của Ba Đình",
        },
    )
    assert Review.objects.get().unit == hanoi.ward_a
    return campaign


def test_campaign_detail_hides_another_reviewer_units_reviews(
    hanoi, city_admin, officer_a, officer_b
):
    campaign = _reviewed_by_ward_a(hanoi, city_admin, officer_a)

    page = client_for(officer_b).get(campaign.get_absolute_url()).content.decode()

    assert "Phát hiện riêng của Ba Đình" not in page
    assert "Lý do riêng của Ba Đình" not in page
    assert (
        "Phát hiện riêng của Ba Đình"
        in client_for(officer_a).get(campaign.get_absolute_url()).content.decode()
    )
    assert (
        "Phát hiện riêng của Ba Đình"
        in client_for(city_admin).get(campaign.get_absolute_url()).content.decode()
    )


def test_campaign_reviews_are_shared_when_the_city_says_so(
    hanoi, city_admin, officer_a, officer_b, settings
):
    campaign = _reviewed_by_ward_a(hanoi, city_admin, officer_a)
    settings.CCHC_SHARE_CAMPAIGN_REVIEWS = True

    page = client_for(officer_b).get(campaign.get_absolute_url()).content.decode()

    assert "Phát hiện riêng của Ba Đình" in page


def test_review_form_shows_the_refusal(hanoi, city_admin, officer_a, birth):
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a])
    response = client_for(officer_a).post(
        campaign.get_absolute_url(),
        {"procedure": birth.pk, "unit": hanoi.ward_a.pk, "findings": "x", "proposal": "abolish"},
    )
    assert "Give the reasons for the proposal." in response.content.decode()
    assert not Review.objects.exists()


# --- plans ---------------------------------------------------------------------------------------


def test_unit_creates_plan_admin_approves_page_shows_saving(hanoi, city_admin, officer_a, birth):
    url = reverse("procedures:plan_create", args=[birth.pk])
    response = client_for(officer_a).post(url, plan_data(unit=str(hanoi.ward_a.pk)))
    plan = SimplificationPlan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    assert plan.hours_before == 120
    assert plan.saving == 1_980_000_000
    admin = client_for(city_admin)
    admin.post(
        reverse("procedures:plan_approve", args=[plan.pk]),
        {"decision_number": "5/QĐ-UBND", "decision_date": "02/03/2026"},
    )
    page = admin.get(plan.get_absolute_url()).content.decode()
    assert "1,980,000,000 đ" in page
    assert "33.67%" in page
    assert "5,880,000,000 − 3,900,000,000 = 1,980,000,000" in page
    assert "Approved by decision 5/QĐ-UBND" in page


def test_plan_form_shows_negative_refusal(hanoi, officer_a, birth):
    url = reverse("procedures:plan_create", args=[birth.pk])
    data = plan_data(unit=str(hanoi.ward_a.pk), time_unit="hours", fees_after="-1")
    page = client_for(officer_a).post(url, data).content.decode()
    assert "Fees and charges after cannot be negative (-1)." in page
    assert not SimplificationPlan.objects.exists()


def test_unit_edits_its_draft_plan_and_a_stale_form_is_refused(
    hanoi, city_admin, officer_a, officer_b, birth
):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    url = reverse("procedures:plan_edit", args=[plan.pk])
    client = client_for(officer_a)
    assert 'data-testid="plan-edit"' in client.get(plan.get_absolute_url()).content.decode()
    form = client.get(url).content.decode()
    assert 'name="version"' in form
    assert 'value="120' in form  # the hours before, as stored
    data = plan_data(time_unit="hours", time_before="120", time_after="40", version="1")
    response = client.post(url, data)
    assert response["Location"] == plan.get_absolute_url()
    plan.refresh_from_db()
    assert (plan.hours_after, plan.version) == (40, 2)
    assert plan.cut_pct > Decimal("33.67")
    event = AuditEvent.objects.get(verb="procedures.edit_plan")
    assert event.changes["cost_after"][0] > event.changes["cost_after"][1]
    # A second form opened at version 1 must not overwrite the saved one.
    stale = client.post(url, plan_data(time_unit="hours", time_after="100", version="1"))
    assert "Someone else saved this plan since you opened it" in stale.content.decode()
    plan.refresh_from_db()
    assert plan.hours_after == 40
    # Another ward cannot edit; once approved nobody can.
    assert client_for(officer_b).get(url).status_code == 404
    approve_simplification_plan(
        plan, actor=city_admin, decision_number="7/QĐ-UBND", decision_date=datetime.date(2026, 3, 2)
    )
    assert client.get(url).status_code == 403


def test_plan_pages_forbidden_personas(hanoi, city_admin, officer_a, officer_b, birth):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    assert client_for(officer_b).get(plan.get_absolute_url()).status_code == 404
    assert (
        client_for(officer_b).get(reverse("procedures:plan_create", args=[birth.pk])).status_code
        == 404
    )
    url = reverse("procedures:plan_approve", args=[plan.pk])
    data = {"decision_number": "1", "decision_date": "02/03/2026"}
    assert client_for(officer_a).post(url, data).status_code == 403
    plan.refresh_from_db()
    assert not plan.is_approved


def test_plan_list_has_no_n_plus_1(hanoi, city_admin, birth, django_assert_num_queries):
    client = client_for(city_admin)
    url = reverse("procedures:plans")
    plan_for(city_admin, birth, hanoi.ward_a)
    one = queries(client, url)
    for code in ("1.000002", "1.000003"):
        plan_for(city_admin, procedure_of(city_admin, hanoi.ward_a, code=code), hanoi.ward_a)
    with django_assert_num_queries(one):
        assert client.get(url).status_code == 200


# --- workflows -----------------------------------------------------------------------------------


def steps_data(rows: list[tuple[str, str, str]]) -> dict[str, str]:
    data = {"steps-TOTAL_FORMS": str(len(rows) + 1), "steps-INITIAL_FORMS": "0"}
    for n, (actor, work, hours) in enumerate(rows):
        data |= {f"steps-{n}-actor": actor, f"steps-{n}-work": work, f"steps-{n}-hours": hours}
    return data


def test_unit_writes_workflow_admin_approves_and_page_draws_swimlane(
    hanoi, city_admin, officer_a, birth
):
    url = reverse("procedures:workflow_create", args=[birth.pk])
    rows = [("Bộ phận Một cửa", "Tiếp nhận", "4"), ("Công chức Tư pháp", "Thẩm định", "12"),
            ("Bộ phận Một cửa", "Trả kết quả", "4")]  # fmt: skip
    response = client_for(officer_a).post(url, {"unit": hanoi.ward_a.pk, **steps_data(rows)})
    workflow = Workflow.objects.get()
    assert response["Location"] == workflow.get_absolute_url()
    assert workflow.total_hours == 20
    admin = client_for(city_admin)
    admin.post(
        reverse("procedures:workflow_approve", args=[workflow.pk]),
        {"decision_number": "7/QĐ-UBND", "decision_date": "02/03/2026"},
    )
    admin.post(reverse("procedures:workflow_publish", args=[workflow.pk]))
    workflow.refresh_from_db()
    assert workflow.status == Workflow.Status.PUBLISHED
    page = client_for(officer_a).get(workflow.get_absolute_url()).content.decode()
    assert page.count('class="swimlane-lane"') == 2  # two actors
    assert page.count('class="swimlane-box"') == 3
    assert "20 of 24 working hours allowed" in page
    listed = client_for(officer_a).get(reverse("procedures:workflows")).content.decode()
    assert workflow.get_absolute_url() in listed


def test_workflow_form_shows_the_legal_time_refusal(hanoi, officer_a, birth):
    url = reverse("procedures:workflow_create", args=[birth.pk])
    data = {"unit": hanoi.ward_a.pk, **steps_data([("Một cửa", "Tiếp nhận", "30")])}
    page = client_for(officer_a).post(url, data).content.decode()
    assert (
        "The steps take 30 working hours, more than the legal processing time of 3 working "
        "days (24 working hours)."
    ) in page
    assert not Workflow.objects.exists()


def test_workflow_edit_and_forbidden_personas(hanoi, city_admin, officer_a, officer_b, birth):
    workflow = workflow_for(officer_a, birth, hanoi.ward_a)
    edit = reverse("procedures:workflow_edit", args=[workflow.pk])
    response = client_for(officer_a).post(edit, steps_data([("Một cửa", "Tiếp nhận", "2")]))
    assert response.status_code == 302
    assert workflow.steps.count() == 1
    too_long = client_for(officer_a).post(edit, steps_data([("Một cửa", "Tiếp nhận", "25")]))
    assert "The steps take 25 working hours" in too_long.content.decode()
    assert workflow.steps.get().hours == 2
    assert client_for(officer_b).get(workflow.get_absolute_url()).status_code == 404
    assert client_for(officer_b).post(edit, steps_data([("A", "B", "1")])).status_code == 404
    data = {"decision_number": "1", "decision_date": "02/03/2026"}
    approve = reverse("procedures:workflow_approve", args=[workflow.pk])
    assert client_for(officer_a).post(approve, data).status_code == 403
    assert (
        client_for(officer_b)
        .get(reverse("procedures:workflow_create", args=[birth.pk]))
        .status_code
        == 404
    )


def test_workflow_docx_and_pdf(hanoi, city_admin, birth):
    workflow = workflow_for(city_admin, birth, hanoi.ward_a)
    approve_workflow(
        workflow, actor=city_admin, decision_number="7/QĐ", decision_date=DECISION_DATE
    )
    client = client_for(city_admin)
    docx = client.get(reverse("procedures:workflow_docx", args=[workflow.pk]))
    from docx import Document

    document = Document(io.BytesIO(docx.content))
    issuer, nation = (c.text for c in document.tables[0].rows[0].cells)  # an annex's header
    assert "ỦY BAN NHÂN DÂN\nPHƯỜNG BA ĐÌNH" in issuer
    assert "Độc lập - Tự do - Hạnh phúc" in nation
    header = [c.text for c in document.tables[1].rows[0].cells]
    assert header == ["Bước", "Trách nhiệm", "Nội dung công việc", "Thời gian", "Hồ sơ/biểu mẫu"]
    assert document.tables[1].rows[2].cells[1].text == "Công chức Tư pháp - Hộ tịch"
    page = document.sections[0]
    assert (round(page.page_width.cm, 1), round(page.page_height.cm, 1)) == (
        29.7,
        21.0,
    )  # A4 across
    pdf = client.get(reverse("procedures:workflow_pdf", args=[workflow.pk])).content
    # The annex of the decision: the header and motto, no number or signature of its own.
    text = assert_official_pdf(pdf, landscape=True, signed=False)
    assert "PHƯỜNG BA ĐÌNH" in text
    assert "QUY TRÌNH NỘI BỘ" in text
    assert "Quyết định số 7/QĐ" in text
    assert "SƠ ĐỒ QUY TRÌNH" in text
    assert "Bước 4" in text


def test_published_workflows_list_has_no_n_plus_1(
    hanoi, city_admin, birth, django_assert_num_queries
):
    client = client_for(city_admin)
    url = reverse("procedures:workflows")

    def published(procedure):
        workflow = workflow_for(city_admin, procedure, hanoi.ward_a)
        approve_workflow(
            workflow, actor=city_admin, decision_number="1", decision_date=DECISION_DATE
        )
        from cchc.procedures.actions import publish_workflow

        publish_workflow(workflow, actor=city_admin)

    published(birth)
    one = queries(client, url)
    for code in ("1.000002", "1.000003"):
        published(procedure_of(city_admin, hanoi.ward_a, code=code))
    with django_assert_num_queries(one):
        assert client.get(url).status_code == 200


# --- overview ------------------------------------------------------------------------------------


def test_overview_counts_and_scoping(hanoi, city_admin, officer_a, officer_b, birth):
    reviewed(city_admin, birth, hanoi.ward_a, Review.Proposal.SIMPLIFY)
    plan = plan_for(city_admin, birth, hanoi.ward_a)
    approve_simplification_plan(
        plan, actor=city_admin, decision_number="5", decision_date=DECISION_DATE
    )
    workflow = workflow_for(city_admin, birth, hanoi.ward_a)
    approve_workflow(workflow, actor=city_admin, decision_number="7", decision_date=DECISION_DATE)
    other = procedure_of(city_admin, hanoi.ward_b, code="1.000002")
    reviewed(city_admin, other, hanoi.ward_b, Review.Proposal.ABOLISH)
    url = reverse("procedures:overview")
    admin = client_for(city_admin).get(url, {"year": 2026})
    figures = admin.context["figures"]
    assert (figures.total.reviewed, figures.total.abolished) == (2, 1)
    assert (figures.total.plans, figures.total.workflows) == (1, 1)
    assert figures.total.saving == 1_980_000_000
    assert str(figures.total.cut_pct) == "33.67"
    assert figures.total.meets_target
    assert [t.label for t in figures.units] == ["Phường Ba Đình", "Phường Hoàn Kiếm"]
    assert 'data-testid="total-saving">1,980,000,000 đ' in admin.content.decode()
    own = client_for(officer_b).get(url, {"year": 2026}).context["figures"]
    assert (own.total.reviewed, own.total.abolished, own.total.plans) == (1, 1, 0)
    assert officer_a  # ward A sees its own figures only
    assert client_for(officer_a).get(url, {"year": 2026}).context["figures"].total.abolished == 0


def test_overview_query_count_does_not_grow(hanoi, city_admin, birth, django_assert_num_queries):
    client = client_for(city_admin)
    url = reverse("procedures:overview") + "?year=2026"
    reviewed(city_admin, birth, hanoi.ward_a, Review.Proposal.SIMPLIFY)
    one = queries(client, url)
    for code in ("1.000002", "1.000003"):
        reviewed(
            city_admin, procedure_of(city_admin, hanoi.ward_a, code=code), hanoi.ward_a, "keep"
        )
    with django_assert_num_queries(one):
        assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(verb="procedures.approve_campaign").count() == 3


def test_campaign_list_has_no_n_plus_1(
    hanoi, city_admin, officer_a, officer_b, birth, django_assert_num_queries
):
    client = client_for(officer_a)
    url = reverse("procedures:campaigns")
    campaign_over(city_admin, [birth], [hanoi.ward_a])
    one = queries(client, url)
    for _n in range(2):
        campaign_over(city_admin, [birth], [hanoi.ward_a, hanoi.ward_b])
    with django_assert_num_queries(one):
        page = client.get(url).content.decode()
    assert page.count("Rà soát thủ tục hành chính năm 2026") == 3
    assert client_for(officer_b).get(url).content.decode().count("Rà soát thủ tục") == 2

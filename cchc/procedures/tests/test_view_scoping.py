"""Every procedures page for each persona: ward A's officer (the owner: ward A implements the
procedure) reads and changes its own records; officer B of another ward does not see them (404);
the city viewer reads them and changes nothing (403, or a write form that does not exist for
them: 404); anonymous users go to the login page. Each answer is checked against the page's
content or the records left unchanged, not only its status code."""

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import html, pdf_text
from cchc.procedures.actions import approve_workflow, publish_workflow
from cchc.procedures.models import Procedure, Review, ReviewCampaign, SimplificationPlan, Workflow
from cchc.procedures.tests.factories import (
    DECISION_DATE,
    campaign_over,
    catalogue,
    plan_data,
    plan_for,
    row,
    workbook,
    workflow_for,
)

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
DECISION = {"decision_number": "7/QĐ-UBND", "decision_date": "02/03/2026"}


@pytest.fixture
def published(hanoi: Any, city_admin: User, officer_a: User, birth: Procedure) -> Workflow:
    workflow = workflow_for(officer_a, birth, hanoi.ward_a)
    approve_workflow(
        workflow, actor=city_admin, decision_number="7/QĐ", decision_date=DECISION_DATE
    )
    return publish_workflow(workflow, actor=city_admin)


def test_anonymous_users_go_to_the_login_page(client: Client, birth: Procedure):
    for address in (
        reverse("procedures:list"),
        reverse("procedures:overview"),
        reverse("procedures:campaigns"),
        reverse("procedures:plans"),
        reverse("procedures:workflows"),
        reverse("procedures:import"),
        reverse("procedures:detail", args=[birth.pk]),
        reverse("procedures:baseline", args=[birth.pk]),
    ):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"] == f"/accounts/login/?next={address}", address


def test_the_catalogue_for_the_viewer_and_another_ward(
    birth: Procedure, officer_b: User, city_viewer: User, login: Login
):
    viewer = login(city_viewer).get(reverse("procedures:list"))
    assert list(viewer.context["page"]) == [birth]
    assert viewer.context["may_import"] is False
    assert "Đăng ký khai sinh" in html(viewer)
    assert 'data-testid="import-link"' not in html(viewer)
    other = login(officer_b).get(reverse("procedures:list"))
    assert list(other.context["page"]) == []
    assert "Đăng ký khai sinh" not in html(other)


def test_the_procedure_page_for_each_persona(
    birth: Procedure, officer_a: User, officer_b: User, city_viewer: User, login: Login
):
    address = reverse("procedures:detail", args=[birth.pk])
    owner = login(officer_a).get(address)
    assert owner.context["may_act"] is True
    assert 'data-testid="new-plan"' in html(owner)
    viewer = login(city_viewer).get(address)
    assert (viewer.context["may_act"], viewer.context["may_set_baseline"]) == (False, False)
    assert "Đăng ký khai sinh" in html(viewer)
    assert 'data-testid="new-plan"' not in html(viewer)
    assert login(officer_b).get(address).status_code == 404


def test_only_city_administrators_set_a_baseline(
    birth: Procedure, city_admin: User, officer_a: User, city_viewer: User, login: Login
):
    address = reverse("procedures:baseline", args=[birth.pk])
    post = {
        "business_related": "on",
        "baseline_year": "2024",
        "baseline_days": "3",
        "baseline_cost": "1000000",
    }
    for user in (officer_a, city_viewer):
        assert login(user).get(address).status_code == 403
        assert login(user).post(address, post).status_code == 403
    birth.refresh_from_db()
    assert birth.baseline_year is None
    assert not AuditEvent.objects.filter(verb="procedures.set_baseline").exists()
    response = login(city_admin).post(address, post)
    assert response["Location"] == birth.get_absolute_url()
    birth.refresh_from_db()
    assert (birth.baseline_year, birth.baseline_cost, birth.business_related) == (
        2024,
        1_000_000,
        True,
    )


def test_a_baseline_form_with_half_the_figures_shows_the_refusal(
    birth: Procedure, city_admin: User, login: Login
):
    response = login(city_admin).post(
        reverse("procedures:baseline", args=[birth.pk]), {"baseline_year": "2024"}
    )
    assert response.status_code == 200
    assert "Give the baseline year, processing time and compliance cost together." in html(response)
    birth.refresh_from_db()
    assert birth.baseline_year is None


def test_the_import_pages_are_for_city_administrators(
    city_admin: User, city_viewer: User, officer_a: User, login: Login
):
    for user in (city_viewer, officer_a):
        client = login(user)
        assert client.get(reverse("procedures:import")).status_code == 403
        assert client.get(reverse("procedures:import_template")).status_code == 403
        assert client.get(reverse("procedures:import_errors")).status_code == 403
        posted = client.post(reverse("procedures:import"), {"file": workbook([row()])})
        assert posted.status_code == 403
    assert not Procedure.objects.exists()
    assert not AuditEvent.objects.filter(verb="procedures.import").exists()
    admin = login(city_admin)
    assert admin.get(reverse("procedures:import_errors")).status_code == 404  # no failed import
    template = admin.get(reverse("procedures:import_template"))
    assert template.content.startswith(b"PK")  # an XLSX workbook


def test_the_campaigns_for_each_persona(
    hanoi: Any,
    birth: Procedure,
    city_admin: User,
    officer_a: User,
    officer_b: User,
    city_viewer: User,
    login: Login,
):
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a])
    for user in (officer_a, city_viewer):
        response = login(user).get(reverse("procedures:campaigns"))
        assert list(response.context["campaigns"]) == [campaign], user
        assert response.context["form"] is None  # only administrators open campaigns
    other = login(officer_b).get(reverse("procedures:campaigns"))
    assert list(other.context["campaigns"]) == []
    assert campaign.title not in html(other)
    assert (
        login(city_viewer).post(reverse("procedures:campaigns"), {"title": "x"}).status_code == 403
    )
    assert ReviewCampaign.objects.count() == 1


def test_the_viewer_reads_a_campaign_but_records_no_review(
    hanoi: Any, birth: Procedure, city_admin: User, city_viewer: User, login: Login
):
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a])
    client = login(city_viewer)
    page = client.get(campaign.get_absolute_url())
    assert page.context["form"] is None
    assert page.context["decision_form"] is None
    assert "1.000001" in html(page)
    post = {"procedure": birth.pk, "unit": hanoi.ward_a.pk, "findings": "x", "proposal": "keep"}
    assert client.post(campaign.get_absolute_url(), post).status_code == 403
    assert not Review.objects.exists()


def test_the_owner_reviews_from_the_campaign_page(
    hanoi: Any, birth: Procedure, city_admin: User, officer_a: User, login: Login
):
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a])
    client = login(officer_a)
    assert 'data-testid="review-form"' in html(client.get(campaign.get_absolute_url()))
    post = {
        "procedure": birth.pk,
        "unit": hanoi.ward_a.pk,
        "findings": "Giấy chứng sinh trùng",
        "proposal": "keep",
    }
    response = client.post(campaign.get_absolute_url(), post)
    assert response["Location"] == campaign.get_absolute_url()
    review = Review.objects.get()
    assert (review.unit, review.recorded_by, review.findings) == (
        hanoi.ward_a,
        officer_a,
        "Giấy chứng sinh trùng",
    )
    assert "Giấy chứng sinh trùng" in html(client.get(campaign.get_absolute_url()))


def test_approving_a_campaign_without_reviews_shows_the_refusal(
    hanoi: Any, birth: Procedure, city_admin: User, login: Login
):
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a])
    response = login(city_admin).post(
        reverse("procedures:campaign_approve", args=[campaign.pk]), DECISION, follow=True
    )
    assert "No procedure has been reviewed yet; nothing to approve." in html(response)
    campaign.refresh_from_db()
    assert campaign.is_open


def test_a_plan_for_each_persona(
    hanoi: Any,
    birth: Procedure,
    officer_a: User,
    officer_b: User,
    city_viewer: User,
    login: Login,
):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    owner = login(officer_a).get(plan.get_absolute_url())
    assert owner.context["may_edit"] is True
    assert 'data-testid="plan-saving"' in html(owner)
    viewer = login(city_viewer).get(plan.get_absolute_url())
    assert viewer.context["may_edit"] is False
    assert 'data-testid="plan-edit"' not in html(viewer)
    assert login(officer_b).get(plan.get_absolute_url()).status_code == 404
    listed = login(city_viewer).get(reverse("procedures:plans"))
    assert plan in list(listed.context["page"])
    assert list(login(officer_b).get(reverse("procedures:plans")).context["page"]) == []


def test_the_viewer_neither_writes_nor_edits_a_plan(
    hanoi: Any, birth: Procedure, officer_a: User, city_viewer: User, login: Login
):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    client = login(city_viewer)
    assert client.get(reverse("procedures:plan_create", args=[birth.pk])).status_code == 403
    assert client.post(reverse("procedures:plan_edit", args=[plan.pk]), {}).status_code == 403
    approve = reverse("procedures:plan_approve", args=[plan.pk])
    assert client.post(approve, DECISION).status_code == 403
    plan.refresh_from_db()
    assert (plan.version, plan.status) == (1, SimplificationPlan.Status.DRAFT)
    assert SimplificationPlan.objects.count() == 1


def test_a_workflow_for_each_persona(
    hanoi: Any,
    birth: Procedure,
    officer_a: User,
    officer_b: User,
    city_viewer: User,
    login: Login,
):
    workflow = workflow_for(officer_a, birth, hanoi.ward_a)
    owner = login(officer_a).get(workflow.get_absolute_url())
    assert owner.context["may_edit"] is True
    assert 'data-testid="swimlane"' in html(owner)
    viewer = login(city_viewer).get(workflow.get_absolute_url())
    assert viewer.context["may_edit"] is False
    assert viewer.context["decision_form"] is None
    assert "Tiếp nhận, kiểm tra hồ sơ" in html(viewer)
    assert login(officer_b).get(workflow.get_absolute_url()).status_code == 404


def test_the_viewer_neither_writes_edits_nor_approves_a_workflow(
    hanoi: Any, birth: Procedure, officer_a: User, city_viewer: User, login: Login
):
    workflow = workflow_for(officer_a, birth, hanoi.ward_a)
    client = login(city_viewer)
    assert client.get(reverse("procedures:workflow_create", args=[birth.pk])).status_code == 403
    # The edit form exists only for who acts for the unit: the same 404 as for no workflow.
    assert client.get(reverse("procedures:workflow_edit", args=[workflow.pk])).status_code == 404
    approve = reverse("procedures:workflow_approve", args=[workflow.pk])
    publish = reverse("procedures:workflow_publish", args=[workflow.pk])
    assert client.post(approve, DECISION).status_code == 403
    assert client.post(publish).status_code == 403
    workflow.refresh_from_db()
    assert workflow.status == Workflow.Status.DRAFT
    assert workflow.steps.count() == 4


def test_an_approved_workflow_has_no_edit_form(
    hanoi: Any, birth: Procedure, city_admin: User, officer_a: User, login: Login
):
    workflow = workflow_for(officer_a, birth, hanoi.ward_a)
    approve_workflow(
        workflow, actor=city_admin, decision_number="7/QĐ", decision_date=DECISION_DATE
    )
    edit = reverse("procedures:workflow_edit", args=[workflow.pk])
    assert login(officer_a).get(edit).status_code == 403
    assert workflow.steps.count() == 4


def test_publishing_a_draft_from_the_page_shows_the_refusal(
    hanoi: Any, birth: Procedure, city_admin: User, officer_a: User, login: Login
):
    workflow = workflow_for(officer_a, birth, hanoi.ward_a)
    response = login(city_admin).post(
        reverse("procedures:workflow_publish", args=[workflow.pk]), follow=True
    )
    assert "Only an approved workflow can be published." in html(response)
    workflow.refresh_from_db()
    assert workflow.status == Workflow.Status.DRAFT


def test_the_workflow_documents_for_the_viewer_and_another_ward(
    published: Workflow, officer_b: User, city_viewer: User, login: Login
):
    docx = login(city_viewer).get(reverse("procedures:workflow_docx", args=[published.pk]))
    document = Document(io.BytesIO(docx.content))
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert "Tiếp nhận, kiểm tra hồ sơ" in cells
    for name in ("workflow_docx", "workflow_pdf"):
        assert (
            login(officer_b).get(reverse(f"procedures:{name}", args=[published.pk])).status_code
            == 404
        )


def test_the_published_workflows_for_the_viewer_and_another_ward(
    published: Workflow, officer_a: User, officer_b: User, city_viewer: User, login: Login
):
    for user in (officer_a, city_viewer):
        response = login(user).get(reverse("procedures:workflows"))
        assert list(response.context["page"]) == [published], user
        assert "Đăng ký khai sinh" in html(response)
    other = login(officer_b).get(reverse("procedures:workflows"))
    assert list(other.context["page"]) == []


def test_the_overview_counts_only_the_readers_units(
    published: Workflow, officer_b: User, city_viewer: User, login: Login
):
    viewer = login(city_viewer).get(reverse("procedures:overview"), {"year": 2026})
    assert viewer.context["figures"].total.workflows == 1
    assert 'data-testid="overview-figures"' in html(viewer)
    other = login(officer_b).get(reverse("procedures:overview"), {"year": 2026})
    assert other.context["figures"].total.workflows == 0


# --- a procedure both wards implement: each sees its own records only -------------------------


@pytest.fixture
def shared(hanoi: Any, city_admin: User) -> Procedure:
    catalogue(city_admin, [row(units=f"{hanoi.ward_a.code};{hanoi.ward_b.code}")])
    return Procedure.objects.get()


def test_a_shared_procedure_shows_each_ward_only_its_own_plans_and_workflows(
    hanoi: Any, shared: Procedure, officer_a: User, officer_b: User, login: Login
):
    plan_a = plan_for(officer_a, shared, hanoi.ward_a)
    plan_b = plan_for(officer_b, shared, hanoi.ward_b)
    workflow_b = workflow_for(officer_b, shared, hanoi.ward_b)
    page = login(officer_a).get(reverse("procedures:detail", args=[shared.pk]))
    assert list(page.context["plans"]) == [plan_a]
    assert list(page.context["workflows"]) == []
    assert login(officer_a).get(plan_b.get_absolute_url()).status_code == 404
    assert login(officer_a).get(workflow_b.get_absolute_url()).status_code == 404
    other = login(officer_b).get(reverse("procedures:detail", args=[shared.pk]))
    assert list(other.context["plans"]) == [plan_b]
    assert list(other.context["workflows"]) == [workflow_b]


def test_the_city_viewer_reads_both_wards_plans(
    hanoi: Any, shared: Procedure, officer_a: User, officer_b: User, city_viewer: User, login: Login
):
    plans = {plan_for(officer_a, shared, hanoi.ward_a), plan_for(officer_b, shared, hanoi.ward_b)}
    page = login(city_viewer).get(reverse("procedures:detail", args=[shared.pk]))
    assert set(page.context["plans"]) == plans
    listed = login(city_viewer).get(reverse("procedures:plans"))
    assert set(listed.context["page"]) == plans


def test_a_ward_writes_a_plan_only_for_itself(
    hanoi: Any, shared: Procedure, officer_a: User, login: Login
):
    client = login(officer_a)
    form = client.get(reverse("procedures:plan_create", args=[shared.pk]))
    assert list(form.context["form"].fields["unit"].queryset) == [hanoi.ward_a]
    response = client.post(
        reverse("procedures:plan_create", args=[shared.pk]),
        plan_data(unit=str(hanoi.ward_b.pk)),
    )
    assert response.status_code == 200  # the form refuses another ward as the unit
    assert "unit" in response.context["form"].errors
    assert not SimplificationPlan.objects.exists()


def test_the_catalogue_xlsx_holds_only_the_readers_procedures(
    birth: Procedure, officer_a: User, officer_b: User, login: Login
):
    def codes(user: User) -> list[Any]:
        content = login(user).get(reverse("procedures:list"), {"format": "xlsx"}).content
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return [r[0] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]]

    assert codes(officer_a) == ["1.000001"]
    assert codes(officer_b) == []


def test_approving_a_campaign_from_the_page_abolishes_what_it_proposes_to(
    hanoi: Any, birth: Procedure, city_admin: User, officer_a: User, login: Login
):
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a])
    login(officer_a).post(
        campaign.get_absolute_url(),
        {
            "procedure": birth.pk,
            "unit": hanoi.ward_a.pk,
            "findings": "Không còn cần thiết",
            "proposal": "abolish",
            "reasons": "Đã có cơ sở dữ liệu dân cư",
        },
    )
    response = login(city_admin).post(
        reverse("procedures:campaign_approve", args=[campaign.pk]), DECISION
    )
    assert response["Location"] == campaign.get_absolute_url()
    birth.refresh_from_db()
    assert birth.is_abolished
    page = login(officer_a).get(reverse("procedures:detail", args=[birth.pk]))
    assert page.context["may_act"] is False  # an abolished procedure takes no plan or workflow
    refused = login(officer_a).post(
        reverse("procedures:plan_create", args=[birth.pk]),
        plan_data(unit=str(hanoi.ward_a.pk)),
    )
    assert "The procedure 1.000001 has been abolished; it takes no plan or workflow." in html(
        refused
    )
    assert not SimplificationPlan.objects.exists()


def test_the_overview_counts_the_owners_own_workflow(
    published: Workflow, officer_a: User, login: Login
):
    page = login(officer_a).get(reverse("procedures:overview"), {"year": 2026})
    assert page.context["figures"].total.workflows == 1
    assert "Phường Ba Đình" in html(page)


def test_the_workflow_pdf_reads_in_vietnamese_for_the_owner(
    published: Workflow, officer_a: User, login: Login
):
    response = login(officer_a).get(reverse("procedures:workflow_pdf", args=[published.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Tiếp nhận, kiểm tra hồ sơ" in text
    assert "Đăng ký khai sinh" in text


def test_another_ward_neither_reads_nor_reviews_in_a_campaign_it_is_not_in(
    hanoi: Any, birth: Procedure, city_admin: User, officer_b: User, login: Login
):
    campaign = campaign_over(city_admin, [birth], [hanoi.ward_a])
    client = login(officer_b)
    post = {"procedure": birth.pk, "unit": hanoi.ward_b.pk, "findings": "x", "proposal": "keep"}
    assert client.get(campaign.get_absolute_url()).status_code == 404
    assert client.post(campaign.get_absolute_url(), post).status_code == 404
    assert not Review.objects.exists()


def test_the_catalogue_partial_for_the_owner(birth: Procedure, officer_a: User, login: Login):
    response = login(officer_a).get(reverse("procedures:list"), HTTP_HX_REQUEST="true")
    partial = html(response)
    assert not partial.lstrip().startswith("<!DOCTYPE")
    assert "Đăng ký khai sinh" in partial
    assert list(response.context["page"]) == [birth]


def test_the_plan_edit_form_shows_the_owners_current_figures(
    hanoi: Any, birth: Procedure, officer_a: User, login: Login
):
    plan = plan_for(officer_a, birth, hanoi.ward_a)
    response = login(officer_a).get(reverse("procedures:plan_edit", args=[plan.pk]))
    fields = response.context["form"].fields
    assert (fields["subjects_per_year"].initial, fields["time_before"].initial) == (1200, 120)
    assert fields["version"].initial == plan.version == 1
    assert 'data-testid="plan-form"' in html(response)


def test_a_ward_writes_a_workflow_only_for_itself(
    hanoi: Any, shared: Procedure, officer_a: User, login: Login
):
    response = login(officer_a).get(reverse("procedures:workflow_create", args=[shared.pk]))
    assert list(response.context["form"].fields["unit"].queryset) == [hanoi.ward_a]
    assert 'data-testid="workflow-form"' in html(response)

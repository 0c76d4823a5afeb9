import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_official_docx, assert_official_pdf, pdf_text
from cchc.inspections.actions import start_inspection
from cchc.inspections.models import (
    ChecklistItem,
    Conclusion,
    Finding,
    Inspection,
    Recommendation,
    Verdict,
)
from cchc.inspections.tests.factories import (
    PNG,
    concluded,
    finding,
    inspection_of,
    photo,
    started,
)
from cchc.plans.models import Task
from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector_client(inspector):
    return client_for(inspector)


def test_list_is_scoped_per_persona(hanoi, inspector, officer_a, officer_b, city_admin):
    inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a], title="Kiểm tra A")
    inspection_of(
        hanoi.inspectorate,
        inspector,
        targets=[hanoi.ward_b],
        kind=Inspection.Kind.SURPRISE,
        title="Đột xuất B",
    )
    url = reverse("inspections:list")
    admin_page = client_for(city_admin).get(url).content.decode()
    assert "Kiểm tra A" in admin_page
    assert "Đột xuất B" in admin_page
    page_a = client_for(officer_a).get(url).content.decode()
    assert "Kiểm tra A" in page_a
    assert "Đột xuất B" not in page_a
    page_b = client_for(officer_b).get(url).content.decode()
    assert "Kiểm tra A" not in page_b
    assert "Đột xuất B" not in page_b
    assert "New inspection" in client_for(inspector).get(url).content.decode()
    assert "New inspection" not in page_a


def test_list_has_no_n_plus_1(hanoi, inspector, django_assert_max_num_queries):
    client = client_for(inspector)
    url = reverse("inspections:list")
    inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200
    for n in range(3):
        inspection = inspection_of(
            hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b], title=f"K{n}"
        )
    assert inspection
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_list_xlsx_export_is_scoped(hanoi, inspector, officer_a):
    inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a], title="Kiểm tra A")
    inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_b], title="Kiểm tra B")
    response = client_for(officer_a).get(reverse("inspections:list"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == "Tên đợt kiểm tra"
    assert [r[1] for r in rows[1:]] == ["Kiểm tra A"]
    assert rows[1][8] == "Phường Ba Đình"
    assert rows[1][2] == "Kiểm tra công vụ theo kế hoạch"
    pdf = client_for(officer_a).get(reverse("inspections:list"), {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "DANH SÁCH CÁC ĐỢT KIỂM TRA CÔNG VỤ" in text
    assert "Kiểm tra A" in text
    assert "Kiểm tra B" not in text


def test_create_inspection_by_inspector(hanoi, inspector, inspector_client, officer_b):
    response = inspector_client.post(
        reverse("inspections:create"),
        {
            "unit": hanoi.inspectorate.pk,
            "title": "Kiểm tra đột xuất việc chấp hành giờ giấc",
            "kind": "surprise",
            "decision_number": "30/QĐ-TTTP",
            "decision_date": "01/03/2026",
            "decision_signer": "Chánh Thanh tra",
            "start_date": "02/03/2026",
            "end_date": "03/03/2026",
            "targets": [hanoi.ward_a.pk, hanoi.ward_b.pk],
            "checklist": [c.pk for c in ChecklistItem.objects.all()[:2]],
            "head": inspector.pk,
            "persons": [officer_b.pk],
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == inspection.get_absolute_url()
    assert inspection.kind == "surprise"
    assert inspection.targets.count() == 2
    assert inspection.team.get().user == inspector
    # The person inspected goes with the target unit they are a member of.
    assert list(inspection.targets.get(unit=hanoi.ward_b).persons.all()) == [officer_b]
    assert not inspection.targets.get(unit=hanoi.ward_a).persons.exists()


def test_create_inspection_refuses_a_person_outside_the_targets(
    hanoi, inspector, inspector_client, officer_b
):
    response = inspector_client.post(
        reverse("inspections:create"),
        {
            "unit": hanoi.inspectorate.pk,
            "title": "Kiểm tra",
            "kind": "planned",
            "decision_number": "31/QĐ-TTTP",
            "decision_date": "01/03/2026",
            "decision_signer": "Chánh Thanh tra",
            "start_date": "02/03/2026",
            "end_date": "03/03/2026",
            "targets": [hanoi.ward_a.pk],
            "checklist": [c.pk for c in ChecklistItem.objects.all()[:1]],
            "persons": [officer_b.pk],
        },
    )
    assert response.status_code == 200
    assert "is not a member of any inspected unit." in response.content.decode()
    assert not Inspection.objects.exists()


def test_create_inspection_bad_dates_show_the_message(hanoi, inspector, inspector_client):
    response = inspector_client.post(
        reverse("inspections:create"),
        {
            "unit": hanoi.inspectorate.pk,
            "title": "Kiểm tra",
            "kind": "planned",
            "decision_number": "30/QĐ-TTTP",
            "decision_date": "01/03/2026",
            "decision_signer": "Chánh Thanh tra",
            "start_date": "05/03/2026",
            "end_date": "03/03/2026",
            "targets": [hanoi.ward_a.pk],
            "checklist": [ChecklistItem.objects.first().pk],
        },
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert not Inspection.objects.exists()


def test_create_inspection_forbidden_for_unit_officer(client_a):
    assert client_a.get(reverse("inspections:create")).status_code == 403


def test_surprise_detail_is_404_for_target_until_started(hanoi, inspector, client_a):
    inspection = inspection_of(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_a], kind=Inspection.Kind.SURPRISE
    )
    url = inspection.get_absolute_url()
    assert client_a.get(url).status_code == 404
    start_inspection(inspection, actor=inspector)
    assert client_a.get(url).status_code == 200


def test_detail_other_unit_is_404(hanoi, inspector, client_b):
    inspection = inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    assert client_b.get(inspection.get_absolute_url()).status_code == 404


def test_team_member_records_finding_with_photo_on_the_page(hanoi, inspector, inspector_client):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    page = inspector_client.get(inspection.get_absolute_url()).content.decode()
    assert 'data-testid="finding-form"' in page
    assert 'enctype="multipart/form-data"' in page
    response = inspector_client.post(
        reverse("inspections:finding_add", args=[inspection.pk]),
        {
            "unit": hanoi.ward_a.pk,
            "item": ChecklistItem.objects.get(code="THAIDO").pk,
            "severity": "serious",
            "description": "Cán bộ có thái độ thiếu tôn trọng với người dân",
            "photos": [photo("a.png"), photo("b.png")],
        },
    )
    assert response.status_code == 302
    saved = Finding.objects.get()
    assert saved.created_by == inspector
    assert saved.files.count() == 2
    page = inspector_client.get(inspection.get_absolute_url()).content.decode()
    assert "thái độ thiếu tôn trọng" in page
    assert "a.png" in page


def test_bad_file_is_refused_on_the_form(hanoi, inspector, inspector_client):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    response = inspector_client.post(
        reverse("inspections:finding_add", args=[inspection.pk]),
        {
            "unit": hanoi.ward_a.pk,
            "item": ChecklistItem.objects.get(code="GIO").pk,
            "severity": "minor",
            "description": "Đi muộn",
            "photos": [SimpleUploadedFile("x.png", b"MZ\x90\x00", content_type="image/png")],
        },
    )
    assert response.status_code == 200
    assert "does not contain what its name says" in response.content.decode()
    assert not Finding.objects.exists()


def test_inspected_unit_cannot_record_or_conclude(hanoi, inspector, client_a, city_plan):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    page = client_a.get(inspection.get_absolute_url()).content.decode()
    assert 'data-testid="finding-form"' not in page
    assert 'data-testid="inspection-actions"' not in page
    response = client_a.post(
        reverse("inspections:finding_add", args=[inspection.pk]),
        {"unit": hanoi.ward_a.pk, "description": "x"},
    )
    assert response.status_code == 403
    assert client_a.get(reverse("inspections:conclude", args=[inspection.pk])).status_code == 403
    assert client_a.post(reverse("inspections:start", args=[inspection.pk])).status_code == 403
    assert client_a.get(reverse("inspections:minutes_pdf", args=[inspection.pk])).status_code == 403
    assert not Finding.objects.exists()


def test_target_sees_only_findings_about_its_unit(hanoi, inspector, client_a, client_b):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b])
    finding(inspection, inspector, hanoi.ward_a, description="Tồn tại ở Ba Đình")
    other = finding(
        inspection, inspector, hanoi.ward_b, description="Tồn tại ở Hoàn Kiếm", files=[photo()]
    )
    page = client_a.get(inspection.get_absolute_url()).content.decode()
    assert "Tồn tại ở Ba Đình" in page
    assert "Tồn tại ở Hoàn Kiếm" not in page
    # Issue 16, item 12: nothing is said about the findings one may not see (not "none").
    findings = page[page.index('data-testid="findings"') :]
    assert hanoi.ward_b.name not in findings[: findings.index("</section>")]
    stored = other.files.get()
    url = reverse("inspections:finding_file", args=[stored.pk])
    assert client_a.get(url).status_code == 404
    response = client_b.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    # Always a download, never rendered inline.
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def test_start_from_the_page(hanoi, inspector, inspector_client):
    inspection = inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    response = inspector_client.post(reverse("inspections:start", args=[inspection.pk]))
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.IN_PROGRESS


def _conclusion_post(hanoi, **recs: Any) -> dict[str, Any]:
    data = {
        "number": "20/TB-TTTP",
        "date": "06/03/2026",
        "signer": "Chánh Thanh tra Thành phố",
        "text": "Kết luận kiểm tra công vụ",
        "rec-TOTAL_FORMS": "3",
        "rec-INITIAL_FORMS": "0",
        "rec-MIN_NUM_FORMS": "0",
        "rec-MAX_NUM_FORMS": "50",
        "rec-0-text": "Chấn chỉnh giờ giấc làm việc",
        "rec-0-unit": hanoi.ward_a.pk,
        "rec-0-deadline": "30/04/2026",
    }
    return data | recs


def test_conclude_with_recommendations_creates_tasks(hanoi, inspector, inspector_client, city_plan):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b])
    url = reverse("inspections:conclude", args=[inspection.pk])
    assert "Recommendation 1" in inspector_client.get(url).content.decode()
    assert 'id="id_rec-5-text"' in inspector_client.get(url, {"rows": 6}).content.decode()
    data = _conclusion_post(
        hanoi,
        **{
            "rec-1-text": "Niêm yết thủ tục hành chính",
            "rec-1-unit": hanoi.ward_b.pk,
            "rec-1-deadline": "31/05/2026",
        },
    )
    response = inspector_client.post(url, data)
    assert response.status_code == 302
    conclusion = Conclusion.objects.get()
    assert conclusion.recommendations.count() == 2
    tasks = Task.objects.filter(source=Task.Source.INSPECTION).order_by("code")
    assert [t.lead_unit for t in tasks] == [hanoi.ward_a, hanoi.ward_b]
    page = inspector_client.get(inspection.get_absolute_url()).content.decode()
    assert "Niêm yết thủ tục hành chính" in page
    assert tasks[0].code in page


def test_conclude_refusal_is_shown_and_nothing_written(hanoi, inspector, inspector_client):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    response = inspector_client.post(
        reverse("inspections:conclude", args=[inspection.pk]), _conclusion_post(hanoi)
    )
    assert response.status_code == 200
    assert "issued reform plan for 2026" in response.content.decode()
    assert not Conclusion.objects.exists()


def test_minutes_docx_and_pdf_open_with_vietnamese_text(hanoi, inspector, inspector_client):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    finding(inspection, inspector, hanoi.ward_a, description="Cán bộ một cửa vắng mặt")
    response = inspector_client.get(reverse("inspections:minutes_docx", args=[inspection.pk]))
    assert response.status_code == 200
    assert f"bien-ban-kiem-tra-{inspection.pk}.docx" in response["Content-Disposition"]
    document = assert_official_docx(response.content)  # A4, the header, "Nơi nhận" last
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "BIÊN BẢN" in text
    assert "Kiểm tra công vụ theo kế hoạch" in text
    assert "Số:       /BB-" in cells
    assert "Cán bộ một cửa vắng mặt" in cells
    signers = [c.text for c in document.tables[-2].rows[0].cells]
    assert "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA" in signers[0]
    assert "TRƯỞNG ĐOÀN KIỂM TRA" in signers[1]
    assert "Phường Ba Đình" in document.tables[-1].rows[0].cells[0].text  # a recipient
    pdf = inspector_client.get(reverse("inspections:minutes_pdf", args=[inspection.pk]))
    assert pdf.status_code == 200
    content = assert_official_pdf(pdf.content)
    assert "BIÊN BẢN" in content
    assert "/BB-" in content
    assert "TRƯỞNG ĐOÀN KIỂM TRA" in content
    assert "vắng mặt" in content


def test_reinspection_page_and_verdict(hanoi, inspector, inspector_client, city_plan):
    first = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    rec = concluded(first, inspector, [hanoi.ward_a]).recommendations.get()
    later = started(
        hanoi.inspectorate, inspector, targets=[hanoi.ward_a], start=datetime.date(2026, 6, 1)
    )
    url = reverse("inspections:reinspection", args=[later.pk])
    page = inspector_client.get(url).content.decode()
    assert rec.reference in page
    response = inspector_client.post(
        reverse("inspections:verdict", args=[later.pk, rec.pk]),
        {f"r{rec.pk}-verdict": "not_remedied", f"r{rec.pk}-evidence": "Vẫn vi phạm"},
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.status == Recommendation.Status.NOT_REMEDIED
    assert Verdict.objects.get().inspection == later
    assert "Judged by this re-inspection." in inspector_client.get(url).content.decode()


def test_recommendation_list_scoped_no_n_plus_1_and_xlsx(
    hanoi, inspector, officer_a, officer_b, city_plan, django_assert_max_num_queries
):
    first = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b])
    concluded(first, inspector, [hanoi.ward_a])
    url = reverse("inspections:recommendations")
    client = client_for(inspector)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    for n in range(3):
        more = started(
            hanoi.inspectorate, inspector, targets=[hanoi.ward_a, hanoi.ward_b], title=f"K{n}"
        )
        concluded(more, inspector, [hanoi.ward_a, hanoi.ward_b])
    with django_assert_max_num_queries(8):
        page = client.get(url).content.decode()
    assert page.count("data-recommendation=") == 7
    assert client_for(officer_a).get(url).content.decode().count("data-recommendation=") == 4
    assert client_for(officer_b).get(url).content.decode().count("data-recommendation=") == 3
    export = client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã kiến nghị"
    assert len(rows) == 8
    assert rows[1][1] == "Phường Ba Đình"
    pdf = client_for(officer_b).get(url, {"format": "pdf"})
    text = pdf_text(pdf.content)
    assert "KIẾN NGHỊ SAU KIỂM TRA CÔNG VỤ CHƯA KHẮC PHỤC" in text
    assert "Tổng số: 3 kiến nghị" in text
    assert "Phường Ba Đình" not in text


def test_overview_page(hanoi, inspector, city_admin, city_plan):
    inspection = started(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    finding(inspection, inspector, hanoi.ward_a)
    concluded(inspection, inspector, [hanoi.ward_a])
    response = client_for(city_admin).get(reverse("inspections:overview"), {"year": 2026})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Phường Ba Đình" in page  # open recommendations by unit
    assert "Phường Hoàn Kiếm" in page  # never inspected this year
    assert "0/1" in page  # remediation rate
    assert 'data-source="findings-chart"' in page


def test_plans_page_create(hanoi, inspector, client_a):
    client = client_for(inspector)
    response = client.post(
        reverse("inspections:plans"),
        {"unit": hanoi.inspectorate.pk, "year": 2026, "title": "Kế hoạch kiểm tra công vụ 2026"},
    )
    assert response.status_code == 302
    assert (
        "Kế hoạch kiểm tra công vụ 2026"
        in client.get(reverse("inspections:plans")).content.decode()
    )
    assert client_a.post(reverse("inspections:plans"), {"year": 2026}).status_code == 403
    assert AuditEvent.objects.filter(verb="inspections.create_plan").count() == 1


def test_no_minutes_for_an_inspection_not_yet_held(hanoi, inspector, inspector_client):
    planned = inspection_of(hanoi.inspectorate, inspector, targets=[hanoi.ward_a])
    page = inspector_client.get(reverse("inspections:detail", args=[planned.pk])).content.decode()
    assert "minutes.docx" not in page
    assert "minutes.pdf" not in page
    for name in ("inspections:minutes_docx", "inspections:minutes_pdf"):
        assert inspector_client.get(reverse(name, args=[planned.pk])).status_code == 404

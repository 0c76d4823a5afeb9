"""Periodic report pages, exports (DOCX, PDF, XLSX read back), the API and par_report."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from cchc.accounts.actions import create_api_token
from cchc.core.tests.helpers import assert_constant_queries, assert_shows
from cchc.reports import actions
from cchc.reports.models import Indicator, PeriodicReport
from cchc.reports.tests.factories import period, write


@pytest.fixture
def accepted(hanoi, officer_a, city_admin) -> PeriodicReport:
    report = actions.start_report(hanoi.ward_a, actor=officer_a, year=2026, period=period("q3"))
    write(report, officer_a, text="Phường đã rà soát 12 thủ tục hành chính.")
    actions.set_annex_value(
        report,
        Indicator.objects.get(code="CĐS.01"),
        actor=officer_a,
        version=report.version,
        value=Decimal(154),
    )
    actions.submit_report(report, actor=officer_a, version=report.version)
    return actions.accept_report(report, actor=city_admin)


@pytest.mark.django_db
def test_focal_point_starts_edits_and_submits(client_a, hanoi) -> None:
    response = client_a.post(
        reverse("reports:periodic_list"),
        {"unit": hanoi.ward_a.pk, "year": 2026, "period": period("q3").pk},
    )
    report = PeriodicReport.objects.get()
    assert response.url == report.get_absolute_url()
    page = client_a.get(report.get_absolute_url()).content.decode()
    assert "15/06/2026" in page
    assert "14/09/2026" in page
    section = report.texts.get(section__code="digital").section_id
    data = {"version": report.version, f"{section}-results": "Đã cung cấp 35 dịch vụ công."}
    client_a.post(reverse("reports:periodic_edit", args=[report.pk]), data)
    assert report.texts.get(section_id=section).results == "Đã cung cấp 35 dịch vụ công."
    stale = client_a.post(reverse("reports:periodic_edit", args=[report.pk]), data)
    assert stale.status_code == 400
    assert_shows(
        stale, "Someone else changed this report since you opened it. Reload and try again."
    )
    client_a.post(reverse("reports:periodic_submit", args=[report.pk]), {"version": 2})
    report.refresh_from_db()
    assert report.status == PeriodicReport.Status.SUBMITTED


@pytest.mark.django_db
def test_other_wards_report_is_404_and_decisions_are_the_departments(
    accepted, client_a, client_b, admin_client_
) -> None:
    assert client_b.get(accepted.get_absolute_url()).status_code == 404
    assert client_b.get(reverse("reports:periodic_docx", args=[accepted.pk])).status_code == 404
    assert "Phường Ba Đình" not in client_b.get(reverse("reports:periodic_list")).content.decode()
    assert client_a.post(reverse("reports:periodic_accept", args=[accepted.pk])).status_code == 403


@pytest.mark.django_db
def test_city_report_shows_the_wards_figures_and_text(accepted, hanoi, admin_client_) -> None:
    admin_client_.post(
        reverse("reports:periodic_list"),
        {"unit": hanoi.city.pk, "year": 2026, "period": period("q3").pk},
    )
    city = PeriodicReport.objects.get(unit=hanoi.city)
    page = admin_client_.get(city.get_absolute_url()).content.decode()
    assert "Phường đã rà soát 12 thủ tục hành chính." in page  # the ward's text
    admin_client_.post(
        reverse("reports:periodic_consolidate", args=[city.pk]), {"version": city.version}
    )
    page = admin_client_.get(city.get_absolute_url()).content.decode()
    assert "154" in page  # the ward's typed-in figure, summed


@pytest.mark.django_db
def test_exports_follow_the_decree_30_layout(accepted, client_a) -> None:
    response = client_a.get(reverse("reports:periodic_docx", args=[accepted.pk]))
    assert response["Content-Disposition"].endswith('bao-cao-cchc-2026-q3-00004.docx"')
    word = Document(io.BytesIO(response.content))
    header = word.tables[0].rows[0].cells
    assert "ỦY BAN NHÂN DÂN\nPHƯỜNG BA ĐÌNH" in header[0].text
    assert "Số: 12/BC-UBND" in header[0].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1].text
    assert "Độc lập - Tự do - Hạnh phúc" in header[1].text
    assert "Hà Nội, ngày" in header[1].text
    text = "\n".join(p.text for p in word.paragraphs)
    assert "BÁO CÁO" in text
    assert "quý III năm 2026" in text
    assert "Phường đã rà soát 12 thủ tục hành chính." in text
    signature = word.tables[-1].rows[0].cells
    assert "Nơi nhận:" in signature[0].text
    assert "Nguyễn Văn A" in signature[1].text
    section = word.sections[0]
    assert round(section.left_margin.cm, 1) == 3.0
    assert round(section.page_width.cm, 1) == 21.0
    assert word.styles["Normal"].font.name == "Times New Roman"
    pdf = client_a.get(reverse("reports:periodic_pdf", args=[accepted.pk])).content
    assert pdf.startswith(b"%PDF")
    book = load_workbook(
        io.BytesIO(client_a.get(reverse("reports:periodic_xlsx", args=[accepted.pk])).content)
    )
    sheet = book.active
    assert [c.value for c in sheet[2]] == [
        "STT",
        "Mã chỉ tiêu",
        "Chỉ tiêu",
        "Đơn vị tính",
        "Số liệu",
        "Nguồn số liệu",
    ]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["CĐS.01"][4] == 154
    assert rows["CĐS.01"][5] == "Đơn vị nhập"
    assert rows["CD.01"][5] == "Tính từ dữ liệu nền tảng"


@pytest.mark.django_db
def test_list_queries_do_not_grow(hanoi, city_admin, admin_client_) -> None:
    units = [hanoi.ward_a, hanoi.ward_b, hanoi.home_affairs, hanoi.inspectorate]

    def add(n: int) -> None:
        for unit in units[PeriodicReport.objects.count() : n]:
            actions.start_report(unit, actor=city_admin, year=2026, period=period("q1"))

    assert_constant_queries(lambda: admin_client_.get(reverse("reports:periodic_list")), add)


@pytest.mark.django_db
def test_par_report_command_and_api(accepted, hanoi, city_admin, officer_b, tmp_path) -> None:
    out = io.StringIO()
    call_command("par_report", "2026", "q3", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert (body["from"], body["to"], body["due"]) == ("2026-06-15", "2026-09-14", "2026-09-20")
    assert len(body["sections"]) >= 7
    assert body["annex"]["CĐS.01"] == 154  # the city: the ward's accepted figure
    procedures = next(s for s in body["sections"] if s["code"] == "procedures")
    assert "Phường Ba Đình: Phường đã rà soát 12 thủ tục hành chính." in procedures["text"]
    path = tmp_path / "ward.docx"
    call_command("par_report", "2026", "q3", "--unit", "00004", "--docx", str(path))
    assert "BÁO CÁO" in "\n".join(p.text for p in Document(str(path)).paragraphs)
    _token, key = create_api_token(actor=city_admin, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    api = Client()
    city = api.get("/api/v1/reports/periodic/city/2026/q3/", **auth).json()
    assert city == body
    listed = api.get("/api/v1/reports/periodic/", **auth).json()
    assert [r["unit"] for r in listed] == ["00004"]
    one = api.get(f"/api/v1/reports/periodic/{accepted.pk}/", **auth).json()
    assert one["annex"]["CĐS.01"] == 154
    _token, key_b = create_api_token(actor=officer_b, name="test")
    other = {"HTTP_AUTHORIZATION": f"Bearer {key_b}"}
    assert api.get(f"/api/v1/reports/periodic/{accepted.pk}/", **other).status_code == 404
    assert api.get("/api/v1/reports/periodic/city/2026/q3/", **other).status_code == 404

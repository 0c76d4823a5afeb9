"""The pages and the API of the service index: scoping (each unit its own, the city all), the
late dossiers and the apology letter (DOCX read back), the import page's error report, the
daily push through the API."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from cchc.accounts.models import Membership
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_official_docx
from cchc.services.models import ApologyLetter, Dossier
from cchc.services.tests.helpers import dossier, october_rows, write_csv


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def october(hanoi, tmp_path):
    rows = [*october_rows(), dossier("B1", "00070", "2024-10-03", "2024-10-08", "2024-10-07")]
    call_command("import_dossiers", write_csv(tmp_path / "d.csv", rows), stdout=io.StringIO())
    return hanoi


def test_each_unit_sees_its_own(october, officer_a, officer_b, city_admin):
    url = f"/services/unit/{october.ward_a.pk}/2024/10/late/"
    assert _client(officer_a).get(url).status_code == 200
    assert _client(officer_b).get(url).status_code == 404
    page = _client(city_admin).get("/services/?month=2024-10").content.decode()
    assert 'data-unit="00004"' in page
    assert 'data-unit="00070"' in page
    own = _client(officer_b).get("/services/?month=2024-10").content.decode()
    assert 'data-unit="00070"' in own
    assert 'data-unit="00004"' not in own


def test_drill_down_from_the_on_time_rate(october, officer_a):
    url = f"/services/unit/{october.ward_a.pk}/2024/10/rate/on_time_rate/?counted=0"
    page = _client(officer_a).get(url).content.decode()
    assert 'data-dossier="D2"' in page
    assert 'data-dossier="D4"' in page
    assert 'data-dossier="D1"' not in page


def test_the_ward_issues_an_apology_letter(october, officer_a, django_assert_max_num_queries):
    client = _client(officer_a)
    d4 = Dossier.objects.get(code="D4")
    response = client.post(
        f"/services/dossier/{d4.pk}/apology/",
        {
            "number": "12/PXL",
            "issued_on": "21/10/2024",
            "new_due_on": "25/10/2024",
            "reason": "Cần xác minh thêm hồ sơ địa chính",
            "signer": "Nguyễn Văn A",
        },
    )
    assert response.status_code == 302
    letter = ApologyLetter.objects.get(dossier=d4)
    assert AuditEvent.objects.filter(verb="services.apology").exists()
    with django_assert_max_num_queries(12):
        page = client.get(f"/services/unit/{october.ward_a.pk}/2024/10/late/").content.decode()
    assert "12/PXL" in page
    assert "21/10/2024" in page
    docx = assert_official_docx(client.get(f"/services/apology/{letter.pk}.docx").content)
    cells = "\n".join(c.text for table in docx.tables for c in table.rows[0].cells)
    assert "Số: 12/PXL" in cells
    assert "ngày 21 tháng 10 năm 2024" in cells
    assert "THỦ TRƯỞNG CƠ QUAN" in cells
    assert "Nguyễn Văn A" in cells
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "D4" in text
    assert "25/10/2024" in text
    assert "Cần xác minh thêm" in text
    # a dossier completed on time gets none
    d1 = Dossier.objects.get(code="D1")
    again = client.post(
        f"/services/dossier/{d1.pk}/apology/",
        {"number": "13", "issued_on": "21/10/2024", "reason": "x", "signer": "y"},
    )
    assert "not late" in again.content.decode() or "trễ" in again.content.decode()


def test_a_viewer_may_not_issue(october):
    viewer = UserFactory(username="viewer")
    MembershipFactory(user=viewer, unit=october.ward_a, role=Membership.Role.VIEWER)
    d4 = Dossier.objects.get(code="D4")
    assert _client(viewer).get(f"/services/dossier/{d4.pk}/apology/").status_code == 403


def test_the_import_page_offers_the_error_report(hanoi, city_admin, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [dossier("X1", "99999", "2024-10-01", "2024-10-05")])
    upload = SimpleUploadedFile("bad.csv", Path(path).read_bytes(), content_type="text/csv")
    client = _client(city_admin)
    page = client.post("/services/import/", {"dossiers": upload}).content.decode()
    assert 'data-testid="refused"' in page
    from cchc.services.models import ImportRun

    run = ImportRun.objects.get()
    report = client.get(f"/services/import/{run.pk}/errors.csv").content.decode("utf-8-sig")
    assert "2,ma_don_vi" in report

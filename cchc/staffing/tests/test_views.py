"""The staffing pages: who sees and does what, what they show, query counts."""

import io
from decimal import Decimal
from unittest.mock import ANY

import openpyxl
import pytest
from django.urls import reverse

from cchc.accounts.models import Membership, User
from cchc.accounts.tests.factories import MembershipFactory, UserFactory
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_official_pdf
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.staffing.models import Headcount, StaffingPolicy
from cchc.staffing.tests.factories import legacy_ward, record, workbook
from conftest import Hanoi, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(hanoi: Hanoi, city_admin: User) -> None:
    old = legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    record(old, 2015, 30, 100, actor=city_admin)
    record(hanoi.ward_a, 2021, 24, 85, actor=city_admin)
    record(hanoi.ward_b, 2015, 40, 0, actor=city_admin)
    record(hanoi.ward_b, 2021, 38, 0, actor=city_admin)


@pytest.fixture
def viewer(hanoi: Hanoi) -> User:
    user = UserFactory(username="viewer")
    MembershipFactory(user=user, unit=hanoi.city, role=Membership.Role.VIEWER)
    return user


def test_summary_rolls_up_for_the_city_admin(hanoi: Hanoi, city_admin: User, figures):
    response = client_for(city_admin).get(reverse("staffing:summary"), {"year": 2021})
    assert response.status_code == 200
    rows = {row.unit.code: row for row in response.context["page"]}
    assert list(rows) == ["01", "00004", "00070"]
    assert (rows["00004"].civil.baseline, rows["00004"].civil.current) == (30, 24)
    summary = response.context["summary"]
    assert (summary.civil.reduction, summary.civil.percent) == (8, Decimal("11.43"))
    html = response.content.decode()
    assert 'data-testid="total-civil-percent">11.43%' in html
    assert "reduction-chart-data" in html
    # Every unit with a baseline is a labelled row; the 10% targets are one line, not bars.
    chart = response.context["chart"]
    assert chart["labels"] == [row.unit.short_name or row.unit.name for row in rows.values()]
    assert chart["horizontal"] is True
    assert (chart["unit"], chart["partial"]) == ("%", True)  # "11,43%", an axis not up to 100
    assert [s["name"] for s in chart["series"]] == ["Civil-servant posts", "Public-employee posts"]
    assert chart["targets"] == [
        {"name": "Civil-servant target, Public-employee target", "value": 10.0, "color": ANY}
    ]


def test_summary_is_scoped_for_an_officer(hanoi: Hanoi, officer_a: User, figures):
    response = client_for(officer_a).get(reverse("staffing:summary"), {"year": 2021})
    assert [row.unit.code for row in response.context["page"]] == ["00004"]
    assert response.context["summary"].civil.baseline == 30
    assert "Phường Hoàn Kiếm" not in response.content.decode()


def test_summary_filters_and_htmx_partial(hanoi: Hanoi, city_admin: User, figures):
    client = client_for(city_admin)
    response = client.get(
        reverse("staffing:summary"), {"year": 2021, "below": "on"}, HTTP_HX_REQUEST="true"
    )
    assert [row.unit.code for row in response.context["page"]] == ["00070"]  # 5% < 10%
    partial = response.content.decode()
    assert not partial.lstrip().startswith("<!DOCTYPE")
    assert 'data-testid="total-civil-percent">11.43%' in partial  # totals follow the filters
    response = client.get(reverse("staffing:summary"), {"year": 2021, "q": "ba dinh"})
    assert [row.unit.code for row in response.context["page"]] == ["00004"]


def test_summary_requires_login(anonymous):
    response = anonymous.get(reverse("staffing:summary"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_summary_query_count_does_not_grow_with_rows(
    hanoi: Hanoi, city_admin: User, django_assert_num_queries
):
    client = client_for(city_admin)
    wards = [OrgUnitFactory(parent=hanoi.city) for _ in range(3)]
    record(wards[0], 2015, 10, 10, actor=city_admin)
    url = reverse("staffing:summary")
    client.get(url, {"year": 2015})  # session and user loaded once
    with django_assert_num_queries(9):
        client.get(url, {"year": 2015})
    for ward in wards[1:]:
        record(ward, 2015, 10, 10, actor=city_admin)
    with django_assert_num_queries(9):
        response = client.get(url, {"year": 2015})
    assert len(response.context["page"]) == 4  # the city and three wards


def test_summary_xlsx_has_rows_and_total(hanoi: Hanoi, city_admin: User, figures):
    response = client_for(city_admin).get(reverse("staffing:summary_xlsx"), {"year": 2021})
    assert (
        response["Content-Disposition"] == 'attachment; filename="bien-che-2021-so-voi-2015.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "Biên chế công chức giao 2015"
    assert rows[2][:6] == ("00004", "    Phường Ba Đình", 30, 24, 6, 20.0)
    assert rows[-3][1:6] == ("Tổng cộng", 70, 62, 8, 11.43)
    assert rows[-1][1] == (
        "So với năm 2015 (năm gốc); chỉ tiêu giảm tối thiểu 10,00% biên chế công chức, "
        "10,00% số người làm việc viên chức (Nghị quyết 39-NQ/TW ngày 17/4/2015)"
    )


def test_summary_pdf(hanoi: Hanoi, officer_a: User, figures):
    response = client_for(officer_a).get(reverse("staffing:summary_pdf"), {"year": 2021})
    assert response["Content-Type"] == "application/pdf"
    text = assert_official_pdf(response.content, landscape=True)  # A4 landscape: a wide table
    assert "SỞ NỘI VỤ" in text
    assert "/BC-SNV" in text
    assert "Tổng hợp tinh giản biên chế năm 2021" in text
    assert "PHÓ GIÁM ĐỐC" in text


def test_unit_history_for_who_sees_the_unit(
    hanoi: Hanoi, officer_a: User, officer_b: User, figures
):
    url = reverse("staffing:unit", args=[hanoi.ward_a.pk])
    response = client_for(officer_a).get(url)
    assert [(y.year, y.figures.civil_assigned) for y in response.context["years"]] == [
        (2015, 30),
        (2021, 24),
    ]
    html = response.content.decode()
    assert "Phường Phúc Xá (cũ)" in html  # the predecessor whose history it carries
    assert 'data-testid="record-link"' in html
    assert client_for(officer_b).get(url).status_code == 404


def test_officer_records_own_ward(hanoi: Hanoi, officer_a: User):
    client = client_for(officer_a)
    url = reverse("staffing:record", args=[hanoi.ward_a.pk])
    assert client.get(url, {"year": 2025}).context["form"].initial["version"] == 0
    response = client.post(
        url,
        {
            "year": 2025,
            "civil_assigned": 25,
            "civil_actual": 23,
            "public_assigned": 0,
            "version": 0,
        },
    )
    assert response.status_code == 302
    saved = Headcount.objects.get(unit=hanoi.ward_a, year=2025)
    assert (saved.civil_assigned, saved.civil_actual, saved.public_actual) == (25, 23, None)
    assert AuditEvent.objects.filter(verb="staffing.record", actor=officer_a).count() == 1


def test_negative_entry_shows_the_refusal_and_writes_nothing(hanoi: Hanoi, officer_a: User):
    url = reverse("staffing:record", args=[hanoi.ward_a.pk])
    response = client_for(officer_a).post(
        url, {"year": 2025, "civil_assigned": -2, "public_assigned": 0, "version": 0}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["civil_assigned"] == [
        "Civil-servant posts assigned cannot be negative."
    ]
    assert not Headcount.objects.exists()


def test_huge_entry_and_implausible_year_are_refused_not_a_server_error(
    hanoi: Hanoi, officer_a: User
):
    url = reverse("staffing:record", args=[hanoi.ward_a.pk])
    response = client_for(officer_a).post(
        url, {"year": 2025, "civil_assigned": 10**20, "public_assigned": 0, "version": 0}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["civil_assigned"] == [
        "Ensure this value is less than or equal to 10000000."
    ]
    assert not Headcount.objects.exists()
    page = client_for(officer_a).get(reverse("staffing:summary"), {"year": "9" * 20})
    assert page.status_code == 200


def test_stale_form_is_refused(hanoi: Hanoi, officer_a: User, city_admin: User):
    record(hanoi.ward_a, 2025, 30, 0, actor=city_admin)
    url = reverse("staffing:record", args=[hanoi.ward_a.pk])
    response = client_for(officer_a).post(
        url, {"year": 2025, "civil_assigned": 20, "public_assigned": 0, "version": 0}
    )
    assert "Someone else has changed the figures" in response.content.decode()
    assert Headcount.objects.get(unit=hanoi.ward_a, year=2025).civil_assigned == 30


def test_record_forbidden_personas(hanoi: Hanoi, officer_b: User, viewer: User):
    url = reverse("staffing:record", args=[hanoi.ward_a.pk])
    assert client_for(officer_b).get(url).status_code == 404  # does not see ward A
    assert client_for(viewer).get(url).status_code == 403  # sees it, may not record
    data = {"year": 2025, "civil_assigned": 1, "public_assigned": 0, "version": 0}
    assert client_for(viewer).post(url, data).status_code == 403
    assert not Headcount.objects.exists()


def test_import_page_shows_row_errors_and_offers_the_report(hanoi: Hanoi, city_admin: User):
    client = client_for(city_admin)
    upload = workbook([["00004", 2021, 10, None, 0, None], ["00070", 2021, -1, None, 0, None]])
    response = client.post(reverse("staffing:import"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert "The number cannot be negative (-1)." in html
    assert not Headcount.objects.exists()
    report = client.get(reverse("staffing:import_errors"))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True)
    )
    assert rows[1] == (
        3,
        "Biên chế công chức giao (civil_assigned)",
        "The number cannot be negative (-1).",
    )


def test_import_succeeds_and_template_lists_own_units(hanoi: Hanoi, officer_a: User):
    client = client_for(officer_a)
    template = client.get(reverse("staffing:import_template"))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True)
    )
    assert [row[0] for row in rows[1:]] == ["00004"]
    response = client.post(
        reverse("staffing:import"), {"file": workbook([["00004", 2025, 20, 19, 0, 0]])}
    )
    assert response.status_code == 302
    assert Headcount.objects.get(unit=hanoi.ward_a, year=2025).civil_actual == 19


def test_import_forbidden_for_viewer_and_inspector(viewer: User, inspector: User):
    assert client_for(viewer).get(reverse("staffing:import")).status_code == 403
    assert client_for(inspector).get(reverse("staffing:import_template")).status_code == 403
    assert client_for(inspector).get(reverse("staffing:import_errors")).status_code == 403


def test_policy_page_for_city_admins_only(city_admin: User, officer_a: User):
    url = reverse("staffing:policy")
    assert client_for(officer_a).get(url).status_code == 403
    response = client_for(city_admin).post(
        url, {"baseline_year": 2016, "target_percent": "12.5", "version": 1}
    )
    assert response.status_code == 302
    policy = StaffingPolicy.current()
    assert (policy.baseline_year, policy.target_percent) == (2016, Decimal("12.50"))
    assert AuditEvent.objects.filter(verb="staffing.update_policy").count() == 1


def test_summary_lists_the_units_without_figures_for_the_year(hanoi: Hanoi, city_admin: User):
    record(hanoi.ward_a, 2015, 30, 0, actor=city_admin)
    record(hanoi.ward_a, 2021, 27, 0, actor=city_admin)
    record(hanoi.ward_b, 2015, 100, 0, actor=city_admin)
    page = client_for(city_admin).get(reverse("staffing:summary"), {"year": 2021})
    body = page.content.decode()
    assert "1 unit lacks the figures of 2015 or 2021 and is not compared:" in body
    notice = body.split('data-testid="not-reported"')[1].split("</div>")[0]
    assert "Phường Hoàn Kiếm" in notice
    assert page.context["summary"].civil.percent == Decimal("10.00")

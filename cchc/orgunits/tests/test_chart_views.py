"""The organisation chart pages: only city administrators; each form calls its action."""

import io
import re
from itertools import count

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries, html, translated
from cchc.orgunits.actions import create_unit
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from conftest import Hanoi, client_for

CHART_URLS = [
    ("orgunits:chart", False),
    ("orgunits:chart_create", False),
    ("orgunits:chart_merge", False),
    ("orgunits:chart_import", False),
    ("orgunits:chart_template", False),
    ("orgunits:chart_import_errors", False),
    ("orgunits:move", True),
    ("orgunits:end", True),
]


def shows(response: HttpResponse, message: str, **params: object) -> bool:
    """The page shows `message` (translated as the page is, then formatted, then escaped)."""
    return escape(translated(message) % params) in html(response)


def url(name: str, hanoi: Hanoi, with_pk: bool) -> str:
    return reverse(name, args=[hanoi.home_affairs.pk]) if with_pk else reverse(name)


@pytest.mark.parametrize(("name", "with_pk"), CHART_URLS)
def test_only_city_administrators_reach_the_chart(
    hanoi: Hanoi, client_a: Client, inspector: User, name: str, with_pk: bool
) -> None:
    assert client_a.get(url(name, hanoi, with_pk)).status_code == 403
    assert client_for(inspector).post(url(name, hanoi, with_pk)).status_code == 403
    assert not AuditEvent.objects.exists()


def test_the_chart_lists_departments_and_sub_units_not_wards(
    hanoi: Hanoi, admin_client_: Client
) -> None:
    create_unit(
        actor=None,
        code="01-SNV-TTLT",
        name="Trung tâm Lưu trữ lịch sử",
        kind=OrgUnit.Kind.PUBLIC_SERVICE,
        parent=hanoi.home_affairs,
    )
    page = html(admin_client_.get(reverse("orgunits:chart")))
    assert 'data-unit="01-SNV"' in page
    assert 'class="chart-level-2"><a href="/units/' in page
    assert page.index("Sở Nội vụ") < page.index("Trung tâm Lưu trữ lịch sử")
    assert "Phường Ba Đình" not in page
    assert reverse("orgunits:move", args=[hanoi.home_affairs.pk]) in page
    assert 'data-testid="manage-chart"' in html(admin_client_.get(reverse("orgunits:tree")))


def test_the_chart_page_makes_as_many_queries_with_three_departments(
    hanoi: Hanoi, admin_client_: Client
) -> None:
    codes = count()

    def add(n: int) -> None:
        for _ in range(n):
            OrgUnitFactory(code=f"01-S{next(codes)}", kind="department", parent=hanoi.city)

    assert_constant_queries(lambda: admin_client_.get(reverse("orgunits:chart")), add)


def test_create_a_department_from_the_page(
    hanoi: Hanoi, admin_client_: Client, city_admin: User
) -> None:
    response = admin_client_.post(
        reverse("orgunits:chart_create"),
        {
            "parent": hanoi.city.pk,
            "code": "01-SDL",
            "name": "Sở Du lịch",
            "short_name": "Du lịch",
            "kind": "department",
            "valid_from": "01/07/2025",
        },
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="01-SDL")
    assert (unit.parent, unit.kind, str(unit.valid_from)) == (
        hanoi.city,
        "department",
        "2025-07-01",
    )
    assert AuditEvent.objects.get(verb="orgunits.create").actor == city_admin


def test_create_refuses_a_used_code_and_a_parent_outside_the_province(
    hanoi: Hanoi, admin_client_: Client
) -> None:
    other = OrgUnitFactory(code="79", kind=OrgUnit.Kind.PROVINCE, name="TP Hồ Chí Minh")
    data = {"parent": hanoi.city.pk, "code": "01-SNV", "name": "X", "kind": "department"}
    response = admin_client_.post(reverse("orgunits:chart_create"), data)
    assert shows(response, "The code %(code)s is already used.", code="01-SNV")
    response = admin_client_.post(
        reverse("orgunits:chart_create"), {**data, "code": "79-SNV", "parent": other.pk}
    )
    assert response.status_code == 200
    assert 'name="parent"' in html(response)
    assert not OrgUnit.objects.filter(code="79-SNV").exists()
    assert not AuditEvent.objects.exists()


def test_move_end_and_merge_from_the_page(hanoi: Hanoi, admin_client_: Client) -> None:
    centre = create_unit(
        actor=None,
        code="01-SNV-TTLT",
        name="Trung tâm Lưu trữ lịch sử",
        kind=OrgUnit.Kind.PUBLIC_SERVICE,
        parent=hanoi.home_affairs,
    )
    move = reverse("orgunits:move", args=[centre.pk])
    assert "Sở Nội vụ (01-SNV)" in html(admin_client_.get(move))
    response = admin_client_.post(move, {"parent": hanoi.inspectorate.pk, "version": 1})
    assert response.status_code == 302
    centre.refresh_from_db()
    assert centre.path == "/01/01-TTTP/01-SNV-TTLT/"

    stale = admin_client_.post(
        reverse("orgunits:end", args=[centre.pk]), {"ended_on": "31/12/2025", "version": 1}
    )
    assert shows(
        stale, "Someone else changed this unit while you were editing. Reload and try again."
    )
    admin_client_.post(
        reverse("orgunits:end", args=[centre.pk]), {"ended_on": "31/12/2025", "version": 2}
    )
    centre.refresh_from_db()
    assert str(centre.valid_to) == "2025-12-31"
    assert admin_client_.get(reverse("orgunits:move", args=[centre.pk])).status_code == 404

    merge = reverse("orgunits:chart_merge")
    form = html(admin_client_.get(merge, {"unit": hanoi.inspectorate.pk}))
    assert re.search(rf'value="{hanoi.inspectorate.pk}"[^>]* checked>', form)
    response = admin_client_.post(
        merge,
        {
            "units": [hanoi.inspectorate.pk],
            "into": hanoi.home_affairs.pk,
            "merged_on": "01/03/2026",
        },
    )
    assert response.status_code == 302
    assert list(hanoi.inspectorate.successors.all()) == [hanoi.home_affairs]


def test_the_province_itself_is_not_moved_or_ended(hanoi: Hanoi, admin_client_: Client) -> None:
    assert admin_client_.get(reverse("orgunits:move", args=[hanoi.city.pk])).status_code == 404
    assert admin_client_.get(reverse("orgunits:end", args=[hanoi.ward_a.pk])).status_code == 200


def csv_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("chart.csv", text.encode())


def test_import_page_dry_run_then_import(hanoi: Hanoi, admin_client_: Client) -> None:
    text = "code,name,kind,parent_code,valid_from\n01-SDL,Sở Du lịch,Sở,01,2025-07-01\n"
    page = reverse("orgunits:chart_import")
    response = admin_client_.post(page, {"file": csv_upload(text), "dry_run": "on"})
    assert shows(
        response,
        "Check passed, nothing was written. The import would create %(created)s, "
        "update %(updated)s and move %(moved)s units; %(unchanged)s are unchanged.",
        created=1,
        updated=0,
        moved=0,
        unchanged=0,
    )
    assert not OrgUnit.objects.filter(code="01-SDL").exists()

    response = admin_client_.post(page, {"file": csv_upload(text)})
    assert response.status_code == 302
    assert OrgUnit.objects.get(code="01-SDL").name == "Sở Du lịch"


def test_import_page_shows_row_errors_and_the_report_downloads(
    hanoi: Hanoi, admin_client_: Client
) -> None:
    text = "code,name,kind,parent_code\n01-SDL,Sở Du lịch,bộ,01\n"
    response = admin_client_.post(reverse("orgunits:chart_import"), {"file": csv_upload(text)})
    page = html(response)
    assert 'data-testid="import-errors"' in page
    assert shows(
        response,
        "“%(text)s” is not a kind of unit (write one of: %(kinds)s).",
        text="bộ",
        kinds="province, department, public_service, ward, commune, special_zone",
    )
    report = admin_client_.get(reverse("orgunits:chart_import_errors"))
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == (2, "Loại (kind)")
    assert not OrgUnit.objects.filter(code="01-SDL").exists()


def test_the_template_downloads_the_current_chart(hanoi: Hanoi, admin_client_: Client) -> None:
    response = admin_client_.get(reverse("orgunits:chart_template"))
    assert 'filename="co-cau-to-chuc.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["01", "01-SNV", "01-TTTP"]
    assert rows[2][2:4] == ("department", "01")

"""The successor-share pages: the list, one unit's form and the XLSX import (city
administrators only), all or nothing with row errors."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries
from cchc.orgunits.models import OrgUnit
from cchc.staffing.imports import SHARE_COLUMNS
from cchc.staffing.models import SuccessorShare
from cchc.staffing.tests.factories import legacy_ward, record
from conftest import Hanoi, client_for

pytestmark = pytest.mark.django_db


def _upload(rows: list[list[object]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([column.header for column in SHARE_COLUMNS])
    for row in rows:
        sheet.append(row)
    content = io.BytesIO()
    book.save(content)
    return SimpleUploadedFile("ty-le.xlsx", content.getvalue())


@pytest.fixture
def split(hanoi: Hanoi, city_admin: User) -> OrgUnit:
    unit = legacy_ward("00010", "Phường Điện Biên (cũ)", successors=[hanoi.ward_a, hanoi.ward_b])
    record(unit, 2021, 10, 0, actor=city_admin)
    return unit


def test_list_shows_equal_shares_to_confirm(split, city_admin: User, officer_a: User):
    page = client_for(city_admin).get(reverse("staffing:shares"))
    html = page.content.decode()
    assert "Phường Điện Biên (cũ)" in html
    assert "Phường Ba Đình: 50%" in html
    assert 'data-testid="shares-to-confirm"' in html
    assert client_for(officer_a).get(reverse("staffing:shares")).status_code == 403


def test_list_query_count_is_constant(hanoi: Hanoi, city_admin: User):
    client = client_for(city_admin)

    def add(n: int) -> None:
        for i in range(n):
            legacy_ward(
                f"0090{i}{n}", f"Phường {n}-{i} (cũ)", successors=[hanoi.ward_a, hanoi.ward_b]
            )

    assert_constant_queries(lambda: client.get(reverse("staffing:shares")), add)


def test_edit_confirms_the_shares(split, hanoi: Hanoi, city_admin: User):
    url = reverse("staffing:share_edit", args=[split.pk])
    form = client_for(city_admin).get(url)
    assert f"share_{hanoi.ward_a.pk}" in form.content.decode()
    refused = client_for(city_admin).post(
        url, {f"share_{hanoi.ward_a.pk}": "70", f"share_{hanoi.ward_b.pk}": "20"}
    )
    assert "add up to 90" in refused.content.decode()
    response = client_for(city_admin).post(
        url, {f"share_{hanoi.ward_a.pk}": "70", f"share_{hanoi.ward_b.pk}": "30"}
    )
    assert response.status_code == 302
    assert dict(SuccessorShare.objects.values_list("successor_id", "share")) == {
        hanoi.ward_a.pk: Decimal("70.00"),
        hanoi.ward_b.pk: Decimal("30.00"),
    }
    summary = client_for(city_admin).get(reverse("staffing:summary"), {"year": 2021})
    assert 'data-testid="shares-to-confirm"' not in summary.content.decode()


def test_import_is_all_or_nothing(split, hanoi: Hanoi, city_admin: User):
    client = client_for(city_admin)
    bad = client.post(
        reverse("staffing:share_import"),
        {"file": _upload([["~00010", "00004", 60], ["~00010", "99999", 40]])},
    )
    errors = bad.context["errors"]
    assert [(e.row, e.message) for e in errors] == [
        (3, "“99999” is not the code of a unit."),
        (2, "A share is missing for Phường Hoàn Kiếm."),
    ]
    assert not SuccessorShare.objects.exists()
    good = client.post(
        reverse("staffing:share_import"),
        {"file": _upload([["~00010", "00004", 60], ["~00010", "00070", "40"]])},
    )
    assert good.status_code == 302
    assert SuccessorShare.objects.get(successor=hanoi.ward_a).share == Decimal("60.00")
    event = AuditEvent.objects.get(verb="staffing.import_shares")
    assert (event.details["predecessors"], event.details["shares"]) == (1, 2)


def test_template_lists_the_current_shares(split, city_admin: User):
    response = client_for(city_admin).get(reverse("staffing:share_template"))
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert [r[:3] for r in rows[1:]] == [("~00010", "00004", 50), ("~00010", "00070", 50)]


def test_officers_cannot_import_or_edit(split, officer_a: User):
    client = client_for(officer_a)
    assert client.get(reverse("staffing:share_import")).status_code == 403
    assert client.get(reverse("staffing:share_edit", args=[split.pk])).status_code == 403

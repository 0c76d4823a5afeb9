"""Importing headcount from XLSX: all or nothing, row errors, legacy codes, replacing."""

import pytest
from django.core.exceptions import ValidationError

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.staffing.actions import max_year
from cchc.staffing.imports import import_headcount
from cchc.staffing.models import Headcount
from cchc.staffing.tests.factories import legacy_ward, record, workbook
from conftest import Hanoi

pytestmark = pytest.mark.django_db


def test_import_creates_and_replaces_with_one_audit_event(hanoi: Hanoi, city_admin: User):
    old = legacy_ward("00001", "Phường Phúc Xá (cũ)", successors=[hanoi.ward_a])
    record(hanoi.home_affairs, 2021, 1, 1, actor=city_admin)
    upload = workbook(
        [
            ["01-SNV", 2015, 120, 118, 40, None],
            ["01-SNV", 2021, 100, 97, 35, 30],
            ["~00001", 2015, 22, 21, 0, 0],
            ["00004", 2025, "20", None, 0, None],
        ]
    )
    result = import_headcount(actor=city_admin, upload=upload)
    assert result.ok
    assert result.rows == 4
    replaced = Headcount.objects.get(unit=hanoi.home_affairs, year=2021)
    assert (replaced.civil_assigned, replaced.civil_actual, replaced.version) == (100, 97, 2)
    assert Headcount.objects.get(unit=old, year=2015).civil_assigned == 22
    assert Headcount.objects.get(unit=hanoi.ward_a, year=2025).civil_actual is None
    event = AuditEvent.objects.get(verb="staffing.import")
    assert (event.details["created"], event.details["replaced"]) == (3, 1)


def test_import_with_a_broken_row_writes_nothing(hanoi: Hanoi, city_admin: User):
    upload = workbook(
        [
            ["01-SNV", 2015, 120, 118, 40, None],
            ["00004", 2015, -3, None, 0, None],
            ["99999", 2015, 5, None, "abc", None],
            ["01-SNV", 2015, 1, None, 1, None],
            ["00070", 1990, 1.5, None, None, None],
        ]
    )
    result = import_headcount(actor=city_admin, upload=upload)
    assert not result.ok
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "Biên chế công chức giao (civil_assigned)", "The number cannot be negative (-3)."),
        (4, "Mã đơn vị (unit)", "“99999” is not the code of a unit whose headcount you record."),
        (4, "Số người làm việc viên chức giao (public_assigned)", "“abc” is not a whole number."),
        (
            5,
            "Năm (year)",
            "This unit and year are repeated: row 2 has them already.",
        ),
        (
            6,
            "Năm (year)",
            f"The year must be a whole number from 2000 to {max_year()} (“1990”).",
        ),
        (6, "Biên chế công chức giao (civil_assigned)", "“1.5” is not a whole number."),
        (6, "Số người làm việc viên chức giao (public_assigned)", "This cell is required."),
    ]
    assert not Headcount.objects.exists()
    assert not AuditEvent.objects.filter(verb="staffing.import").exists()


def test_numbers_written_as_text_are_digits_only_and_huge_ones_are_refused(
    hanoi: Hanoi, city_admin: User
):
    upload = workbook(
        [
            ["01-SNV", 2015, "9.000", None, "1,000", None],  # would read as 9 and 1
            ["00004", 2015, "1E5000", None, 40, None],  # refused before int() is tried
            ["00070", "2015", " 120 ", None, 40, None],  # digits in a text cell are fine
        ]
    )
    result = import_headcount(actor=city_admin, upload=upload)
    assert [(e.row, e.message) for e in result.errors] == [
        (2, "“9.000” is not a whole number."),
        (2, "“1,000” is not a whole number."),
        (3, "“1E5000” is not a whole number."),
    ]
    assert not Headcount.objects.exists()


def test_officer_imports_only_own_units(hanoi: Hanoi, officer_a: User):
    result = import_headcount(
        actor=officer_a,
        upload=workbook([["00004", 2025, 20, 19, 0, 0], ["00070", 2025, 20, 19, 0, 0]]),
    )
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "“00070” is not the code of a unit whose headcount you record.")
    ]
    assert not Headcount.objects.exists()


def test_a_file_without_rows_or_columns_is_refused(hanoi: Hanoi, city_admin: User):
    with pytest.raises(ValidationError, match="no headcount rows"):
        import_headcount(actor=city_admin, upload=workbook([]))

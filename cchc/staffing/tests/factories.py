"""Headcount for the tests, written through the actions, and small pre-2025 trees."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from cchc.accounts.models import User
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.tests.factories import OrgUnitFactory
from cchc.staffing.actions import HeadcountInput, record_headcount
from cchc.staffing.imports import COLUMNS
from cchc.staffing.models import Headcount

MERGED_ON = datetime.date(2025, 7, 1)


def record(
    unit: OrgUnit,
    year: int,
    civil: int,
    public: int,
    *,
    actor: User,
    civil_actual: int | None = None,
    public_actual: int | None = None,
) -> Headcount:
    current = Headcount.objects.filter(unit=unit, year=year).first()
    return record_headcount(
        unit,
        actor=actor,
        year=year,
        figures=HeadcountInput(civil, public, civil_actual, public_actual),
        version=current.version if current else 0,
    )


def legacy_ward(code: str, name: str, *, successors: list[OrgUnit]) -> OrgUnit:
    """A pre-2025 ward that ended on 01/07/2025 and went to `successors`."""
    unit = OrgUnitFactory(
        code=code, legacy=True, kind=OrgUnit.Kind.WARD, name=name, valid_to=MERGED_ON
    )
    unit.successors.set(successors)
    return unit


def workbook(rows: list[list[object]], *, name: str = "bien-che.xlsx") -> SimpleUploadedFile:
    """An upload laid out like the template: the header, then `rows`."""
    book = Workbook()
    sheet = book.active
    sheet.append([column.header for column in COLUMNS])
    for row in rows:
        sheet.append(row)
    content = io.BytesIO()
    book.save(content)
    return SimpleUploadedFile(
        name,
        content.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

"""Survey points: the workbook import, all or nothing, and reading them back."""

import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.indices.actions import create_framework, import_survey_points
from cchc.indices.actions.survey import COLUMNS
from cchc.indices.models import Framework, SurveyPoints
from cchc.indices.results import survey_points
from cchc.indices.tests.factories import tree
from cchc.surveys.tests.factories import accepted, campaign_of
from conftest import Hanoi


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def framework(city_admin: User) -> Framework:
    return create_framework(
        actor=city_admin, year=2026, group="wards", title="Bộ chỉ số 2026", nodes=tree()
    )


def workbook(rows: list[list[Any]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    book.active.append([column.header for column in COLUMNS])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("dieu-tra.xlsx", buffer.getvalue())


def test_import_survey_points_stores_and_replaces(
    framework: Framework, hanoi: Hanoi, city_admin: User
) -> None:
    import_survey_points(workbook([["00004", 20]]), actor=city_admin, framework=framework)

    result = import_survey_points(
        workbook([["00004", "27,08"], ["00070", 25.5]]), actor=city_admin, framework=framework
    )

    assert result.ok
    assert survey_points(framework, [hanoi.ward_a.pk, hanoi.ward_b.pk, hanoi.city.pk]) == {
        hanoi.ward_a.pk: Decimal("27.08"),
        hanoi.ward_b.pk: Decimal("25.50"),
    }
    assert AuditEvent.objects.filter(verb="indices.import_survey_points").count() == 2


def test_import_survey_points_reports_rows_and_stores_nothing(
    framework: Framework, hanoi: Hanoi, city_admin: User
) -> None:
    result = import_survey_points(
        workbook([["00004", 31], ["99999", 10], ["00070", "nhiều"], ["00070", 5]]),
        actor=city_admin,
        framework=framework,
    )

    assert [(e.row, e.message) for e in result.errors] == [
        (2, "Write points from 0 to 30."),
        (3, "No current unit has this code."),
        (4, "Write points from 0 to 30."),
    ]
    assert not SurveyPoints.objects.exists()


def test_survey_points_come_from_the_satisfaction_survey_unless_imported(
    framework: Framework, city_admin: User, hanoi: Hanoi
) -> None:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 100), (hanoi.ward_b, 100)])
    for unit in campaign.units.all():
        accepted(unit, city_admin, rating=5)  # every element satisfied: 100 percent
    import_survey_points(workbook([["00070", 12]]), actor=city_admin, framework=framework)

    points = survey_points(framework, [hanoi.ward_a.pk, hanoi.ward_b.pk, hanoi.city.pk])

    assert points == {hanoi.ward_a.pk: Decimal("30.00"), hanoi.ward_b.pk: Decimal(12)}

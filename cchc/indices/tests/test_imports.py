"""The annex workbook: import all or nothing, row by row errors, export and re-import."""

import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cchc.accounts.models import User
from cchc.indices.actions import create_framework, nodes_of
from cchc.indices.imports import COLUMNS, framework_workbook, import_framework
from cchc.indices.models import Framework
from cchc.indices.tests.factories import tree


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def workbook(rows: list[list[Any]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    book.active.append([column.header for column in COLUMNS])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("phu-luc.xlsx", buffer.getvalue())


def annex() -> list[list[Any]]:
    """tree() as annex rows, the Vietnamese way (decimal commas, method names, x flags)."""
    return [
        ["1", "", "Công tác chỉ đạo, điều hành", 30],
        ["1.1", "1", "Kế hoạch CCHC", "15", "", "Tự chấm", "", "x"],
        ["1.2", "1", "Kiểm tra CCHC", "15,0"],
        ["2", None, "Cải cách thủ tục hành chính", 40],
        ["2.1", "2", "Tỷ lệ hồ sơ đúng hạn", 40, None, "Tự động"],
        ["3", "", "Sự hài lòng của người dân", 30, 0, "Điều tra"],
        ["3.1", "3", "Tiếp cận dịch vụ", 15, 0, "điều tra"],
        ["3.2", "3", "Kết quả dịch vụ", 15, 0, "Dieu tra"],
        ["4", "", "Điểm thưởng, điểm trừ", 5, -5, "", "x"],
    ]


def test_import_framework_reads_the_annex(city_admin: User) -> None:
    result = import_framework(
        workbook(annex()), actor=city_admin, year=2026, group="wards", title="Bộ chỉ số 2026"
    )

    assert result.ok
    assert nodes_of(result.created[0]) == tree()


def test_import_framework_reports_cells_and_writes_nothing(city_admin: User) -> None:
    rows = annex()
    rows[1][3] = "mười lăm"
    rows[4][5] = "Bốc thăm"
    rows[6][0] = None

    result = import_framework(
        workbook(rows), actor=city_admin, year=2026, group="wards", title="Lỗi"
    )

    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "Điểm tối đa (max)", "Write a number of points."),
        (6, "Phương pháp (method)", "Write Tự chấm, Tự động or Điều tra."),
        (8, "Mã (code)", "This cell is required."),
    ]
    assert not Framework.objects.exists()


def test_import_framework_puts_tree_errors_on_their_rows(city_admin: User) -> None:
    rows = annex()
    rows[2][3] = 16  # 1.1 + 1.2 = 31 > 30
    rows[4][1] = "9"  # a parent that does not exist

    result = import_framework(
        workbook(rows), actor=city_admin, year=2026, group="wards", title="Cây lỗi"
    )

    assert [(e.row, e.message) for e in result.errors] == [
        (6, "2.1: its parent 9 is not in the framework."),
        (2, "1: its children add up to 31 points, more than its 30."),
    ]
    assert not Framework.objects.exists()


def test_import_framework_refuses_a_file_without_rows(city_admin: User) -> None:
    with pytest.raises(ValidationError, match="no criteria"):
        import_framework(workbook([]), actor=city_admin, year=2026, group="wards", title="Rỗng")


def test_export_then_import_gives_the_same_tree(city_admin: User) -> None:
    framework = create_framework(
        actor=city_admin, year=2026, group="wards", title="Bộ chỉ số 2026", nodes=tree()
    )
    exported = SimpleUploadedFile("bo-chi-so.xlsx", framework_workbook(framework))

    result = import_framework(
        exported, actor=city_admin, year=2027, group="wards", title="Bộ chỉ số 2027"
    )

    assert nodes_of(result.created[0]) == tree()

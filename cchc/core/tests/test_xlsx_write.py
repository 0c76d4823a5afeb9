"""Typed text starting with "=" stays text in every XLSX the platform writes (issue 16, item 3)."""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils.translation import gettext_lazy as _lazy

from cchc.core import listexport
from cchc.core.listexport import table_xlsx
from cchc.core.xlsx import append_row, styled_cell, write_cell

EVIL = '=HYPERLINK("http://evil.example","Bấm vào đây")'
ROOT = Path(__file__).resolve().parents[3]


def _reopen(workbook: openpyxl.Workbook) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def test_append_row_on_a_write_only_sheet_keeps_formula_text_as_text() -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("S")
    append_row(sheet, [EVIL, 3, None, styled_cell(sheet, "=1+1")])

    cells = next(_reopen(workbook)["S"].iter_rows())

    assert [c.value for c in cells] == [EVIL, 3, None, "=1+1"]
    assert cells[0].data_type == "s"
    assert cells[3].data_type == "s"


def test_append_row_and_write_cell_on_an_ordinary_sheet_keep_formula_text_as_text() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    append_row(sheet, ["code", EVIL])
    write_cell(sheet, 2, 2, "=SUM(A1:A9)")

    reopened = _reopen(workbook).active

    assert reopened["B1"].value == EVIL
    assert reopened["B1"].data_type == "s"
    assert reopened["B2"].value == "=SUM(A1:A9)"
    assert reopened["B2"].data_type == "s"


@pytest.fixture(params=["in memory", "streamed"])
def list_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A short list is put together in memory, a long one streamed through temporary files
    (constant_memory): both write the same cells. No row is short enough for "streamed"."""
    if request.param == "streamed":
        monkeypatch.setattr(listexport, "IN_MEMORY_ROWS", 0)


@pytest.mark.usefixtures("list_mode")
def test_list_export_keeps_a_typed_formula_as_text() -> None:
    content = table_xlsx("Kiến nghị", [("Tiêu đề", 40)], [[EVIL]])

    cell = openpyxl.load_workbook(io.BytesIO(content)).active["A2"]

    assert cell.value == EVIL
    assert cell.data_type == "s"


@pytest.mark.usefixtures("list_mode")
def test_list_export_writes_each_value_by_its_type() -> None:
    values = ["@SUM(A1)", 7, Decimal("2.5"), datetime.date(2026, 12, 7), True, None, "", _lazy("x")]
    columns = [(f"C{n}", 10) for n in range(len(values))]

    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx("Danh sách", columns, [values]))).active

    row = sheet[2]
    assert [cell.value for cell in row] == [
        "@SUM(A1)",
        7,
        2.5,
        datetime.datetime(2026, 12, 7),
        True,
        None,
        None,
        "x",
    ]
    assert [cell.data_type for cell in row[:5]] == ["s", "n", "n", "d", "b"]
    assert row[3].number_format == "DD/MM/YYYY"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == pytest.approx(10, abs=1)


def test_list_export_gives_a_long_wrapped_header_the_lines_it_needs() -> None:
    header = "Thời hạn giải quyết (days: số ngày làm việc)"  # 44 characters in a width of 20
    content = table_xlsx("Thủ tục", [(header, 20), ("Mã", 10)], [["1.000001", 3]])

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active

    assert sheet["A1"].alignment.wrap_text
    assert sheet.row_dimensions[1].height == 45  # three lines of 15 points
    assert sheet.row_dimensions[2].height is None  # the rows keep the default


def test_xlsxwriter_is_used_by_the_list_export_alone() -> None:
    """XlsxWriter writes a formula only when asked to (write_formula, or write() on text that
    starts with "="): one module, which writes text with write_string, uses it."""
    users = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "cchc").rglob("*.py")
        if "tests" not in path.parts and "xlsxwriter" in path.read_text(encoding="utf-8")
    ]
    assert users == ["cchc/core/listexport.py"]
    source = (ROOT / "cchc" / "core" / "listexport.py").read_text(encoding="utf-8")
    assert ".write(" not in source
    assert "write_formula" not in source


# A sheet written to any other way (sheet.append, sheet.cell(r, c, value), WriteOnlyCell) would
# let typed text become a formula again. Demo files are inputs to the imports, not exports.
RAW_WRITE = re.compile(
    r"\b(sheet|guide|overall|detail|spread|compare|lists|ws|worksheet)\.append\("
    r"|\.cell\([^()]*,[^()]*,[^()]*\)"
    r"|WriteOnlyCell\("
)


def _writers() -> list[Path]:
    return [
        path
        for path in (ROOT / "cchc").rglob("*.py")
        if "tests" not in path.parts
        and "demo" not in path.parts
        and path != ROOT / "cchc" / "core" / "xlsx.py"
        and "openpyxl" in path.read_text(encoding="utf-8")
    ]


@pytest.mark.parametrize("path", _writers(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_xlsx_writer_goes_through_the_safe_cell_helpers(path: Path) -> None:
    raw = [
        f"{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if RAW_WRITE.search(line) and "-> WriteOnlyCell" not in line
    ]
    assert raw == [], "write cells with cchc.core.xlsx.append_row / write_cell / styled_cell"


def test_list_export_streams_a_list_longer_than_the_in_memory_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    options: list[dict[str, bool]] = []
    workbook = listexport.xlsxwriter.Workbook

    def spy(target: io.BytesIO, settings: dict[str, bool]) -> object:
        options.append(settings)
        return workbook(target, settings)

    monkeypatch.setattr(listexport.xlsxwriter, "Workbook", spy)
    monkeypatch.setattr(listexport, "IN_MEMORY_ROWS", 2)
    for count in (2, 3):
        content = table_xlsx("Danh sách", [("Mã", 10)], ([f"M{n}"] for n in range(count)))
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [
            f"M{n}" for n in range(count)
        ]

    assert options == [{"in_memory": True}, {"constant_memory": True}]

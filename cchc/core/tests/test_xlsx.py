"""The generic XLSX import helpers: upload checks, the zip-bomb guard, header and rows, cells."""

import io
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cchc.core import xlsx
from cchc.core.xlsx import (
    Column,
    ImportResult,
    RowError,
    cell_decimal,
    cell_text,
    check_workbook_upload,
    header_positions,
    read_rows,
)

COLUMNS = [
    Column("code", "Mã", required=True),
    Column("name", "Tên", "tên đầy đủ", required=True),
    Column("note", "Ghi chú"),
]


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted by their English msgids."""
    with translation.override("en"):
        yield


def workbook(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def upload(content: bytes, name: str = "danh-sach.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_column_header_and_label_name_the_key() -> None:
    column = COLUMNS[1]
    assert column.header == "Tên (name: tên đầy đủ)"
    assert column.label == "Tên (name)"
    assert COLUMNS[0].header == "Mã (code)"


def test_check_workbook_upload_refuses_another_accepted_type() -> None:
    with pytest.raises(ValidationError) as refused:
        check_workbook_upload(upload(b"%PDF-1.7 ...", name="danh-sach.pdf"))
    assert refused.value.messages == [
        "danh-sach.pdf: import an Excel workbook (.xlsx) made from the template."
    ]


def test_check_workbook_upload_accepts_a_workbook() -> None:
    checked = check_workbook_upload(upload(workbook([["code"]])))
    assert (checked.extension, checked.original_name) == ("xlsx", "danh-sach.xlsx")


def test_read_rows_numbers_rows_as_excel_does_and_skips_empty_ones() -> None:
    content = workbook(
        [
            ["Ghi chú (note)", "Mã (code)", "Tên (name: …)", "Khác"],
            ["a", 12.0, "Một"],
            [None, None, None],
            [None, " 0007 ", "Hai ", "x"],
        ]
    )
    rows = read_rows(upload(content), name="danh-sach.xlsx", columns=COLUMNS)
    assert rows == [
        (2, {"note": "a", "code": 12, "name": "Một"}),
        (4, {"note": None, "code": " 0007 ", "name": "Hai "}),
    ]


def test_read_rows_refuses_a_header_without_a_required_column() -> None:
    content = workbook([["Mã (code)"], ["A1"]])
    with pytest.raises(ValidationError) as refused:
        read_rows(upload(content), name="danh-sach.xlsx", columns=COLUMNS)
    assert refused.value.messages == [
        "The first row lacks the columns: Tên (name: tên đầy đủ). Start from the template."
    ]


def test_read_rows_refuses_more_than_max_rows() -> None:
    content = workbook([["code", "name"], ["A1", "x"], ["A2", "y"], ["A3", "z"]])
    assert len(read_rows(upload(content), name="f.xlsx", columns=COLUMNS, max_rows=3)) == 3
    with pytest.raises(ValidationError) as refused:
        read_rows(upload(content), name="f.xlsx", columns=COLUMNS, max_rows=2)
    assert refused.value.messages == ["The file has more than 2 rows; split it."]


def test_read_rows_refuses_a_file_that_is_not_a_workbook() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "not a workbook")
    with pytest.raises(ValidationError) as refused:
        read_rows(upload(archive.getvalue()), name="gia.xlsx", columns=COLUMNS)
    assert refused.value.messages == ["gia.xlsx cannot be read as an Excel workbook."]


def test_read_rows_refuses_an_archive_that_unpacks_past_the_limit(monkeypatch) -> None:
    content = workbook([["code", "name"], ["A1", "x" * 5000]])
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED_BYTES", 4000)
    with pytest.raises(ValidationError) as refused:
        read_rows(upload(content), name="f.xlsx", columns=COLUMNS)
    assert refused.value.messages == ["The workbook is too large once unpacked."]


def test_header_positions_takes_the_bracketed_or_bare_key_first_one_wins() -> None:
    header = ["Tên (name)", None, "CODE", "code", "Mã ( code: x)", "other (x)"]
    assert header_positions(header, columns=COLUMNS) == {"name": 0, "code": 2}


def test_cell_text_and_cell_decimal() -> None:
    assert [cell_text(v) for v in (None, 12.0, 1.5, " a ", 7)] == ["", "12", "1.5", "a", "7"]
    assert cell_decimal(None) is None
    assert cell_decimal("  ") is None
    assert cell_decimal("1,5") == Decimal("1.5")
    assert cell_decimal(3) == Decimal("3")
    assert cell_decimal(2.0) == Decimal("2")
    assert not cell_decimal("abc").is_finite()
    assert not cell_decimal(True).is_finite()


def test_import_result_is_ok_without_errors() -> None:
    assert ImportResult[str](rows=2, created=["a", "b"]).ok
    failed = ImportResult[str](rows=2, errors=[RowError(3, "Mã (code)", "This cell is required.")])
    assert not failed.ok
    assert failed.created == []


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
XXE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _with_doctype(doctype: str, part: str) -> bytes:
    """A valid workbook whose `part` is prefixed with a DOCTYPE (and uses its entity)."""
    source = zipfile.ZipFile(io.BytesIO(workbook([["code", "name"], ["A1", "x"]])))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as zipped:
        for info in source.infolist():
            data = source.read(info.filename).decode()
            if info.filename == part:
                data = doctype + (data.split("?>", 1)[1] if data.startswith("<?xml") else data)
                if "ENTITY" in doctype:
                    entity = "lol3" if "lol3" in doctype else "xxe"
                    data = data.replace(">A1<", f">&{entity};<").replace(">x<", f">&{entity};<")
            zipped.writestr(info, data)
    return target.getvalue()


@pytest.mark.parametrize("doctype", [LAUGHS, XXE], ids=["laughs", "xxe"])
@pytest.mark.parametrize(
    "part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml"]
)
def test_read_rows_refuses_a_workbook_declaring_entities(doctype: str, part: str) -> None:
    with pytest.raises(ValidationError) as refused:
        read_rows(upload(_with_doctype(doctype, part)), name="xxe.xlsx", columns=COLUMNS)
    assert refused.value.messages == [
        "The workbook contains a document type declaration; save it again in Excel."
    ]


def test_read_rows_refuses_a_doctype_encoded_as_utf16() -> None:
    source = zipfile.ZipFile(io.BytesIO(workbook([["code", "name"], ["A1", "x"]])))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as zipped:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x>' + data.decode()
                data = text.encode("utf-16")
            zipped.writestr(info, data)
    with pytest.raises(ValidationError):
        read_rows(upload(target.getvalue()), name="x.xlsx", columns=COLUMNS)


def test_openpyxl_parses_through_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True

"""core.docx: the A4 page and the fast table read back with python-docx; core.xlsx.add_sheet:
header, formats, widths and frozen panes."""

from io import BytesIO

from docx import Document
from openpyxl import Workbook

from cchc.core import docx
from cchc.core.xlsx import add_sheet


def test_page_and_table_read_back() -> None:
    document = docx.a4_document()
    docx.table(
        document, ["Đơn vị", "Điểm"], [["Phường Ba Đình", "1.754,5"]], numeric={1}, widths=[8, 3]
    )
    buffer = BytesIO()
    document.save(buffer)
    read = Document(BytesIO(buffer.getvalue()))
    section = read.sections[0]
    assert (round(section.page_width.cm, 1), round(section.left_margin.cm, 1)) == (21.0, 3.0)
    (body,) = read.tables
    assert [[c.text for c in row.cells] for row in body.rows] == [
        ["Đơn vị", "Điểm"],
        ["Phường Ba Đình", "1.754,5"],
    ]
    right = body.rows[1].cells[1].paragraphs[0].alignment
    assert right is not None
    assert right.name == "RIGHT"


def test_add_sheet_formats_and_freezes() -> None:
    book = Workbook()
    sheet = add_sheet(
        book,
        "Xếp hạng",
        ["Hạng", "Đơn vị", "Tỷ lệ"],
        [[1, "=SUM(A1)", 0.5]],
        [6, 30, 10],
        {3: "0.00%"},
        freeze="C2",
    )
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "C2"
    assert sheet["B2"].value == "=SUM(A1)"
    assert sheet["B2"].data_type == "s"
    assert sheet["C2"].number_format == "0.00%"
    assert sheet.column_dimensions["B"].width == 30

"""core.docx: the A4 page, the letterhead block and the fast table read back with python-docx;
core.xlsx.add_sheet: header, formats, widths and frozen panes."""

from io import BytesIO

from docx import Document
from openpyxl import Workbook

from cchc.core import docx
from cchc.core.xlsx import add_sheet

HEAD = {
    "city": "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
    "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "motto": "Độc lập - Tự do - Hạnh phúc",
    "dated": "Hà Nội, ngày 05 tháng 12 năm 2026",
}


def test_letterhead_and_table_read_back() -> None:
    document = docx.a4_document()
    docx.letterhead_block(document, HEAD, department="SỞ NỘI VỤ", title="BÁO CÁO", subtitle="T11")
    docx.table(
        document, ["Đơn vị", "Điểm"], [["Phường Ba Đình", "1.754,5"]], numeric={1}, widths=[8, 3]
    )
    buffer = BytesIO()
    document.save(buffer)
    read = Document(BytesIO(buffer.getvalue()))
    section = read.sections[0]
    assert (round(section.page_width.cm, 1), round(section.left_margin.cm, 1)) == (21.0, 3.0)
    head, body = read.tables
    assert [p.text for p in head.rows[0].cells[0].paragraphs][:2] == [HEAD["city"], "SỞ NỘI VỤ"]
    assert head.rows[0].cells[1].paragraphs[1].text == HEAD["motto"]
    texts = [p.text for p in read.paragraphs]
    assert texts[:3] == [HEAD["dated"], "BÁO CÁO", "T11"]
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

"""The DOCX pieces every export builds on (python-docx, docs/decisions/0011): an A4 page in
Times New Roman 13 pt with the margins of an administrative document, runs and centred lines,
a section heading and a fast bordered table. The header and signature of a state document are
cchc.core.officialdoc's."""

from collections.abc import Collection, Sequence
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
TWIPS_PER_CM = 567


def a4_document() -> DocumentObject:
    """A new document: A4, margins 2 cm top and bottom, 3 cm left, 1.5 cm right, Times New
    Roman 13 pt."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(4)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    return document


def text(
    paragraph: Paragraph, value: str, *, bold: bool = False, italic: bool = False, size: int = 0
) -> Paragraph:
    """Append a run to `paragraph` (size in points, 0: the style's)."""
    run = paragraph.add_run(value)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    return paragraph


def centered(paragraph: Paragraph) -> Paragraph:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def heading(document: DocumentObject, value: str) -> None:
    """A bold section heading kept with the paragraph after it."""
    paragraph = text(document.add_paragraph(), value, bold=True)
    paragraph.paragraph_format.space_before = Pt(8)
    paragraph.paragraph_format.keep_with_next = True


def set_widths(table: Table, widths: Sequence[float]) -> None:
    """Fixed column widths in cm (Word and LibreOffice otherwise share the width equally)."""
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = Cm(width)


def _row_xml(
    values: Sequence[str],
    *,
    header: bool,
    numeric: Collection[int],
    widths: Sequence[float],
    size: float,
) -> str:
    cells = []
    for x, (value, width) in enumerate(zip(values, widths, strict=True)):
        align = '<w:jc w:val="right"/>' if x in numeric and not header else ""
        bold = "<w:b/>" if header else ""
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{round(width * TWIPS_PER_CM)}" w:type="dxa"/></w:tcPr>'
            f'<w:p><w:pPr><w:spacing w:after="0"/>{align}</w:pPr>'
            f'<w:r><w:rPr>{bold}<w:sz w:val="{round(size * 2)}"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(value)}</w:t></w:r></w:p></w:tc>'
        )
    return f"<w:tr {nsdecls('w')}>{''.join(cells)}</w:tr>"


def table(
    document: DocumentObject,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Collection[int],
    widths: Sequence[float],
    size: float = 10,
) -> Table:
    """A bordered table (`size` in points, 10 by default) with a bold header row; the columns
    whose indexes are in `numeric` are right-aligned.

    The rows are written as XML: python-docx's cell, paragraph and run objects re-scan their
    element's children on every property set, which took 10 s for a ranking of 600 units.
    """
    result = document.add_table(rows=0, cols=len(headers))
    result.style = "Table Grid"
    result.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(result, widths)
    body = result._tbl
    for values, header in [(headers, True), *((row, False) for row in rows)]:
        row = _row_xml(values, header=header, numeric=numeric, widths=widths, size=size)
        body.append(parse_xml(row))
    return result

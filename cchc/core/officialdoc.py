"""The layout of a Vietnamese state administrative document (Decree 30/2020/NĐ-CP on clerical
work, Appendix I: format and presentation technique), as DOCX (python-docx) and PDF (typst).

A small data object in (`OfficialDocument`: issuing body, number and symbol, place and date,
kind and summary, body blocks, signature, recipients), a document out. Appendix I's rules used
here (docs/domain/periodic-reports.md, "Document layout"):

- A4 portrait; margins top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm (20/20/30/15);
- Times New Roman (Unicode, TCVN 6909:2001), black; the body 13–14 pt (13), justified, first
  line indented, at least 6 pt between paragraphs;
- the header as two columns: the issuing body on the left (its superior body upright, the body
  itself in bold capitals, a short rule under it) and the national name and motto on the right
  (in bold; the motto under it with a rule as long as the motto); below the left column "Số: …",
  below the right column the place and date in italics;
- the kind of document in bold capitals and its summary in bold, centred;
- the signature block on the right (the authority, e.g. "TM. ỦY BAN NHÂN DÂN", and the position
  in bold capitals, the name in bold), "Nơi nhận:" on the left (bold italic 12 pt, the list in
  11 pt).

The PDF uses Libertinus Serif (shipped inside typst, SIL OFL), a Times-like serif: Times New
Roman itself may not be redistributed. The DOCX names Times New Roman, which Word uses.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from cchc.core.typeset import typeset_pdf

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"
PDF_FONT = "Libertinus Serif"
BODY_PT = 13
# Appendix I: top 20–25 mm, bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}
TEMPLATE = Path(__file__).resolve().parent / "templates" / "core" / "officialdoc.typ"
TWIPS_PER_CM = 567


@dataclass
class Block:
    """A piece of the body: a heading, a paragraph, or a table (headers, rows, widths in cm;
    the columns listed in `right` right-aligned)."""

    kind: Literal["heading", "paragraph", "table"]
    text: str = ""
    headers: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = ()
    widths: Sequence[float] = ()
    right: Sequence[int] = ()


@dataclass
class OfficialDocument:
    issuer: str  # "SỞ NỘI VỤ"
    parent_body: str = ""  # "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"
    number: str = ""  # "Số: 125/BC-SNV" (the number may be left blank for the registry)
    place_date: str = ""  # "Hà Nội, ngày 16 tháng 9 năm 2026"
    kind: str = "BÁO CÁO"
    summary: str = ""
    blocks: list[Block] = field(default_factory=list)
    signer_authority: str = ""  # "TM. ỦY BAN NHÂN DÂN", "KT. GIÁM ĐỐC" or ""
    signer_position: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)
    title: str = ""  # the file's metadata title

    def as_data(self) -> dict[str, Any]:
        """The document as plain data (the PDF template's data.json)."""
        return {
            "issuer": self.issuer,
            "parent_body": self.parent_body,
            "nation": NATION,
            "motto": MOTTO,
            "number": self.number,
            "place_date": self.place_date,
            "kind": self.kind,
            "summary": self.summary,
            "blocks": [
                {
                    "kind": b.kind,
                    "text": b.text,
                    "headers": list(b.headers),
                    "rows": [list(r) for r in b.rows],
                    "widths": list(b.widths),
                    "right": list(b.right),
                }
                for b in self.blocks
            ],
            "signer_authority": self.signer_authority,
            "signer_position": self.signer_position,
            "signer_name": self.signer_name,
            "recipients": self.recipients,
            "title": self.title or f"{self.kind} {self.summary}",
            "font": PDF_FONT,
            "margins": MARGINS_CM,
            "size": BODY_PT,
        }


def to_pdf(document: OfficialDocument) -> bytes:
    """The document as an A4 PDF in the Decree 30 layout."""
    return typeset_pdf(TEMPLATE, document.as_data())


def to_docx(document: OfficialDocument) -> bytes:
    """The document as a Word file in the Decree 30 layout."""
    word = Document()
    setup(word)
    _header(word, document)
    for block in document.blocks:
        _block(word, block)
    _signature(word, document)
    buffer = BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def setup(word: DocumentObject) -> None:
    """A4, Decree 30 margins, Times New Roman 13 pt, 6 pt after paragraphs."""
    style = word.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(6)
    section = word.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
    section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])


def run(
    paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float = 0
) -> Paragraph:
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    return paragraph


def centred(paragraph: Paragraph) -> Paragraph:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _columns(word: DocumentObject, widths: tuple[float, float]) -> tuple[_Cell, _Cell]:
    table = word.add_table(rows=1, cols=2)
    set_widths(table, widths)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(widths[0]), Cm(widths[1])
    return left, right


def _header(word: DocumentObject, document: OfficialDocument) -> None:
    left, right = _columns(word, (6.5, 10.0))
    first = left.paragraphs[0]
    if document.parent_body:
        run(centred(first), document.parent_body, size=12)
        first = left.add_paragraph()
    run(centred(first), document.issuer, bold=True, size=12)
    run(centred(left.add_paragraph()), "_______", size=10)
    run(centred(left.add_paragraph()), document.number, size=13)
    run(centred(right.paragraphs[0]), NATION, bold=True, size=12)
    run(centred(right.add_paragraph()), MOTTO, bold=True, size=13)
    run(centred(right.add_paragraph()), "_________________________", size=10)
    run(centred(right.add_paragraph()), document.place_date, italic=True, size=13)
    word.add_paragraph()
    run(centred(word.add_paragraph()), document.kind, bold=True, size=14)
    if document.summary:
        run(centred(word.add_paragraph()), document.summary, bold=True, size=14)
    run(centred(word.add_paragraph()), "__________", size=10)
    word.add_paragraph()


def _block(word: DocumentObject, block: Block) -> None:
    if block.kind == "heading":
        paragraph = run(word.add_paragraph(), block.text, bold=True)
        paragraph.paragraph_format.first_line_indent = Cm(1)
        paragraph.paragraph_format.keep_with_next = True
    elif block.kind == "paragraph":
        for line in block.text.split("\n"):
            if not line.strip():
                continue
            paragraph = word.add_paragraph(line.strip())
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Cm(1)
    else:
        _table(word, block)


def set_widths(table: Table, widths: Sequence[float]) -> None:
    """Fixed column widths in cm (Word and LibreOffice otherwise share the width equally)."""
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = Cm(width)


def row_xml(
    values: Sequence[str],
    *,
    header: bool,
    right: Iterable[int],
    widths: Sequence[float],
    size: float = 11,
) -> str:
    """One table row as WordprocessingML (bold when `header`; the `right` columns
    right-aligned; `size` in points): far faster than python-docx's cell objects."""
    right = set(right)
    cells = []
    for x, (value, width) in enumerate(zip(values, widths, strict=True)):
        align = '<w:jc w:val="right"/>' if x in right and not header else ""
        bold = "<w:b/>" if header else ""
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{round(width * TWIPS_PER_CM)}" w:type="dxa"/></w:tcPr>'
            f'<w:p><w:pPr><w:spacing w:after="0"/>{align}</w:pPr>'
            f'<w:r><w:rPr>{bold}<w:sz w:val="{round(size * 2)}"/></w:rPr>'
            f'<w:t xml:space="preserve">{escape(value)}</w:t></w:r></w:p></w:tc>'
        )
    return f"<w:tr {nsdecls('w')}>{''.join(cells)}</w:tr>"


def _table(word: DocumentObject, block: Block) -> None:
    """A bordered 11 pt table; the rows are written as XML (python-docx's cell objects are slow
    for long tables)."""
    table = word.add_table(rows=0, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, block.widths)
    body = table._tbl
    right, widths = block.right, block.widths
    body.append(parse_xml(row_xml(block.headers, header=True, right=right, widths=widths)))
    for row in block.rows:
        body.append(parse_xml(row_xml(row, header=False, right=right, widths=widths)))
    word.add_paragraph()


def _signature(word: DocumentObject, document: OfficialDocument) -> None:
    word.add_paragraph()
    left, right = _columns(word, (8.0, 8.5))
    run(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for recipient in document.recipients:
        left.add_paragraph().paragraph_format.space_after = Pt(0)
        run(left.paragraphs[-1], f"- {recipient};", size=11)
    first = right.paragraphs[0]
    if document.signer_authority:
        run(centred(first), document.signer_authority, bold=True, size=13)
        first = right.add_paragraph()
    run(centred(first), document.signer_position, bold=True, size=13)
    for _blank in range(4):
        right.add_paragraph()
    run(centred(right.add_paragraph()), document.signer_name, bold=True, size=13)

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

from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import _Cell

from cchc.core import docx
from cchc.core.typeset import typeset_pdf

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PDF_FONT = "Libertinus Serif"
BODY_PT = 13
# Appendix I: top 20–25 mm, bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}
TEMPLATE = Path(__file__).resolve().parent / "templates" / "core" / "officialdoc.typ"


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
    word = docx.a4_document()  # A4 with Decree 30's margins, Times New Roman 13 pt
    word.styles["Normal"].paragraph_format.space_after = Pt(6)
    _header(word, document)
    for block in document.blocks:
        _block(word, block)
    _signature(word, document)
    buffer = BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _columns(word: DocumentObject, widths: tuple[float, float]) -> tuple[_Cell, _Cell]:
    table = word.add_table(rows=1, cols=2)
    docx.set_widths(table, widths)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(widths[0]), Cm(widths[1])
    return left, right


def _header(word: DocumentObject, document: OfficialDocument) -> None:
    left, right = _columns(word, (6.5, 10.0))
    first = left.paragraphs[0]
    if document.parent_body:
        docx.text(docx.centered(first), document.parent_body, size=12)
        first = left.add_paragraph()
    docx.text(docx.centered(first), document.issuer, bold=True, size=12)
    docx.text(docx.centered(left.add_paragraph()), "_______", size=10)
    docx.text(docx.centered(left.add_paragraph()), document.number, size=13)
    docx.text(docx.centered(right.paragraphs[0]), NATION, bold=True, size=12)
    docx.text(docx.centered(right.add_paragraph()), MOTTO, bold=True, size=13)
    docx.text(docx.centered(right.add_paragraph()), "_________________________", size=10)
    docx.text(docx.centered(right.add_paragraph()), document.place_date, italic=True, size=13)
    word.add_paragraph()
    docx.text(docx.centered(word.add_paragraph()), document.kind, bold=True, size=14)
    if document.summary:
        docx.text(docx.centered(word.add_paragraph()), document.summary, bold=True, size=14)
    docx.text(docx.centered(word.add_paragraph()), "__________", size=10)
    word.add_paragraph()


def _block(word: DocumentObject, block: Block) -> None:
    if block.kind == "heading":
        paragraph = docx.text(word.add_paragraph(), block.text, bold=True)
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


def _table(word: DocumentObject, block: Block) -> None:
    """A bordered 11 pt table (core.docx.table)."""
    docx.table(
        word, block.headers, block.rows, numeric=set(block.right), widths=block.widths, size=11
    )
    word.add_paragraph()


def _signature(word: DocumentObject, document: OfficialDocument) -> None:
    word.add_paragraph()
    left, right = _columns(word, (8.0, 8.5))
    docx.text(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for recipient in document.recipients:
        left.add_paragraph().paragraph_format.space_after = Pt(0)
        docx.text(left.paragraphs[-1], f"- {recipient};", size=11)
    first = right.paragraphs[0]
    if document.signer_authority:
        docx.text(docx.centered(first), document.signer_authority, bold=True, size=13)
        first = right.add_paragraph()
    docx.text(docx.centered(first), document.signer_position, bold=True, size=13)
    for _blank in range(4):
        right.add_paragraph()
    docx.text(docx.centered(right.add_paragraph()), document.signer_name, bold=True, size=13)

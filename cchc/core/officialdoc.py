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

The PDF uses Tinos (static/vendor/fonts-ttf, SIL OFL), whose letters have the widths of Times
New Roman's, which may not be redistributed (docs/decisions/0029-document-font.md). The DOCX
names Times New Roman, which Word uses.

The periodic report is all blocks (`to_docx`, `to_pdf`); a document with its own body (charts,
wide tables) opens with `begin_docx` and closes with `end_docx`, and its typst template imports
the same header, title and signature from `core/decree30.typ` (docs/domain/documents.md).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt
from docx.table import _Cell

from cchc.core import docx
from cchc.core.typeset import typeset_pdf

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PDF_FONT = "Tinos"
BODY_PT = 13
# Appendix I: top 20–25 mm, bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}
TEMPLATE = Path(__file__).resolve().parent / "templates" / "core" / "officialdoc.typ"
# Decree 30/2020, Appendix III, I: the abbreviations of the kinds of documents (those we issue).
SYMBOLS = {
    "QUYẾT ĐỊNH": "QĐ",
    "THÔNG BÁO": "TB",
    "KẾ HOẠCH": "KH",
    "BÁO CÁO": "BC",
    "BIÊN BẢN": "BB",
}
BLANK = " " * 6  # the number, left for the clerk to write when the document is registered


def issuer_symbol(issuer: str) -> str:
    """The issuing body's abbreviation: "UBND" for a People's Committee, else the initials of
    its words ("SỞ NỘI VỤ" → "SNV")."""
    if issuer.startswith("ỦY BAN NHÂN DÂN"):
        return "UBND"
    return "".join(word[0] for word in issuer.split() if word[0].isalpha())


def name_lines(name: str) -> str:
    """A committee's name on two lines, as state documents print it under the narrow left
    column: "ỦY BAN NHÂN DÂN\nPHƯỜNG BA ĐÌNH"; any other name as it is."""
    prefix = "ỦY BAN NHÂN DÂN "
    return name.replace(prefix, prefix.strip() + "\n", 1) if name.startswith(prefix) else name


def blank_number(kind: str, issuer: str) -> str:
    """The number and symbol line with the number left blank: "Số:      /BC-UBND"."""
    return f"Số: {BLANK}/{SYMBOLS[kind]}-{issuer_symbol(issuer)}"


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
    second_signer_position: str = ""  # minutes: "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA", on the left
    second_signer_name: str = ""
    recipients: list[str] = field(default_factory=list)
    title: str = ""  # the file's metadata title

    def as_data(self) -> dict[str, Any]:
        """The document as plain data (the PDF template's data.json)."""
        return {
            "issuer": name_lines(self.issuer),
            "parent_body": name_lines(self.parent_body),
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
            "second_signer_position": self.second_signer_position,
            "second_signer_name": self.second_signer_name,
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
    word = begin_docx(document)
    for block in document.blocks:
        _block(word, block)
    return end_docx(word, document)


def begin_docx(document: OfficialDocument, *, landscape: bool = False) -> DocumentObject:
    """A Word file (A4 with Decree 30's margins, Times New Roman 13 pt; `landscape` for wide
    tables) with the document's header and title, for its body to follow."""
    word = docx.a4_document()
    word.styles["Normal"].paragraph_format.space_after = Pt(6)
    if landscape:
        section = word.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    _header(word, document)
    return word


def end_docx(word: DocumentObject, document: OfficialDocument) -> bytes:
    """The signature block and "Nơi nhận" after the body; the file's bytes."""
    _signature(word, document)
    buffer = BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _columns(word: DocumentObject, widths: tuple[float, float]) -> tuple[_Cell, _Cell]:
    table = word.add_table(rows=1, cols=2)
    docx.set_widths(table, widths)
    # One row that never splits across pages (a signature block stays whole).
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left, right = table.rows[0].cells
    left.width, right.width = Cm(widths[0]), Cm(widths[1])
    return left, right


def _header(word: DocumentObject, document: OfficialDocument) -> None:
    left, right = _columns(word, (6.5, 10.0))
    first = left.paragraphs[0]
    if document.parent_body:
        docx.text(docx.centered(first), name_lines(document.parent_body), size=12)
        first = left.add_paragraph()
    docx.text(docx.centered(first), name_lines(document.issuer), bold=True, size=12)
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
    """ "Nơi nhận" on the left and the signer on the right; with a second signer (minutes), the
    two signers side by side and "Nơi nhận" under them. Nothing for an annex (no signer, no
    recipients: the decision it goes with is signed)."""
    if not document.signer_position and not document.recipients:
        return
    if word.paragraphs:  # the body's last paragraph goes to the signature's page
        word.paragraphs[-1].paragraph_format.keep_with_next = True
    word.add_paragraph().paragraph_format.keep_with_next = True
    left, right = _columns(word, (8.0, 8.5))
    _signer(right, document.signer_authority, document.signer_position, document.signer_name)
    if document.second_signer_position:
        _signer(left, "", document.second_signer_position, document.second_signer_name)
        if not document.recipients:  # a form: the signatures only
            return
        word.add_paragraph()
        left = _columns(word, (8.0, 8.5))[0]
    docx.text(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for index, recipient in enumerate(document.recipients, start=1):
        left.add_paragraph().paragraph_format.space_after = Pt(0)
        end = "." if index == len(document.recipients) else ";"
        docx.text(left.paragraphs[-1], f"- {recipient}{end}", size=11)


def _signer(cell: _Cell, authority: str, position: str, name: str) -> None:
    first = cell.paragraphs[0]
    if authority:
        docx.text(docx.centered(first), authority, bold=True, size=13)
        first = cell.add_paragraph()
    docx.text(docx.centered(first), position, bold=True, size=13)
    for _blank in range(4):
        cell.add_paragraph()
    docx.text(docx.centered(cell.add_paragraph()), name, bold=True, size=13)

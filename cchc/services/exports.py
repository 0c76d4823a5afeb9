"""The apology letter for a late dossier as DOCX, in the layout of Form 04 of Circular
01/2018/TT-VPCP ("Phiếu xin lỗi và hẹn lại ngày trả kết quả", Decree 61/2018/NĐ-CP Art. 19
point 3 as amended by Decree 107/2021/NĐ-CP): the body's name and the national motto side by side,
the number and the place and date, the title, the citizen's dossier and the new date, the signer.
Changes nothing."""

import io

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from cchc.core import docx
from cchc.services.models import ApologyLetter


def _centred(document, text: str, *, bold: bool = False, size: float = 13):  # type: ignore[no-untyped-def]
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    return paragraph


def apology_docx(letter: ApologyLetter) -> bytes:
    """The DOCX bytes of `letter`."""
    dossier = letter.dossier
    unit = dossier.unit
    document = docx.a4_document()  # A4, Times New Roman 13 pt, administrative margins
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = f"{unit.name.upper()}\n\nSố: {letter.number}"
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    for cell in (left, right):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in cell.paragraphs[0].runs:
            run.bold = True
    dated = document.add_paragraph(
        f"Hà Nội, ngày {letter.issued_on:%d} tháng {letter.issued_on:%m} năm {letter.issued_on:%Y}"
    )
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    dated.runs[0].italic = True
    _centred(document, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", bold=True, size=14)
    received = timezone.localtime(dossier.received_at)
    due = timezone.localtime(dossier.due_at)
    document.add_paragraph(
        f"{unit.name} tiếp nhận hồ sơ mã số {dossier.code}, thủ tục hành chính mã "
        f"{dossier.procedure_code}, vào lúc {received:%H} giờ {received:%M} phút, "
        f"ngày {received:%d/%m/%Y}; hẹn trả kết quả ngày {due:%d/%m/%Y}."
    )
    document.add_paragraph(f"Tuy nhiên, đến nay hồ sơ chưa giải quyết xong. Lý do: {letter.reason}")
    document.add_paragraph(
        f"{unit.name} xin lỗi ông/bà vì sự chậm trễ này và trân trọng hẹn trả kết quả vào ngày "
        + (
            f"{letter.new_due_on:%d/%m/%Y}."
            if letter.new_due_on
            else "sớm nhất khi hồ sơ được giải quyết xong."
        )
    )
    document.add_paragraph("Rất mong nhận được sự thông cảm của ông/bà.")
    signature = document.add_table(rows=1, cols=2)
    signature.rows[0].cells[
        1
    ].text = f"THỦ TRƯỞNG CƠ QUAN\n(Ký, ghi rõ họ tên)\n\n\n\n{letter.signer}"
    signature.rows[0].cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

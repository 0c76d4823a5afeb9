"""The apology letter for a late dossier as DOCX, in the layout of Form 04 of Circular
01/2018/TT-VPCP ("Phiếu xin lỗi và hẹn lại ngày trả kết quả", Decree 61/2018/NĐ-CP Art. 19
point 3 as amended by Decree 107/2021/NĐ-CP) set out as Decree 30/2020 lays out a document
(cchc.core.officialdoc): the body's name and "Số: …" beside the national name and motto, the
place and date, the title, the citizen's dossier and the new date, the signer and "Nơi nhận".
Changes nothing."""

from django.utils import timezone

from cchc.core.officialdoc import OfficialDocument, begin_docx, end_docx
from cchc.orgunits.queries import issuing_body, place_date
from cchc.services.models import ApologyLetter


def apology_docx(letter: ApologyLetter) -> bytes:
    """The DOCX bytes of `letter`."""
    dossier = letter.dossier
    unit = dossier.unit
    document = OfficialDocument(
        **issuing_body(unit),
        number=f"Số: {letter.number}",
        place_date=place_date(letter.issued_on),
        kind="PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        signer_position="THỦ TRƯỞNG CƠ QUAN",
        signer_name=letter.signer,
        recipients=["Tổ chức, cá nhân có hồ sơ", "Lưu: VT"],
    )
    word = begin_docx(document)
    received = timezone.localtime(dossier.received_at)
    due = timezone.localtime(dossier.due_at)
    word.add_paragraph(
        f"{unit.name} tiếp nhận hồ sơ mã số {dossier.code}, thủ tục hành chính mã "
        f"{dossier.procedure_code}, vào lúc {received:%H} giờ {received:%M} phút, "
        f"ngày {received:%d/%m/%Y}; hẹn trả kết quả ngày {due:%d/%m/%Y}."
    )
    word.add_paragraph(f"Tuy nhiên, đến nay hồ sơ chưa giải quyết xong. Lý do: {letter.reason}")
    word.add_paragraph(
        f"{unit.name} xin lỗi Ông/Bà vì sự chậm trễ này và trân trọng hẹn trả kết quả vào ngày "
        + (
            f"{letter.new_due_on:%d/%m/%Y}."
            if letter.new_due_on
            else "sớm nhất khi hồ sơ được giải quyết xong."
        )
    )
    word.add_paragraph("Rất mong nhận được sự thông cảm của Ông/Bà.")
    return end_docx(word, document)

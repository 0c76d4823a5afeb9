"""core.officialdoc: the Decree 30/2020 layout as DOCX and PDF (the number line from the kind's
abbreviation, the signature block, "Nơi nhận", A4), and the list PDF's header."""

from cchc.core.listexport import table_pdf
from cchc.core.officialdoc import (
    Block,
    OfficialDocument,
    blank_number,
    issuer_symbol,
    to_docx,
    to_pdf,
)
from cchc.core.tests.helpers import assert_official_docx, assert_official_pdf

MINUTES = OfficialDocument(
    parent_body="ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
    issuer="SỞ NỘI VỤ",
    number=blank_number("BIÊN BẢN", "SỞ NỘI VỤ"),
    place_date="Hà Nội, ngày 05 tháng 12 năm 2026",
    kind="BIÊN BẢN",
    summary="Kiểm tra công vụ theo kế hoạch",
    blocks=[Block("heading", "I. KẾT QUẢ"), Block("paragraph", "Đơn vị thực hiện đúng quy định.")],
    signer_position="TRƯỞNG ĐOÀN KIỂM TRA",
    signer_name="Nguyễn Văn Bình",
    second_signer_position="ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA",
    recipients=["Phường Ba Đình", "Lưu: VT"],
)


def test_the_number_line_leaves_the_number_blank_and_abbreviates_kind_and_body() -> None:
    assert blank_number("BÁO CÁO", "ỦY BAN NHÂN DÂN PHƯỜNG BA ĐÌNH") == "Số:       /BC-UBND"
    assert blank_number("QUYẾT ĐỊNH", "SỞ NỘI VỤ") == "Số:       /QĐ-SNV"
    assert blank_number("KẾ HOẠCH", "THANH TRA THÀNH PHỐ") == "Số:       /KH-TTTP"
    assert issuer_symbol("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI") == "UBND"


def test_minutes_sign_side_by_side_with_the_recipients_under_them() -> None:
    document = assert_official_docx(to_docx(MINUTES))
    assert "Số:       /BB-SNV" in document.tables[0].rows[0].cells[0].text
    unit, head = (cell.text for cell in document.tables[-2].rows[0].cells)
    assert unit.startswith("ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA")
    assert head.startswith("TRƯỞNG ĐOÀN KIỂM TRA")
    assert head.endswith("Nguyễn Văn Bình")
    recipients = document.tables[-1].rows[0].cells[0].text.splitlines()
    assert recipients == ["Nơi nhận:", "- Phường Ba Đình;", "- Lưu: VT."]
    text = assert_official_pdf(to_pdf(MINUTES))
    assert "/BB-SNV" in text
    assert "ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA" in text
    assert "- Lưu: VT." in text


def test_a_working_list_has_the_header_and_motto_on_a4_landscape() -> None:
    pdf = table_pdf(
        letterhead={
            "city": "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
            "dated": "Hà Nội, ngày 05 tháng 12 năm 2026",
        },
        title="DANH SÁCH KIẾN NGHỊ",
        summary="Tổng số: 1",
        headers=["Nội dung"],
        widths=["1fr"],
        rows=[["Rút ngắn thời gian cấp phép"]],
        empty="Không có",
    )
    text = assert_official_pdf(pdf, landscape=True, signed=False)
    assert "THÀNH PHỐ HÀ NỘI" in text  # under "ỦY BAN NHÂN DÂN", as documents print it
    assert "Rút ngắn thời gian cấp phép" in text

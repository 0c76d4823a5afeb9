"""The downloads of a published round's results: XLSX, DOCX and PDF, in Vietnamese."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from cchc.accounts.models import User
from cchc.core.tests.helpers import assert_official_docx, assert_official_pdf, pdf_text
from cchc.indices import exports
from cchc.indices.models import AssessmentRound
from cchc.indices.tests.factories import areas, published_round, result, ward
from conftest import Hanoi

D = Decimal


@pytest.fixture
def published(city_admin: User, hanoi: Hanoi) -> AssessmentRound:
    rating_round = published_round(city_admin, [hanoi.ward_a, hanoi.ward_b])
    result(
        rating_round,
        hanoi.ward_a,
        percent="92.50",
        rank=1,
        group="A",
        unit_areas=areas("28.5", "38", "24", "1.5"),
        previous="88.00",
        interval=(1.0, 1.0, 2.0),
    )
    result(
        rating_round,
        hanoi.ward_b,
        percent="75.25",
        rank=2,
        group="C",
        unit_areas=[a | {"rank": 2} for a in areas("18", "36", "20")],
    )
    return rating_round


def download(client: Client, name: str, rating_round: AssessmentRound) -> bytes:
    response = client.get(reverse(f"indices:{name}", args=[rating_round.pk]))
    assert response.status_code == 200
    extension = name.removeprefix("public_")
    assert response["Content-Disposition"] == (
        f'attachment; filename="ket-qua-chi-so-cchc-2026-{rating_round.pk}.{extension}"'
    )
    return response.content


def test_xlsx_has_the_ranking_and_the_areas(anonymous: Client, published: AssessmentRound) -> None:
    book = openpyxl.load_workbook(io.BytesIO(download(anonymous, "public_xlsx", published)))
    assert book.sheetnames == [
        "Xếp hạng",
        "Theo lĩnh vực",
        "Trung bình lĩnh vực",
        "Số đơn vị theo nhóm",
    ]
    ranking = [list(row) for row in book["Xếp hạng"].iter_rows(values_only=True)]
    assert ranking[0] == exports.XLSX_RANKING_HEADERS
    assert ranking[0][-1] == "Hạng có thể đến (95%)"
    assert ranking[1] == [1, "Phường Ba Đình", 64.75, 27.75, 92.5, 0.925, "A", 0.88, 4.5, 1, 1, 2]
    assert ranking[2] == [2, "Phường Hoàn Kiếm", 52.68, 22.58, 75.25, 0.7525, "C"] + [None] * 5
    sheet = book["Xếp hạng"]
    assert sheet["F2"].number_format == "0.00%"
    assert sheet["C2"].number_format == "#,##0.00"
    by_area = [list(row) for row in book["Theo lĩnh vực"].iter_rows(values_only=True)]
    assert by_area[0][:4] == ["Hạng", "Đơn vị", "1. Điểm (tối đa 30,00)", "1. Hạng"]
    assert by_area[2] == [2, "Phường Hoàn Kiếm", 18.0, 2, 36.0, 2, 20.0, 2, 0.0, 2]
    means = list(book["Trung bình lĩnh vực"].iter_rows(values_only=True))
    assert means[1] == ("1", "Công tác chỉ đạo, điều hành", 30.0, 0.775)
    counts = list(book["Số đơn vị theo nhóm"].iter_rows(values_only=True))
    assert counts[1:] == [
        ("Nhóm A", "từ 90% trở lên", 1),
        ("Nhóm B", "từ 80% đến dưới 90%", 0),
        ("Nhóm C", "từ 70% đến dưới 80%", 1),
        ("Chưa xếp nhóm", "dưới 70%", 0),
    ]


def test_docx_has_the_title_block_and_the_ranking(
    anonymous: Client, published: AssessmentRound
) -> None:
    document = assert_official_docx(download(anonymous, "public_docx", published))
    header, counts, ranking, _intervals, signature = document.tables
    assert header.cell(0, 0).text.startswith("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\nSỞ NỘI VỤ")
    assert "Số:       /BC-SNV" in header.cell(0, 0).text
    assert "KT. GIÁM ĐỐC" in signature.cell(0, 1).text
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text
    assert "Kết quả Chỉ số cải cách hành chính năm 2026" in text
    assert "Xếp hạng các phường, xã (Chỉ số CCHC năm 2026)" in text
    assert "Bộ tiêu chí minh họa" in text
    assert "Tổng số: 2 đơn vị được xếp hạng." in text
    assert [c.text for c in counts.rows[1].cells] == ["Nhóm A", "từ 90% trở lên", "1"]
    assert [c.text for c in ranking.rows[0].cells] == exports.RANKING_HEADERS
    assert [c.text for c in ranking.rows[1].cells] == [
        "1",
        "Phường Ba Đình",
        "64,75",
        "27,75",
        "92,50",
        "92,50",
        "A",
        "88,00",
        "+4,50",
    ]
    assert [c.text for c in ranking.rows[2].cells][1:] == [
        "Phường Hoàn Kiếm",
        "52,68",
        "22,58",
        "75,25",
        "75,25",
        "C",
        "—",
        "—",
    ]


def test_docx_and_pdf_carry_the_rank_interval_the_public_page_shows(
    anonymous: Client, published: AssessmentRound
) -> None:
    """Ba Đình's stored interval (median 1, 5th 1, 95th 2) in a table of its own; Hoàn Kiếm's
    row, published without one, is left out of it."""
    document = Document(io.BytesIO(download(anonymous, "public_docx", published)))
    intervals = document.tables[-2]  # the signature table is last
    assert [c.text for c in intervals.rows[0].cells] == exports.INTERVAL_HEADERS
    assert [[c.text for c in row.cells] for row in intervals.rows[1:]] == [
        ["1", "Phường Ba Đình", "1,0", "1,0", "2,0"]
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert exports.INTERVAL_HEADING in text
    assert "trong 90% của 1.000 lần tính lại" in text
    assert "±25%" in text
    pdf = pdf_text(download(anonymous, "public_pdf", published))
    assert exports.INTERVAL_HEADING in pdf
    assert "Hạng trung vị" in pdf
    assert "IV. TỶ LỆ ĐIỂM TRUNG BÌNH THEO LĨNH VỰC" in pdf


def test_no_rank_interval_section_for_a_round_published_without_them(
    city_admin: User, hanoi: Hanoi
) -> None:
    rating_round = published_round(city_admin, [hanoi.ward_a])
    result(
        rating_round, hanoi.ward_a, percent="80", rank=1, group="B", unit_areas=areas("20", "30")
    )
    data = exports.published_results(rating_round)
    assert exports.interval_rows(data) == []
    assert len(Document(io.BytesIO(exports.results_docx(data))).tables) == 4
    pdf = pdf_text(exports.results_pdf(data))
    assert exports.INTERVAL_HEADING not in pdf
    assert "III. TỶ LỆ ĐIỂM TRUNG BÌNH THEO LĨNH VỰC" in pdf


def test_pdf_has_the_ranking_and_the_group_counts(
    anonymous: Client, published: AssessmentRound
) -> None:
    content = download(anonymous, "public_pdf", published)
    text = assert_official_pdf(content)
    assert "THÀNH PHỐ HÀ NỘI" in text
    assert "/BC-SNV" in text
    assert "Kết quả Chỉ số cải cách hành chính năm 2026" in text
    for expected in (
        "Phường Ba Đình",
        "Phường Hoàn Kiếm",
        "92,50",
        "+4,50",
        "75,25",
        "Tổng số: 2 đơn vị được xếp hạng.",
        "Nhóm A",
        "từ 90% trở lên",
        "Bộ tiêu chí minh họa",
    ):
        assert expected in text


def test_pdf_of_many_units_spans_pages(city_admin: User, hanoi: Hanoi) -> None:
    units = [ward(hanoi, f"Phường Đông Ngạc {i}") for i in range(80)]
    rating_round = published_round(city_admin, units)
    for unit in units:
        result(rating_round, unit, percent="80", rank=1, group="B", unit_areas=areas("20", "30"))
    data = exports.published_results(rating_round)
    assert data.counts == {"A": 0, "B": 80, "C": 0, "": 0}
    text = pdf_text(exports.results_pdf(data))
    assert "Phường Đông Ngạc 79" in text
    assert "\f" in text  # more than one page

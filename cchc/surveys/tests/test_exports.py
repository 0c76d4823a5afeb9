"""The results exports (XLSX with numbers as numbers, PDF in Vietnamese) and their scoping: a
ward's member downloads only their ward's figures."""

import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cchc.accounts.models import User
from cchc.core.tests.helpers import assert_official_pdf, pdf_text
from cchc.surveys import exports
from cchc.surveys.models import Campaign
from cchc.surveys.queries import unit_results
from cchc.surveys.tests.factories import accepted, campaign_of
from conftest import Hanoi

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def rated(hanoi: Hanoi, city_admin: User) -> Campaign:
    """Ward A: three accepted responses, C1 rated 2 in one (access 8 of 9 satisfied), A1
    "1;2", "1", "3". Ward B: one accepted response rated 4. An earlier campaign of ward A
    (2025) rated 2 everywhere."""
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 1000), (hanoi.ward_b, 500)])
    ward_a = campaign.units.get(unit=hanoi.ward_a)
    accepted(ward_a, city_admin, C1=2, A1=["1", "2"])
    accepted(ward_a, city_admin, A1=["1"])
    accepted(ward_a, city_admin, A1=["3"])
    accepted(campaign.units.get(unit=hanoi.ward_b), city_admin, rating=4)
    earlier = campaign_of(city_admin, [(hanoi.ward_a, 300)], year=2025)
    accepted(earlier.units.get(), city_admin, rating=2)
    return campaign


def test_number_is_vietnamese() -> None:
    assert exports.number(1754.5) == "1.754,50"
    assert exports.number(None) == "—"


def test_results_xlsx(rated: Campaign, admin_client_: Client) -> None:
    response = admin_client_.get(reverse("surveys:results_xlsx", args=[rated.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="ket-qua-khao-sat-{rated.pk}.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Tổng hợp", "Theo yếu tố", "Phân bố câu trả lời", "So sánh các đợt"]
    overall = list(book["Tổng hợp"].iter_rows(values_only=True))
    assert overall[1][:6] == ("00004", "Phường Ba Đình", 1000, 286, 3, "Có")
    assert overall[1][6] == pytest.approx(88.89)
    assert overall[1][-1] == pytest.approx(97.78)
    assert overall[2][-1] == pytest.approx(100)
    detail = list(book["Theo yếu tố"].iter_rows(values_only=True))
    access = detail[1]
    assert access[:6] == ("00004", "Phường Ba Đình", "Tiếp cận dịch vụ", 3, 9, 8)
    assert access[7] < 88.89 < access[8]  # the Wilson interval around the share
    spread = [r for r in book["Phân bố câu trả lời"].iter_rows(values_only=True) if r[0] == "A1"]
    counts = {row[2]: row[4] for row in spread}
    assert counts["1"] == 3
    assert counts["2"] == 1
    assert counts["3"] == 1
    assert {row[6] for row in spread} == {4}  # four answers, counted per option
    compare = list(book["So sánh các đợt"].iter_rows(values_only=True))
    assert compare[1] == ("00004", "Phường Ba Đình", 0, pytest.approx(97.78))


def test_results_xlsx_of_a_ward_has_only_its_ward(rated: Campaign, client_b: Client) -> None:
    response = client_b.get(reverse("surveys:results_xlsx", args=[rated.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = [row[0] for row in book["Tổng hợp"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["00070"]
    a1 = [r for r in book["Phân bố câu trả lời"].iter_rows(values_only=True) if r[0] == "A1"]
    assert {row[6] for row in a1} == {1}
    assert "So sánh các đợt" not in book.sheetnames  # ward B was not surveyed before


def test_results_pdf(rated: Campaign, admin_client_: Client, tmp_path: Any) -> None:
    response = admin_client_.get(reverse("surveys:results_pdf", args=[rated.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    words = assert_official_pdf(response.content, landscape=True)  # A4 landscape: a wide table
    assert "/BC-SNV" in words
    assert "Kết quả khảo sát sự hài lòng của người dân, tổ chức" in words
    assert "Phường Ba Đình" in words
    assert "Phường Hoàn Kiếm" in words
    assert "88,89" in words
    assert "97,78" in words
    assert "So sánh tỷ lệ hài lòng chung" in words
    assert "Số phiếu được chấp nhận thấp hơn cỡ mẫu" in words


def test_results_pdf_of_a_ward(rated: Campaign, client_b: Client) -> None:
    words = pdf_text(client_b.get(reverse("surveys:results_pdf", args=[rated.pk])).content)
    assert "Phường Hoàn Kiếm" in words
    assert "Phường Ba Đình" not in words


def test_exports_are_404_outside_the_campaign(
    hanoi: Hanoi, city_admin: User, inspector: User
) -> None:
    from django.test import Client

    only_b = campaign_of(city_admin, [(hanoi.ward_b, 200)], year=2024)
    client = Client()
    client.force_login(inspector)
    assert client.get(reverse("surveys:results_xlsx", args=[only_b.pk])).status_code == 404
    assert client.get(reverse("surveys:results_pdf", args=[only_b.pk])).status_code == 404


def test_results_pdf_without_responses(hanoi: Hanoi, city_admin: User) -> None:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 10)])
    words = pdf_text(exports.results_pdf(campaign, unit_results(campaign)))
    assert "Phường Ba Đình" in words
    assert "—" in words


def test_poster_filename_is_ascii(hanoi: Hanoi, city_admin: User) -> None:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 10)])
    name = exports.poster_filename(campaign.units.get())
    assert name == f"ap-phich-khao-sat-{campaign.pk}-00004.pdf"
    assert name.isascii()

"""The scorecard PDF: typeset by typst, in Vietnamese, with the figures of the rating."""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from cchc.accounts.actions import grant_membership
from cchc.accounts.models import User
from cchc.accounts.tests.factories import UserFactory
from cchc.core.tests.helpers import assert_official_pdf
from cchc.ratings import exports
from cchc.ratings.actions import approve_ratings, assess_rating
from cchc.ratings.models import Rating
from cchc.ratings.queries import scorecard
from cchc.ratings.tests.factories import SEPTEMBER, draft_city_plan, rate, worked_example
from conftest import Hanoi, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def rating(hanoi: Hanoi, city_admin: User, officer_a: User) -> Rating:
    worked_example(draft_city_plan(hanoi.city, city_admin), hanoi.ward_a, city_admin)
    rate(SEPTEMBER, city_admin)
    return Rating.objects.get(kind=Rating.Kind.UNIT, unit=hanoi.ward_a)


def text_of(pdf: bytes) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(  # noqa: S603 (a fixed command on bytes we produced)
        [pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def test_rating_pdf_is_a_typeset_download(rating: Rating, officer_a: User) -> None:
    response = client_for(officer_a).get(reverse("ratings:detail_pdf", args=[rating.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="phieu-xep-loai-2026-09-{rating.pk}.pdf"'
    )
    # A form (phiếu): the header and motto on A4, the signatures, no number or "Nơi nhận".
    text = " ".join(assert_official_pdf(response.content, signed=False).split())
    assert "Phường Ba Đình" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "PHIẾU ĐÁNH GIÁ, XẾP LOẠI THÁNG 09/2026" in text
    assert "NGƯỜI ĐÁNH GIÁ" in text
    assert "THỦ TRƯỞNG PHÊ DUYỆT" in text
    assert "8 / 10 × 100" in text
    assert "80,00%" in text
    assert "70 × (1 × 80,00 + 1 × 77,50 + 1 × 75,00) / 3 / 100 54,25" in text
    assert "Chưa đánh giá." in text
    assert "Xếp loại: HOÀN THÀNH NHIỆM VỤ" in text


def test_rating_pdf_has_the_scores_and_signatures(
    rating: Rating, hanoi: Hanoi, city_admin: User
) -> None:
    head = UserFactory(full_name="Nguyễn Văn Chủ Tịch")
    grant_membership(
        actor=city_admin, user=head, unit=hanoi.city, role="head", started_on=SEPTEMBER
    )
    criteria = rating.round.policy.criteria.all()
    rating = assess_rating(
        rating, actor=city_admin, points={c.pk: Decimal("4.75") for c in criteria}, comment="Tốt"
    )
    approve_ratings([rating], actor=head)
    rating.refresh_from_db()
    text = text_of(exports.scorecard_pdf(scorecard(rating)))
    assert "Chính trị, tư tưởng 5,00 4,75" in text
    assert "28,50" in text
    assert "82,75" in text
    assert "Xếp loại: HOÀN THÀNH TỐT NHIỆM VỤ" in text
    assert "Nguyễn Văn Chủ Tịch" in text
    assert city_admin.get_full_name() in text
    assert "Tốt" in text


def test_rating_pdf_is_404_for_another_ward(rating: Rating, officer_b: User) -> None:
    response = client_for(officer_b).get(reverse("ratings:detail_pdf", args=[rating.pk]))
    assert response.status_code == 404


def test_number_is_in_the_vietnamese_format() -> None:
    assert exports.number(Decimal("1754.5")) == "1.754,50"
    assert exports.compact(Decimal("70.00")) == "70"
    assert exports.compact(Decimal("7.75")) == "7,75"
    assert exports.number(None) == "—"

"""The QR codes of the units' public links: SVG inline on the unit's page, PNG download, and
the A4 poster PDF with the QR code, unit name, campaign and invitation."""

import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
import segno
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cchc.accounts.models import User
from cchc.surveys import qr
from cchc.surveys.models import Campaign, CampaignUnit
from cchc.surveys.tests.factories import campaign_of
from conftest import Hanoi

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(hanoi: Hanoi, city_admin: User) -> Campaign:
    return campaign_of(city_admin, [(hanoi.ward_a, 1000), (hanoi.ward_b, 500)])


@pytest.fixture
def ward_a(hanoi: Hanoi, campaign: Campaign) -> CampaignUnit:
    return campaign.units.get(unit=hanoi.ward_a)


def link(campaign_unit: CampaignUnit) -> str:
    return f"http://testserver/surveys/f/{campaign_unit.token}/"


def test_svg_is_a_standalone_svg_of_the_url() -> None:
    svg = qr.qr_svg("https://cchc.example/surveys/f/abc/", title="x")
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    code = segno.make("https://cchc.example/surveys/f/abc/", error="m", micro=False)
    side = (code.symbol_size(scale=1, border=qr.BORDER))[0] * 8
    assert root.attrib["width"] == str(side)
    assert qr.qr_svg("https://cchc.example/surveys/f/abc/", title="x") == svg  # deterministic


def test_png_is_a_png_with_the_quiet_zone() -> None:
    png = qr.qr_png("https://cchc.example/surveys/f/abc/", scale=10)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    modules = segno.make("https://cchc.example/surveys/f/abc/", error="m").symbol_size(
        scale=1, border=qr.BORDER
    )[0]
    assert width == height == modules * 10


def test_unit_page_shows_link_qr_and_poster(ward_a: CampaignUnit, client_a: Client) -> None:
    page = client_a.get(reverse("surveys:unit", args=[ward_a.pk])).content.decode()
    assert f'value="{link(ward_a)}"' in page
    assert f'src="{reverse("surveys:unit_qr_svg", args=[ward_a.pk])}"' in page
    assert reverse("surveys:unit_poster", args=[ward_a.pk]) in page
    assert reverse("surveys:unit_qr_png", args=[ward_a.pk]) in page
    assert reverse("surveys:enter", args=[ward_a.pk]) in page


def test_public_link_is_the_public_form_route(ward_a: CampaignUnit) -> None:
    assert reverse("surveys:public_form", args=[ward_a.token]) == f"/surveys/f/{ward_a.token}/"


def test_qr_svg_view(ward_a: CampaignUnit, client_a: Client) -> None:
    response = client_a.get(reverse("surveys:unit_qr_svg", args=[ward_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == qr.qr_svg(link(ward_a), title=link(ward_a))


def test_qr_png_view(ward_a: CampaignUnit, client_a: Client) -> None:
    response = client_a.get(reverse("surveys:unit_qr_png", args=[ward_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.png"')
    assert response.content == qr.qr_png(link(ward_a))


def test_poster_pdf_names_the_unit_and_the_link(
    ward_a: CampaignUnit, client_a: Client, tmp_path: Any
) -> None:
    response = client_a.get(reverse("surveys:unit_poster", args=[ward_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdftotext, pdfinfo = shutil.which("pdftotext"), shutil.which("pdfinfo")
    if pdftotext is None or pdfinfo is None:
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "poster.pdf"
    path.write_bytes(response.content)
    words = subprocess.run(  # noqa: S603 (a fixed command on a file we produced)
        [pdftotext, "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "PHƯỜNG BA ĐÌNH" in words
    assert "Phường Ba Đình trân trọng mời Ông/Bà" in words
    assert "SIPAS 2026" in words
    assert "Quét mã QR" in words
    assert link(ward_a) in words
    info = subprocess.run(  # noqa: S603 (a fixed command on a file we produced)
        [pdfinfo, str(path)], capture_output=True, check=True, text=True
    ).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    assert "595.276 x 841.89" in info  # A4 in points


@pytest.mark.parametrize("name", ["unit", "unit_qr_svg", "unit_qr_png", "unit_poster"])
def test_another_wards_link_is_404(
    hanoi: Hanoi, campaign: Campaign, client_b: Client, name: str
) -> None:
    ward_a = campaign.units.get(unit=hanoi.ward_a)
    assert client_b.get(reverse(f"surveys:{name}", args=[ward_a.pk])).status_code == 404


def test_anonymous_is_sent_to_sign_in(ward_a: CampaignUnit, anonymous: Client) -> None:
    response = anonymous.get(reverse("surveys:unit_qr_svg", args=[ward_a.pk]))
    assert response.status_code == 302

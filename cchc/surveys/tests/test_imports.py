"""Paper forms typed into the campaign's template and imported: all or nothing, each wrong cell
named by row and column, an error report to download, and only the units the user may enter
forms for. Imported forms are "paper" responses received for review."""

import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.surveys.actions import close_campaign
from cchc.surveys.imports import import_paper_forms, template
from cchc.surveys.models import AnswerOption, Campaign, Response
from cchc.surveys.tests.factories import SERVICE_CODES, campaign_of
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


def form(unit: str = "00004", rating: Any = 5, **cells: Any) -> dict[str, Any]:
    """A paper form as typed: numbers for ratings, "1;2" for several options."""
    row: dict[str, Any] = {"unit": unit, "A1": "1;2", "A2": 1, "A3": "2", "A4": 1}
    row |= dict.fromkeys(SERVICE_CODES, rating)
    row |= cells
    return row


def workbook(campaign: Campaign, rows: list[dict[str, Any]], name: str = "phieu.xlsx") -> Any:
    """The campaign's template filled with `rows` (cells keyed by question code or "unit")."""
    book = openpyxl.load_workbook(io.BytesIO(template(campaign, campaign.units.all())))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    keys = ["unit" if i == 0 else code for i, code in enumerate(header)]
    for number, row in enumerate(rows, start=2):  # the template's rows are pre-formatted
        for column, key in enumerate(keys, start=1):
            sheet.cell(number, column, row.get(key))
    content = io.BytesIO()
    book.save(content)
    return SimpleUploadedFile(name, content.getvalue())


def test_template_has_the_question_codes(campaign: Campaign) -> None:
    book = openpyxl.load_workbook(io.BytesIO(template(campaign, campaign.units.all())))
    header = [cell.value for cell in book.worksheets[0][1]]
    assert header[0] == "Mã đơn vị (unit)"
    assert header[1:5] == ["A1", "A2", "A3", "A4"]
    assert "C18" in header
    assert "D2" in header
    assert "Ông/Bà" in book.worksheets[0]["B1"].comment.text
    guide = [row[0] for row in book["Hướng dẫn"].iter_rows(values_only=True)]
    assert "C1" in guide
    assert "00004" in guide
    assert "00070" in guide


def test_import_stores_every_form(hanoi: Hanoi, campaign: Campaign, city_admin: User) -> None:
    upload = workbook(campaign, [form(), form("00070", rating=4, D2="Tốt"), form(C1=1)])
    result = import_paper_forms(campaign, upload, actor=city_admin, units=campaign.units.all())
    assert result.ok
    assert len(result.created) == 3
    responses = Response.objects.order_by("pk")
    assert [r.campaign_unit.unit.code for r in responses] == ["00004", "00070", "00004"]
    assert {(r.channel, r.status, r.entered_by_id) for r in responses} == {
        ("paper", "received", city_admin.pk)
    }
    assert responses[2].tally("access") == (3, 2)
    first_a1 = AnswerOption.objects.filter(
        answer__response=responses[0], answer__question__code="A1"
    )
    assert sorted(first_a1.values_list("option__value", flat=True)) == ["1", "2"]
    assert responses[1].answers.get(question__code="D2").text == "Tốt"
    event = AuditEvent.objects.get(verb="surveys.import_paper_forms")
    assert event.details["responses"] == 3
    assert event.details["file"] == "phieu.xlsx"
    assert AuditEvent.objects.filter(verb="surveys.record_response").count() == 3


def test_one_wrong_cell_refuses_the_whole_file(campaign: Campaign, city_admin: User) -> None:
    upload = workbook(
        campaign,
        [
            form(),
            form(C4=6),  # row 3: off the scale
            form("99999", A2="1;2", C7=None),  # row 4: unknown unit, two options, unanswered
            form(A1="1;9"),  # row 5: not an option
        ],
    )
    result = import_paper_forms(campaign, upload, actor=city_admin, units=campaign.units.all())
    assert not result.ok
    found = {(e.row, e.column): e.message for e in result.errors}
    assert found[(3, "C4")] == "Choose a point from 1 to 5."
    assert found[(4, "Mã đơn vị (unit)")] == (
        "99999 is not a unit of this campaign you may enter forms for."
    )
    assert found[(4, "A2")] == "Choose one option only."
    assert found[(4, "C7")] == "Answer this question."
    assert found[(5, "A1")] == "9 is not an option of this question."
    assert len(result.errors) == 5
    assert not Response.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="surveys.import").exists()


def test_a_ward_imports_only_its_own_forms(
    hanoi: Hanoi, campaign: Campaign, officer_a: User
) -> None:
    units = campaign.units.filter(unit=hanoi.ward_a)
    upload = workbook(campaign, [form(), form("00070")])
    result = import_paper_forms(campaign, upload, actor=officer_a, units=units)
    assert [(e.row, e.column) for e in result.errors] == [(3, "Mã đơn vị (unit)")]
    assert not Response.objects.exists()


def test_refusals_of_the_file(campaign: Campaign, city_admin: User) -> None:
    from django.core.exceptions import ValidationError

    units = campaign.units.all()
    with pytest.raises(ValidationError, match="no filled-in forms"):
        import_paper_forms(campaign, workbook(campaign, []), actor=city_admin, units=units)
    text = SimpleUploadedFile("phieu.xlsx", b"unit,C1\n00004,5\n")
    with pytest.raises(ValidationError):
        import_paper_forms(campaign, text, actor=city_admin, units=units)
    close_campaign(campaign, actor=city_admin)
    with pytest.raises(ValidationError, match="closed"):
        import_paper_forms(campaign, workbook(campaign, [form()]), actor=city_admin, units=units)
    assert not Response.objects.exists()


# --- the pages ---------------------------------------------------------------------------------


def test_import_page_happy_path(campaign: Campaign, client_a: Client) -> None:
    url = reverse("surveys:import", args=[campaign.pk])
    assert client_a.get(url).status_code == 200
    page = client_a.post(url, {"file": workbook(campaign, [form(), form()])}, follow=True)
    assert "2 paper forms were imported; they wait for review." in page.content.decode()
    assert Response.objects.filter(channel="paper", status="received").count() == 2


def test_import_page_lists_errors_and_offers_the_report(
    campaign: Campaign, client_a: Client
) -> None:
    url = reverse("surveys:import", args=[campaign.pk])
    page = client_a.post(url, {"file": workbook(campaign, [form(), form("00070"), form(C1=0)])})
    html = page.content.decode()
    assert page.status_code == 200
    assert "The file was refused: 2 errors. Nothing was imported." in html
    assert 'data-testid="import-error-report"' in html
    assert not Response.objects.exists()
    report = client_a.get(reverse("surveys:import_errors", args=[campaign.pk]))
    assert report.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(report.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("Dòng (row)", "Cột (column)", "Lỗi (message)")
    assert rows[1][:2] == (3, "Mã đơn vị (unit)")
    assert rows[2] == (4, "C1", "Choose a point from 1 to 5.")


def test_error_report_is_404_without_a_refused_import(campaign: Campaign, client_a: Client) -> None:
    assert client_a.get(reverse("surveys:import_errors", args=[campaign.pk])).status_code == 404


def test_template_download(campaign: Campaign, client_a: Client) -> None:
    response = client_a.get(reverse("surveys:import_template", args=[campaign.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="mau-phieu-giay-{campaign.pk}.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    units = [row[0] for row in book["Hướng dẫn"].iter_rows(values_only=True)]
    assert "00004" in units
    assert "00070" not in units


def test_import_is_404_for_a_unit_outside_the_campaign(
    hanoi: Hanoi, city_admin: User, client_a: Client
) -> None:
    only_b = campaign_of(city_admin, [(hanoi.ward_b, 200)])
    assert client_a.get(reverse("surveys:import", args=[only_b.pk])).status_code == 404
    assert client_a.get(reverse("surveys:import_template", args=[only_b.pk])).status_code == 404

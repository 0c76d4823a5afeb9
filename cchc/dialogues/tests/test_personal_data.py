"""A petitioner's personal data (Law 91/2025/QH15; docs/domain/personal-data.md): the notice and
the consent on the public form, no contact without consent, the petitioner's own requests
(see, correct, withdraw, erase) and the masking for the roles that do not answer them."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from cchc.accounts.models import Membership
from cchc.core.models import AuditEvent
from cchc.core.privacy import CONSENT_VERSION, CONSENT_WORDINGS
from cchc.dialogues.actions import erase_petitioner_data, route_petition, screen_petition
from cchc.dialogues.models import Attachment, Petition
from cchc.dialogues.tests.conftest import petition_for
from conftest import _member, client_for

pytestmark = pytest.mark.django_db

FORM = {
    "submitter_type": "citizen",
    "submitter_name": "Nguyễn Văn An",
    "title": "Đường ngập khi mưa",
    "content": "Ngõ 12 ngập mỗi khi mưa to.",
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _form_url(conference) -> str:
    return f"/dialogues/c/{conference.pk}/petition/"


def test_the_form_shows_the_notice_naming_the_law_the_controller_and_the_rights(
    anonymous, conference
) -> None:
    html = anonymous.get(_form_url(conference)).content.decode()
    assert 'data-testid="privacy-notice"' in html
    assert "91/2025/QH15" in html
    assert "ỦY BAN NHÂN DÂN" in html  # the installation's committee is the controller
    assert "/privacy/" in html  # linked to the full notice
    assert str(CONSENT_WORDINGS[CONSENT_VERSION]) in html
    # The contact stays off until the box is ticked, without JavaScript (CSS only).
    assert 'class="consent-gated"' in html
    assert "css/privacy.css" in html
    assert "<script" not in html


def test_consent_is_stored_with_its_version_and_time(anonymous, conference) -> None:
    before = timezone.now()
    response = anonymous.post(
        _form_url(conference), {**FORM, "contact": "0912 345 678", "share_contact": "on"}
    )
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert petition.contact == "0912 345 678"
    assert petition.contact_consent_version == CONSENT_VERSION
    assert petition.contact_consent_at is not None
    assert petition.contact_consent_at >= before


def test_a_petition_without_a_contact_needs_no_tick(anonymous, conference) -> None:
    response = anonymous.post(_form_url(conference), FORM)
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert (petition.contact, petition.contact_consent_version) == ("", "")
    assert petition.contact_consent_at is None


def test_the_form_refuses_a_contact_without_consent(anonymous, conference) -> None:
    response = anonymous.post(_form_url(conference), {**FORM, "contact": "0912345678"})
    assert response.status_code == 422
    assert not Petition.objects.exists()


@pytest.mark.parametrize("version", ["", "1999-01", "paper:"])
def test_the_action_refuses_a_contact_without_a_known_consent(conference, version) -> None:
    with pytest.raises(ValidationError) as refused:
        petition_for(conference, contact="0912345678", consent_version=version)
    assert "contact" in refused.value.message_dict
    assert not Petition.objects.exists()


# --- the petitioner's own requests ----------------------------------------------------------


@pytest.fixture
def given(conference) -> Petition:
    petition = petition_for(
        conference,
        submitter_name="Nguyễn Văn An",
        contact="0912 345 678",
        consent_version=CONSENT_VERSION,
        files=[SimpleUploadedFile("anh-ngap.png", PNG, content_type="image/png")],
    )
    return petition


def test_the_old_my_data_address_leads_to_the_privacy_page(anonymous, given) -> None:
    response = anonymous.get(f"/dialogues/p/{given.code.lower()}/my-data/")
    assert response.status_code == 302
    assert response["Location"] == f"/privacy/my-data/?code={given.code}"


def test_erasing_twice_writes_nothing_more(given) -> None:
    erase_petitioner_data(given)
    erase_petitioner_data(given)
    assert AuditEvent.objects.filter(verb="dialogues.erase_personal_data").count() == 1


# --- minimisation ---------------------------------------------------------------------------


def test_only_the_handling_unit_sees_the_petitioner(
    given, client_a, viewer_a, city_admin, hanoi
) -> None:
    url = given.get_absolute_url()
    handling = client_a.get(url).content.decode()
    assert "Nguyễn Văn An" in handling
    assert "0912 345 678" in handling
    for other in (client_for(viewer_a), client_for(city_admin)):
        html = other.get(url).content.decode()
        assert "Nguyễn Văn An" not in html
        assert "0912 345 678" not in html
        assert "N•••" in html
        assert "0•••" in html
        attachment = Attachment.objects.get()
        assert other.get(f"/dialogues/attachments/{attachment.pk}/").status_code == 404
    assert client_a.get(f"/dialogues/attachments/{Attachment.objects.get().pk}/").status_code == 200


def _xlsx_rows(client: Client) -> list[tuple]:
    response = client.get("/dialogues/petitions.xlsx")
    assert response.status_code == 200
    return list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )


def test_the_export_masks_the_petitioner_for_other_roles_and_is_audited(
    given, client_a, viewer_a, hanoi
) -> None:
    header, row = _xlsx_rows(client_a)
    assert header[-2:] == ("Tên người gửi (submitter_name)", "Liên hệ (contact)")
    assert row[-2:] == ("Nguyễn Văn An", "0912 345 678")
    _header, masked = _xlsx_rows(client_for(viewer_a))
    assert masked[-2:] == ("N•••", "0•••")
    events = AuditEvent.objects.filter(verb="privacy.export").order_by("pk")
    assert [e.details for e in events] == [
        {"what": "dialogues.petitions.xlsx", "rows": 1, "personal_rows": 1},
        {"what": "dialogues.petitions.xlsx", "rows": 1, "personal_rows": 0},
    ]
    assert events[1].actor == viewer_a


def test_a_focal_point_of_the_responsible_unit_sees_the_petitioner(
    given, officer_a, hanoi, land
) -> None:
    other = _member("focal_b", hanoi.ward_b, Membership.Role.FOCAL_POINT)
    screen_petition(given, actor=officer_a, field=land[0], issue_group=land[1])
    route_petition(
        given,
        actor=officer_a,
        unit=hanoi.ward_b,
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    html = client_for(other).get(given.get_absolute_url()).content.decode()
    assert "0912 345 678" in html

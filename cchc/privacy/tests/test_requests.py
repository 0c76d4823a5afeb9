"""Requests from data subjects received on paper: recorded with the law's deadline, answered
(an erasure carried out on the petition in the same transaction), reminded, audited; and an
official's download of what the platform holds about them."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from cchc.accounts.models import Membership
from cchc.core.models import AuditEvent, Notification
from cchc.core.privacy import CONSENT_VERSION
from cchc.dialogues.actions import announce_conference, submit_petition
from cchc.dialogues.models import Petition
from cchc.privacy.actions import answer_request, record_request, remind_requests
from cchc.privacy.models import DataRequest
from conftest import _member, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer_a(hanoi):
    return _member("viewer_a", hanoi.ward_a, Membership.Role.VIEWER)


def test_the_full_notice_is_public_and_names_the_law_controller_and_retention(anonymous) -> None:
    response = anonymous.get("/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "91/2025/QH15" in html
    assert "ỦY BAN NHÂN DÂN" in html
    assert CONSENT_VERSION in html


@pytest.fixture
def petition(hanoi, officer_a, settings, tmp_path) -> Petition:
    settings.MEDIA_ROOT = tmp_path / "media"
    conference = announce_conference(
        actor=officer_a,
        title="Đối thoại",
        level="ward",
        host_unit=hanoi.ward_a,
        starts_at=timezone.now() + datetime.timedelta(days=5),
        audiences=["citizens"],
        chair_name="Chủ tịch UBND phường",
        place="Hội trường",
    )
    return submit_petition(
        conference,
        title="Ngập",
        content="Ngõ 12 ngập.",
        submitter_type="citizen",
        submitter_name="Trần Thị Bình",
        contact="0911111111",
        consent_version=CONSENT_VERSION,
    )


def _record(officer, unit, petition, *, received_on=None, kind="erase") -> DataRequest:
    return record_request(
        actor=officer,
        unit=unit,
        kind=kind,
        record="petition",
        reference=petition.code.lower(),
        requester_name="Trần Thị Bình",
        requester_contact="Số 5 ngõ 12",
        received_on=received_on or timezone.localdate(),
    )


def test_a_paper_request_is_due_within_the_time_limit(petition, officer_a, hanoi, settings) -> None:
    settings.CCHC_PRIVACY_REQUEST_DAYS = 15
    day = timezone.localdate() - datetime.timedelta(days=2)
    found = _record(officer_a, hanoi.ward_a, petition, received_on=day)
    assert found.due_on == day + datetime.timedelta(days=15)
    assert found.reference == petition.code
    event = AuditEvent.objects.get(verb="privacy.record_request")
    assert "Bình" not in json.dumps(event.details, ensure_ascii=False)


def test_a_request_naming_an_unknown_petition_is_refused(officer_a, hanoi) -> None:
    with pytest.raises(ValidationError):
        record_request(
            actor=officer_a,
            unit=hanoi.ward_a,
            kind="erase",
            record="petition",
            reference="KN-1999-000001",
            requester_name="X",
            requester_contact="Y",
            received_on=timezone.localdate(),
        )
    assert not DataRequest.objects.exists()


def test_answering_an_erase_request_erases_the_petitioners_data(petition, officer_a, hanoi) -> None:
    found = _record(officer_a, hanoi.ward_a, petition)
    answer_request(found, actor=officer_a, outcome="Đã xóa họ tên, liên hệ.")
    petition.refresh_from_db()
    assert (petition.submitter_name, petition.contact) == ("", "")
    assert petition.anonymised_at is not None
    found.refresh_from_db()
    assert found.status == DataRequest.Status.DONE
    assert AuditEvent.objects.get(verb="privacy.answer_request").details == {
        "status": "done",
        "late": False,
    }
    with pytest.raises(ValidationError):
        answer_request(found, actor=officer_a, outcome="again")


def test_a_refused_request_changes_no_data(petition, officer_a, hanoi) -> None:
    found = _record(officer_a, hanoi.ward_a, petition)
    answer_request(found, actor=officer_a, outcome="Không xác minh được.", refuse=True)
    petition.refresh_from_db()
    assert petition.contact == "0911111111"


def test_reminders_before_the_deadline_and_when_overdue_once_each(
    petition, officer_a, hanoi, settings
) -> None:
    settings.CCHC_PRIVACY_REQUEST_DAYS = 15
    settings.CCHC_PRIVACY_REMIND_DAYS = 3
    found = _record(officer_a, hanoi.ward_a, petition)
    assert remind_requests(found.due_on - datetime.timedelta(days=5)) == 0
    assert remind_requests(found.due_on - datetime.timedelta(days=2)) == 1
    assert remind_requests(found.due_on - datetime.timedelta(days=1)) == 0  # same state
    assert remind_requests(found.due_on + datetime.timedelta(days=1)) == 1
    notices = Notification.objects.filter(user=officer_a).order_by("pk")
    assert [n.kind for n in notices] == ["before", "overdue"]
    assert notices[0].link == found.get_absolute_url()
    out = io.StringIO()
    call_command("privacy_requests", stdout=out)
    assert f"#{found.pk} erase" in out.getvalue()


def test_the_queue_pages(petition, officer_a, viewer_a, hanoi) -> None:
    client = client_for(officer_a)
    response = client.post(
        "/privacy/requests/new/",
        {
            "unit": hanoi.ward_a.pk,
            "kind": "erase",
            "record": "petition",
            "reference": petition.code,
            "requester_name": "Trần Thị Bình",
            "requester_contact": "Số 5 ngõ 12",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    found = DataRequest.objects.get()
    assert response.status_code == 302
    assert client.get("/privacy/requests/").status_code == 200
    # A viewer sees the request but may not answer it.
    viewer = client_for(viewer_a)
    assert viewer.get(found.get_absolute_url()).status_code == 200
    assert viewer.post(found.get_absolute_url(), {"outcome": "x"}).status_code == 404
    assert client.post(found.get_absolute_url(), {"outcome": "Đã xóa."}).status_code == 302
    petition.refresh_from_db()
    assert petition.contact == ""


def test_an_official_downloads_their_own_data_and_the_export_is_audited(officer_a) -> None:
    response = client_for(officer_a).get("/privacy/me.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["username"] == "officer_a"
    assert data["roles"][0]["role"] == "focal_point"
    assert {"ratings", "responsibilities", "disciplines", "audit_events", "head_terms"} <= set(data)
    event = AuditEvent.objects.get(verb="privacy.export")
    assert event.actor == officer_a
    assert event.details["what"] == "privacy.my_data.json"


def test_a_deactivated_account_is_kept_and_sees_nothing(officer_a) -> None:
    officer_a.is_active = False
    officer_a.save()
    client = client_for(officer_a)
    assert client.get("/privacy/me.json").status_code == 302  # signed out: to the login page
    assert DataRequest.objects.for_user(officer_a).count() == 0

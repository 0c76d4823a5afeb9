"""Staff pages: scoping per persona, the screening → routing → answering → publishing flow
through the pages, exports and N+1 guards."""

import datetime
import io
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries, html, pdf_text
from cchc.dialogues.actions import (
    CommitmentSpec,
    answer_petition,
    route_petition,
    screen_petition,
)
from cchc.dialogues.models import Answer, Commitment, Conference, Petition
from cchc.dialogues.tests.conftest import announce, petition_for
from cchc.plans.models import Plan, Task

TODAY = timezone.localdate


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _route(petition: Petition, actor: User, unit: Any, land: Any) -> Petition:
    screen_petition(petition, actor=actor, field=land[0], issue_group=land[1])
    return route_petition(
        petition, actor=actor, unit=unit, deadline=TODAY() + datetime.timedelta(days=10)
    )


# --- scoping per persona -----------------------------------------------------------------------


def test_conference_list_is_scoped_to_the_users_units(
    hanoi: Any, conference: Conference, city_admin: User, officer_a: User, officer_b: User
) -> None:
    other = announce(hanoi.ward_b, officer_b, title="Đối thoại phường Hoàn Kiếm")
    url = reverse("dialogues:conferences")
    admin_page = client_for(city_admin).get(url).text
    assert conference.title in admin_page
    assert other.title in admin_page
    page_a = client_for(officer_a).get(url).text
    assert conference.title in page_a
    assert other.title not in page_a


def test_conference_list_xlsx_and_pdf_are_scoped(
    hanoi: Any, conference: Conference, officer_a: User, officer_b: User, client_a: Client
) -> None:
    petition_for(conference)
    other = announce(hanoi.ward_b, officer_b, title="Đối thoại phường Hoàn Kiếm")
    response = client_a.get(reverse("dialogues:conferences_xlsx"))
    assert response["Content-Disposition"].startswith('attachment; filename="hoi-nghi-doi-thoai-')
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][0] == "Hội nghị (title)"
    assert [row[0] for row in rows[1:]] == [conference.title]
    assert rows[1][6] == 1  # petitions
    pdf = client_a.get(reverse("dialogues:conferences_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "DANH SÁCH HỘI NGHỊ ĐỐI THOẠI" in text
    assert "Tổng số: 1 hội nghị" in text
    assert other.title not in text


def test_conference_detail_of_another_unit_is_404(conference: Conference, client_b: Client) -> None:
    assert client_b.get(conference.get_absolute_url()).status_code == 404


def test_routed_unit_sees_the_petition_but_only_the_host_screens_it(
    hanoi: Any, petition: Petition, officer_a: User, client_b: Client, land: Any
) -> None:
    assert client_b.get(petition.get_absolute_url()).status_code == 404
    _route(petition, officer_a, hanoi.ward_b, land)
    page = client_b.get(petition.get_absolute_url())
    assert page.status_code == 200
    assert petition.content in page.text
    assert 'data-testid="answer-link"' in page.text
    assert 'data-testid="route-form"' not in page.text
    response = client_b.post(reverse("dialogues:close", args=[petition.pk]), {"reason": "x"})
    assert response.status_code == 403
    petition.refresh_from_db()
    assert petition.status == Petition.Status.ROUTED
    # The routed unit also sees the conference the petition came from.
    assert client_b.get(petition.conference.get_absolute_url()).status_code == 200


def test_viewer_reads_but_cannot_screen(petition: Petition, viewer_a: User, land: Any) -> None:
    client = client_for(viewer_a)
    page = client.get(petition.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="screen-form"' not in page.text
    response = client.post(
        reverse("dialogues:screen", args=[petition.pk]),
        {"field": land[0].pk, "issue_group": land[1].pk},
    )
    assert response.status_code == 403
    petition.refresh_from_db()
    assert petition.status == Petition.Status.RECEIVED


def test_officer_of_another_unit_cannot_announce_for_ward_a(hanoi: Any, client_b: Client) -> None:
    page = client_b.get(reverse("dialogues:conference_new"))
    assert page.status_code == 200
    assert hanoi.ward_a.name not in page.text
    assert hanoi.ward_b.name in page.text


def test_inspector_without_manager_role_cannot_announce(client: Client, inspector: User) -> None:
    client.force_login(inspector)
    assert client.get(reverse("dialogues:conference_new")).status_code == 403


# --- the flow through the pages ----------------------------------------------------------------


def test_announce_conference_page(hanoi: Any, client_a: Client) -> None:
    day = TODAY() + datetime.timedelta(days=9)
    response = client_a.post(
        reverse("dialogues:conference_new"),
        {
            "title": "Đối thoại với hộ kinh doanh",
            "level": "ward",
            "host_unit": hanoi.ward_a.pk,
            "starts_on": day.strftime("%d/%m/%Y"),
            "starts_time": "08:30",
            "chair_name": "Chủ tịch UBND phường",
            "place": "Hội trường",
            "audiences": ["businesses"],
            "is_public": "on",
        },
    )
    conference = Conference.objects.get()
    assert response.status_code == 302
    assert response["Location"] == conference.get_absolute_url()
    assert timezone.localtime(conference.starts_at).strftime("%d/%m/%Y %H:%M") == (
        f"{day:%d/%m/%Y} 08:30"
    )


def test_announce_conference_page_shows_the_actions_refusal(hanoi: Any, client_a: Client) -> None:
    response = client_a.post(
        reverse("dialogues:conference_new"),
        {
            "title": "Đối thoại",
            "level": "ward",
            "host_unit": hanoi.ward_a.pk,
            "starts_on": (TODAY() + datetime.timedelta(days=3)).strftime("%d/%m/%Y"),
            "starts_time": "08:30",
            "chair_name": "Chủ tịch",
            "place": "Hội trường",
            "audiences": ["sector"],
        },
    )
    assert response.status_code == 200
    assert "Name the sector the conference is for." in response.text
    assert not Conference.objects.exists()


def test_screen_merge_route_answer_publish_through_the_pages(
    hanoi: Any,
    conference: Conference,
    petition: Petition,
    client_a: Client,
    client_b: Client,
    land: Any,
    plan: Plan,
    area: Any,
) -> None:
    duplicate = petition_for(conference)
    client_a.post(
        reverse("dialogues:screen", args=[petition.pk]),
        {"field": land[0].pk, "issue_group": land[1].pk},
    )
    client_a.post(reverse("dialogues:merge", args=[duplicate.pk]), {"into": petition.code})
    deadline = TODAY() + datetime.timedelta(days=15)
    client_a.post(
        reverse("dialogues:route", args=[petition.pk]),
        {"unit": hanoi.ward_b.pk, "deadline": deadline.strftime("%d/%m/%Y")},
    )
    petition.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == petition
    assert (petition.status, petition.responsible_unit, petition.deadline) == (
        Petition.Status.ROUTED,
        hanoi.ward_b,
        deadline,
    )
    answer_url = reverse("dialogues:answer", args=[petition.pk])
    assert client_b.get(answer_url).status_code == 200
    commit_on = TODAY() + datetime.timedelta(days=40)
    response = client_b.post(
        answer_url,
        {
            "text": "Phường cam kết giải quyết trong 40 ngày.",
            "given_at": "conference",
            "answered_on": TODAY().strftime("%d/%m/%Y"),
            "commit": "on",
            "commitment_title": "Giải quyết dứt điểm hồ sơ",
            "commitment_deadline": commit_on.strftime("%d/%m/%Y"),
            "commitment_area": area.pk,
        },
    )
    assert response.status_code == 302
    task = Commitment.objects.get().task
    assert (task.deadline, task.lead_unit) == (commit_on, hanoi.ward_b)
    client_a.post(reverse("dialogues:publish"), {"petitions": [petition.pk]})
    petition.refresh_from_db()
    assert petition.status == Petition.Status.PUBLISHED
    assert AuditEvent.objects.filter(verb="dialogues.publish_answer").count() == 1


def test_answer_page_puts_the_tasks_refusal_on_the_commitment_field(
    hanoi: Any,
    petition: Petition,
    officer_a: User,
    client_b: Client,
    land: Any,
    plan: Plan,
    area: Any,
) -> None:
    _route(petition, officer_a, hanoi.ward_b, land)
    response = client_b.post(
        reverse("dialogues:answer", args=[petition.pk]),
        {
            "text": "Trả lời",
            "given_at": "writing",
            "answered_on": TODAY().strftime("%d/%m/%Y"),
            "commit": "on",
            "commitment_title": "Cam kết",
            "commitment_deadline": f"31/12/{plan.year - 1}",
            "commitment_area": area.pk,
        },
    )
    assert response.status_code == 200
    assert "is before the plan&#x27;s date" in html(response)
    assert not Answer.objects.exists()
    assert not Task.objects.exists()


def test_answer_page_requires_the_commitment_fields(
    hanoi: Any, petition: Petition, officer_a: User, client_b: Client, land: Any
) -> None:
    _route(petition, officer_a, hanoi.ward_b, land)
    response = client_b.post(
        reverse("dialogues:answer", args=[petition.pk]),
        {
            "text": "Trả lời",
            "given_at": "writing",
            "answered_on": TODAY().strftime("%d/%m/%Y"),
            "commit": "on",
        },
    )
    assert response.status_code == 200
    assert "Needed for a commitment." in response.text
    assert not Answer.objects.exists()


def test_answer_page_is_refused_before_routing(petition: Petition, client_a: Client) -> None:
    assert client_a.get(reverse("dialogues:answer", args=[petition.pk])).status_code == 403


def test_record_petition_page_at_a_conference(conference: Conference, client_a: Client) -> None:
    url = reverse("dialogues:petition_new") + f"?conference={conference.pk}"
    assert client_a.get(url).status_code == 200
    response = client_a.post(
        url,
        {
            "conference_id": conference.pk,
            "channel": "meeting",
            "submitter_type": "citizen",
            "title": "Vỉa hè bị lấn chiếm",
            "content": "Đề nghị phường xử lý.",
        },
    )
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert (petition.channel, petition.conference) == (Petition.Channel.MEETING, conference)


def test_hold_conference_page_refuses_before_the_date(
    conference: Conference, client_a: Client
) -> None:
    response = client_a.post(
        reverse("dialogues:conference_hold", args=[conference.pk]),
        {"attendance": "40", "minutes_text": "Biên bản"},
        follow=True,
    )
    assert "cannot be marked held before then" in response.text
    conference.refresh_from_db()
    assert conference.status == Conference.Status.ANNOUNCED


# --- lists, exports, N+1 -----------------------------------------------------------------------


def test_petition_list_xlsx_and_pdf(
    hanoi: Any, petition: Petition, officer_a: User, client_a: Client, land: Any
) -> None:
    _route(petition, officer_a, hanoi.ward_b, land)
    response = client_a.get(reverse("dialogues:petitions_xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã kiến nghị (code)"
    assert rows[1][0] == petition.code
    assert rows[1][8] == hanoi.ward_b.name
    pdf = client_a.get(reverse("dialogues:petitions_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_petition_list_xlsx_keeps_an_anonymous_formula_title_as_text(
    conference: Conference, client_a: Client
) -> None:
    evil = '=HYPERLINK("http://evil.example","Xem kết quả")'
    petition_for(conference, title=evil)
    response = client_a.get(reverse("dialogues:petitions_xlsx"))
    cells = [c for row in openpyxl.load_workbook(io.BytesIO(response.content)).active for c in row]
    written = [c for c in cells if c.value == evil]
    assert written
    assert {c.data_type for c in written} == {"s"}


def test_petition_list_filters_and_is_scoped(
    conference: Conference, petition: Petition, client_a: Client, client_b: Client
) -> None:
    url = reverse("dialogues:petitions")
    assert petition.code in client_a.get(url).text
    assert petition.code not in client_b.get(url).text
    assert petition.code not in client_a.get(url, {"status": "closed"}).text
    assert petition.code in client_a.get(url, {"q": petition.code}).text


def test_petition_list_has_no_n_plus_one(conference: Conference, client_a: Client) -> None:
    assert_constant_queries(
        lambda: client_a.get(reverse("dialogues:petitions")),
        lambda n: [petition_for(conference) for _ in range(n)],
    )


def test_conference_list_has_no_n_plus_one(hanoi: Any, officer_a: User, client_a: Client) -> None:
    assert_constant_queries(
        lambda: client_a.get(reverse("dialogues:conferences")),
        lambda n: [announce(hanoi.ward_a, officer_a) for _ in range(n)],
    )


def test_conference_detail_has_no_n_plus_one(conference: Conference, client_a: Client) -> None:
    assert_constant_queries(
        lambda: client_a.get(conference.get_absolute_url()),
        lambda n: [petition_for(conference) for _ in range(n)],
    )


def test_screening_queue_has_no_n_plus_one(conference: Conference, client_a: Client) -> None:
    first, _second = assert_constant_queries(
        lambda: client_a.get(reverse("dialogues:screening")),
        lambda n: [petition_for(conference) for _ in range(n)],
    )
    assert "KN-" in first.text


def test_public_conferences_page_has_no_n_plus_one(
    hanoi: Any, officer_a: User, anonymous: Client
) -> None:
    assert_constant_queries(
        lambda: anonymous.get(reverse("dialogues:public_conferences")),
        lambda n: [announce(hanoi.ward_a, officer_a) for _ in range(n)],
    )


def test_commitment_list_and_publish_page_have_no_n_plus_one(
    hanoi: Any,
    conference: Conference,
    officer_a: User,
    client_a: Client,
    land: Any,
    plan: Plan,
    area: Any,
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            petition = _route(petition_for(conference), officer_a, hanoi.ward_a, land)
            answer_petition(
                petition,
                actor=officer_a,
                text="Trả lời",
                given_at="writing",
                answered_on=TODAY(),
                commitment=CommitmentSpec(
                    title="Cam kết", deadline=TODAY() + datetime.timedelta(days=9), area=area
                ),
            )

    assert_constant_queries(lambda: client_a.get(reverse("dialogues:commitments")), add)
    assert_constant_queries(lambda: client_a.get(reverse("dialogues:publish")), add)


def test_hold_and_close_conference_through_the_page(
    conference: Conference, petition: Petition, client_a: Client, officer_a: User, land: Any
) -> None:
    Conference.objects.filter(pk=conference.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3)
    )
    client_a.post(
        reverse("dialogues:conference_hold", args=[conference.pk]),
        {"attendance": "66", "minutes_text": "Biên bản hội nghị"},
    )
    conference.refresh_from_db()
    assert conference.status == Conference.Status.HELD
    assert conference.attendance == 66
    refused = client_a.post(
        reverse("dialogues:conference_close", args=[conference.pk]), follow=True
    )
    assert f"These petitions are not routed yet: {petition.code}." in refused.text
    _route(petition, officer_a, conference.host_unit, land)
    client_a.post(reverse("dialogues:conference_close", args=[conference.pk]))
    conference.refresh_from_db()
    assert conference.status == Conference.Status.CLOSED


def test_other_unit_cannot_hold_a_conference(conference: Conference, client_b: Client) -> None:
    response = client_b.post(
        reverse("dialogues:conference_hold", args=[conference.pk]),
        {"attendance": "1", "minutes_text": "x"},
    )
    assert response.status_code == 404
    conference.refresh_from_db()
    assert conference.status == Conference.Status.ANNOUNCED


def test_attachment_download_is_scoped(
    conference: Conference, client_a: Client, client_b: Client
) -> None:
    petition = petition_for(conference, files=[SimpleUploadedFile("don.pdf", b"%PDF-1.4 x")])
    attachment = petition.attachments.get()
    url = reverse("dialogues:attachment", args=[attachment.pk])
    response = client_a.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    assert 'filename="don.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_b.get(url).status_code == 404


def test_record_petition_in_writing_for_a_chosen_unit(
    hanoi: Any, client: Client, city_admin: User
) -> None:
    client.force_login(city_admin)
    response = client.post(
        reverse("dialogues:petition_new"),
        {
            "unit_id": hanoi.ward_b.pk,
            "channel": "writing",
            "submitter_type": "organisation",
            "title": "Văn bản kiến nghị của Hội doanh nghiệp",
            "content": "Đề nghị rút ngắn thời gian cấp phép.",
            "received_on": (TODAY() - datetime.timedelta(days=2)).strftime("%d/%m/%Y"),
        },
    )
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert (petition.unit, petition.channel) == (hanoi.ward_b, Petition.Channel.WRITING)

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.core.privacy import CONSENT_VERSION
from cchc.dialogues.actions import (
    CommitmentSpec,
    answer_petition,
    close_conference,
    close_petition,
    hold_conference,
    merge_petition,
    new_code,
    publish_answers,
    record_petition,
    route_petition,
    screen_petition,
)
from cchc.dialogues.models import (
    Answer,
    Attachment,
    Audience,
    Commitment,
    Conference,
    Field,
    IssueGroup,
    Petition,
    PublicStatus,
    public_status,
)
from cchc.dialogues.queries import open_commitments
from cchc.dialogues.tests.conftest import announce, petition_for
from cchc.plans.actions import accept_report, cancel_task, create_plan, submit_report
from cchc.plans.models import ContentArea, Plan, Task

TODAY = timezone.localdate


def _verbs(obj: Any) -> list[str]:
    return list(AuditEvent.objects.for_target(obj).values_list("verb", flat=True))


def _routed(petition: Petition, actor: User, unit: Any, days: int = 10) -> Petition:
    return route_petition(
        petition, actor=actor, unit=unit, deadline=TODAY() + datetime.timedelta(days=days)
    )


def _commitment(area: ContentArea, days: int = 30, **extra: Any) -> CommitmentSpec:
    return CommitmentSpec(
        title="Rà soát và cấp giấy chứng nhận",
        deadline=TODAY() + datetime.timedelta(days=days),
        area=area,
        **extra,
    )


def _answer(petition: Petition, actor: User, **extra: Any) -> Answer:
    values: dict[str, Any] = {
        "text": "Phường sẽ rà soát hồ sơ.",
        "given_at": Answer.GivenAt.CONFERENCE,
        "answered_on": TODAY(),
    }
    values.update(extra)
    return answer_petition(petition, actor=actor, **values)


def _complete(task: Task, actor: User) -> None:
    report = submit_report(
        task, actor=actor, percent=100, narrative="Đã xong", is_completion=True, output="Kết quả"
    )
    accept_report(report, actor=actor)


# --- conferences -------------------------------------------------------------------------------


def test_announce_conference_records_it_and_its_audit(hanoi: Any, officer_a: User) -> None:
    conference = announce(hanoi.ward_a, officer_a, audiences=["sector"], sector="Du lịch")
    assert conference.status == Conference.Status.ANNOUNCED
    assert conference.audience_labels == ["A sector", "Du lịch"]
    assert _verbs(conference) == ["dialogues.announce_conference"]


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"days": -1}, "starts_at", "A conference is announced ahead of its date."),
        ({"audiences": []}, "audiences", "Choose at least one audience."),
        ({"audiences": ["sector"]}, "sector", "Name the sector the conference is for."),
        ({"audiences": ["press"]}, "audiences", "Unknown audience: press."),
        ({"place": ""}, "place", "Give the place or the online link."),
        ({"chair_name": ""}, "chair_name", "Name the chair of the conference."),
        ({"title": "  "}, "title", "Give the conference a title."),
    ],
)
def test_announce_conference_refuses_bad_input(
    hanoi: Any, officer_a: User, extra: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        announce(hanoi.ward_a, officer_a, **extra)
    assert error.value.message_dict == {field: [message]}
    assert not Conference.objects.exists()
    assert not AuditEvent.objects.filter(verb="dialogues.announce_conference").exists()


def test_hold_conference_before_its_date_is_refused(
    conference: Conference, officer_a: User
) -> None:
    with pytest.raises(ValidationError, match="cannot be marked held before then"):
        hold_conference(conference, actor=officer_a, attendance=50, minutes_text="Biên bản")
    conference.refresh_from_db()
    assert conference.status == Conference.Status.ANNOUNCED


def _happened(conference: Conference) -> Conference:
    Conference.objects.filter(pk=conference.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    conference.refresh_from_db()
    return conference


def test_hold_then_close_conference(
    conference: Conference, petition: Petition, officer_a: User, land: Any
) -> None:
    _happened(conference)
    with pytest.raises(ValidationError) as error:
        hold_conference(conference, actor=officer_a, attendance=50)
    assert error.value.message_dict == {"minutes_text": ["Write the minutes or attach them."]}
    hold_conference(conference, actor=officer_a, attendance=57, minutes_text="Biên bản hội nghị")
    assert conference.status == Conference.Status.HELD
    assert conference.attendance == 57
    with pytest.raises(ValidationError) as refused:
        close_conference(conference, actor=officer_a)
    assert refused.value.messages == [f"These petitions are not routed yet: {petition.code}."]
    screen_petition(petition, actor=officer_a, field=land[0], issue_group=land[1])
    _routed(petition, officer_a, conference.host_unit)
    close_conference(conference, actor=officer_a)
    assert conference.status == Conference.Status.CLOSED
    assert _verbs(conference)[:2] == ["dialogues.close_conference", "dialogues.hold_conference"]


# --- receiving ---------------------------------------------------------------------------------


def test_submit_petition_gives_random_unguessable_codes(conference: Conference) -> None:
    """Issue 16, item 10: the codes were sequential (…000006, …000007), so the public journey
    page answered for any guessed code."""
    first = petition_for(conference)
    second = petition_for(conference, contact="0912345678", consent_version=CONSENT_VERSION)
    year = TODAY().year
    pattern = (
        rf"KN-{year}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{{4}}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{{4}}"
    )
    assert re.fullmatch(pattern, first.code)
    assert re.fullmatch(pattern, second.code)
    assert first.code != second.code
    assert first.status == Petition.Status.RECEIVED
    assert first.channel == Petition.Channel.WEB
    assert first.unit == conference.host_unit
    assert second.contact == "0912345678"
    event = AuditEvent.objects.for_target(first).get()
    assert event.verb == "dialogues.submit_petition"
    assert event.actor is None


def test_submit_petition_flagged_by_the_honeypot_is_stored(conference: Conference) -> None:
    petition = petition_for(conference, flag_reason="robot")
    assert petition.flag_reason == "robot"
    assert Petition.objects.filter(pk=petition.pk).exists()


def test_submit_petition_keeps_checked_attachments(conference: Conference) -> None:
    upload = SimpleUploadedFile("giay-to.pdf", b"%PDF-1.4 content")
    petition = petition_for(conference, files=[upload])
    attachment = Attachment.objects.get(petition=petition)
    assert attachment.original_name == "giay-to.pdf"
    assert attachment.size == 16


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"content": ""}, "content", "Write the content of the petition."),
        (
            {"content": "x" * 5001},
            "content",
            "The content is 5001 characters; at most 5000 are accepted.",
        ),
        ({"title": "x" * 301}, "title", "The subject is at most 300 characters."),
        ({"submitter_type": "robot"}, "submitter_type", "Say who is sending the petition."),
        (
            {"files": [SimpleUploadedFile(f"{n}.txt", b"abc") for n in range(4)]},
            "files",
            "At most 3 files per petition.",
        ),
        (
            {
                "files": [
                    SimpleUploadedFile("ok.pdf", b"%PDF-1"),
                    SimpleUploadedFile("x.pdf", b"MZ"),
                ]
            },
            "files",
            "x.pdf does not contain what its name says (.pdf).",
        ),
    ],
)
def test_submit_petition_refuses_bad_input_and_writes_nothing(
    conference: Conference, extra: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        petition_for(conference, **extra)
    assert error.value.message_dict == {field: [message]}
    assert not Petition.objects.exists()
    assert not Attachment.objects.exists()


def test_submit_petition_to_a_conference_that_took_place_is_refused(
    conference: Conference,
) -> None:
    _happened(conference)
    with pytest.raises(ValidationError, match="no longer takes petitions"):
        petition_for(conference)
    assert not Petition.objects.exists()


def test_record_petition_at_the_conference_and_in_writing(
    hanoi: Any, conference: Conference, officer_a: User
) -> None:
    common = {"title": "Đường ngập", "content": "Ngập khi mưa", "submitter_type": "business"}
    with pytest.raises(ValidationError) as error:
        record_petition(actor=officer_a, unit=hanoi.ward_a, channel="meeting", **common)
    assert error.value.message_dict == {
        "conference": ["Choose the conference the petition was raised at."]
    }
    with pytest.raises(ValidationError):
        record_petition(actor=officer_a, unit=hanoi.ward_a, channel="web", **common)
    with pytest.raises(ValidationError) as future:
        record_petition(
            actor=officer_a,
            unit=hanoi.ward_a,
            channel="writing",
            received_on=TODAY() + datetime.timedelta(days=1),
            **common,
        )
    assert future.value.message_dict == {
        "received_on": ["The date received cannot be in the future."]
    }
    assert not Petition.objects.exists()
    at_meeting = record_petition(
        actor=officer_a, unit=hanoi.ward_b, channel="meeting", conference=conference, **common
    )
    assert at_meeting.unit == hanoi.ward_a  # the conference's host receives it
    letter = record_petition(
        actor=officer_a,
        unit=hanoi.ward_a,
        channel="writing",
        received_on=TODAY() - datetime.timedelta(days=3),
        **common,
    )
    assert timezone.localdate(letter.received_at) == TODAY() - datetime.timedelta(days=3)
    assert _verbs(letter) == ["dialogues.record_petition"]


# --- screening and routing ---------------------------------------------------------------------


def test_screen_petition_classifies_and_clears_the_flag(
    conference: Conference, officer_a: User, land: Any
) -> None:
    petition = petition_for(conference, flag_reason="robot")
    screen_petition(petition, actor=officer_a, field=land[0], issue_group=land[1])
    petition.refresh_from_db()
    assert petition.status == Petition.Status.SCREENED
    assert petition.flag_reason == ""
    event = AuditEvent.objects.for_target(petition).first()
    assert event is not None
    assert event.changes["field"] == [None, land[0].pk]


def test_screen_petition_with_a_group_of_another_field_is_refused(
    petition: Petition, officer_a: User
) -> None:
    with pytest.raises(ValidationError) as error:
        screen_petition(
            petition,
            actor=officer_a,
            field=Field.objects.get(code="DT"),
            issue_group=IssueGroup.objects.get(code="DD-GCN"),
        )
    assert "is not in the field" in error.value.message_dict["issue_group"][0]
    petition.refresh_from_db()
    assert petition.status == Petition.Status.RECEIVED
    assert petition.field is None


def test_merge_petition_closes_the_duplicate(
    conference: Conference, petition: Petition, officer_a: User
) -> None:
    duplicate = petition_for(conference)
    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        merge_petition(duplicate, actor=officer_a, into=duplicate)
    merge_petition(duplicate, actor=officer_a, into=petition)
    duplicate.refresh_from_db()
    assert duplicate.status == Petition.Status.CLOSED
    assert duplicate.merged_into == petition
    assert public_status(duplicate, []) == PublicStatus.MERGED
    third = petition_for(conference)
    with pytest.raises(ValidationError, match="is closed or merged itself"):
        merge_petition(third, actor=officer_a, into=duplicate)


def test_route_petition_requires_screening_and_a_future_deadline(
    hanoi: Any, petition: Petition, officer_a: User, land: Any
) -> None:
    with pytest.raises(ValidationError) as error:
        _routed(petition, officer_a, hanoi.ward_b)
    assert error.value.messages == [
        f"Screen petition {petition.code} (field and issue group) before routing it."
    ]
    screen_petition(petition, actor=officer_a, field=land[0], issue_group=land[1])
    with pytest.raises(ValidationError) as past:
        _routed(petition, officer_a, hanoi.ward_b, days=-1)
    assert past.value.message_dict == {"deadline": ["The deadline cannot be in the past."]}
    _routed(petition, officer_a, hanoi.ward_b)
    petition.refresh_from_db()
    assert petition.status == Petition.Status.ROUTED
    assert petition.responsible_unit == hanoi.ward_b
    assert _verbs(petition)[0] == "dialogues.route_petition"


# --- answers, commitments, publication, closing ------------------------------------------------


def test_answer_petition_not_routed_is_refused(screened: Petition, officer_a: User) -> None:
    with pytest.raises(ValidationError, match="is not routed to a unit"):
        _answer(screened, officer_a)
    assert not Answer.objects.exists()


def test_answer_with_commitment_creates_the_task_in_the_same_transaction(
    hanoi: Any, screened: Petition, officer_a: User, head_b: User, plan: Plan, area: ContentArea
) -> None:
    _routed(screened, officer_a, hanoi.ward_b)
    answer = _answer(screened, head_b, commitment=_commitment(area, responsible=head_b))
    screened.refresh_from_db()
    assert screened.status == Petition.Status.ANSWERED
    task = Task.objects.get(source=Task.Source.DIALOGUE)
    assert (task.code, task.source_ref, task.plan, task.lead_unit) == (
        screened.code,
        screened.code,
        plan,
        hanoi.ward_b,
    )
    assert task.responsible == head_b
    assert Commitment.objects.get().answer == answer
    assert AuditEvent.objects.filter(verb="plans.create_task").count() == 1
    assert _verbs(screened)[0] == "dialogues.answer_petition"


def test_answer_whose_task_is_refused_leaves_neither(
    hanoi: Any, screened: Petition, officer_a: User, plan: Plan, area: ContentArea
) -> None:
    _routed(screened, officer_a, hanoi.ward_b)
    before_plan = datetime.date(plan.year - 1, 12, 31)
    bad = CommitmentSpec(title="Làm ngay", deadline=before_plan, area=area)
    with pytest.raises(ValidationError) as error:
        _answer(screened, officer_a, commitment=bad)
    assert "is before the plan's date" in error.value.message_dict["deadline"][0]
    screened.refresh_from_db()
    assert screened.status == Petition.Status.ROUTED
    assert not Answer.objects.exists()
    assert not Task.objects.exists()
    assert not Commitment.objects.exists()
    assert not AuditEvent.objects.filter(verb="dialogues.answer_petition").exists()


def test_answer_with_commitment_but_no_issued_plan_is_refused(
    hanoi: Any, screened: Petition, officer_a: User, city_admin: User, area: ContentArea
) -> None:
    _routed(screened, officer_a, hanoi.ward_b)
    # A draft plan does not take commitments: the monthly tally counts issued plans only.
    create_plan(actor=city_admin, unit=hanoi.city, year=timezone.localdate().year, title="Dự thảo")
    with pytest.raises(ValidationError, match="There is no issued reform plan of"):
        _answer(screened, officer_a, commitment=_commitment(area))
    assert not Answer.objects.exists()


def test_a_second_commitment_gets_a_numbered_task_code(
    hanoi: Any, screened: Petition, officer_a: User, plan: Plan, area: ContentArea
) -> None:
    _routed(screened, officer_a, hanoi.ward_b)
    _answer(screened, officer_a, commitment=_commitment(area))
    _answer(screened, officer_a, given_at="writing", commitment=_commitment(area))
    codes = sorted(Task.objects.values_list("code", flat=True))
    assert codes == [screened.code, f"{screened.code}-2"]


def test_publish_answers_is_all_or_nothing(
    hanoi: Any, conference: Conference, screened: Petition, officer_a: User
) -> None:
    _routed(screened, officer_a, hanoi.ward_a)
    _answer(screened, officer_a)
    other = petition_for(conference)
    with pytest.raises(ValidationError) as error:
        publish_answers([screened, other], actor=officer_a)
    assert error.value.messages == [
        f"These petitions have no answer waiting to be published: {other.code}."
    ]
    assert not Answer.objects.filter(published_at__isnull=False).exists()
    with pytest.raises(ValidationError, match="Choose the petitions"):
        publish_answers([], actor=officer_a)
    assert publish_answers([screened], actor=officer_a) == 1
    screened.refresh_from_db()
    assert screened.status == Petition.Status.PUBLISHED
    assert Answer.objects.get().published_at == screened.published_at
    assert _verbs(screened)[0] == "dialogues.publish_answer"


def test_public_status_follows_the_commitment_task_and_closing_waits_for_it(
    hanoi: Any,
    screened: Petition,
    officer_a: User,
    officer_b: User,
    city_admin: User,
    plan: Plan,
    area: ContentArea,
) -> None:
    assert public_status(screened, []) == PublicStatus.RECEIVED
    _routed(screened, officer_a, hanoi.ward_b)
    assert public_status(screened, []) == PublicStatus.HANDLING
    _answer(screened, officer_b, commitment=_commitment(area))
    publish_answers([screened], actor=officer_a)
    task = Task.objects.get()
    assert public_status(screened, [task]) == PublicStatus.COMMITMENT_IN_TERM
    Task.objects.filter(pk=task.pk).update(deadline=TODAY() - datetime.timedelta(days=1))
    task.refresh_from_db()
    assert public_status(screened, [task]) == PublicStatus.COMMITMENT_OVERDUE
    with pytest.raises(ValidationError) as error:
        close_petition(screened, actor=officer_a)
    assert error.value.messages == [f"The commitment {task.code} is still being carried out."]
    _complete(task, city_admin)
    task.refresh_from_db()
    assert public_status(screened, [task]) == PublicStatus.COMMITMENT_DONE
    close_petition(screened, actor=officer_a)
    assert screened.status == Petition.Status.CLOSED
    assert _verbs(screened)[0] == "dialogues.close_petition"


def test_close_petition_refusals(hanoi: Any, screened: Petition, officer_a: User) -> None:
    with pytest.raises(ValidationError) as error:
        close_petition(screened, actor=officer_a)
    assert error.value.message_dict == {
        "reason": ["Give the reason for closing an unanswered petition."]
    }
    _routed(screened, officer_a, hanoi.ward_b)
    with pytest.raises(ValidationError, match="publish its answer before closing"):
        close_petition(screened, actor=officer_a, reason="x")
    screened.refresh_from_db()
    assert screened.status == Petition.Status.ROUTED


def test_close_unanswered_petition_with_a_reason(petition: Petition, officer_a: User) -> None:
    close_petition(petition, actor=officer_a, reason="Không thuộc thẩm quyền")
    assert public_status(petition, []) == PublicStatus.CLOSED
    with pytest.raises(ValidationError, match="is already closed"):
        close_petition(petition, actor=officer_a, reason="again")


def test_open_commitments_as_of_a_day(
    hanoi: Any, screened: Petition, officer_a: User, city_admin: User, plan: Plan, area: Any
) -> None:
    _routed(screened, officer_a, hanoi.ward_b)
    _answer(screened, officer_a, commitment=_commitment(area))
    commitment = Commitment.objects.get()
    yesterday = TODAY() - datetime.timedelta(days=1)
    assert list(open_commitments(TODAY())) == [commitment]
    assert list(open_commitments(yesterday)) == []  # not made yet
    cancel_task(commitment.task, actor=city_admin, reason="Không còn cần thiết")
    assert list(open_commitments(TODAY())) == []


def test_audience_choices_are_the_domain_ones() -> None:
    assert set(Audience.values) == {"citizens", "organisations", "businesses", "sector"}


def test_new_codes_have_no_look_alike_characters_and_do_not_repeat() -> None:
    codes = {new_code(2026) for _ in range(2000)}
    assert len(codes) == 2000
    drawn = set("".join(code.removeprefix("KN-2026-").replace("-", "") for code in codes))
    assert not drawn & set("01ILO")

"""Questionnaire versions, campaigns, recording and reviewing responses, and their audit."""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.surveys.actions import (
    add_question,
    close_campaign,
    create_campaign,
    new_version,
    publish_questionnaire,
    record_response,
    remove_question,
    review_response,
    update_questionnaire,
)
from cchc.surveys.actions.responses import _PUBLISHED_QUESTIONS
from cchc.surveys.models import (
    Answer,
    AnswerOption,
    Campaign,
    CampaignUnit,
    Option,
    Question,
    Questionnaire,
    Response,
)
from cchc.surveys.tests.factories import answers, campaign_of, default_questionnaire
from conftest import Hanoi

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def unit_a(hanoi: Hanoi, city_admin: User) -> CampaignUnit:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 1000), (hanoi.ward_b, 400)])
    return campaign.units.get(unit=hanoi.ward_a)


def messages_of(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


# --- questionnaires -----------------------------------------------------------------------


def test_new_version_copies_a_published_questionnaire_as_a_draft(city_admin: User) -> None:
    template = default_questionnaire()

    copy = new_version(template, actor=city_admin)

    assert (copy.code, copy.version, copy.status) == ("sipas-default", 2, "draft")
    assert not copy.is_template
    assert copy.satisfied_from == 4
    assert copy.sections.count() == 4
    assert copy.questions.count() == template.questions.count()
    assert Option.objects.filter(question__questionnaire=copy).count() == (
        Option.objects.filter(question__questionnaire=template).count()
    )
    c8 = copy.questions.get(code="C8")
    assert c8.section.questionnaire == copy
    assert c8.element == "civil_servants"
    # The template itself is untouched.
    assert template.questions.get(code="C8").section.questionnaire == template
    event = AuditEvent.objects.get(verb="surveys.new_version")
    assert event.details == {"code": "sipas-default", "version": 2, "from": template.pk}


def test_new_version_numbers_after_the_latest(city_admin: User) -> None:
    template = default_questionnaire()
    second = new_version(template, actor=city_admin)
    publish_questionnaire(second, actor=city_admin)

    assert new_version(template, actor=city_admin).version == 3


def test_new_version_of_a_draft_is_refused(city_admin: User) -> None:
    draft = new_version(default_questionnaire(), actor=city_admin)
    with pytest.raises(ValidationError, match="Only a published questionnaire"):
        new_version(draft, actor=city_admin)


def test_publish_questionnaire_freezes_it(city_admin: User) -> None:
    draft = new_version(default_questionnaire(), actor=city_admin)

    publish_questionnaire(draft, actor=city_admin)

    draft.refresh_from_db()
    assert draft.is_frozen
    assert draft.published_by == city_admin
    assert AuditEvent.objects.filter(verb="surveys.publish_questionnaire", target_id=draft.pk)
    with pytest.raises(ValidationError, match="is published and can no longer change"):
        publish_questionnaire(draft, actor=city_admin)


def test_publish_questionnaire_refuses_what_does_not_fit(city_admin: User) -> None:
    draft = new_version(default_questionnaire(), actor=city_admin)
    Option.objects.filter(question__questionnaire=draft, question__code="A2").exclude(
        value="1"
    ).delete()
    draft.scale_labels_en = ["Bad", "Good"]
    draft.save()
    Question.objects.filter(questionnaire=draft, code="B1").update(element="access")

    with pytest.raises(ValidationError) as error:
        publish_questionnaire(draft, actor=city_admin)

    assert error.value.messages == [
        "The scale has 5 points but 2 labels.",
        "Question A2 needs at least two options.",
        "Question B1 measures an element but is not in the service section.",
    ]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_publish_questionnaire_without_questions_is_refused(city_admin: User) -> None:
    empty = Questionnaire.objects.create(code="empty", title_vi="Trống")
    with pytest.raises(ValidationError, match="at least one question"):
        publish_questionnaire(empty, actor=city_admin)


# --- campaigns ----------------------------------------------------------------------------


def test_create_campaign_computes_the_sample_per_unit(hanoi: Hanoi, city_admin: User) -> None:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 1000), (hanoi.ward_b, 400)])

    rows = {row.unit.code: row for row in campaign.units.select_related("unit")}
    assert {code: (r.transactions, r.required) for code, r in rows.items()} == {
        "00004": (1000, 286),
        "00070": (400, 200),
    }
    assert rows["00004"].token != rows["00070"].token
    assert len(rows["00004"].token) >= 20
    event = AuditEvent.objects.get(verb="surveys.create_campaign")
    assert event.details["units"] == {"00004": [1000, 286], "00070": [400, 200]}
    assert event.details["margin"] == "0.05"


def test_create_campaign_with_another_margin(hanoi: Hanoi, city_admin: User) -> None:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 1000)], margin="0.1")
    assert campaign.units.get().required == 91  # 1000 / 11 = 90.9


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": " "}, "title", "Give the campaign a title."),
        (
            {"end": datetime.date(2025, 12, 31)},
            "period_end",
            "The period cannot end before it starts.",
        ),
        ({"margin": Decimal(0)}, "margin", "between 0 and 1"),
        ({"margin": Decimal("1.5")}, "margin", "between 0 and 1"),
        ({"margin": Decimal("0.0125")}, "margin", "at most three decimals"),
        ({"units": []}, "units", "Choose at least one unit to survey."),
        ({"units": "twice"}, "units", "is listed twice."),
        ({"units": "zero"}, "units", "the number of transactions must be at least 1."),
    ],
)
def test_create_campaign_refusals(
    hanoi: Hanoi, city_admin: User, change: dict[str, Any], field: str, message: str
) -> None:
    units: Any = change.pop("units", [(hanoi.ward_a, 100)])
    if units == "twice":
        units = [(hanoi.ward_a, 100), (hanoi.ward_a, 50)]
    elif units == "zero":
        units = [(hanoi.ward_a, 0)]
    arguments: dict[str, Any] = {
        "actor": city_admin,
        "questionnaire": default_questionnaire(),
        "title": "SIPAS 2026",
        "start": datetime.date(2026, 1, 1),
        "end": datetime.date(2026, 6, 30),
        "margin": Decimal("0.05"),
        "units_with_population": units,
    } | change

    with pytest.raises(ValidationError) as error:
        create_campaign(**arguments)

    assert message in " ".join(messages_of(error)[field])
    assert not Campaign.objects.exists()
    assert not AuditEvent.objects.filter(verb="surveys.create_campaign").exists()


def test_create_campaign_with_a_draft_questionnaire_is_refused(
    hanoi: Hanoi, city_admin: User
) -> None:
    draft = new_version(default_questionnaire(), actor=city_admin)
    with pytest.raises(ValidationError, match="needs a published questionnaire"):
        campaign_of(city_admin, [(hanoi.ward_a, 100)], questionnaire=draft)


def test_close_campaign_erases_client_hashes(unit_a: CampaignUnit, city_admin: User) -> None:
    campaign = unit_a.campaign
    record_response(unit_a, answers(), channel="web", client_hash=campaign.hash_client("x"))

    close_campaign(campaign, actor=city_admin)

    assert campaign.status == "closed"
    assert list(Response.objects.values_list("client_hash", flat=True)) == [""]
    event = AuditEvent.objects.get(verb="surveys.close_campaign")
    assert event.details == {"hashes_erased": 1}
    with pytest.raises(ValidationError, match="no longer accepts responses"):
        record_response(unit_a, answers(), channel="web")
    with pytest.raises(ValidationError, match="already closed"):
        close_campaign(campaign, actor=city_admin)


# --- recording responses ------------------------------------------------------------------


def test_record_response_stores_answers_options_and_tallies(unit_a: CampaignUnit) -> None:
    values = answers(
        5, A1=["1", "3"], C1=3, C2=4, C4=1, D1=["2", "6"], D2="  Cần thêm chỗ đỗ xe.  "
    )

    response = record_response(unit_a, values, channel="web", client_hash="a" * 64)

    assert response.status == "received"
    assert response.client_hash == "a" * 64
    assert Answer.objects.filter(response=response).count() == 4 + 18 + 2
    assert Answer.objects.get(response=response, question__code="C1").rating == 3
    assert Answer.objects.get(response=response, question__code="D2").text == (
        "Cần thêm chỗ đỗ xe."
    )
    chosen = AnswerOption.objects.filter(answer__response=response)
    assert sorted(chosen.values_list("answer__question__code", "option__value")) == [
        ("A1", "1"),
        ("A1", "3"),
        ("A2", "1"),
        ("A3", "1"),
        ("A4", "1"),
        ("D1", "2"),
        ("D1", "6"),
    ]
    # Access: 3, 4, 5 → 2 of 3 satisfied; procedures: 1, 5, 5, 5 → 3 of 4.
    assert response.tally("access") == (3, 2)
    assert response.tally("procedures") == (4, 3)
    assert response.tally("civil_servants") == (4, 4)
    assert response.tally("results") == (3, 3)
    assert response.tally("feedback") == (4, 4)
    event = AuditEvent.objects.get(verb="surveys.record_response")
    assert event.actor is None
    assert event.unit == unit_a.unit
    assert event.details == {"channel": "web", "status": "received", "answers": 24}


def test_record_response_reads_a_published_questionnaires_questions_once(
    unit_a: CampaignUnit,
) -> None:
    """Published questionnaires are frozen: each process reads their questions and options
    once, not at every submission (the month-end rush, issue #16)."""
    _PUBLISHED_QUESTIONS.clear()
    with CaptureQueriesContext(connection) as first:
        record_response(unit_a, answers(5), channel="web")
    with CaptureQueriesContext(connection) as second:
        record_response(unit_a, answers(4), channel="web")

    def reads(queries: CaptureQueriesContext, table: str) -> int:
        return sum(f'FROM "{table}"' in query["sql"] for query in queries.captured_queries)

    assert (reads(first, "surveys_question"), reads(first, "surveys_option")) == (1, 1)
    assert (reads(second, "surveys_question"), reads(second, "surveys_option")) == (0, 0)
    assert Answer.objects.filter(response__campaign_unit=unit_a, rating=4).count() == 18


def test_record_response_reads_a_new_version_anew(hanoi: Hanoi, city_admin: User) -> None:
    """A new version is another questionnaire: its added question is asked and stored."""
    template = default_questionnaire()
    record_response(
        campaign_of(city_admin, [(hanoi.ward_a, 100)]).units.get(), answers(5), channel="web"
    )
    draft = new_version(template, actor=city_admin)
    add_question(
        draft.sections.order_by("order").last(),
        actor=city_admin,
        code="E1",
        type="text",
        text_vi="Ý kiến khác",
        required=True,
    )
    publish_questionnaire(draft, actor=city_admin)
    unit = campaign_of(city_admin, [(hanoi.ward_b, 100)], questionnaire=draft).units.get()

    with pytest.raises(ValidationError) as error:
        record_response(unit, answers(5), channel="web")
    assert messages_of(error) == {"E1": ["Answer this question."]}
    response = record_response(unit, answers(5, E1="Tốt"), channel="web")
    assert response.answers.get(question__code="E1").text == "Tốt"


def test_record_response_tallies_follow_the_satisfied_rule(hanoi: Hanoi, city_admin: User) -> None:
    """With satisfied_from = 3, a rating of 3 counts as satisfied."""
    draft = new_version(default_questionnaire(), actor=city_admin)
    draft.satisfied_from = 3
    draft.save()
    publish_questionnaire(draft, actor=city_admin)
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 100)], questionnaire=draft)

    response = record_response(
        campaign.units.get(), answers(3, C1=2, C2=3), channel="interviewer", actor=city_admin
    )

    assert response.tally("access") == (3, 2)
    assert response.tally("results") == (3, 3)
    assert response.entered_by == city_admin


def test_record_response_accepts_ratings_and_choices_as_form_strings(
    unit_a: CampaignUnit,
) -> None:
    values = answers(5, A2=" 2 ", A1="4", C1="4", B1="")
    response = record_response(unit_a, values, channel="web")

    assert Answer.objects.get(response=response, question__code="C1").rating == 4
    assert not Answer.objects.filter(response=response, question__code="B1").exists()
    assert (
        AnswerOption.objects.get(
            answer__response=response, answer__question__code="A2"
        ).option.value
        == "2"
    )


def test_record_response_refuses_answers_that_do_not_fit(unit_a: CampaignUnit) -> None:
    values = answers(
        5,
        C1=6,
        C2=0,
        C3="4.5",
        C4=True,
        C6="²",
        C5=None,
        A2=["1", "2"],
        A1=["1", "9"],
        D2="x" * 1001,
        Z9=1,
    )

    with pytest.raises(ValidationError) as error:
        record_response(unit_a, values, channel="web")

    assert messages_of(error) == {
        "Z9": ["There is no question with this code."],
        "A1": ["9 is not an option of this question."],
        "A2": ["Choose one option only."],
        "C1": ["Choose a point from 1 to 5."],
        "C2": ["Choose a point from 1 to 5."],
        "C3": ["Choose a point from 1 to 5."],
        "C4": ["Choose a point from 1 to 5."],
        "C6": ["Choose a point from 1 to 5."],
        "C5": ["Answer this question."],
        "D2": ["Write at most 1000 characters (this answer has 1001)."],
    }
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    assert not AuditEvent.objects.filter(verb="surveys.record_response").exists()


def test_record_response_refuses_a_missing_required_answer(unit_a: CampaignUnit) -> None:
    with pytest.raises(ValidationError) as error:
        record_response(unit_a, answers(5, A1=[], A3=None), channel="web")
    assert messages_of(error) == {
        "A1": ["Answer this question."],
        "A3": ["Answer this question."],
    }


def test_record_response_refuses_malformed_values(unit_a: CampaignUnit) -> None:
    with pytest.raises(ValidationError) as error:
        record_response(unit_a, answers(5, A1={"1": 1}, D2=["text"], C1=[4]), channel="web")
    assert messages_of(error) == {
        "A1": ["Choose among the listed options."],
        "C1": ["Choose a point from 1 to 5."],
        "D2": ["Write the answer as text."],
    }


def test_record_response_by_an_interviewer_needs_the_person(unit_a: CampaignUnit) -> None:
    with pytest.raises(ValidationError, match="need the person entering them"):
        record_response(unit_a, answers(), channel="paper")
    with pytest.raises(ValidationError, match="Unknown channel"):
        record_response(unit_a, answers(), channel="fax")


def test_record_response_flags_the_same_answers_from_the_same_client(
    unit_a: CampaignUnit,
) -> None:
    client = unit_a.campaign.hash_client("198.51.100.4")
    first = record_response(unit_a, answers(), channel="web", client_hash=client)
    other = record_response(unit_a, answers(4), channel="web", client_hash=client)
    again = record_response(unit_a, answers(), channel="web", client_hash=client)
    anonymous = record_response(unit_a, answers(), channel="web")

    assert [first.status, other.status, anonymous.status] == ["received"] * 3
    assert again.status == "flagged"
    assert again.flag_reason == "The same client sent the same answers before."


def test_record_response_flags_with_the_callers_reason(unit_a: CampaignUnit) -> None:
    response = record_response(
        unit_a, answers(), channel="web", flag_reason="The honeypot field was filled."
    )
    assert (response.status, response.flag_reason) == (
        "flagged",
        "The honeypot field was filled.",
    )


# --- review -------------------------------------------------------------------------------


def test_review_response_accepts_and_audits(unit_a: CampaignUnit, city_admin: User) -> None:
    response = record_response(unit_a, answers(), channel="web")

    review_response(response, actor=city_admin, decision="accepted")

    response.refresh_from_db()
    assert response.status == "accepted"
    assert response.reviewed_by == city_admin
    assert response.reviewed_at is not None
    event = AuditEvent.objects.get(verb="surveys.review_response")
    assert event.changes == {"status": ["received", "accepted"]}
    assert event.unit == unit_a.unit


def test_review_response_rejection_needs_a_reason(unit_a: CampaignUnit, city_admin: User) -> None:
    response = record_response(unit_a, answers(), channel="web")

    with pytest.raises(ValidationError) as error:
        review_response(response, actor=city_admin, decision="rejected", reason="  ")

    assert messages_of(error) == {"reason": ["Give the reason for rejecting the response."]}
    response.refresh_from_db()
    assert response.status == "received"
    review_response(response, actor=city_admin, decision="rejected", reason="Phiếu thử nghiệm.")
    response.refresh_from_db()
    assert (response.status, response.review_reason) == ("rejected", "Phiếu thử nghiệm.")


def test_review_response_may_be_revised_but_not_repeated(
    unit_a: CampaignUnit, city_admin: User
) -> None:
    response = record_response(unit_a, answers(), channel="web")
    review_response(response, actor=city_admin, decision="accepted")
    review_response(response, actor=city_admin, decision="flagged", reason="Giờ gửi bất thường.")

    assert (response.status, response.flag_reason) == ("flagged", "Giờ gửi bất thường.")
    with pytest.raises(ValidationError, match=r"Response #\d+ is already flagged."):
        review_response(response, actor=city_admin, decision="flagged")
    with pytest.raises(ValidationError, match="Decide to accept, reject or flag"):
        review_response(response, actor=city_admin, decision="received")
    assert AuditEvent.objects.filter(verb="surveys.review_response").count() == 2


# --- editing drafts; published questionnaires are frozen ----------------------------------


@pytest.fixture
def draft(city_admin: User) -> Questionnaire:
    return new_version(default_questionnaire(), actor=city_admin)


def test_update_questionnaire_changes_the_scale_of_a_draft(
    draft: Questionnaire, city_admin: User
) -> None:
    update_questionnaire(
        draft,
        actor=city_admin,
        scale_points=4,
        scale_labels_vi=["Rất kém", "Kém", "Tốt", "Rất tốt"],
        scale_labels_en=["Very poor", "Poor", "Good", "Very good"],
        satisfied_from=3,
    )

    draft.refresh_from_db()
    assert (draft.scale_points, draft.satisfied_from) == (4, 3)
    event = AuditEvent.objects.get(verb="surveys.update_questionnaire")
    assert event.changes["scale_points"] == [5, 4]
    assert event.changes["satisfied_from"] == [4, 3]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"scale_points": 12}, "A rating scale has 2 to 11 points."),
        ({"satisfied_from": 6}, "“Satisfied from” must be a point of the scale, 1 to 5."),
        ({"scale_labels_vi": ["Kém", "Tốt"]}, "The scale has 5 points but 2 labels."),
        ({"title_vi": "  "}, "Give the questionnaire a Vietnamese title."),
        ({"status": "published"}, "These settings cannot be changed here: status."),
    ],
)
def test_update_questionnaire_refusals(
    draft: Questionnaire, city_admin: User, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        update_questionnaire(draft, actor=city_admin, **fields)
    assert message in error.value.messages
    draft.refresh_from_db()
    assert (draft.scale_points, draft.satisfied_from, draft.status) == (5, 4, "draft")


def test_add_and_remove_a_question_of_a_draft(draft: Questionnaire, city_admin: User) -> None:
    section = draft.sections.get(kind="needs")

    question = add_question(
        section,
        actor=city_admin,
        code="D3",
        type="single",
        text_vi="Ông/Bà có sẵn sàng tham gia khảo sát lần sau?",
        text_en="Would you take part in the next survey?",
        required=False,
        options=[("1", "Có", "Yes"), ("2", "Không", "No")],
    )

    assert question.order == 2
    assert list(question.options.values_list("value", "label_vi")) == [("1", "Có"), ("2", "Không")]
    assert AuditEvent.objects.get(verb="surveys.add_question").details == {
        "code": "D3",
        "type": "single",
        "element": "",
        "options": 2,
    }
    remove_question(question, actor=city_admin)
    assert not draft.questions.filter(code="D3").exists()
    assert AuditEvent.objects.filter(verb="surveys.remove_question").exists()


@pytest.mark.parametrize(
    ("section_kind", "fields", "field", "message"),
    [
        ("needs", {"code": "D1"}, "code", "not used in this questionnaire"),
        ("needs", {"type": "essay"}, "type", "Choose a question type."),
        ("service", {"type": "text", "element": "access"}, "element", "Only a rating question"),
        ("needs", {"element": "access"}, "element", "service-delivery section"),
        ("needs", {"type": "single", "options": [("1", "Có", "Yes")]}, "options", "two options"),
        (
            "needs",
            {"type": "multiple", "options": [("1", "A", "A"), ("1", "B", "B")]},
            "options",
            "its own value",
        ),
        ("needs", {"options": [("1", "A", "A"), ("2", "B", "B")]}, "options", "Only a choice"),
        ("needs", {"text_vi": " "}, "text_vi", "Write the question in Vietnamese."),
    ],
)
def test_add_question_refusals(
    draft: Questionnaire,
    city_admin: User,
    section_kind: str,
    fields: dict[str, Any],
    field: str,
    message: str,
) -> None:
    arguments: dict[str, Any] = {
        "code": "X1",
        "type": "rating",
        "text_vi": "Câu hỏi mới",
    } | fields
    count = draft.questions.count()

    with pytest.raises(ValidationError) as error:
        add_question(draft.sections.get(kind=section_kind), actor=city_admin, **arguments)

    assert message in " ".join(messages_of(error)[field])
    assert draft.questions.count() == count


def test_a_published_questionnaire_is_frozen(city_admin: User) -> None:
    published = default_questionnaire()
    frozen = "Version 1 of “sipas-default” is published and can no longer change"

    with pytest.raises(ValidationError, match=frozen):
        update_questionnaire(published, actor=city_admin, satisfied_from=3)
    with pytest.raises(ValidationError, match=frozen):
        add_question(
            published.sections.get(kind="needs"),
            actor=city_admin,
            code="D9",
            type="text",
            text_vi="Thêm",
        )
    with pytest.raises(ValidationError, match=frozen):
        remove_question(published.questions.get(code="C1"), actor=city_admin)
    with pytest.raises(ValidationError, match=frozen):
        publish_questionnaire(published, actor=city_admin)

    published.refresh_from_db()
    assert published.satisfied_from == 4
    assert published.questions.count() == 28
    assert not AuditEvent.objects.exists()

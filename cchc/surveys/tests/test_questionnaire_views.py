"""The questionnaire pages: the list of versions, one version with its scale and questions, and
for a draft its editing and publishing; a published version is frozen and changes only through
a new version. City administrators only; every change writes its audit event and a refusal
shows the action's message with nothing stored.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cchc.accounts.models import User
from cchc.core.models import AuditEvent
from cchc.core.tests.helpers import assert_constant_queries
from cchc.surveys.actions import new_version
from cchc.surveys.models import Option, Question, Questionnaire, Section
from cchc.surveys.tests.factories import campaign_of, default_questionnaire
from conftest import Hanoi, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def admin(city_admin: User) -> Client:
    return client_for(city_admin)


@pytest.fixture
def draft(city_admin: User) -> Questionnaire:
    """Version 2 of the default questionnaire, a draft copy."""
    return new_version(default_questionnaire(), actor=city_admin)


def section_of(questionnaire: Questionnaire, kind: str) -> Section:
    return questionnaire.sections.get(kind=kind)


def add_url(questionnaire: Questionnaire, section: Section) -> str:
    return reverse("surveys:question_add", args=[questionnaire.pk, section.pk])


def question_data(section: Section, **values: Any) -> dict[str, Any]:
    """A POST of the add-question form of `section` (its fields carry the section's prefix)."""
    data = {
        "code": "C19",
        "type": "rating",
        "text_vi": "Ông/Bà đánh giá thế nào về thời gian chờ?",
        "text_en": "How do you rate the waiting time?",
        "element": "access",
        "required": "on",
        "options": "",
    } | values
    return {
        f"section-{section.pk}-{name}": value for name, value in data.items() if value is not None
    }


def verbs(actor: User) -> list[str]:
    return list(
        AuditEvent.objects.filter(actor=actor).order_by("pk").values_list("verb", flat=True)
    )


# --- list ----------------------------------------------------------------------------------------


def test_list_shows_the_default_questionnaire(
    hanoi: Hanoi, admin: Client, city_admin: User
) -> None:
    default = default_questionnaire()
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 100)])
    page = admin.get(reverse("surveys:questionnaires"))
    assert page.status_code == 200
    body = text(page)
    assert default.title_vi in body
    assert default.title_en in body
    assert "Template — adapt before use" in body
    assert reverse("surveys:questionnaire", args=[default.pk]) in body
    assert reverse("surveys:campaign", args=[campaign.pk]) in body
    row = page.context["questionnaires"][0]
    assert (row.code, row.version, row.is_template) == ("sipas-default", 1, True)
    assert row.question_count == default.questions.count() > 0
    assert [c.pk for c in row.campaigns.all()] == [campaign.pk]


def test_list_is_newest_first(admin: Client, draft: Questionnaire) -> None:
    page = admin.get(reverse("surveys:questionnaires"))
    assert [(q.code, q.version) for q in page.context["questionnaires"]] == [
        ("sipas-default", 2),
        ("sipas-default", 1),
    ]


def test_list_query_count_is_constant(hanoi: Hanoi, admin: Client, city_admin: User) -> None:
    Questionnaire.objects.all().delete()
    versions = iter(range(1, 10))

    def add(n: int) -> None:
        for _ in range(n):
            version = next(versions)
            questionnaire = Questionnaire.objects.create(
                code="q", version=version, title_vi="Phiếu", status="published"
            )
            section = questionnaire.sections.create(kind="service", title_vi="Phần")
            Question.objects.create(
                questionnaire=questionnaire, section=section, code="C1", type="rating", text_vi="?"
            )
            campaign_of(
                city_admin, [(hanoi.ward_a, 100)], year=2000 + version, questionnaire=questionnaire
            )

    first, second = assert_constant_queries(
        lambda: admin.get(reverse("surveys:questionnaires")), add
    )
    assert len(first.context["questionnaires"]) == 1
    assert len(second.context["questionnaires"]) == 3


def test_officer_is_refused(officer_a: User, draft: Questionnaire) -> None:
    client = client_for(officer_a)
    section = section_of(draft, "service")
    assert client.get(reverse("surveys:questionnaires")).status_code == 403
    assert client.get(reverse("surveys:questionnaire", args=[draft.pk])).status_code == 403
    assert client.post(add_url(draft, section), question_data(section)).status_code == 403
    for name in ("questionnaire_publish", "questionnaire_new_version"):
        assert client.post(reverse(f"surveys:{name}", args=[draft.pk])).status_code == 403
    c1 = draft.questions.get(code="C1")
    remove = reverse("surveys:question_remove", args=[draft.pk, c1.pk])
    assert client.post(remove).status_code == 403
    edit = reverse("surveys:questionnaire_edit", args=[draft.pk])
    assert client.post(edit, {"title_vi": "X", "scale_points": "5"}).status_code == 403
    draft.refresh_from_db()
    assert not draft.questions.filter(code="C19").exists()
    assert draft.questions.filter(code="C1").exists()
    assert (draft.status, draft.title_vi) == (
        Questionnaire.Status.DRAFT,
        default_questionnaire().title_vi,
    )
    assert Questionnaire.objects.count() == 2


def test_anonymous_is_sent_to_login(anonymous: Client) -> None:
    page = anonymous.get(reverse("surveys:questionnaires"))
    assert page.status_code == 302
    assert reverse("accounts:login") in page["Location"]


# --- detail --------------------------------------------------------------------------------------


def test_detail_of_the_published_default_is_read_only(admin: Client) -> None:
    default = default_questionnaire()
    page = admin.get(reverse("surveys:questionnaire", args=[default.pk]))
    body = text(page)
    assert default.title_vi in body
    assert default.title_en in body
    assert "satisfied = 4–5 of 5" in body
    assert "Rất hài lòng" in body
    assert "Very satisfied" in body
    assert "This version is frozen" in body
    assert "Template — adapt before use" in body
    assert reverse("surveys:questionnaire_new_version", args=[default.pk]) in body
    # every section in order with its questions, texts in both languages, options, elements
    kinds = [row.section.kind for row in page.context["rows"]]
    assert kinds == ["perceptions", "policy", "service", "needs"]
    a1 = default.questions.get(code="A1")
    assert a1.text_vi in body
    assert a1.text_en in body
    option = a1.options.get(value="2")
    assert option.label_vi in body
    assert option.label_en in body
    assert "Access to the service" in body
    assert "Handling of feedback and petitions" in body
    # no editing of a frozen version
    assert reverse("surveys:questionnaire_publish", args=[default.pk]) not in body
    assert "question_remove" not in body
    assert "/remove/" not in body
    assert "/questions/" not in body
    assert page.context["settings_form"] is None


def test_detail_of_a_draft_offers_editing(admin: Client, draft: Questionnaire) -> None:
    page = admin.get(reverse("surveys:questionnaire", args=[draft.pk]))
    body = text(page)
    assert "Template — adapt before use" not in body
    assert "This version is a draft" in body
    assert reverse("surveys:questionnaire_publish", args=[draft.pk]) in body
    assert reverse("surveys:questionnaire_edit", args=[draft.pk]) in body
    for section in draft.sections.all():
        assert add_url(draft, section) in body
    c1 = draft.questions.get(code="C1")
    assert reverse("surveys:question_remove", args=[draft.pk, c1.pk]) in body
    # only the service-delivery section asks for an element
    forms = {row.section.kind: row.form for row in page.context["rows"]}
    assert "element" in forms["service"].fields
    assert "element" not in forms["policy"].fields


def test_unknown_questionnaire_is_404(admin: Client) -> None:
    assert admin.get(reverse("surveys:questionnaire", args=[99999])).status_code == 404


# --- new version ---------------------------------------------------------------------------------


def test_new_version_of_the_published_default(admin: Client, city_admin: User) -> None:
    default = default_questionnaire()
    page = admin.post(reverse("surveys:questionnaire_new_version", args=[default.pk]))
    copy = Questionnaire.objects.get(code="sipas-default", version=2)
    assert page.status_code == 302
    assert page["Location"] == reverse("surveys:questionnaire", args=[copy.pk])
    assert copy.status == Questionnaire.Status.DRAFT
    assert not copy.is_template
    assert copy.questions.count() == default.questions.count()
    assert verbs(city_admin) == ["surveys.new_version"]
    followed = admin.get(page["Location"])
    assert "Version 2 was created as a draft" in text(followed)


def test_new_version_of_a_draft_is_refused(admin: Client, draft: Questionnaire) -> None:
    page = admin.post(reverse("surveys:questionnaire_new_version", args=[draft.pk]), follow=True)
    assert "Only a published questionnaire can be copied as a new version." in text(page)
    assert Questionnaire.objects.filter(code="sipas-default").count() == 2


def test_new_version_is_post_only(admin: Client) -> None:
    default = default_questionnaire()
    page = admin.get(reverse("surveys:questionnaire_new_version", args=[default.pk]))
    assert page.status_code == 405


# --- questions -----------------------------------------------------------------------------------


def test_add_and_remove_a_question(admin: Client, city_admin: User, draft: Questionnaire) -> None:
    section = section_of(draft, "service")
    last = section.questions.order_by("-order").first()
    assert last is not None
    page = admin.post(add_url(draft, section), question_data(section))
    assert page.status_code == 302
    assert page["Location"] == reverse("surveys:questionnaire", args=[draft.pk])
    question = draft.questions.get(code="C19")
    assert (question.section_id, question.type, question.element, question.required) == (
        section.pk,
        "rating",
        "access",
        True,
    )
    assert question.text_en == "How do you rate the waiting time?"
    assert question.order == last.order + 1
    body = text(admin.get(page["Location"]))
    assert "Question C19 was added." in body
    assert "Ông/Bà đánh giá thế nào về thời gian chờ?" in body

    page = admin.post(reverse("surveys:question_remove", args=[draft.pk, question.pk]))
    assert page.status_code == 302
    assert not draft.questions.filter(code="C19").exists()
    assert "Question C19 was removed." in text(admin.get(page["Location"]))
    assert verbs(city_admin) == [
        "surveys.new_version",
        "surveys.add_question",
        "surveys.remove_question",
    ]


def test_add_a_choice_question_with_its_options(admin: Client, draft: Questionnaire) -> None:
    section = section_of(draft, "needs")
    data = question_data(
        section,
        code="D9",
        type="multiple",
        element=None,
        required="",
        options="1 | Trực tuyến | Online\n\n2 | Tại bộ phận một cửa\n3|Qua bưu điện|By post",
    )
    assert admin.post(add_url(draft, section), data).status_code == 302
    question = draft.questions.get(code="D9")
    assert not question.required
    assert list(question.options.values_list("value", "label_vi", "label_en", "order")) == [
        ("1", "Trực tuyến", "Online", 0),
        ("2", "Tại bộ phận một cửa", "", 1),
        ("3", "Qua bưu điện", "By post", 2),
    ]


def test_a_bad_option_line_shows_the_actions_message(
    admin: Client, city_admin: User, draft: Questionnaire
) -> None:
    section = section_of(draft, "needs")
    options_before = Option.objects.count()
    data = question_data(
        section, code="D9", type="single", element=None, options="1 | Có | Yes\n1 | Không | No"
    )
    page = admin.post(add_url(draft, section), data)
    assert page.status_code == 200
    assert "A choice needs at least two options, each with its own value." in text(page)
    assert page.context["open_section"] == section.pk
    # the typed question is kept in the form
    assert "1 | Không | No" in page.content.decode()
    assert not draft.questions.filter(code="D9").exists()
    assert Option.objects.count() == options_before
    assert verbs(city_admin) == ["surveys.new_version"]


def test_a_malformed_option_line_is_named(admin: Client, draft: Questionnaire) -> None:
    section = section_of(draft, "needs")
    data = question_data(
        section, code="D9", type="single", element=None, options="1 | Có | Yes | ?\n2"
    )
    page = admin.post(add_url(draft, section), data)
    body = text(page)
    assert "Line 1: write “value | Vietnamese label | English label”." in body
    assert "Line 2: give the option a Vietnamese label." in body
    assert not draft.questions.filter(code="D9").exists()


def test_an_element_outside_the_service_section_is_not_offered(
    admin: Client, draft: Questionnaire
) -> None:
    section = section_of(draft, "policy")
    data = question_data(section, code="B9", element="access")
    assert admin.post(add_url(draft, section), data).status_code == 302
    assert draft.questions.get(code="B9").element == ""


def test_a_repeated_code_is_refused(admin: Client, draft: Questionnaire) -> None:
    section = section_of(draft, "service")
    page = admin.post(add_url(draft, section), question_data(section, code="C1"))
    assert "Give the question a code not used in this questionnaire." in text(page)
    assert draft.questions.filter(code="C1").count() == 1


def test_a_section_of_another_questionnaire_is_404(admin: Client, draft: Questionnaire) -> None:
    other = section_of(default_questionnaire(), "service")
    assert admin.post(add_url(draft, other), question_data(other)).status_code == 404
    question = default_questionnaire().questions.get(code="C1")
    url = reverse("surveys:question_remove", args=[draft.pk, question.pk])
    assert admin.post(url).status_code == 404


# --- settings ------------------------------------------------------------------------------------


def settings_data(**values: Any) -> dict[str, Any]:
    return {
        "title_vi": "Phiếu khảo sát Hà Nội 2026",
        "title_en": "Hà Nội survey 2026",
        "notes": "Điều chỉnh cho thành phố.",
        "scale_points": "4",
        "scale_labels_vi": "Rất kém\nKém\nTốt\nRất tốt\n",
        "scale_labels_en": "Very poor\nPoor\nGood\nVery good",
        "satisfied_from": "3",
    } | values


def test_edit_the_settings(admin: Client, city_admin: User, draft: Questionnaire) -> None:
    assert admin.get(reverse("surveys:questionnaire_edit", args=[draft.pk])).status_code == 200
    page = admin.post(reverse("surveys:questionnaire_edit", args=[draft.pk]), settings_data())
    assert page.status_code == 302
    draft.refresh_from_db()
    assert (draft.title_vi, draft.scale_points, draft.satisfied_from) == (
        "Phiếu khảo sát Hà Nội 2026",
        4,
        3,
    )
    assert draft.scale_labels_vi == ["Rất kém", "Kém", "Tốt", "Rất tốt"]
    assert draft.scale_labels_en == ["Very poor", "Poor", "Good", "Very good"]
    assert "satisfied = 3–4 of 4" in text(admin.get(page["Location"]))
    event = AuditEvent.objects.get(verb="surveys.update_questionnaire")
    assert event.actor == city_admin


def test_labels_not_matching_the_scale_are_refused(admin: Client, draft: Questionnaire) -> None:
    page = admin.post(
        reverse("surveys:questionnaire_edit", args=[draft.pk]),
        settings_data(scale_points="5"),
    )
    assert page.status_code == 200
    assert "The scale has 5 points but 4 labels." in text(page)
    draft.refresh_from_db()
    assert (draft.title_vi, draft.scale_points) == (default_questionnaire().title_vi, 5)
    assert len(draft.scale_labels_vi) == 5
    assert not AuditEvent.objects.filter(verb="surveys.update_questionnaire").exists()


def test_a_published_version_cannot_be_edited(admin: Client) -> None:
    default = default_questionnaire()
    page = admin.post(
        reverse("surveys:questionnaire_edit", args=[default.pk]), settings_data(), follow=True
    )
    assert "This version is published and frozen" in text(page)
    default.refresh_from_db()
    assert default.scale_points == 5


# --- publishing ----------------------------------------------------------------------------------


def test_publishing_freezes_the_draft(
    admin: Client, city_admin: User, draft: Questionnaire
) -> None:
    page = admin.post(reverse("surveys:questionnaire_publish", args=[draft.pk]))
    assert page.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Questionnaire.Status.PUBLISHED
    assert draft.published_by == city_admin
    body = text(admin.get(page["Location"]))
    assert "Version 2 is published" in body
    assert "This version is frozen" in body
    assert verbs(city_admin) == ["surveys.new_version", "surveys.publish_questionnaire"]

    section = section_of(draft, "service")
    page = admin.post(add_url(draft, section), question_data(section), follow=True)
    assert (
        "Version 2 of “sipas-default” is published and can no longer change: create a new version."
    ) in text(page)
    assert not draft.questions.filter(code="C19").exists()
    question = draft.questions.get(code="C1")
    page = admin.post(reverse("surveys:question_remove", args=[draft.pk, question.pk]), follow=True)
    assert "is published and can no longer change" in text(page)
    assert draft.questions.filter(code="C1").exists()
    assert verbs(city_admin) == ["surveys.new_version", "surveys.publish_questionnaire"]


def test_publishing_lists_every_refusal(
    admin: Client, city_admin: User, draft: Questionnaire
) -> None:
    section = section_of(draft, "perceptions")
    a2 = draft.questions.get(code="A2")
    a2.options.exclude(value="1").delete()
    a3 = draft.questions.get(code="A3")
    a3.options.exclude(value="1").delete()
    page = admin.post(reverse("surveys:questionnaire_publish", args=[draft.pk]), follow=True)
    body = text(page)
    assert "Question A2 needs at least two options." in body
    assert "Question A3 needs at least two options." in body
    draft.refresh_from_db()
    assert draft.status == Questionnaire.Status.DRAFT
    assert "surveys.publish_questionnaire" not in verbs(city_admin)
    assert section.questions.count() == 4


def test_publishing_an_empty_draft_is_refused(admin: Client, draft: Questionnaire) -> None:
    draft.questions.all().delete()
    page = admin.post(reverse("surveys:questionnaire_publish", args=[draft.pk]), follow=True)
    assert "A questionnaire needs at least one question." in text(page)
    draft.refresh_from_db()
    assert draft.status == Questionnaire.Status.DRAFT


def test_the_campaign_tabs_link_the_questionnaire(
    hanoi: Hanoi, admin: Client, city_admin: User, officer_a: User
) -> None:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 100)])
    url = reverse("surveys:questionnaire", args=[campaign.questionnaire_id])
    assert url in text(admin.get(reverse("surveys:campaign", args=[campaign.pk])))
    page = client_for(officer_a).get(reverse("surveys:campaign", args=[campaign.pk]))
    assert page.status_code == 200
    assert url not in text(page)

"""The default questionnaire, the constraints and the migrations."""

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from cchc.surveys.models import Element, Question, Questionnaire, Response, Section
from cchc.surveys.tests.factories import ELEMENT_CODES, campaign_of, default_questionnaire
from conftest import Hanoi

pytestmark = pytest.mark.django_db


def test_default_questionnaire_is_a_published_template_following_sipas() -> None:
    questionnaire = default_questionnaire()

    assert questionnaire.is_template
    assert questionnaire.is_frozen
    assert (questionnaire.scale_points, questionnaire.satisfied_from) == (5, 4)
    assert questionnaire.scale_labels_vi[0] == "Rất không hài lòng"
    assert questionnaire.scale_labels_vi[-1] == "Rất hài lòng"
    kinds = list(questionnaire.sections.values_list("kind", flat=True))
    assert kinds == ["perceptions", "policy", "service", "needs"]


def test_default_questionnaire_maps_service_questions_to_the_five_elements() -> None:
    questionnaire = default_questionnaire()
    mapped: dict[str, list[str]] = {}
    for code, element in questionnaire.questions.exclude(element="").values_list("code", "element"):
        mapped.setdefault(element, []).append(code)

    assert mapped == ELEMENT_CODES
    assert set(mapped) == set(Element.values)
    service = questionnaire.questions.filter(section__kind=Section.Kind.SERVICE)
    assert all(q.type == Question.Type.RATING and q.element for q in service)


def test_default_questionnaire_has_texts_in_both_languages() -> None:
    questionnaire = default_questionnaire()
    for question in questionnaire.questions.prefetch_related("options"):
        assert question.text_vi
        assert question.text_en
        for option in question.options.all():
            assert option.label_vi
            assert option.label_en
    question = questionnaire.questions.get(code="C8")
    with translation.override("en"):
        assert question.text == "Civil servants are polite and respectful"
        assert questionnaire.scale[3] == (4, "Satisfied")
    with translation.override("vi"):
        assert question.text == "Công chức có thái độ giao tiếp lịch sự, tôn trọng"
        assert questionnaire.scale[3] == (4, "Hài lòng")


def test_questionnaire_code_and_version_are_unique() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Questionnaire.objects.create(code="sipas-default", version=1, title_vi="Bản trùng")


def test_satisfied_from_must_lie_on_the_scale() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Questionnaire.objects.create(code="x", title_vi="X", scale_points=5, satisfied_from=6)


def test_only_a_rating_question_measures_an_element() -> None:
    questionnaire = default_questionnaire()
    section = questionnaire.sections.get(kind="service")
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(
            questionnaire=questionnaire,
            section=section,
            code="X1",
            type=Question.Type.TEXT,
            element=Element.ACCESS,
            text_vi="Văn bản",
        )


def test_a_rejected_response_needs_a_reason(hanoi: Hanoi, city_admin) -> None:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 100)])
    unit = campaign.units.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(campaign_unit=unit, channel="web", status="rejected")


def test_client_hash_is_salted_per_campaign(hanoi: Hanoi, city_admin) -> None:
    first = campaign_of(city_admin, [(hanoi.ward_a, 100)])
    second = campaign_of(city_admin, [(hanoi.ward_a, 100)], year=2027)

    digest = first.hash_client("203.0.113.7")
    assert len(digest) == 64
    assert "203.0.113.7" not in digest
    assert digest == first.hash_client("203.0.113.7")
    assert digest != second.hash_client("203.0.113.7")


def test_migrations_of_surveys_are_complete() -> None:
    out = io.StringIO()
    call_command("makemigrations", "surveys", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()

"""The public survey form (/surveys/f/<token>/): no login, Vietnamese first, no JavaScript,
server-side validation, honeypot, contact opt-in, size and rate limits, 404/410 pages."""

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from cchc.core.models import AuditEvent
from cchc.core.privacy import CONSENT_VERSION
from cchc.surveys.actions import close_campaign, record_response
from cchc.surveys.forms import PublicResponseForm, ResponseForm
from cchc.surveys.models import Answer, AnswerOption, CampaignUnit, Question, Response
from cchc.surveys.tests.factories import answers, campaign_of, default_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(hanoi, city_admin) -> CampaignUnit:
    campaign = campaign_of(city_admin, [(hanoi.ward_a, 1000), (hanoi.ward_b, 500)], collecting=True)
    return campaign.units.get(unit=hanoi.ward_a)


def url(unit: CampaignUnit, suffix: str = "") -> str:
    return f"/surveys/f/{unit.token}/{suffix}"


def form_data(rating: int = 5, **overrides: Any) -> dict[str, Any]:
    return {
        code: [str(v) for v in value] if isinstance(value, list) else str(value)
        for code, value in answers(rating, **overrides).items()
    }


def post(client: Client, unit: CampaignUnit, data: dict[str, Any], query: str = "") -> Any:
    return client.post(url(unit) + query, data)


def test_form_opens_in_vietnamese_without_login_and_without_scripts(client, unit) -> None:
    response = client.get(url(unit))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert "Phần I. Nhận thức, đánh giá" in html
    assert "Phường Ba Đình" in html
    assert "Rất hài lòng" in html
    assert "<script" not in html  # no JavaScript at all: works with scripts off, loads fast
    assert "echarts" not in html
    assert "htmx" not in html
    assert 'name="csrfmiddlewaretoken"' in html
    questions = default_questionnaire().questions.count()
    # One fieldset with its legend per choice or rating question, a label per text question.
    choice_questions = default_questionnaire().questions.exclude(type=Question.Type.TEXT).count()
    assert html.count("<fieldset") == choice_questions
    assert html.count("<legend") == choice_questions
    assert len(re.findall(r'data-question="', html)) == questions


def test_form_switches_to_english_with_lang_and_remembers_it(client, unit) -> None:
    response = client.get(url(unit) + "?lang=en")
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "Part I. Perceptions and assessments" in html
    assert "Very satisfied" in html
    assert response.cookies["cchc_language"].value == "en"
    # The next page follows the cookie.
    assert 'lang="en"' in client.get(url(unit, "thanks/")).content.decode()


def test_honeypot_is_hidden_from_people(client, unit) -> None:
    html = client.get(url(unit)).content.decode()
    wrapper = re.search(r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S)
    assert wrapper is not None
    assert 'name="website"' in wrapper.group(1)
    assert 'tabindex="-1"' in wrapper.group(1)
    assert 'autocomplete="off"' in wrapper.group(1)


def test_submission_is_stored_as_received_and_redirects_to_thanks(client, unit) -> None:
    response = post(client, unit, form_data(4, C4="2", A1=["1", "3"]))
    assert response.status_code == 302
    assert response["Location"] == url(unit, "thanks/")
    stored = Response.objects.get()
    assert stored.campaign_unit == unit
    assert stored.channel == Response.Channel.WEB
    assert stored.status == Response.Status.RECEIVED
    assert stored.entered_by is None
    assert stored.contact == ""
    assert stored.client_hash == unit.campaign.hash_client("127.0.0.1")
    assert stored.tally("procedures") == (4, 3)
    assert Answer.objects.filter(response=stored).count() == len(answers())
    chosen = AnswerOption.objects.filter(answer__response=stored, answer__question__code="A1")
    assert sorted(chosen.values_list("option__value", flat=True)) == ["1", "3"]
    event = AuditEvent.objects.get(verb="surveys.record_response")
    assert event.actor is None
    assert event.unit == unit.unit
    thanks = client.get(response["Location"])
    assert "Cảm ơn" in thanks.content.decode() or "Thank you" in thanks.content.decode()


def test_the_address_is_never_stored(client, unit) -> None:
    post(client, unit, form_data(), query="")
    stored = Response.objects.get()
    values = [str(getattr(stored, field.attname)) for field in Response._meta.concrete_fields]
    assert not any("127.0.0.1" in value for value in values)
    event = AuditEvent.objects.get(verb="surveys.record_response")
    assert "127.0.0.1" not in str(event.details)


@pytest.mark.usefixtures("_english")
def test_missing_answers_rerender_with_errors_and_a_summary(client, unit) -> None:
    response = post(client, unit, form_data(C1=None, C2="9", A2=None))
    assert response.status_code == 422
    html = response.content.decode()
    summary = re.search(r'data-testid="error-summary">(.*?)</div>', html, re.S)
    assert summary is not None
    assert 'href="#q-C1"' in summary.group(1)
    assert 'href="#q-C2"' in summary.group(1)
    assert 'href="#q-A2"' in summary.group(1)
    assert 'id="q-C1"' in html
    assert 'aria-describedby="C1-error"' in html
    assert 'id="C1-error">Answer this question.' in html
    # The answers given are kept (checked again) so nothing has to be typed twice.
    assert re.search(r'value="5"[^>]*id="id_C3_4"[^>]*checked', html)
    assert Response.objects.count() == 0


def test_honeypot_filled_stores_the_response_flagged(client, unit) -> None:
    response = post(client, unit, {**form_data(), "website": "http://spam.example"})
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.status == Response.Status.FLAGGED
    assert stored.flag_reason  # in the site's language, for the reviewers
    with translation.override("en"):
        from cchc.surveys.views.public import honeypot_reason

        assert honeypot_reason() == stored.flag_reason


def test_the_same_answers_twice_are_flagged_as_duplicate(client, unit) -> None:
    post(client, unit, form_data())
    post(client, unit, form_data())
    first, second = Response.objects.order_by("pk")
    assert first.status == Response.Status.RECEIVED
    assert second.status == Response.Status.FLAGGED


def test_a_repeat_is_told_on_the_thanks_page_that_it_will_be_checked(client, unit) -> None:
    """Issue #17: a second try (with scripts off, say) was flagged while the thanks page said
    nothing. The first response's thanks page says nothing more; the repeat's says so."""
    first = client.get(post(client, unit, form_data())["Location"]).content.decode()
    assert 'data-testid="survey-held"' not in first
    repeat = post(client, unit, form_data())
    assert "held=1" in repeat["Location"]
    page = client.get(repeat["Location"]).content.decode()
    assert 'data-testid="survey-held"' in page
    assert "cán bộ" in page
    assert "Ông/Bà" in page
    honeypot = post(client, unit, {**form_data(rating=4), "website": "http://spam.example"})
    assert "held" not in honeypot["Location"]  # robots are not told


def test_the_page_shows_the_campaign_title_and_loads_the_font(client, unit) -> None:
    """The questionnaire's title may carry a note for officials ("mẫu để điều chỉnh")."""
    html = client.get(url(unit)).content.decode()
    assert '<h1 class="h4 mb-1">SIPAS 2026</h1>' in html
    assert "mẫu để điều chỉnh" not in html
    assert "be-vietnam-pro.css" in html
    assert 'action=""' not in html


def test_contact_is_stored_only_when_the_respondent_opts_in(client, unit) -> None:
    response = post(client, unit, {**form_data(), "share_contact": "on", "contact": "0912 345 678"})
    assert response.status_code == 302
    stored = Response.objects.get()
    assert stored.contact == "0912 345 678"
    # The consent is stored with the version of the wording the respondent ticked (Art. 9).
    assert stored.contact_consent_version == CONSENT_VERSION
    assert stored.contact_consent_at is not None


def test_the_form_shows_the_personal_data_notice(client, unit) -> None:
    html = client.get(url(unit)).content.decode()
    assert 'data-testid="privacy-notice"' in html
    assert "91/2025/QH15" in html
    assert "ỦY BAN NHÂN DÂN" in html
    assert 'id="q-contact"' in html
    assert "consent-gated" in html  # the contact stays off until the box is ticked (CSS)


def test_a_response_without_contact_stores_no_consent(client, unit) -> None:
    assert post(client, unit, form_data()).status_code == 302
    stored = Response.objects.get()
    assert (stored.contact, stored.contact_consent_version, stored.contact_consent_at) == (
        "",
        "",
        None,
    )


@pytest.mark.usefixtures("_english")
@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"contact": "0912 345 678"}, "share_contact", "Tick the box"),
        ({"share_contact": "on"}, "contact", "Write your phone number"),
    ],
)
def test_contact_needs_both_the_consent_and_the_contact(
    client, unit, extra: dict[str, str], field: str, message: str
) -> None:
    response = post(client, unit, {**form_data(), **extra})
    assert response.status_code == 422
    assert f'href="#q-{field}"' in response.content.decode()
    assert message in response.content.decode()
    assert Response.objects.count() == 0


def test_unknown_link_is_a_friendly_404(client, db) -> None:
    response = client.get("/surveys/f/no-such-token/")
    assert response.status_code == 404
    assert 'data-status="404"' in response.content.decode()
    assert client.get("/surveys/f/no-such-token/thanks/").status_code == 404
    assert client.post("/surveys/f/no-such-token/", {"C1": "5"}).status_code == 404


def test_closed_campaign_answers_410_and_stores_nothing(client, unit, city_admin) -> None:
    close_campaign(unit.campaign, actor=city_admin)
    assert client.get(url(unit)).status_code == 410
    response = post(client, unit, form_data())
    assert response.status_code == 410
    assert 'data-status="410"' in response.content.decode()
    assert Response.objects.count() == 0


def test_a_campaign_whose_period_is_over_refuses_answers_with_its_end_date(
    client, unit, city_admin
) -> None:
    campaign = unit.campaign
    campaign.period_end = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save(update_fields=["period_end"])
    page = client.get(url(unit))
    assert page.status_code == 410
    ended = campaign.period_end.strftime("%d/%m/%Y")
    assert f"kết thúc ngày {ended}" in page.content.decode()
    assert post(client, unit, form_data()).status_code == 410
    assert Response.objects.count() == 0
    # An interviewer's form of the period may still be entered until the campaign is closed.
    record_response(unit, answers(), channel="interviewer", actor=city_admin)
    listed = Client()
    listed.force_login(city_admin)
    assert "Đã hết thời gian thu thập" in listed.get("/surveys/").content.decode()


def test_oversized_body_is_refused_with_413(client, unit) -> None:
    response = post(client, unit, {**form_data(), "D1": "x" * 70_000})
    assert response.status_code == 413
    assert Response.objects.count() == 0


@pytest.mark.usefixtures("_english")
def test_text_over_the_limit_is_refused_on_its_question(client, unit) -> None:
    text_code = default_questionnaire().questions.filter(type=Question.Type.TEXT).first().code
    response = post(client, unit, {**form_data(), text_code: "x" * 1001})
    assert response.status_code == 422
    assert f'id="{text_code}-error"' in response.content.decode()
    assert Response.objects.count() == 0


def test_csrf_stays_on(unit) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(url(unit), form_data()).status_code == 403
    page = client.get(url(unit))
    token = page.cookies["csrftoken"].value
    data = {**form_data(), "csrfmiddlewaretoken": token}
    assert client.post(url(unit), data).status_code == 302


@pytest.mark.usefixtures("_english")
def test_too_many_submissions_answer_429_in_the_page_language(client, unit, settings) -> None:
    settings.CCHC_SURVEY_RATE_PER_MINUTE = 2
    post(client, unit, form_data(5))
    post(client, unit, form_data(4))
    response = post(client, unit, form_data(3))
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "too many responses" in response.content.decode()
    assert Response.objects.count() == 2


def test_throttle_message_is_vietnamese_by_default(client, unit, settings) -> None:
    settings.CCHC_SURVEY_RATE_PER_MINUTE = 0
    response = post(client, unit, form_data())
    assert response.status_code == 429
    with translation.override("vi"):
        from cchc.surveys.throttle import throttled_message

        assert throttled_message() in response.content.decode()
    assert 'lang="vi"' in response.content.decode()


def test_get_and_post_only(client, unit) -> None:
    assert client.put(url(unit)).status_code == 405


# --- the form itself (also used for interviewer entry) ---------------------------------------


def test_response_form_has_one_field_per_question_of_the_right_kind(db) -> None:
    questionnaire = default_questionnaire()
    form = ResponseForm(questionnaire, "en")
    by_code = {q.code: q for q in questionnaire.questions.all()}
    assert list(form.fields) == list(by_code)
    widgets = {
        Question.Type.RATING: "radioselect",
        Question.Type.SINGLE: "radioselect",
        Question.Type.MULTIPLE: "checkboxselectmultiple",
        Question.Type.TEXT: "textarea",
    }
    for code, question in by_code.items():
        assert form[code].widget_type == widgets[question.type], code
    assert [label for _, label in form.fields["C1"].choices][-1] == "Very satisfied"
    assert form.fields["C1"].label == by_code["C1"].text_en
    assert ResponseForm(questionnaire, "vi").fields["C1"].label == by_code["C1"].text_vi


def test_response_form_cleans_answers_for_record_response(db) -> None:
    questionnaire = default_questionnaire()
    form = ResponseForm(questionnaire, "vi", data=form_data(3, A1=["2", "4"]))
    assert form.is_valid(), form.errors
    cleaned = form.answers()
    assert cleaned["C1"] == 3
    assert cleaned["A1"] == ["2", "4"]
    assert cleaned["A2"] == "1"
    sections = form.question_sections()
    assert [len(group.fields) for group in sections] == [
        questionnaire.questions.filter(section=group.section).count() for group in sections
    ]


def test_response_form_refuses_an_option_not_offered(db) -> None:
    form = PublicResponseForm(default_questionnaire(), "vi", data=form_data(A2="9"))
    assert not form.is_valid()
    assert "A2" in form.errors


@pytest.fixture
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

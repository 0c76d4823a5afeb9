"""Responses: recording one (validated, all or nothing) and reviewing it."""

import datetime
import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.models import User
from cchc.core import audit
from cchc.core.privacy import CONSENT_WORDINGS
from cchc.core.text import has_control_characters
from cchc.surveys.models import (
    ELEMENTS,
    TEXT_LIMIT,
    Answer,
    AnswerCount,
    AnswerOption,
    Campaign,
    CampaignUnit,
    Question,
    Questionnaire,
    Response,
    new_receipt,
)

Clean = int | str | list[str] | None

# A published questionnaire is frozen (actions.questionnaires refuses every change to it and
# a new version is a new questionnaire), so each process reads its questions and options once:
# every submission read them again, two queries and some eighty objects, twenty times a second
# at the month-end rush (issue #16). Keyed by the moment of publishing as well as the id.
_PUBLISHED_QUESTIONS: dict[tuple[int, datetime.datetime], list[Question]] = {}
_PUBLISHED_KEPT = 32


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    """The questionnaire's questions in order, their options loaded; read once per process
    for a published questionnaire."""
    if not questionnaire.is_frozen or questionnaire.published_at is None:
        return list(questionnaire.questions.prefetch_related("options"))
    key = (questionnaire.pk, questionnaire.published_at)
    questions = _PUBLISHED_QUESTIONS.get(key)
    if questions is None:
        if len(_PUBLISHED_QUESTIONS) >= _PUBLISHED_KEPT:
            _PUBLISHED_QUESTIONS.clear()
        questions = list(questionnaire.questions.prefetch_related("options"))
        _PUBLISHED_QUESTIONS[key] = questions
    return questions


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _clean_rating(value: Any, points: int) -> int:
    rating = None
    if isinstance(value, int) and not isinstance(value, bool):
        rating = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        rating = int(value.strip())
    if rating is None or not 1 <= rating <= points:
        raise ValidationError(_("Choose a point from 1 to %(n)s.") % {"n": points})
    return rating


def _clean_choices(question: Question, value: Any, options: set[str]) -> list[str]:
    values = [value] if isinstance(value, str | int) else value
    if not isinstance(values, list | tuple) or not all(isinstance(v, str | int) for v in values):
        raise ValidationError(_("Choose among the listed options."))
    chosen = sorted({str(v).strip() for v in values})
    if question.type == Question.Type.SINGLE and len(chosen) > 1:
        raise ValidationError(_("Choose one option only."))
    unknown = [v for v in chosen if v not in options]
    if unknown:
        raise ValidationError(
            _("%(values)s is not an option of this question.") % {"values": ", ".join(unknown)}
        )
    return chosen


def _clean_text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(_("Write the answer as text."))
    text = value.strip()
    if has_control_characters(text):
        raise ValidationError(_("Remove the control characters from the text."))
    if len(text) > TEXT_LIMIT:
        raise ValidationError(
            _("Write at most %(limit)s characters (this answer has %(n)s).")
            % {"limit": TEXT_LIMIT, "n": len(text)}
        )
    return text


def _clean_answer(question: Question, value: Any, points: int) -> Clean:
    if question.type == Question.Type.RATING:
        return _clean_rating(value, points)
    if question.has_options:
        return _clean_choices(question, value, {o.value for o in question.options.all()})
    return _clean_text(value)


def clean_answers(
    questionnaire: Questionnaire, answers: Mapping[str, Any], questions: list[Question]
) -> dict[str, Clean]:
    """The answers keyed by question code, checked against the questionnaire: every required
    question answered, ratings on the scale, options of their question, texts within the
    limit, no unknown question. Raises one ValidationError listing every problem by code."""
    errors: dict[str, list[str]] = {}
    by_code = {question.code: question for question in questions}
    for code in answers:
        if code not in by_code:
            errors.setdefault(str(code), []).append(_("There is no question with this code."))
    cleaned: dict[str, Clean] = {}
    for question in questions:
        value = answers.get(question.code)
        if isinstance(value, str) and question.type != Question.Type.TEXT:
            value = value.strip()
        if not _is_empty(value):
            try:
                value = _clean_answer(question, value, questionnaire.scale_points)
            except ValidationError as error:
                errors.setdefault(question.code, []).extend(error.messages)
                continue
        if _is_empty(value):
            if question.required:
                errors.setdefault(question.code, []).append(_("Answer this question."))
            continue
        cleaned[question.code] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _tallies(
    questionnaire: Questionnaire, questions: list[Question], cleaned: dict[str, Clean]
) -> dict[str, tuple[int, int]]:
    tallies = dict.fromkeys(ELEMENTS, (0, 0))
    for question in questions:
        rating = cleaned.get(question.code)
        if question.element and isinstance(rating, int):
            answered, satisfied = tallies[question.element]
            tallies[question.element] = (
                answered + 1,
                satisfied + int(questionnaire.is_satisfied(rating)),
            )
    return tallies


def _store_answers(
    response: Response, questions: list[Question], cleaned: dict[str, Clean]
) -> None:
    answers = []
    for question in questions:
        if question.code not in cleaned:
            continue
        value = cleaned[question.code]
        answers.append(
            Answer(
                response=response,
                question=question,
                rating=value if isinstance(value, int) else None,
                text=value
                if question.type == Question.Type.TEXT and isinstance(value, str)
                else "",
            )
        )
    Answer.objects.bulk_create(answers)
    chosen = []
    for answer in answers:
        question = answer.question
        if question.has_options:
            values = cleaned[question.code]
            assert isinstance(values, list)  # noqa: S101 - _clean_choices returns a list
            options = {option.value: option for option in question.options.all()}
            chosen += [AnswerOption(answer=answer, option=options[value]) for value in values]
    AnswerOption.objects.bulk_create(chosen)


def _answers_hash(cleaned: dict[str, Clean]) -> str:
    return hashlib.sha256(json.dumps(cleaned, sort_keys=True).encode()).hexdigest()


def _duplicate_reason(campaign_unit: CampaignUnit, client_hash: str, answers_hash: str) -> str:
    if not client_hash:
        return ""
    same = Response.objects.filter(
        campaign_unit=campaign_unit, client_hash=client_hash, answers_hash=answers_hash
    ).exclude(status=Response.Status.REJECTED)
    return _("The same client sent the same answers before.") if same.exists() else ""


def _check_entry(campaign_unit: CampaignUnit, channel: str, actor: User | None) -> None:
    if campaign_unit.campaign.status != Campaign.Status.OPEN:
        raise ValidationError(_("This survey is closed: it no longer accepts responses."))
    if channel not in Response.Channel.values:
        raise ValidationError(_("Unknown channel “%(channel)s”.") % {"channel": channel})
    if channel != Response.Channel.WEB and actor is None:
        raise ValidationError(
            _("Responses from interviewers and paper forms need the person entering them.")
        )


@transaction.atomic
def record_response(
    campaign_unit: CampaignUnit,
    answers: Mapping[str, Any],
    *,
    channel: str,
    actor: User | None = None,
    client_hash: str = "",
    flag_reason: str = "",
    contact: str = "",
    consent_version: str = "",
) -> Response:
    """Store a response to `campaign_unit` with `answers` ({question code: rating, option
    value(s) or text}), its answers, chosen options and element tallies, all at once. It is
    "received", or "flagged" when `flag_reason` is given (an abuse check of the caller) or the
    same client (`client_hash`, the campaign's salted hash of its address) sent the same answers
    before. `actor` is the interviewer or the person typing a paper form; none on the public
    form. Writes "surveys.record_response".

    Refuses, writing nothing, a closed campaign, an unknown channel, an interviewer or paper
    response without `actor`, and answers that do not fit the questionnaire (ValidationError
    keyed by question code: unknown question, required question unanswered, rating off the
    scale, option not of the question, several options for a single choice, text too long or
    with control characters), a contact with control characters, and a contact without the
    respondent's consent under a known wording (`consent_version`, cchc/core/privacy.py; Law
    91/2025/QH15 Art. 9)."""
    _check_entry(campaign_unit, channel, actor)
    if has_control_characters(contact):
        raise ValidationError({"contact": _("Remove the control characters from the text.")})
    if contact.strip() and consent_version not in CONSENT_WORDINGS:
        raise ValidationError(
            {
                "contact": _(
                    "A contact is stored only with your consent: tick the box to agree, or "
                    "clear the contact."
                )
            }
        )
    questionnaire = campaign_unit.campaign.questionnaire
    questions = questions_of(questionnaire)
    cleaned = clean_answers(questionnaire, answers, questions)
    answers_hash = _answers_hash(cleaned)
    reason = flag_reason.strip() or _duplicate_reason(campaign_unit, client_hash, answers_hash)
    response = Response(
        campaign_unit=campaign_unit,
        channel=channel,
        status=Response.Status.FLAGGED if reason else Response.Status.RECEIVED,
        flag_reason=reason[:300],
        client_hash=client_hash,
        answers_hash=answers_hash,
        contact=contact.strip()[:200],
        contact_consent_version=consent_version if contact.strip() else "",
        contact_consent_at=timezone.now() if contact.strip() else None,
        receipt=new_receipt() if contact.strip() else "",
        entered_by=actor,
    )
    for element, (answered, satisfied) in _tallies(questionnaire, questions, cleaned).items():
        response.set_tally(element, answered, satisfied)
    response.save()
    _store_answers(response, questions, cleaned)
    audit.record(
        actor,
        "surveys.record_response",
        response,
        unit=campaign_unit.unit,
        details={"channel": channel, "status": response.status, "answers": len(cleaned)},
    )
    return response


DECISIONS = (Response.Status.ACCEPTED, Response.Status.REJECTED, Response.Status.FLAGGED)


@transaction.atomic
def recount_answers(campaign: Campaign, *, actor: User | None = None) -> int:
    """Rebuild the campaign's AnswerCount rows from its accepted responses' answers and chosen
    options — the repair if a status was ever changed outside review_response (decision 0014).
    Writes "surveys.recount_answers" with the number of counts that were wrong. Returns it."""
    units = list(campaign.units.select_for_update().values_list("pk", flat=True))
    stored = AnswerCount.objects.filter(campaign_unit_id__in=units)
    before = {(c.campaign_unit_id, c.question_id, c.key): c.count for c in stored if c.count}
    counts: Counter[tuple[int, int, str]] = Counter()
    answers = Answer.objects.filter(
        response__campaign_unit_id__in=units, response__status=Response.Status.ACCEPTED
    )
    for unit, question, rating in answers.values_list(
        "response__campaign_unit_id", "question_id", "rating"
    ).iterator(chunk_size=10_000):
        counts[(unit, question, "answers")] += 1
        if rating is not None:
            counts[(unit, question, f"rating:{rating}")] += 1
    chosen = AnswerOption.objects.filter(answer__in=answers).values_list(
        "answer__response__campaign_unit_id", "answer__question_id", "option_id"
    )
    for unit, question, option in chosen.iterator(chunk_size=10_000):
        counts[(unit, question, f"option:{option}")] += 1
    stored.delete()
    AnswerCount.objects.bulk_create(
        (
            AnswerCount(campaign_unit_id=unit, question_id=question, key=key, count=n)
            for (unit, question, key), n in counts.items()
        ),
        batch_size=1000,
    )
    wrong = sum(1 for key in before.keys() | counts.keys() if before.get(key) != counts.get(key))
    audit.record(actor, "surveys.recount_answers", campaign, details={"wrong": wrong})
    return wrong


# One statement adds to the counts, creating the missing ones: atomic on SQLite and PostgreSQL,
# so two reviewers of one unit never lose an increment.
ADD_COUNTS = """
INSERT INTO surveys_answercount (campaign_unit_id, question_id, key, count) VALUES {rows}
ON CONFLICT (campaign_unit_id, question_id, key)
DO UPDATE SET count = surveys_answercount.count + excluded.count
"""


def _count_answers(response: Response, step: int) -> None:
    """Add `step` (1 or -1) to the AnswerCount rows of `response`'s answers and options."""
    counts: Counter[tuple[int, str]] = Counter()
    for question_id, rating in response.answers.values_list("question_id", "rating"):
        counts[(question_id, "answers")] += step
        if rating is not None:
            counts[(question_id, f"rating:{rating}")] += step
    chosen = AnswerOption.objects.filter(answer__response=response)
    for question_id, option_id in chosen.values_list("answer__question_id", "option_id"):
        counts[(question_id, f"option:{option_id}")] += step
    if not counts:
        return
    params: list[Any] = []
    for (question_id, key), n in counts.items():
        params += [response.campaign_unit_id, question_id, key, n]
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(counts))
    with connection.cursor() as cursor:
        cursor.execute(ADD_COUNTS.format(rows=rows), params)


@transaction.atomic
def review_response(
    response: Response, *, actor: User, decision: str, reason: str = ""
) -> Response:
    """Decide on a response: accept it (it then counts), reject it (with a reason) or flag it
    for a second look (the reason, if any, becomes its flag). A decision may be revised. The
    unit's answer counts (AnswerCount) follow a response entering or leaving "accepted".
    Writes "surveys.review_response" with the status before and after.

    Refuses an unknown decision, a rejection without a reason and the status it already has."""
    if decision not in DECISIONS:
        raise ValidationError(_("Decide to accept, reject or flag the response."))
    # The status as it is now, under a lock: two reviewers never both count a response.
    locked = Response.objects.select_for_update().filter(pk=response.pk)
    response.status = locked.values_list("status", flat=True).get()
    reason = reason.strip()
    if decision == Response.Status.REJECTED and not reason:
        raise ValidationError({"reason": _("Give the reason for rejecting the response.")})
    if response.status == decision:
        raise ValidationError(
            _("Response #%(pk)s is already %(status)s.")
            % {"pk": response.pk, "status": response.get_status_display().lower()}
        )
    before = audit.snapshot(response, ["status", "review_reason", "flag_reason"])
    was_accepted = response.status == Response.Status.ACCEPTED
    response.status = decision
    response.review_reason = reason
    if decision == Response.Status.FLAGGED and reason:
        response.flag_reason = reason[:300]
    response.reviewed_by = actor
    response.reviewed_at = timezone.now()
    response.save(
        update_fields=["status", "review_reason", "flag_reason", "reviewed_by", "reviewed_at"]
    )
    if was_accepted != (decision == Response.Status.ACCEPTED):
        _count_answers(response, -1 if was_accepted else 1)
    after = audit.snapshot(response, ["status", "review_reason", "flag_reason"])
    audit.record(
        actor,
        "surveys.review_response",
        response,
        unit=response.campaign_unit.unit,
        changes=audit.diff(before, after),
    )
    return response

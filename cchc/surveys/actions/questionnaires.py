"""Questionnaires: publishing (which freezes them), new versions, editing drafts."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.models import User
from cchc.core import audit
from cchc.surveys.models import (
    MAX_SCALE_POINTS,
    Element,
    Option,
    Question,
    Questionnaire,
    Section,
)


def _check_draft(questionnaire: Questionnaire) -> None:
    if questionnaire.is_frozen:
        raise ValidationError(
            _(
                "Version %(version)s of “%(code)s” is published and can no longer change: "
                "create a new version."
            )
            % {"version": questionnaire.version, "code": questionnaire.code}
        )


def _questionnaire_errors(
    questionnaire: Questionnaire, *, with_questions: bool = True
) -> list[str]:
    """What keeps `questionnaire` from being published, as messages naming the question."""
    errors = []
    points = questionnaire.scale_points
    if not 1 <= questionnaire.satisfied_from <= points:
        errors.append(
            _("“Satisfied from” must be a point of the scale, 1 to %(n)s.") % {"n": points}
        )
    for labels in (questionnaire.scale_labels_vi, questionnaire.scale_labels_en):
        if labels and len(labels) != points:
            errors.append(
                _("The scale has %(n)s points but %(labels)s labels.")
                % {"n": points, "labels": len(labels)}
            )
    if not with_questions:
        return errors
    questions = list(questionnaire.questions.select_related("section").prefetch_related("options"))
    if not questions:
        errors.append(_("A questionnaire needs at least one question."))
    for question in questions:
        if question.has_options and len(question.options.all()) < 2:
            errors.append(
                _("Question %(code)s needs at least two options.") % {"code": question.code}
            )
        if question.element and question.section.kind != Section.Kind.SERVICE:
            errors.append(
                _("Question %(code)s measures an element but is not in the service section.")
                % {"code": question.code}
            )
    return errors


@transaction.atomic
def publish_questionnaire(questionnaire: Questionnaire, *, actor: User) -> Questionnaire:
    """Publish a draft questionnaire, freezing it: campaigns may then use it. Writes
    "surveys.publish_questionnaire". Refuses a published one, one without questions, a choice
    question with fewer than two options, an element question outside the service section and
    a scale whose labels or satisfied point do not fit it."""
    _check_draft(questionnaire)
    errors = _questionnaire_errors(questionnaire)
    if errors:
        raise ValidationError(errors)
    questionnaire.status = Questionnaire.Status.PUBLISHED
    questionnaire.published_at = timezone.now()
    questionnaire.published_by = actor
    questionnaire.save(update_fields=["status", "published_at", "published_by"])
    audit.record(
        actor,
        "surveys.publish_questionnaire",
        questionnaire,
        details={"code": questionnaire.code, "version": questionnaire.version},
    )
    return questionnaire


@transaction.atomic
def new_version(questionnaire: Questionnaire, *, actor: User) -> Questionnaire:
    """Copy a published questionnaire (sections, questions, options) as a draft with the next
    version number of its code, to be adapted and published. The copy is not a template.
    Writes "surveys.new_version". Refuses a draft (edit it instead)."""
    if not questionnaire.is_frozen:
        raise ValidationError(_("Only a published questionnaire can be copied as a new version."))
    latest = Questionnaire.objects.filter(code=questionnaire.code).aggregate(v=Max("version"))
    source_pk = questionnaire.pk
    copy = Questionnaire.objects.get(pk=source_pk)
    copy.pk = None
    copy.version = (latest["v"] or 0) + 1
    copy.status = Questionnaire.Status.DRAFT
    copy.is_template = False
    copy.published_at = None
    copy.published_by = None
    copy.save()
    _copy_contents(source_pk, copy)
    audit.record(
        actor,
        "surveys.new_version",
        copy,
        details={"code": copy.code, "version": copy.version, "from": source_pk},
    )
    return copy


def _copy_contents(source_pk: int, copy: Questionnaire) -> None:
    for section in Section.objects.filter(questionnaire_id=source_pk):
        questions = list(section.questions.prefetch_related("options"))
        section.pk = None
        section.questionnaire = copy
        section.save()
        for question in questions:
            options = list(question.options.all())
            question.pk = None
            question.questionnaire = copy
            question.section = section
            question.save()
            for option in options:
                option.pk = None
                option.question = question
            Option.objects.bulk_create(options)


SETTINGS = [
    "title_vi",
    "title_en",
    "notes",
    "scale_points",
    "scale_labels_vi",
    "scale_labels_en",
    "satisfied_from",
]


def _check_scale(questionnaire: Questionnaire) -> None:
    points = questionnaire.scale_points
    if not isinstance(points, int) or not 2 <= points <= MAX_SCALE_POINTS:
        raise ValidationError(
            {
                "scale_points": _("A rating scale has 2 to %(max)s points.")
                % {"max": MAX_SCALE_POINTS}
            }
        )
    errors = _questionnaire_errors(questionnaire, with_questions=False)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_questionnaire(
    questionnaire: Questionnaire, *, actor: User, **fields: Any
) -> Questionnaire:
    """Change the titles, notes or rating scale (points, labels, satisfied point) of a draft
    questionnaire. Writes "surveys.update_questionnaire" with the changes.

    Refuses a published questionnaire (frozen), a field that is not one of these, a scale
    outside 2 to 11 points, labels that do not match the points and a satisfied point off
    the scale."""
    _check_draft(questionnaire)
    unknown = sorted(set(fields) - set(SETTINGS))
    if unknown:
        raise ValidationError(
            _("These settings cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)}
        )
    before = audit.snapshot(questionnaire, SETTINGS)
    for name, value in fields.items():
        setattr(questionnaire, name, value.strip() if isinstance(value, str) else value)
    if not questionnaire.title_vi:
        raise ValidationError({"title_vi": _("Give the questionnaire a Vietnamese title.")})
    _check_scale(questionnaire)
    questionnaire.save()
    changes = audit.diff(before, audit.snapshot(questionnaire, SETTINGS))
    audit.record(actor, "surveys.update_questionnaire", questionnaire, changes=changes)
    return questionnaire


def _check_question(
    section: Section, code: str, type_: str, element: str, options: list[tuple[str, str, str]]
) -> None:
    questionnaire = section.questionnaire
    if not code or questionnaire.questions.filter(code=code).exists():
        raise ValidationError(
            {"code": _("Give the question a code not used in this questionnaire.")}
        )
    if type_ not in Question.Type.values:
        raise ValidationError({"type": _("Choose a question type.")})
    if element and (element not in Element.values or type_ != Question.Type.RATING):
        raise ValidationError({"element": _("Only a rating question measures an element.")})
    if element and section.kind != Section.Kind.SERVICE:
        raise ValidationError(
            {"element": _("Only questions of the service-delivery section measure an element.")}
        )
    values = [value for value, _vi, _en in options]
    if type_ in (Question.Type.SINGLE, Question.Type.MULTIPLE):
        if len(values) < 2 or len(set(values)) != len(values) or not all(values):
            raise ValidationError(
                {"options": _("A choice needs at least two options, each with its own value.")}
            )
    elif options:
        raise ValidationError({"options": _("Only a choice question has options.")})


@transaction.atomic
def add_question(
    section: Section,
    *,
    actor: User,
    code: str,
    type: str,
    text_vi: str,
    text_en: str = "",
    element: str = "",
    required: bool = True,
    options: Iterable[tuple[str, str, str]] = (),
) -> Question:
    """Add a question at the end of `section` of a draft questionnaire, with its options
    (value, Vietnamese label, English label). Writes "surveys.add_question".

    Refuses a published questionnaire (frozen), an empty or repeated code, an unknown type, an
    element on a question that is not a rating of the service-delivery section, options on a
    rating or text question, and a choice with fewer than two options or a repeated value."""
    questionnaire = section.questionnaire
    _check_draft(questionnaire)
    code, text_vi = code.strip(), text_vi.strip()
    choices = [(str(v).strip(), vi.strip(), en.strip()) for v, vi, en in options]
    _check_question(section, code, type, element, choices)
    if not text_vi:
        raise ValidationError({"text_vi": _("Write the question in Vietnamese.")})
    last = section.questions.aggregate(last=Max("order"))["last"]
    question = Question.objects.create(
        questionnaire=questionnaire,
        section=section,
        code=code,
        type=type,
        text_vi=text_vi,
        text_en=text_en.strip(),
        element=element,
        required=required,
        order=0 if last is None else last + 1,
    )
    Option.objects.bulk_create(
        Option(question=question, value=value, label_vi=vi, label_en=en, order=order)
        for order, (value, vi, en) in enumerate(choices)
    )
    audit.record(
        actor,
        "surveys.add_question",
        questionnaire,
        details={"code": code, "type": type, "element": element, "options": len(choices)},
    )
    return question


@transaction.atomic
def remove_question(question: Question, *, actor: User) -> None:
    """Remove a question (and its options) from a draft questionnaire. Writes
    "surveys.remove_question". Refuses a published questionnaire (frozen)."""
    questionnaire = question.questionnaire
    _check_draft(questionnaire)
    code = question.code
    question.delete()
    audit.record(actor, "surveys.remove_question", questionnaire, details={"code": code})

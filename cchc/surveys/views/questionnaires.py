"""The questionnaires: the list of every version, one version with its scale, sections and
questions, and for a draft its editing (titles and scale, adding and removing questions) and
publishing; a published version is frozen and changes only through a new version.

City administrators only: others get 403, as for opening a campaign. Every change goes through
the actions of cchc.surveys.actions.questionnaires; their refusals come back as messages or on
the form's fields, and nothing is half-written (the actions are atomic).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import city_admin
from cchc.core.forms import add_action_error
from cchc.surveys.actions import (
    add_question,
    new_version,
    publish_questionnaire,
    remove_question,
    update_questionnaire,
)
from cchc.surveys.forms import QuestionForm, QuestionnaireSettingsForm
from cchc.surveys.models import Campaign, Question, Questionnaire, Section


@dataclass
class SectionRow:
    """A section of the detail page: its questions and, on a draft, its add-question form."""

    section: Section
    questions: list[Question]
    form: QuestionForm | None


def get_questionnaire(pk: int) -> Questionnaire:
    """One questionnaire version (404 otherwise); the views are for city administrators only."""
    found = Questionnaire.objects.select_related("published_by").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def satisfied_rule(questionnaire: Questionnaire) -> str:
    """The satisfied rule in words, e.g. "satisfied = 4–5 of 5"."""
    low, points = questionnaire.satisfied_from, questionnaire.scale_points
    if low >= points:
        return _("satisfied = %(points)s of %(points)s") % {"points": points}
    return _("satisfied = %(low)s–%(points)s of %(points)s") % {"low": low, "points": points}


def scale_rows(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """Each point of the scale with its Vietnamese and English labels and whether it counts
    as satisfied."""
    vi = list(questionnaire.scale_labels_vi or [])
    en = list(questionnaire.scale_labels_en or [])
    return [
        {
            "point": point,
            "vi": vi[point - 1] if point <= len(vi) else "",
            "en": en[point - 1] if point <= len(en) else "",
            "satisfied": questionnaire.is_satisfied(point),
        }
        for point in range(1, questionnaire.scale_points + 1)
    ]


def sections_with_questions(questionnaire: Questionnaire) -> list[Section]:
    """The sections in order, each with its questions in order and their options: 3 queries."""
    questions = Question.objects.order_by("order", "pk").prefetch_related("options")
    return list(
        questionnaire.sections.order_by("order", "pk").prefetch_related(
            Prefetch("questions", queryset=questions)
        )
    )


@city_admin
@require_GET
def questionnaire_list(request: AuthedRequest) -> HttpResponse:
    campaigns = Campaign.objects.only("pk", "title", "questionnaire_id").order_by(
        "-period_start", "title"
    )
    questionnaires = (
        Questionnaire.objects.annotate(question_count=Count("questions", distinct=True))
        .prefetch_related(Prefetch("campaigns", queryset=campaigns))
        .order_by("-created_at", "-pk")
    )
    return render(request, "surveys/questionnaire_list.html", {"questionnaires": questionnaires})


def _detail(
    request: AuthedRequest,
    questionnaire: Questionnaire,
    *,
    bound_question: QuestionForm | None = None,
) -> HttpResponse:
    sections = sections_with_questions(questionnaire)
    editable = not questionnaire.is_frozen
    rows: list[SectionRow] = []
    for section in sections:
        form = None
        if editable:
            if bound_question is not None and bound_question.section.pk == section.pk:
                form = bound_question
            else:
                form = QuestionForm(section=section)
        rows.append(SectionRow(section=section, questions=list(section.questions.all()), form=form))
    settings_form = None
    if editable:
        settings_form = QuestionnaireSettingsForm(
            initial=QuestionnaireSettingsForm.initial_for(questionnaire)
        )
    versions = Questionnaire.objects.filter(code=questionnaire.code).order_by("-version")
    context = {
        "questionnaire": questionnaire,
        "scale": scale_rows(questionnaire),
        "rule": satisfied_rule(questionnaire),
        "rows": rows,
        "question_count": sum(len(row.questions) for row in rows),
        "versions": versions.only("pk", "version", "status"),
        "campaigns": questionnaire.campaigns.order_by("-period_start", "title"),
        "editable": editable,
        "settings_form": settings_form,
        "open_section": bound_question.section.pk if bound_question is not None else None,
    }
    return render(request, "surveys/questionnaire_detail.html", context)


@city_admin
@require_GET
def questionnaire_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail(request, get_questionnaire(pk))


@city_admin
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire(pk)
    if questionnaire.is_frozen:
        messages.error(
            request,
            _("This version is published and frozen: create a new version to change it."),
        )
        return redirect("surveys:questionnaire", pk=questionnaire.pk)
    form = QuestionnaireSettingsForm(
        request.POST or None, initial=QuestionnaireSettingsForm.initial_for(questionnaire)
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_questionnaire(questionnaire, actor=request.user, **form.settings())
        except ValidationError as error:
            add_action_error(form, error)
            questionnaire.refresh_from_db()  # the action set the refused values on it
        else:
            messages.success(request, _("The questionnaire was saved."))
            return redirect("surveys:questionnaire", pk=questionnaire.pk)
    context = {"questionnaire": questionnaire, "form": form}
    return render(request, "surveys/questionnaire_form.html", context)


@city_admin
@require_POST
def questionnaire_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire(pk)
    try:
        publish_questionnaire(questionnaire, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Version %(version)s is published: it is frozen and campaigns may use it.")
            % {"version": questionnaire.version},
        )
    return redirect("surveys:questionnaire", pk=questionnaire.pk)


@city_admin
@require_POST
def questionnaire_new_version(request: AuthedRequest, pk: int) -> HttpResponse:
    questionnaire = get_questionnaire(pk)
    try:
        copy = new_version(questionnaire, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("surveys:questionnaire", pk=questionnaire.pk)
    messages.success(
        request,
        _("Version %(version)s was created as a draft: adapt it, then publish it.")
        % {"version": copy.version},
    )
    return redirect("surveys:questionnaire", pk=copy.pk)


@city_admin
@require_POST
def question_add(request: AuthedRequest, pk: int, section_pk: int) -> HttpResponse:
    questionnaire = get_questionnaire(pk)
    section = questionnaire.sections.filter(pk=section_pk).first()
    if section is None:
        raise Http404
    section.questionnaire = questionnaire
    form = QuestionForm(request.POST, section=section)
    if form.is_valid():
        try:
            question = add_question(section, actor=request.user, **form.question())
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Question %(code)s was added.") % {"code": question.code})
            return redirect("surveys:questionnaire", pk=questionnaire.pk)
    if questionnaire.is_frozen:
        # a frozen questionnaire shows no forms (a page left open while it was published):
        # its refusals become messages
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("surveys:questionnaire", pk=questionnaire.pk)
    return _detail(request, questionnaire, bound_question=form)


@city_admin
@require_POST
def question_remove(request: AuthedRequest, pk: int, question_pk: int) -> HttpResponse:
    questionnaire = get_questionnaire(pk)
    question = questionnaire.questions.filter(pk=question_pk).first()
    if question is None:
        raise Http404
    question.questionnaire = questionnaire
    code = question.code
    try:
        remove_question(question, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Question %(code)s was removed.") % {"code": code})
    return redirect("surveys:questionnaire", pk=questionnaire.pk)

"""Reviewing and entering responses: the review queue of a campaign with each response's answers
and the accept / reject / flag decision; an interviewer's entry; the import of paper forms
(template, upload all or nothing, error report).

Only reviewers see responses: city administrators every unit's, a unit's focal points and heads
their own unit's (cchc.surveys.permissions). Others get 404.
"""

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import member
from cchc.core.xlsx import RowError, errors_xlsx
from cchc.surveys import imports
from cchc.surveys.actions import record_response, review_response
from cchc.surveys.exports import XLSX
from cchc.surveys.forms import (
    PaperImportForm,
    QueueFilterForm,
    ResponseForm,
    ReviewForm,
)
from cchc.surveys.models import Answer, AnswerOption, Response
from cchc.surveys.permissions import (
    can_review,
    get_campaign_for_user,
    get_campaign_unit_for_user,
    get_response_for_reviewer,
    reviewable_units,
)

PAGE_SIZE = 25
ERRORS_SESSION_KEY = "surveys.import_errors"
MAX_STORED_ERRORS = 5000
ERRORS_SHOWN = 100


def _answers() -> Prefetch:
    answers = Answer.objects.select_related("question__section").prefetch_related(
        Prefetch("choices", queryset=AnswerOption.objects.select_related("option"))
    )
    return Prefetch(
        "answers", queryset=answers.order_by("question__section__order", "question__order", "pk")
    )


@member
@require_GET
def review_queue(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk)
    units = reviewable_units(request.user, campaign).order_by("unit__path")
    if not units.exists():
        raise Http404
    form = QueueFilterForm(request.GET or None, units=units)
    responses = form.apply(Response.objects.filter(campaign_unit__in=units))
    responses = responses.select_related(
        "campaign_unit__unit", "entered_by", "reviewed_by"
    ).prefetch_related(_answers())
    page = Paginator(responses.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "campaign": campaign,
        "form": form,
        "page": page,
        "decisions": ReviewForm.base_fields["decision"].choices,  # type: ignore[attr-defined]
        "scale": dict(campaign.questionnaire.scale),
        "open": campaign.status == "open",
    }
    return render(request, "surveys/review_queue.html", context)


@member
@require_POST
def review_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    response = get_response_for_reviewer(request.user, pk)
    form = ReviewForm(request.POST)
    back = request.POST.get("next", "")
    queue = reverse("surveys:responses", args=[response.campaign_unit.campaign_id])
    target = back if back.startswith(queue) else queue
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect(target)
    try:
        review_response(
            response,
            actor=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.error(
            request,
            _("Response #%(pk)s: %(error)s")
            % {"pk": response.pk, "error": " ".join(error.messages)},
        )
    else:
        messages.success(
            request,
            _("Response #%(pk)s is now %(status)s.")
            % {"pk": response.pk, "status": response.get_status_display().lower()},
        )
    return redirect(target)


# --- an interviewer's entry ----------------------------------------------------------------------


@member
@require_http_methods(["GET", "POST"])
def interviewer_entry(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_user(request.user, pk)
    if not can_review(request.user, campaign_unit):
        raise Http404
    questionnaire = campaign_unit.campaign.questionnaire
    language = "en" if (translation.get_language() or "vi").startswith("en") else "vi"
    form = ResponseForm(questionnaire, language, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            response = record_response(
                campaign_unit,
                form.answers(),
                channel=Response.Channel.INTERVIEWER,
                actor=request.user,
            )
        except ValidationError as error:
            form.add_record_error(error)
        else:
            messages.success(
                request,
                _("Response #%(pk)s was recorded; it waits for review.") % {"pk": response.pk},
            )
            return redirect("surveys:enter", pk=campaign_unit.pk)
    context = {"campaign_unit": campaign_unit, "campaign": campaign_unit.campaign, "form": form}
    return render(request, "surveys/interviewer_entry.html", context)


# --- paper forms -------------------------------------------------------------------------------


def _importable(request: AuthedRequest, pk: int) -> tuple[Any, Any]:
    campaign = get_campaign_for_user(request.user, pk)
    units = reviewable_units(request.user, campaign).order_by("unit__path")
    if not units.exists():
        raise Http404
    return campaign, units


@member
@require_http_methods(["GET", "POST"])
def paper_import(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign, units = _importable(request, pk)
    form = PaperImportForm(request.POST or None, request.FILES or None)
    errors: list[RowError] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = imports.import_paper_forms(
                campaign, form.cleaned_data["file"], actor=request.user, units=units
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            if result.ok:
                request.session.pop(ERRORS_SESSION_KEY, None)
                count = len(result.created)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s paper form was imported; it waits for review.",
                        "%(count)s paper forms were imported; they wait for review.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("surveys:responses", pk=campaign.pk)
            errors = result.errors
            request.session[ERRORS_SESSION_KEY] = {
                "campaign": campaign.pk,
                "total": len(errors),
                "errors": [[e.row, e.column, e.message] for e in errors[:MAX_STORED_ERRORS]],
            }
    context = {
        "campaign": campaign,
        "units": units,
        "form": form,
        "errors": errors[:ERRORS_SHOWN],
        "error_total": len(errors),
        "report_url": reverse("surveys:import_errors", args=[campaign.pk]) if errors else "",
    }
    return render(request, "surveys/paper_import.html", context)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@member
@require_GET
def import_template(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign, units = _importable(request, pk)
    return _xlsx(imports.template(campaign, units), f"mau-phieu-giay-{campaign.pk}.xlsx")


@member
@require_GET
def import_errors(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign, _units = _importable(request, pk)
    stored = request.session.get(ERRORS_SESSION_KEY)
    if not stored or stored.get("campaign") != campaign.pk:
        raise Http404
    stamp = datetime.date.today().strftime("%Y%m%d")
    return _xlsx(errors_xlsx(stored["errors"]), f"loi-nhap-phieu-giay-{campaign.pk}-{stamp}.xlsx")

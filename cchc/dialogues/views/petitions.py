"""Staff pages of petitions: the list (open by default; XLSX and PDF), the screening queue,
recording a petition raised at a meeting or in writing, one petition's page with its screening,
merging, routing and closing forms, the answer form with its commitment option, bulk
publication, the open commitments and attachment downloads.

Every view fetches with permission first (cchc.dialogues.permissions), validates a form, calls
one action and redirects; an action's refusal goes back on the form (add_action_error) or, for
the small forms of the petition page, into a message.
"""

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import member
from cchc.core.forms import add_action_error
from cchc.core.http import attachment, download
from cchc.core.models import AuditEvent
from cchc.core.privacy import record_export
from cchc.dialogues import exports
from cchc.dialogues.actions import (
    answer_petition,
    close_petition,
    merge_petition,
    publish_answers,
    record_petition,
    route_petition,
    screen_petition,
)
from cchc.dialogues.forms import (
    AnswerForm,
    CloseForm,
    MergeForm,
    PetitionFilterForm,
    PublishForm,
    RecordPetitionForm,
    RouteForm,
    ScreenForm,
)
from cchc.dialogues.models import Attachment, Conference, Petition
from cchc.dialogues.permissions import (
    can_answer_petition,
    can_screen_petition,
    can_see_petitioner,
    get_conference_for_user,
    get_petition_for_user,
    manageable_units,
)
from cchc.dialogues.queries import journey, open_commitments

PAGE_SIZE = 50
HISTORY_LIMIT = 20
PDF_LIMIT = 2000
XLSX_LIMIT = 50_000


def _listed(request: AuthedRequest) -> tuple[PetitionFilterForm, Any]:
    form = PetitionFilterForm(request.GET or None)
    return form, _ordered(form.apply(Petition.objects.for_user(request.user)))


def _ordered(petitions: Any) -> Any:
    return petitions.listed()


@member
@require_GET
def petition_list(request: AuthedRequest) -> HttpResponse:
    form, petitions = _listed(request)
    page = Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "today": timezone.localdate(),
        "can_record": manageable_units(request.user).exists(),
    }
    template = "dialogues/petition_list.html"
    return render(request, f"{template}#records" if request.htmx else template, context)


@member
@require_GET
def petition_list_xlsx(request: AuthedRequest) -> HttpResponse:
    """The list as XLSX: the petitioner's name and contact unmasked only in the rows of the
    petitions the user's unit handles; the export is recorded in the audit trail."""
    _form, petitions = _listed(request)
    rows = petitions.defer(None).defer("content", "close_reason", "conference__description")
    counts = {"rows": 0, "personal_rows": 0}

    def reveal(petition: Petition) -> bool:
        shown = can_see_petitioner(request.user, petition)
        counts["rows"] += 1
        counts["personal_rows"] += int(shown and bool(petition.submitter_name or petition.contact))
        return shown

    content = exports.petitions_xlsx(rows[:XLSX_LIMIT].iterator(chunk_size=2000), reveal)
    record_export(request.user, "dialogues.petitions.xlsx", **counts)
    return attachment(content, exports.filename("xlsx"))


@member
@require_GET
def petition_list_pdf(request: AuthedRequest) -> HttpResponse:
    _form, petitions = _listed(request)
    listed = list(petitions[:PDF_LIMIT])
    # The PDF names no petitioner; the export is recorded all the same.
    record_export(request.user, "dialogues.petitions.pdf", rows=len(listed), personal_rows=0)
    return attachment(exports.petitions_pdf(listed), exports.filename("pdf"))


@member
@require_GET
def screening_queue(request: AuthedRequest) -> HttpResponse:
    petitions = (
        Petition.objects.for_user(request.user)
        .filter(unit__in=manageable_units(request.user), status=Petition.Status.RECEIVED)
        .select_related("conference", "unit", "field")
        .order_by("-flag_reason", "received_at", "pk")
    )
    page = Paginator(petitions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dialogues/screening_queue.html", {"page": page})


@member
@require_http_methods(["GET", "POST"])
def petition_create(request: AuthedRequest) -> HttpResponse:
    units = manageable_units(request.user)
    if not units.exists():
        raise PermissionDenied
    conference = _conference_from(request)
    form = RecordPetitionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            petition = record_petition(
                actor=request.user,
                unit=conference.host_unit if conference else _writing_unit(request, units),
                conference=conference,
                **form.action_values(),
            )
        except ValidationError as error:
            add_action_error(form, error, aliases={"files": "attachments"})
        else:
            messages.success(
                request, _("Petition %(code)s was recorded.") % {"code": petition.code}
            )
            return redirect(petition)
    context = {"form": form, "conference": conference, "units": units.order_by("path")}
    return render(request, "dialogues/petition_create.html", context)


def _conference_from(request: AuthedRequest) -> Conference | None:
    raw = request.GET.get("conference") or request.POST.get("conference_id")
    if not raw or not str(raw).isdigit():
        return None
    return get_conference_for_user(request.user, int(raw), manage=True)


def _writing_unit(request: AuthedRequest, units: Any) -> Any:
    raw = request.POST.get("unit_id", "")
    unit = units.filter(pk=int(raw)).first() if raw.isdigit() else None
    if unit is None:
        unit = units.order_by("depth", "path").first()
    return unit


@member
@require_GET
def petition_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    petition = get_petition_for_user(request.user, pk)
    screen = can_screen_petition(request.user, petition)
    initial_route = {"unit": petition.responsible_unit, "deadline": petition.deadline}
    context = {
        "petition": petition,
        "journey": journey(petition, public=False),
        "attachments": petition.attachments.all(),
        "show_petitioner": can_see_petitioner(request.user, petition),
        "duplicates": petition.duplicates.all(),
        "can_screen": screen,
        "can_answer": can_answer_petition(request.user, petition),
        "screen_form": ScreenForm(
            initial={"field": petition.field, "issue_group": petition.issue_group}
        ),
        "merge_form": MergeForm(),
        "route_form": RouteForm(initial=initial_route),
        "close_form": CloseForm(),
        "history": AuditEvent.objects.for_target(petition).select_related("actor")[:HISTORY_LIMIT],
    }
    return render(request, "dialogues/petition_detail.html", context)


def _run(
    request: AuthedRequest,
    form: django_forms.Form,
    action: Callable[[dict[str, Any]], object],
    success: str,
) -> None:
    """Validate `form`, call `action` with its data and say how it went, as a message."""
    if not form.is_valid():
        parts = []
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            label = f"{field.label}: " if field is not None and field.label else ""
            parts += [f"{label}{error}" for error in errors]
        messages.error(request, " ".join(parts))
        return
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


@member
@require_POST
def petition_screen(request: AuthedRequest, pk: int) -> HttpResponse:
    petition = get_petition_for_user(request.user, pk, screen=True)
    _run(
        request,
        ScreenForm(request.POST),
        lambda data: screen_petition(petition, actor=request.user, **data),
        _("The petition was classified."),
    )
    return redirect(petition)


@member
@require_POST
def petition_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    petition = get_petition_for_user(request.user, pk, screen=True)

    def merge(data: dict[str, Any]) -> object:
        into = Petition.objects.for_user(request.user).filter(code=data["into"].strip()).first()
        if into is None:
            raise ValidationError(
                _("No petition you can see has the code %(code)s.") % {"code": data["into"]}
            )
        return merge_petition(petition, actor=request.user, into=into)

    _run(request, MergeForm(request.POST), merge, _("The petition was merged."))
    return redirect(petition)


@member
@require_POST
def petition_route(request: AuthedRequest, pk: int) -> HttpResponse:
    petition = get_petition_for_user(request.user, pk, screen=True)
    _run(
        request,
        RouteForm(request.POST),
        lambda data: route_petition(petition, actor=request.user, **data),
        _("The petition was routed."),
    )
    return redirect(petition)


@member
@require_POST
def petition_close(request: AuthedRequest, pk: int) -> HttpResponse:
    petition = get_petition_for_user(request.user, pk, screen=True)
    _run(
        request,
        CloseForm(request.POST),
        lambda data: close_petition(petition, actor=request.user, **data),
        _("The petition was closed."),
    )
    return redirect(petition)


@member
@require_http_methods(["GET", "POST"])
def petition_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    petition = get_petition_for_user(request.user, pk, answer=True)
    initial = {
        "answered_on": timezone.localdate(),
        "given_at": "conference" if petition.conference_id else "writing",
    }
    form = AnswerForm(request.POST or None, initial=initial, unit=petition.responsible_unit)
    if request.method == "POST" and form.is_valid():
        try:
            answer_petition(petition, actor=request.user, **form.action_values())
        except ValidationError as error:
            add_action_error(form, error, aliases=AnswerForm.ALIASES)
        else:
            messages.success(request, _("The answer was recorded."))
            return redirect(petition)
    return render(request, "dialogues/petition_answer.html", {"petition": petition, "form": form})


def _publishable(request: AuthedRequest) -> Any:
    return (
        Petition.objects.for_user(request.user)
        .filter(unit__in=manageable_units(request.user), status=Petition.Status.ANSWERED)
        .select_related("responsible_unit", "conference", "unit")
        .order_by("received_at", "pk")
    )


@member
@require_http_methods(["GET", "POST"])
def petition_publish(request: AuthedRequest) -> HttpResponse:
    petitions = _publishable(request)
    form = PublishForm(request.POST or None, petitions=petitions)
    if request.method == "POST" and form.is_valid():
        try:
            count = publish_answers(list(form.cleaned_data["petitions"]), actor=request.user)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Answers published: %(count)s.") % {"count": count})
            return redirect("dialogues:publish")
    context = {"form": form, "petitions": petitions}
    return render(request, "dialogues/petition_publish.html", context)


@member
@require_GET
def commitment_list(request: AuthedRequest) -> HttpResponse:
    visible = Petition.objects.for_user(request.user)
    commitments = open_commitments(timezone.localdate()).filter(petition__in=visible)
    page = Paginator(commitments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "today": timezone.localdate()}
    return render(request, "dialogues/commitment_list.html", context)


@member
@require_GET
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    petition = get_petition_for_user(request.user, attachment.petition_id)
    if not can_see_petitioner(request.user, petition):
        raise Http404
    return download(attachment.file, attachment.original_name)

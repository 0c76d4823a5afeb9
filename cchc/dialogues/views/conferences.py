"""Staff pages of conferences: the list, announcing one, its page with its petitions, marking
it held and closing it. Every view fetches with permission first, validates a form, calls one
action and redirects (PRG); an action's refusal goes back on the form or into a message."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import member
from cchc.core.forms import add_action_error
from cchc.core.http import attachment
from cchc.core.models import AuditEvent
from cchc.dialogues import exports
from cchc.dialogues.actions import announce_conference, close_conference, hold_conference
from cchc.dialogues.forms import ConferenceForm, HoldForm
from cchc.dialogues.models import Conference, Petition
from cchc.dialogues.permissions import (
    can_manage_conference,
    get_conference_for_user,
    manageable_units,
)

EXPORT_LIMIT = 5000  # a year of conferences many times over
EXPORT_LIMIT = 5000  # a year of conferences many times over
PAGE_SIZE = 50
HISTORY_LIMIT = 20


@member
@require_GET
def conference_list(request: AuthedRequest) -> HttpResponse:
    conferences = _conferences(request)
    page = Paginator(conferences, PAGE_SIZE).get_page(request.GET.get("page"))
    can_announce = manageable_units(request.user).exists()
    context = {"page": page, "can_announce": can_announce}
    return render(request, "dialogues/conference_list.html", context)


@member
@require_GET
def conference_list_xlsx(request: AuthedRequest) -> HttpResponse:
    content = exports.conferences_xlsx(_conferences(request)[:EXPORT_LIMIT])
    return attachment(content, exports.filename("xlsx", "hoi-nghi-doi-thoai"))


@member
@require_GET
def conference_list_pdf(request: AuthedRequest) -> HttpResponse:
    content = exports.conferences_pdf(list(_conferences(request)[:EXPORT_LIMIT]))
    return attachment(content, exports.filename("pdf", "hoi-nghi-doi-thoai"))


def _conferences(request: AuthedRequest) -> Any:
    return (
        Conference.objects.for_user(request.user)
        .select_related("host_unit")
        .annotate(
            petition_count=Count("petitions"),
            waiting_count=Count(
                "petitions",
                filter=Q(
                    petitions__status__in=[Petition.Status.RECEIVED, Petition.Status.SCREENED]
                ),
            ),
        )
        .order_by("-starts_at", "-pk")
    )


@member
@require_http_methods(["GET", "POST"])
def conference_create(request: AuthedRequest) -> HttpResponse:
    units = manageable_units(request.user)
    if not units.exists():
        raise PermissionDenied
    form = ConferenceForm(
        request.POST or None, request.FILES or None, units=units, initial={"is_public": True}
    )
    if request.method == "POST" and form.is_valid():
        try:
            conference = announce_conference(actor=request.user, **form.action_values())
        except ValidationError as error:
            add_action_error(form, error, aliases={"starts_at": "starts_on"})
        else:
            messages.success(request, _("The conference was announced."))
            return redirect(conference)
    return render(request, "dialogues/conference_create.html", {"form": form})


@member
@require_GET
def conference_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    conference = get_conference_for_user(request.user, pk)
    petitions = (
        Petition.objects.for_user(request.user)
        .filter(conference=conference)
        .select_related("responsible_unit", "field", "issue_group")
        .order_by("received_at", "pk")
    )
    manage = can_manage_conference(request.user, conference)
    context = {
        "conference": conference,
        "petitions": petitions,
        "can_manage": manage,
        "hold_form": HoldForm() if manage else None,
        "history": AuditEvent.objects.for_target(conference).select_related("actor")[
            :HISTORY_LIMIT
        ],
    }
    return render(request, "dialogues/conference_detail.html", context)


@member
@require_POST
def conference_hold(request: AuthedRequest, pk: int) -> HttpResponse:
    conference = get_conference_for_user(request.user, pk, manage=True)
    form = HoldForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(conference)
    try:
        hold_conference(conference, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The conference was recorded as held."))
    return redirect(conference)


@member
@require_POST
def conference_close(request: AuthedRequest, pk: int) -> HttpResponse:
    conference = get_conference_for_user(request.user, pk, manage=True)
    try:
        close_conference(conference, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The conference was closed."))
    return redirect(conference)


def _errors(form: HoldForm) -> str:
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}: " if field is not None and field.label else ""
        parts += [f"{label}{error}" for error in errors]
    return " ".join(parts)

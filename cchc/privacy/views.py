"""The personal-data pages: the full public notice; the queue of requests received on paper;
an official's download of what the platform holds about them."""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cchc.accounts.http import AuthedRequest
from cchc.core.access import member, public
from cchc.core.privacy import CONSENT_VERSION, CONSENT_WORDINGS, PURPOSES, record_export
from cchc.orgunits.queries import committee, home_province
from cchc.plans.forms import add_action_error
from cchc.privacy.actions import answer_request, record_request
from cchc.privacy.forms import AnswerForm, RequestForm
from cchc.privacy.models import DataRequest
from cchc.privacy.permissions import can_handle_requests, get_request_for_user, handled_units
from cchc.privacy.queries import official_data

PAGE_SIZE = 50


@public
@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    """The full notice the public forms link to (Law 91/2025/QH15 Art. 9)."""
    days = settings.CCHC_RETENTION_DAYS
    context = {
        "controller": committee(home_province()),
        "purposes": PURPOSES,
        "retention": {kind: max(1, round(int(n) / 30.4)) for kind, n in days.items()},
        "request_days": settings.CCHC_PRIVACY_REQUEST_DAYS,
        "current": CONSENT_VERSION,
        "wordings": sorted(CONSENT_WORDINGS.items(), reverse=True),
    }
    return render(request, "privacy/notice.html", context)


@member
@require_GET
def request_list(request: AuthedRequest) -> HttpResponse:
    requests = DataRequest.objects.for_user(request.user).select_related("unit")
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "today": timezone.localdate(),
        "can_record": handled_units(request.user).exists(),
        "request_days": settings.CCHC_PRIVACY_REQUEST_DAYS,
    }
    return render(request, "privacy/request_list.html", context)


@member
@require_http_methods(["GET", "POST"])
def request_new(request: AuthedRequest) -> HttpResponse:
    units = handled_units(request.user)
    form = RequestForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            found = record_request(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            return redirect(found)
    status = 422 if form.is_bound else 200
    return render(request, "privacy/request_new.html", {"form": form}, status=status)


@member
@require_http_methods(["GET", "POST"])
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    found = get_request_for_user(request.user, pk, handle=request.method == "POST")
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            answer_request(
                found,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                refuse=form.cleaned_data["refuse"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            return redirect(found)
    context = {
        "found": found,
        "form": form,
        "can_answer": found.status == DataRequest.Status.OPEN
        and can_handle_requests(request.user, found.unit),
        "today": timezone.localdate(),
    }
    return render(
        request, "privacy/request_detail.html", context, status=422 if form.is_bound else 200
    )


@member
@require_GET
def my_data(request: AuthedRequest) -> HttpResponse:
    """The signed-in user's own data as a JSON download; the export is audited."""
    data = official_data(request.user)
    rows = sum(len(value) for value in data.values() if isinstance(value, list))
    record_export(request.user, "privacy.my_data.json", rows=rows, personal_rows=rows)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"du-lieu-ca-nhan-{request.user.username}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

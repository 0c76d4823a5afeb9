"""The personal-data pages: the full public notice; the citizen's "my data" page (a petition or
a survey response, proven by its contact or a one-time code); the queue of requests received on
paper; an official's download of what the platform holds about them."""

import json
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cchc.accounts.http import AuthedRequest
from cchc.core import throttle
from cchc.core.access import member, public
from cchc.core.forms import add_action_error
from cchc.core.privacy import (
    CONSENT_VERSION,
    CONSENT_WORDINGS,
    PURPOSES,
    record_export,
    same_contact,
)
from cchc.dialogues.actions import petitioner_data
from cchc.dialogues.models import Petition
from cchc.dialogues.throttle import lookup_allowed, throttled_message
from cchc.orgunits.queries import committee, home_province
from cchc.privacy.actions import (
    CodeRefused,
    answer_request,
    correct_contact,
    erase_data,
    masked_destination,
    prove_with_code,
    record_request,
    send_one_time_code,
    withdraw_consent,
)
from cchc.privacy.forms import AnswerForm, RequestForm, SubjectForm
from cchc.privacy.models import DataRequest, OneTimeCode
from cchc.privacy.permissions import can_handle_requests, get_request_for_user, handled_units
from cchc.privacy.queries import Held, find_record, official_data, record_kind, response_data

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


# --- the citizen's public "my data" page -------------------------------------------------------

GRANT_SALT = "cchc.privacy.subject"


def _grant(record: Held, code: OneTimeCode) -> str:
    """What a page carries, once a one-time code was accepted, so that the next steps (correct,
    withdraw, erase) need not prove again: a signed (record, code) pair, valid as long as a
    code is (CCHC_PRIVACY_CODE_MINUTES) after it was used."""
    return signing.dumps([record_kind(record), record.pk, code.pk], salt=GRANT_SALT)


def _granted(record: Held, grant: str) -> bool:
    try:
        kind, pk, code_pk = signing.loads(
            grant, salt=GRANT_SALT, max_age=settings.CCHC_PRIVACY_CODE_MINUTES * 60
        )
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return (kind, pk) == (record_kind(record), record.pk) and OneTimeCode.objects.filter(
        pk=code_pk, record=kind, record_id=pk, used_at__isnull=False
    ).exists()


def _code_send_allowed(request: HttpRequest, record: Held) -> throttle.Verdict:
    """Count one code sent by this client for `record`: at most CCHC_PRIVACY_CODE_RATE_PER_MINUTE
    a minute from a client, and as many for a record from everyone (no flood of messages)."""
    rate = settings.CCHC_PRIVACY_CODE_RATE_PER_MINUTE
    return throttle.hit(
        {
            throttle.client_bucket(request, "privacy-code"): rate,
            f"privacy-code:{record_kind(record)}:{record.pk}": rate,
        }
    )


def _subject_page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context["controller"] = committee(home_province())
    context["code_minutes"] = settings.CCHC_PRIVACY_CODE_MINUTES
    return render(request, "privacy/subject.html", context, status=status)


def _wait(request: HttpRequest, context: dict[str, Any], verdict: throttle.Verdict) -> HttpResponse:
    context["form"].add_error(None, throttled_message())
    response = _subject_page(request, context, 429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


@public
@require_http_methods(["GET", "POST"])
def subject(request: HttpRequest) -> HttpResponse:
    """A citizen's own data in a petition or a survey response. They name it by its code (the
    petition's, or the response's receipt) and prove control with the contact they gave or a
    one-time code sent there (then a signed grant carries the proof for a few minutes); every
    other POST proves again. A wrong code-and-contact pair gets the same answer as an unknown
    code; every POST counts against the lookup's rate limit, sending a code against its own."""
    Step = SubjectForm.Step
    form = SubjectForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    context: dict[str, Any] = {"form": form}
    if request.method == "GET":
        return _subject_page(request, context)
    if not (verdict := lookup_allowed(request)).allowed:
        return _wait(request, context, verdict)
    if not form.is_valid():
        return _subject_page(request, context, 422)
    values = form.cleaned_data
    record = find_record(values["code"])
    step = values["step"]
    context["code"] = values["code"].strip().upper()
    not_found = _("No petition or survey response has this code with this contact. Check both.")
    if step == Step.SEND:
        if record is None or not record.contact:
            form.add_error(
                "code", _("No petition or survey response with a contact has this code.")
            )
            return _subject_page(request, context, 404)
        if not (verdict := _code_send_allowed(request, record)).allowed:
            return _wait(request, context, verdict)
        send_one_time_code(record)
        context["sent_to"] = masked_destination(record.contact)
        return _subject_page(request, context)
    grant = values["grant"]
    if record is None:
        form.add_error(None, not_found)
        return _subject_page(request, context, 404)
    if values["one_time_code"]:
        try:
            grant = _grant(record, prove_with_code(record, values["one_time_code"]))
        except CodeRefused as refusal:
            form.add_error("one_time_code", refusal.messages[0])
            context["sent_to"] = masked_destination(record.contact)
            return _subject_page(request, context, 422)
    elif not (grant and _granted(record, grant)):
        grant = ""
        if not same_contact(record.contact, values["contact"]):
            form.add_error(None, not_found)
            return _subject_page(request, context, 404)
    context.update(
        kind=record_kind(record), proven_contact="" if grant else values["contact"], grant=grant
    )
    try:
        if step == Step.CORRECT:
            correct_contact(record, contact=values["new_contact"])
        elif step == Step.WITHDRAW:
            withdraw_consent(record)
        elif step == Step.ERASE:
            erase_data(record)
    except ValidationError as error:
        add_action_error(form, error, aliases={"contact": "new_contact"})
        context["data"] = _data(record)
        return _subject_page(request, context, 422)
    if step == Step.SHOW:
        context["data"] = _data(record)
        return _subject_page(request, context)
    context["done"] = step
    context["journey"] = record.get_journey_url() if isinstance(record, Petition) else ""
    return _subject_page(request, context)


def _data(record: Held) -> dict[str, Any]:
    return petitioner_data(record) if isinstance(record, Petition) else response_data(record)

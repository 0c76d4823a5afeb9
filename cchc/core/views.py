import csv
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core import health, jobs
from cchc.core.access import city_admin, member, public
from cchc.core.actions import RequeueError, requeue_job
from cchc.core.forms import AuditFilterForm
from cchc.core.http import HtmxRequest
from cchc.core.models import AuditEventQuerySet
from cchc.core.queries import filter_audit_events, unread_notifications

AUDIT_PAGE_SIZE = 50


@city_admin
def audit_log(request: HtmxRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    form.is_valid()  # an invalid field is shown with its error and left out of the filter
    filters = getattr(form, "cleaned_data", {})
    events = filter_audit_events(**filters)
    if request.GET.get("export") == "csv":
        return _audit_csv(events)
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "core/audit_log.html#results" if request.htmx else "core/audit_log.html"
    return render(request, template, {"form": form, "page": page})


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas: a name typed as "=HYPERLINK(…)" must stay text."""
    return f"'{value}" if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def _audit_csv(events: AuditEventQuerySet) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response.write("\ufeff")  # BOM so that Excel opens the Vietnamese text as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("Time"), _("Actor"), _("Action"), _("Record"), _("Unit"), _("Changes")])
    for event in events.iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(event.created_at).strftime("%d/%m/%Y %H:%M:%S"),
                _cell(str(event.actor or "")),
                event.verb,
                _cell(event.target_repr),
                _cell(str(event.unit or "")),
                _cell(json.dumps(event.changes or event.details, ensure_ascii=False)),
            ]
        )
    return response


@public
def healthz(request: HttpRequest) -> HttpResponse:
    """Served by HealthCheckMiddleware before the rest of the stack; here for reverse()."""
    return health.respond(health.basic)


@public
def healthz_full(request: HttpRequest) -> HttpResponse:
    if not health.is_local_probe(request):
        return JsonResponse({"status": "forbidden"}, status=403)
    return health.respond(health.full)


JOBS_PAGE_SIZE = 50


@city_admin
def dead_letters(request: HtmxRequest) -> HttpResponse:
    """Jobs that failed every attempt, newest first, with their error; re-queue one (POST)."""
    if request.method == "POST":
        try:
            retry = requeue_job(request.user, request.POST.get("job", ""))
        except (RequeueError, ValidationError):
            messages.error(request, _("This job is no longer waiting to be re-queued."))
        else:
            messages.success(request, _("Job re-queued as %(id)s.") % {"id": retry.pk})
        return redirect("core:dead_letters")
    page = Paginator(jobs.dead_letters(), JOBS_PAGE_SIZE).get_page(request.GET.get("page"))
    for result in page:
        result.error_line = (result.traceback.strip().splitlines() or [""])[-1]  # type: ignore[attr-defined]
    return render(
        request,
        "core/dead_letters.html",
        {"page": page, "status": jobs.queue_status(), "uses_worker": jobs.uses_worker()},
    )


@member
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The navigation bar's count of unread notifications, loaded by htmx after the page, so
    that no page pays for it in its own queries."""
    return render(request, "core/unread_badge.html", {"count": unread_notifications(request.user)})

"""Periodic PAR report pages: the list (and starting a report), one report (figures with
their sources, texts, annex, decisions, history), and its DOCX, PDF and annex XLSX."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import member
from cchc.core.forms import add_action_error
from cchc.core.models import AuditEvent
from cchc.orgunits.models import OrgUnit
from cchc.reports import actions, document, queries
from cchc.reports.exports.periodic import report_docx, report_pdf, report_xlsx
from cchc.reports.forms import ReportForm, ReturnForm, StartForm, ValueForm, VersionForm
from cchc.reports.models import Indicator, PeriodicReport
from cchc.reports.permissions import (
    can_consolidate,
    can_decide_report,
    can_edit_report,
    can_write_for_unit,
    get_report_for_user,
)


def _writable_units(request: AuthedRequest) -> list[OrgUnit]:
    units = OrgUnit.objects.visible_to(request.user).current().in_home_province()
    units = units.filter(legacy=False)
    return [u for u in units.order_by("path")[:2000] if can_write_for_unit(request.user, u)]


@member
@require_http_methods(["GET", "POST"])
def periodic_list(request: AuthedRequest) -> HttpResponse:
    writable = _writable_units(request)
    units = OrgUnit.objects.filter(pk__in=[u.pk for u in writable]).order_by("path")
    form = StartForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            report = actions.start_report(
                form.cleaned_data["unit"],
                actor=request.user,
                year=form.cleaned_data["year"],
                period=form.cleaned_data["period"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The report was started."))
            return redirect(report)
    reports = (
        PeriodicReport.objects.for_user(request.user)
        .select_related("unit", "period")
        .order_by("-year", "-period__order", "unit__path")[:500]
    )
    return render(
        request,
        "reports/periodic_list.html",
        {"reports": reports, "form": form, "can_start": bool(writable)},
    )


@member
@require_GET
def periodic_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    return render(request, "reports/periodic_detail.html", _context(request, report))


def _context(request: AuthedRequest, report: PeriodicReport, **extra: object) -> dict:
    data = document.build(report)
    editable = can_edit_report(request.user, report)
    context = {
        "report": report,
        "data": data,
        "window": report.window(),
        "can_edit": editable,
        "can_decide": can_decide_report(request.user, report),
        "can_consolidate": can_consolidate(request.user, report),
        "form": ReportForm(report=report, sections=queries.sections()) if editable else None,
        "return_form": ReturnForm(),
        "history": AuditEvent.objects.for_target(report).select_related("actor")[:50],
    }
    context.update(extra)
    return context


@member
@require_POST
def periodic_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk, write=True)
    form = ReportForm(request.POST, report=report, sections=queries.sections())
    if form.is_valid():
        try:
            actions.update_report(
                report,
                actor=request.user,
                version=form.cleaned_data["version"],
                header=form.header(),
                texts=form.texts(),
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The report was saved."))
            return redirect(report)
    return render(
        request, "reports/periodic_detail.html", _context(request, report, form=form), status=400
    )


@member
@require_POST
def periodic_value(request: AuthedRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk, write=True)
    form = ValueForm(request.POST)
    if form.is_valid():
        indicator = get_object_or_404(Indicator, code=form.cleaned_data["indicator"])
        try:
            actions.set_annex_value(
                report,
                indicator,
                actor=request.user,
                version=form.cleaned_data["version"],
                value=form.cleaned_data["value"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The figure was saved."))
    else:
        messages.error(request, _("The figure could not be saved: check the value."))
    return redirect(report.get_absolute_url() + "#annex")


def _step(
    request: AuthedRequest,
    pk: int,
    allowed: Callable[[object, PeriodicReport], bool],
    run: Callable[[PeriodicReport], object],
    done: str,
) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    if not allowed(request.user, report):
        return HttpResponse(status=403)
    try:
        run(report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(report)


def _version(request: AuthedRequest) -> int:
    form = VersionForm(request.POST)
    return form.cleaned_data["version"] if form.is_valid() else 0


@member
@require_POST
def periodic_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    version = _version(request)
    return _step(
        request,
        pk,
        can_edit_report,
        lambda r: actions.submit_report(r, actor=request.user, version=version),
        _("The report was submitted to the Department of Home Affairs."),
    )


@member
@require_POST
def periodic_consolidate(request: AuthedRequest, pk: int) -> HttpResponse:
    version = _version(request)
    return _step(
        request,
        pk,
        can_consolidate,
        lambda r: actions.consolidate_report(r, actor=request.user, version=version),
        _("The units' accepted reports were assembled into the city's report."),
    )


@member
@require_POST
def periodic_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        can_decide_report,
        lambda r: actions.accept_report(r, actor=request.user),
        _("The report was accepted."),
    )


@member
@require_POST
def periodic_return(request: AuthedRequest, pk: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _step(
        request,
        pk,
        can_decide_report,
        lambda r: actions.return_report(r, actor=request.user, reason=reason),
        _("The report was returned to the unit."),
    )


def _download(
    request: AuthedRequest, pk: int, build: Callable[[document.ReportData], bytes], ext: str
) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    data = document.build(report)
    types = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(build(data), content_type=types[ext])
    response["Content-Disposition"] = f'attachment; filename="{data.filename(ext)}"'
    return response


@member
@require_GET
def periodic_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    return _download(request, pk, report_docx, "docx")


@member
@require_GET
def periodic_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    return _download(request, pk, report_pdf, "pdf")


@member
@require_GET
def periodic_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    return _download(request, pk, report_xlsx, "xlsx")

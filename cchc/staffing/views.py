"""Headcount pages: the summary of a year (roll-up over the unit tree, charts, XLSX and PDF),
a unit's history, entering one unit's figures, the XLSX import and the policy.

Every view decides access first (cchc.staffing.permissions): a unit the user does not see is
404; one they see but may not record is 403.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from cchc.accounts.http import AuthedRequest
from cchc.core.access import city_admin, member
from cchc.core.forms import add_action_error
from cchc.core.xlsx import errors_xlsx
from cchc.orgunits.models import OrgUnit
from cchc.staffing import exports, imports, queries
from cchc.staffing.actions import record_headcount, set_successor_shares, update_policy
from cchc.staffing.forms import (
    HeadcountForm,
    ImportForm,
    PolicyForm,
    SharesForm,
    SummaryFilterForm,
)
from cchc.staffing.models import Headcount, StaffingPeriod, StaffingPolicy
from cchc.staffing.permissions import (
    can_import_headcount,
    can_record_headcount,
    get_unit_for_user,
)

PAGE_SIZE = 100
CHART_ROWS = 25
ERRORS_SESSION_KEY = "staffing.import_errors"
SHARE_ERRORS_SESSION_KEY = "staffing.share_import_errors"
MAX_STORED_ERRORS = 5000
ERRORS_SHOWN = 100


def default_year() -> int:
    """The latest year with figures up to this year, else this year."""
    this_year = timezone.localdate().year
    years = [y for y in queries.years_with_figures() if y <= this_year]
    return years[0] if years else this_year


def _summary(request: AuthedRequest) -> tuple[SummaryFilterForm, queries.Summary]:
    form = SummaryFilterForm(request.GET or None)
    year = form.chosen_year(0) or default_year()
    return form, queries.summary(OrgUnit.objects.visible_to(request.user), year)


@member
@require_GET
def summary(request: AuthedRequest) -> HttpResponse:
    form, result = _summary(request)
    page = Paginator(form.apply(result), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "summary": result,
        "page": page,
        "chart": _reduction_chart(list(page), result),
        "may_import": can_import_headcount(request.user),
    }
    if request.htmx:
        return render(request, "staffing/summary.html#rows", context)
    return render(request, "staffing/summary.html", context)


def _reduction_chart(rows: list[queries.SummaryRow], result: queries.Summary) -> dict[str, Any]:
    """Reduction % per unit (the page's first units with a baseline, one labelled row each)
    against the targets, drawn as lines across the bars."""
    shown = [r for r in rows if r.civil.baseline or r.public.baseline][:CHART_ROWS]
    rule = result.rule
    return {
        "labels": [r.unit.short_name or r.unit.name for r in shown],
        "unit": "%",
        "partial": True,  # cuts of 10–20%: an axis to 100 would flatten them into slivers
        "horizontal": True,
        "series": [
            {"name": _("Civil-servant posts"), "data": [_float(r.civil.percent) for r in shown]},
            {"name": _("Public-employee posts"), "data": [_float(r.public.percent) for r in shown]},
        ],
        "targets": _targets(
            [
                (_("Civil-servant target"), rule.civil_target, "#0b5ed7"),
                (_("Public-employee target"), rule.public_target, "#198754"),
            ]
        ),
    }


def _targets(lines: list[tuple[str, Any, str]]) -> list[dict[str, Any]]:
    """The chart's target lines; two targets of the same value are one line with both names."""
    merged: dict[float, dict[str, Any]] = {}
    for name, value, color in lines:
        line = merged.setdefault(float(value), {"name": "", "value": float(value), "color": color})
        line["name"] = f"{line['name']}, {name}" if line["name"] else str(name)
    return list(merged.values())


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


@member
@require_GET
def summary_xlsx(request: AuthedRequest) -> HttpResponse:
    _form, result = _summary(request)
    response = HttpResponse(exports.summary_xlsx(result), content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(result, "xlsx")}"'
    return response


@member
@require_GET
def summary_pdf(request: AuthedRequest) -> HttpResponse:
    _form, result = _summary(request)
    scope = (
        "Phạm vi: toàn bộ đơn vị" if request.user.is_city_admin else "Phạm vi: đơn vị của người lập"
    )
    response = HttpResponse(exports.summary_pdf(result, scope), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{exports.filename(result, "pdf")}"'
    return response


@member
@require_GET
def unit_history(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    years = queries.history(unit)
    context = {
        "unit": unit,
        "rule": queries.rule_for(years[-1].year if years else default_year()),
        "years": years,
        "records": unit.headcounts.order_by("-year"),
        "predecessors": queries.carried_from(unit),
        "has_public": any(y.figures.public_assigned or y.figures.public_actual for y in years),
        "may_record": can_record_headcount(request.user, unit),
        "civil_chart": _trend(years, "civil"),
        "public_chart": _trend(years, "public"),
    }
    return render(request, "staffing/history.html", context)


def _trend(years: list[queries.HistoryYear], kind: str) -> dict[str, Any]:
    return {
        "labels": [str(y.year) for y in years],
        "series": [
            {
                "name": _("Assigned posts"),
                "data": [getattr(y.figures, f"{kind}_assigned") for y in years],
            },
            {
                "name": _("In post"),
                "data": [getattr(y.figures, f"{kind}_actual") for y in years],
            },
        ],
    }


@member
@require_http_methods(["GET", "POST"])
def headcount_record(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    if not can_record_headcount(request.user, unit):
        raise PermissionDenied
    year = _year_param(request.POST.get("year") or request.GET.get("year"))
    record = Headcount.objects.filter(unit=unit, year=year).first()
    form = HeadcountForm.for_record(record, year, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_headcount(
                unit,
                actor=request.user,
                year=form.cleaned_data["year"],
                figures=form.figures(),
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("The figures of %(unit)s for %(year)s were saved.")
                % {"unit": unit.name, "year": form.cleaned_data["year"]},
            )
            return redirect("staffing:unit", pk=unit.pk)
    context = {"unit": unit, "form": form, "year": year, "record": record}
    return render(request, "staffing/record.html", context)


def _year_param(value: str | None) -> int:
    """The year asked for in the URL, or this year when it is not a plausible year."""
    text = (value or "").strip()
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return timezone.localdate().year


@member
@require_http_methods(["GET", "POST"])
def headcount_import(request: AuthedRequest) -> HttpResponse:
    if not can_import_headcount(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = imports.import_headcount(actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            if result.ok:
                request.session.pop(ERRORS_SESSION_KEY, None)
                count = len(result.created)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s headcount row was imported.",
                        "%(count)s headcount rows were imported.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("staffing:summary")
            errors = result.errors
            request.session[ERRORS_SESSION_KEY] = [
                [e.row, e.column, e.message] for e in errors[:MAX_STORED_ERRORS]
            ]
    context = {
        "form": form,
        "errors": errors[:ERRORS_SHOWN],
        "error_total": len(errors),
        "report_url": reverse("staffing:import_errors") if errors else "",
    }
    return render(request, "staffing/import.html", context)


@member
@require_GET
def import_errors(request: AuthedRequest) -> HttpResponse:
    if not can_import_headcount(request.user):
        raise PermissionDenied
    stored = request.session.get(ERRORS_SESSION_KEY)
    if not stored:
        raise Http404
    response = HttpResponse(errors_xlsx(stored), content_type=exports.XLSX)
    response["Content-Disposition"] = 'attachment; filename="loi-nhap-bien-che.xlsx"'
    return response


@member
@require_GET
def import_template(request: AuthedRequest) -> HttpResponse:
    if not can_import_headcount(request.user):
        raise PermissionDenied
    content = imports.template_xlsx(request.user, timezone.localdate().year)
    response = HttpResponse(content, content_type=exports.XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-bien-che.xlsx"'
    return response


@city_admin
@require_http_methods(["GET", "POST"])
def policy_edit(request: AuthedRequest) -> HttpResponse:
    policy = StaffingPolicy.current()
    form = PolicyForm.for_policy(policy, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            update_policy(
                policy,
                actor=request.user,
                baseline_year=form.cleaned_data["baseline_year"],
                target_percent=form.cleaned_data["target_percent"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The staffing policy was saved."))
            return redirect("staffing:summary")
    periods = StaffingPeriod.objects.all()
    context = {"form": form, "policy": policy, "periods": periods}
    return render(request, "staffing/policy.html", context)


@city_admin
@require_GET
def share_list(request: AuthedRequest) -> HttpResponse:
    """The ended units split among several successors, with their shares."""
    split = (
        OrgUnit.objects.filter(valid_to__isnull=False)
        .annotate(n=Count("successors"))
        .filter(n__gt=1)
        .order_by("path")
    )
    page = Paginator(split, PAGE_SIZE).get_page(request.GET.get("page"))
    shares = queries.shares_of(list(page))
    rows = [(unit, shares.get(unit.pk, [])) for unit in page]
    context = {"page": page, "rows": rows, "unconfirmed": len(queries.unconfirmed_splits())}
    return render(request, "staffing/share_list.html", context)


@city_admin
@require_http_methods(["GET", "POST"])
def share_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    shares = queries.shares_of([unit]).get(unit.pk)
    if not shares:
        raise Http404
    form = SharesForm(shares, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            set_successor_shares(unit, actor=request.user, shares=form.shares())
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The shares of %(unit)s were saved.") % {"unit": unit})
            return redirect("staffing:shares")
    context = {"unit": unit, "form": form, "shares": shares}
    return render(request, "staffing/share_form.html", context)


@city_admin
@require_http_methods(["GET", "POST"])
def share_import(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = imports.import_successor_shares(
                actor=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            if result.ok:
                request.session.pop(SHARE_ERRORS_SESSION_KEY, None)
                messages.success(request, _("The successor shares were imported."))
                return redirect("staffing:shares")
            errors = result.errors
            request.session[SHARE_ERRORS_SESSION_KEY] = [
                [e.row, e.column, e.message] for e in errors[:MAX_STORED_ERRORS]
            ]
    context = {
        "form": form,
        "errors": errors[:ERRORS_SHOWN],
        "error_total": len(errors),
        "report_url": reverse("staffing:share_import_errors") if errors else "",
    }
    return render(request, "staffing/share_import.html", context)


@city_admin
@require_GET
def share_import_errors(request: AuthedRequest) -> HttpResponse:
    stored = request.session.get(SHARE_ERRORS_SESSION_KEY)
    if not stored:
        raise Http404
    response = HttpResponse(errors_xlsx(stored), content_type=exports.XLSX)
    response["Content-Disposition"] = 'attachment; filename="loi-nhap-ty-le-ke-thua.xlsx"'
    return response


@city_admin
@require_GET
def share_template(request: AuthedRequest) -> HttpResponse:
    response = HttpResponse(imports.shares_template_xlsx(), content_type=exports.XLSX)
    response["Content-Disposition"] = 'attachment; filename="ty-le-ke-thua.xlsx"'
    return response

"""The service index pages: the month's ranking, a unit's month (rates, points, trend), the
dossiers behind a rate, the late dossiers with their apology letters, the letter form and DOCX,
the import (city administrators) and its error report, closing a month.

Every view decides access first (cchc.services.permissions): a unit or dossier the user does not
see is 404; an action they may not take is 403."""

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.core.access import city_admin, member
from cchc.services import exports, queries
from cchc.services.actions import close_month, issue_apology
from cchc.services.forms import ApologyForm, ImportForm, parse_month
from cchc.services.imports import ImportRefused, import_source, upload_source
from cchc.services.models import ImportRun, MonthScore
from cchc.services.permissions import (
    can_issue_apology,
    can_manage_index,
    get_dossier_for_user,
    get_letter_for_user,
    get_unit_for_user,
)
from cchc.services.scoring import RATES, parse_framework

RATE_LABELS = {
    "on_time_rate": gettext_lazy("On time"),
    "dossier_satisfaction_rate": gettext_lazy("Satisfaction with dossiers"),
    "feedback_on_time_rate": gettext_lazy("Feedback handled on time"),
    "feedback_satisfaction_rate": gettext_lazy("Satisfaction with feedback handling"),
    "online_rate": gettext_lazy("Filed online"),
    "full_online_rate": gettext_lazy("Full-process online"),
    "online_payment_rate": gettext_lazy("Paid online"),
    "e_result_rate": gettext_lazy("Electronic results"),
    "digitised_rate": gettext_lazy("Digitised"),
    "published_rate": gettext_lazy("Procedure published in the catalogue"),
}


def _month_param(request: Any) -> datetime.date:
    text = request.GET.get("month", "")
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        latest = MonthScore.objects.order_by("-month").values_list("month", flat=True).first()
        return latest or queries.first_of(timezone.localdate())


@member
@require_GET
def index(request: Any) -> HttpResponse:
    month = _month_param(request)
    ranked = queries.ranking(month, request.user)
    months = list(
        MonthScore.objects.order_by("-month").values_list("month", flat=True).distinct()[:24]
    )
    return render(
        request,
        "services/index.html",
        {
            "month": month,
            "ranked": ranked,
            "months": months,
            "frozen": queries.is_frozen(month),
            "may_manage": can_manage_index(request.user),
        },
    )


def _rate_rows(score: MonthScore) -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "label": RATE_LABELS[key],
            "value": None if score.rates.get(key) is None else Decimal(score.rates[key]),
            "drill": key in queries.DRILL_RATES,
        }
        for key in RATES
    ]


@member
@require_GET
def unit_month(request: Any, pk: int, year: int, month: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    first = parse_month(year, month)
    score = MonthScore.objects.filter(unit=unit, month=first).select_related("framework").first()
    groups = []
    if score is not None:
        scheme = parse_framework(score.framework.document)
        groups = [
            {"name": g.name, "max": g.points, "points": score.groups.get(g.code)}
            for g in scheme.groups
        ]
    return render(
        request,
        "services/unit.html",
        {
            "unit": unit,
            "month": first,
            "score": score,
            "rates": _rate_rows(score) if score else [],
            "groups": groups,
            "trend": queries.trend(unit),
            "frozen": queries.is_frozen(first),
        },
    )


@member
@require_GET
def rate_dossiers(request: Any, pk: int, year: int, month: int, rate: str) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    first = parse_month(year, month)
    counted = request.GET.get("counted", "0") == "1"
    try:
        qs = queries.rate_dossiers(unit, first, rate, counted=counted)
    except KeyError:
        from django.http import Http404

        raise Http404 from None
    page = Paginator(qs.select_related("apology"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "services/dossiers.html",
        {
            "unit": unit,
            "month": first,
            "rate": rate,
            "label": RATE_LABELS[rate],
            "counted": counted,
            "page": page,
        },
    )


@member
@require_GET
def late(request: Any, pk: int, year: int, month: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    first = parse_month(year, month)
    page = Paginator(queries.late_dossiers(unit, first), 100).get_page(request.GET.get("page"))
    may_issue = bool(page.object_list) and can_issue_apology(request.user, page.object_list[0])
    return render(
        request,
        "services/late.html",
        {"unit": unit, "month": first, "page": page, "may_issue": may_issue, "now": timezone.now()},
    )


@member
@require_http_methods(["GET", "POST"])
def apology(request: Any, pk: int) -> HttpResponse:
    dossier = get_dossier_for_user(request.user, pk)
    if not can_issue_apology(request.user, dossier):
        raise PermissionDenied
    form = ApologyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            letter = issue_apology(dossier, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Apology letter %(n)s issued.") % {"n": letter.number})
            due = timezone.localtime(dossier.due_at).date()
            month = queries.first_of(max(due, queries.first_of(due)))
            return redirect("services:late", dossier.unit_id, month.year, month.month)
    return render(request, "services/apology.html", {"dossier": dossier, "form": form})


@member
@require_GET
def apology_docx(request: Any, pk: int) -> HttpResponse:
    letter = get_letter_for_user(request.user, pk)
    response = HttpResponse(
        exports.apology_docx(letter),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="xin-loi-{letter.dossier.code}.docx"'
    return response


@city_admin
@require_http_methods(["GET", "POST"])
def import_files(request: Any) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        done = []
        for key, kind in (
            ("dossiers", ImportRun.Kind.DOSSIERS),
            ("feedback", ImportRun.Kind.FEEDBACK),
        ):
            upload = form.cleaned_data.get(key)
            if not upload:
                continue
            try:
                run = import_source(
                    upload_source(upload), kind, name=upload.name, actor=request.user
                )
            except ImportRefused as error:
                refused = error.run
                break
            done.append(run)
        for run in done:
            messages.success(
                request,
                _("%(name)s: %(rows)s rows imported (%(new)s new, %(upd)s updated).")
                % {"name": run.name, "rows": run.rows, "new": run.created, "upd": run.updated},
            )
        if refused is None:
            return redirect("services:index")
    runs = ImportRun.objects.select_related("actor")[:20]
    return render(request, "services/import.html", {"form": form, "refused": refused, "runs": runs})


@city_admin
@require_GET
def import_errors(request: Any, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun, pk=pk)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Row"), _("Column"), _("Error")])
    writer.writerows(run.errors)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
    return response


@city_admin
@require_GET
def template_file(request: Any, kind: str) -> HttpResponse:
    from cchc.services.imports import DOSSIER_COLUMNS, FEEDBACK_COLUMNS

    columns = {"dossiers": DOSSIER_COLUMNS, "feedback": FEEDBACK_COLUMNS}.get(kind)
    if columns is None:
        from django.http import Http404

        raise Http404
    response = HttpResponse(
        "\ufeff" + ",".join(columns) + "\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response


@city_admin
@require_POST
def close(request: Any, year: int, month: int) -> HttpResponse:
    first = parse_month(year, month)
    try:
        close_month(first, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(month)s is closed: its index is frozen.") % {"month": f"{first:%m/%Y}"}
        )
    return redirect(reverse("services:index") + f"?month={first:%Y-%m}")

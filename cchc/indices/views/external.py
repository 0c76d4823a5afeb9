"""The external index pages: the list of indices with the home province's latest result, an
index's page (a province's trend, its rank per period, and every province ranked for a chosen
period), and for city administrators the CSV import of results."""

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cchc.accounts.http import AuthedRequest
from cchc.core.access import city_admin, member
from cchc.core.forms import add_action_error
from cchc.indices import queries
from cchc.indices.actions import external
from cchc.indices.models import ExternalIndex, ExternalResult
from cchc.indices.permissions import can_manage_frameworks

ERRORS_SHOWN = 100


class ExternalImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Results file (.csv)"),
        help_text=gettext_lazy("UTF-8; the whole file is refused if any row is wrong."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv"}),
    )


def _get_index(code: str) -> ExternalIndex:
    index = ExternalIndex.objects.filter(code=code).first()
    if index is None:
        raise Http404
    return index


@member
@require_GET
def external_list(request: AuthedRequest) -> HttpResponse:
    indices = list(ExternalIndex.objects.order_by("pk"))
    latest = queries.home_results(indices)
    rows = [{"index": index, "result": latest.get(index.pk)} for index in indices]
    return render(request, "indices/external_list.html", {"rows": rows})


@member
@require_GET
def external_detail(request: AuthedRequest, code: str) -> HttpResponse:
    index = _get_index(code)
    province = request.GET.get("province") or settings.CCHC_HOME_PROVINCE
    results = queries.trend(index, province)
    computed = queries.city_service_points(index, province, results)
    periods = _periods(index)
    period = request.GET.get("period") or (periods[0][0] if periods else "")
    year, month = _parse_period(period)
    context = {
        "index": index,
        "province": province,
        "provinces": queries.provinces(index),
        "results": results,
        "rows": _trend_rows(results, computed),
        "computed": computed,
        "chart": _chart(index, results, queries.national(index), computed),
        "periods": periods,
        "period": period,
        "period_label": dict(periods).get(period, ""),
        "ranked": queries.ranked(index, year, month) if year else [],
        "national": queries.national(index).get((year, month)) if year else None,
        "can_manage": can_manage_frameworks(request.user),
    }
    return render(request, "indices/external_detail.html", context)


def _label(year: int, month: int | None) -> str:
    return f"{month:02d}/{year}" if month else str(year)


def _periods(index: ExternalIndex) -> list[tuple[str, str]]:
    """(value, label) of the periods with results, latest first."""
    pairs = (
        ExternalResult.objects.filter(index=index)
        .values_list("year", "month")
        .distinct()
        .order_by("-year", "-month")
    )
    return [(f"{y}-{m}" if m else str(y), _label(y, m)) for y, m in pairs]


def _parse_period(period: str) -> tuple[int | None, int | None]:
    year, _sep, month = period.partition("-")
    if not year.isdigit() or (month and not month.isdigit()):
        return None, None
    return int(year), int(month) if month else None


def _trend_rows(
    results: list[ExternalResult], computed: dict[tuple[int, int], Decimal] | None
) -> list[dict[str, Any]]:
    """The trend table's rows, oldest first: each period's published result and, for the
    service index, the city's own figure (a month computed but not yet published too)."""
    by_key = {(r.year, r.month or 0): r for r in results}
    keys = sorted({*by_key, *(computed or {})})
    return [
        {
            "label": _label(y, m or None),
            "year": y,
            "result": by_key.get((y, m)),
            "computed": (computed or {}).get((y, m)),
        }
        for y, m in keys
    ]


def _chart(
    index: ExternalIndex,
    results: list[ExternalResult],
    national: dict[tuple[int, int | None], ExternalResult],
    computed: dict[tuple[int, int], Decimal] | None,
) -> dict[str, Any]:
    """The line chart payload: the province's score and the national figure per period, and
    for the service index the city's own monthly figure."""
    keys = sorted({(r.year, r.month or 0) for r in results} | set(computed or {}))
    by_key = {(r.year, r.month or 0): r for r in results}
    nation = {(y, m or 0): r for (y, m), r in national.items()}

    def value(row: ExternalResult | None) -> float | None:
        return float(row.score) if row is not None and row.score is not None else None

    name = results[-1].province_name if results else ""
    series = [
        {"name": name, "data": [value(by_key.get(k)) for k in keys]},
        {"name": _("National"), "data": [value(nation.get(k)) for k in keys]},
    ]
    if computed is not None:
        own = [float(computed[k]) if k in computed else None for k in keys]
        series.append({"name": _("Computed by the city from its dossiers"), "data": own})
    return {
        "labels": [_label(y, m or None) for y, m in keys],
        "series": series,
        "unit": "%" if index.unit == "%" else "",
    }


@city_admin
@require_http_methods(["GET", "POST"])
def external_import(request: AuthedRequest, code: str) -> HttpResponse:
    """Create or update an index's results from a CSV file, all or nothing."""
    index = _get_index(code)
    form = ExternalImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = external.import_results_csv(
                form.cleaned_data["file"], actor=request.user, index=index
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            if result.ok:
                messages.success(
                    request,
                    _("%(created)s results created, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("indices:external", index.code)
            errors = result.errors
    context = {
        "index": index,
        "form": form,
        "columns": [*external.COLUMNS, *index.components],
        "errors": errors[:ERRORS_SHOWN],
        "error_total": len(errors),
    }
    return render(request, "indices/external_import.html", context)

"""The public pages of the city's reform index (issue #5 item 6): no login, published results
only. The list of published rounds, a round's ranking with its charts and group counts, each
unit's profile (areas, strengths and weaknesses against the other units of the round, change
against last year), and the downloads of a round's results as XLSX, DOCX and PDF.

Everything is read from the Result rows frozen at publication; an unpublished round is a 404
for everyone, city administrators included (they see live results on the internal pages).
"""

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cchc.core.access import public
from cchc.indices import exports
from cchc.indices.models import AssessmentRound, Framework, Result
from cchc.indices.scoring import area_share, strengths_weaknesses

GROUP_FILTERS = {"A": "A", "B": "B", "C": "C", "none": ""}
GROUP_BADGES = {"A": "text-bg-success", "B": "text-bg-primary", "C": "text-bg-warning", "": ""}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHORT_CHART = 12  # up to this many units the bar chart keeps its default height
SQUARE_CHART = 25  # up to this many a square chart; more get the screen's height


def published_round(pk: int) -> AssessmentRound:
    """The round if it is published; 404 otherwise, whoever asks."""
    rating_round = (
        AssessmentRound.objects.select_related("framework")
        .filter(pk=pk, published_at__isnull=False)
        .first()
    )
    if rating_round is None:
        raise Http404
    return rating_round


@public
@require_GET
def public_rounds(request: HttpRequest) -> HttpResponse:
    rounds = (
        AssessmentRound.objects.filter(published_at__isnull=False)
        .select_related("framework")
        .annotate(unit_count=Count("results"))
        .order_by("-published_at", "-pk")
    )
    return render(request, "indices/public_rounds.html", {"rounds": rounds})


@public
@require_GET
def public_round(request: HttpRequest, round_pk: int) -> HttpResponse:
    data = exports.published_results(published_round(round_pk))
    compared = [h for h in data.areas if h.code in data.means]
    chosen = request.GET.get("group", "")
    shown = [
        r for r in data.results if chosen not in GROUP_FILTERS or r.group == GROUP_FILTERS[chosen]
    ]
    context = {
        "data": data,
        "framework": data.framework,
        "round": data.round,
        "rows": [_row(r) for r in shown],
        "chosen": chosen if chosen in GROUP_FILTERS else "",
        "groups": _group_links(data),
        "unit_chart": [{"label": r.unit_name, "count": float(r.percent)} for r in shown],
        "chart_size": chart_size(len(shown)),
        "area_chart": _series(
            [h.title for h in compared], [(_("Average"), [data.means[h.code] for h in compared])]
        ),
        "areas": [(h, data.means[h.code]) for h in compared],
    }
    return render(request, "indices/public_round.html", context)


@public
@require_GET
def public_unit(request: HttpRequest, round_pk: int, unit_pk: int) -> HttpResponse:
    data = exports.published_results(published_round(round_pk))
    result = next((r for r in data.results if r.unit_id == unit_pk), None)
    if result is None:
        raise Http404
    compared = data.compared(result.areas)
    strengths, weaknesses = strengths_weaknesses(compared, data.means)
    areas = [
        {
            "code": str(a["code"]),
            "title": a["title"],
            "points": Decimal(str(a["points"])),
            "max": Decimal(str(a["max"])),
            "rank": a.get("rank"),
            "share": area_share(a),
            "mean": data.means.get(str(a["code"])),
        }
        for a in result.areas
    ]
    shown = [a for a in areas if a["mean"] is not None]
    context = {
        "data": data,
        "framework": data.framework,
        "round": data.round,
        "result": result,
        "row": _row(result),
        "out_of": len(data.results),
        "areas": areas,
        "strengths": strengths,
        "weaknesses": [dataclasses.asdict(w) | {"below": -w.gap} for w in weaknesses],
        "chart": _series(
            [a["title"] for a in shown],
            [
                (result.unit_name, [a["share"] for a in shown]),
                (_("Average of all units ranked"), [a["mean"] for a in shown]),
            ],
        ),
    }
    return render(request, "indices/public_unit.html", context)


def _row(result: Result) -> dict[str, Any]:
    return {
        "result": result,
        "change": exports.change(result),
        "badge": GROUP_BADGES.get(result.group, ""),
    }


def _group_links(data: exports.Published) -> list[dict[str, Any]]:
    labels = {"A": _("Group A"), "B": _("Group B"), "C": _("Group C"), "": _("Ungrouped")}
    keys = {value: key for key, value in GROUP_FILTERS.items()}
    limits = _limits(data.framework)
    return [
        {
            "key": keys[g],
            "label": labels[g],
            "count": data.counts[g],
            "badge": GROUP_BADGES[g],
            "limit": limits[g],
        }
        for g in exports.GROUPS
    ]


def _limits(framework: Framework) -> dict[str, str]:
    a, b, c = (
        floatformat(v, "-2")
        for v in (framework.group_a_min, framework.group_b_min, framework.group_c_min)
    )
    return {
        "A": _("%(low)s percent and above") % {"low": a},
        "B": _("%(low)s to under %(high)s percent") % {"low": b, "high": a},
        "C": _("%(low)s to under %(high)s percent") % {"low": c, "high": b},
        "": _("under %(high)s percent") % {"high": c},
    }


def chart_size(count: int) -> str:
    """The height class of a horizontal bar chart of `count` units (shared with the results
    page)."""
    if count <= SHORT_CHART:
        return "default"
    return "square" if count <= SQUARE_CHART else "screen"


def _series(labels: list[str], series: list[tuple[str, list[Decimal | None]]]) -> dict[str, Any]:
    return {
        "labels": labels,
        "series": [
            {"name": name, "data": [None if v is None else float(v) for v in values]}
            for name, values in series
        ],
        "unit": "%",
        "horizontal": True,
    }


def _download(
    round_pk: int, build: Callable[[exports.Published], bytes], extension: str, mime: str
) -> HttpResponse:
    rating_round = published_round(round_pk)
    response = HttpResponse(build(exports.published_results(rating_round)), content_type=mime)
    name = exports.filename(rating_round, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@public
@require_GET
def public_xlsx(request: HttpRequest, round_pk: int) -> HttpResponse:
    return _download(round_pk, exports.results_xlsx, "xlsx", XLSX)


@public
@require_GET
def public_docx(request: HttpRequest, round_pk: int) -> HttpResponse:
    return _download(round_pk, exports.results_docx, "docx", DOCX)


@public
@require_GET
def public_pdf(request: HttpRequest, round_pk: int) -> HttpResponse:
    return _download(round_pk, exports.results_pdf, "pdf", "application/pdf")

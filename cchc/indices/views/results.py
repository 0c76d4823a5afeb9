"""A round's results page (ranking, groups, charts, per-area points and ranks) and, for city
administrators, publishing the round, which freezes the results.

Before publication only city administrators and the round's council members see the (live)
results; once published every signed-in member does (the public pages are elsewhere).
"""

from collections import Counter
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import city_admin, member
from cchc.indices.actions import publish_round
from cchc.indices.forms import PublishForm
from cchc.indices.models import AssessmentRound
from cchc.indices.permissions import get_round_for_results
from cchc.indices.results import UnitResult, finalised_count, results_of
from cchc.indices.scoring import area_means
from cchc.indices.views.public import chart_size

GROUPS = ("A", "B", "C")
UNGROUPED = "none"


@member
@require_GET
def round_results(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_results(request.user, pk)
    results = results_of(round_)
    group = request.GET.get("group", "")
    shown = (
        [r for r in results if _in_group(r, group)] if group in (*GROUPS, UNGROUPED) else results
    )
    counts = Counter(r.group or UNGROUPED for r in results)
    columns = _area_columns(results)
    rows = _rows(round_, shown, columns)
    finalised, assessments = (len(results), len(results))
    if not round_.is_published:
        finalised, assessments = finalised_count(round_)
    context = {
        "round": round_,
        "framework": round_.framework,
        "total": len(results),
        "group": group,
        "groups": [(name, counts[name]) for name in (*GROUPS, UNGROUPED)],
        "columns": columns,
        "rows": rows,
        "percent_chart": _percent_chart(shown),
        "area_chart": _area_chart(shown, columns, _bonus_codes(round_)),
        "chart_size": chart_size(len(shown)),
        "finalised": finalised,
        "assessments": assessments,
        "can_publish": request.user.is_city_admin and not round_.is_published,
        "publish_form": PublishForm(),
    }
    return render(request, "indices/results.html", context)


@city_admin
@require_POST
def round_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    """Publish the round's results (they are frozen from then on)."""
    round_ = get_round_for_results(request.user, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for m in form.errors.get("confirm", [])))
        return redirect("indices:round_results", round_.pk)
    try:
        rows = publish_round(round_, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        message = ngettext(
            "The result of %(count)d unit was published.",
            "The results of %(count)d units were published.",
            len(rows),
        )
        messages.success(request, message % {"count": len(rows)})
    return redirect("indices:round_results", round_.pk)


def _in_group(result: UnitResult, group: str) -> bool:
    return result.group == ("" if group == UNGROUPED else group)


def _bonus_codes(round_: AssessmentRound) -> set[str]:
    roots = round_.framework.criteria.filter(parent__isnull=True, is_bonus_penalty=True)
    return set(roots.values_list("code", flat=True))


def _area_columns(results: list[UnitResult]) -> list[dict[str, Any]]:
    """The areas in their order (the survey last), as far as any unit has them."""
    columns: dict[str, dict[str, Any]] = {}
    for result in results:
        for area in result.areas:
            columns.setdefault(
                area["code"], {"code": area["code"], "title": area["title"], "max": area["max"]}
            )
    return list(columns.values())


def _rows(
    round_: AssessmentRound, results: list[UnitResult], columns: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The figures of each result formatted once here (a few thousand numbers: floatformat
    would take most of the page's time), the public profile's address of a published round,
    and the area cells aligned to the columns."""
    number = Numbers()
    profiles = _profiles(round_, results)
    rows = []
    for r in results:
        by_code = {area["code"]: area for area in r.areas}
        change = r.change
        rows.append(
            {
                "result": r,
                "profile": profiles.get(r.unit_id, ""),
                "appraised": number(r.appraised),
                "survey": None if r.survey is None else number(r.survey),
                "total": number(r.total),
                "percent": number(r.percent),
                "change": None if change is None else number(change),
                "trend": 0 if not change else (1 if change > 0 else -1),
                "unit": str(r.unit_id),
                "rank": str(r.rank),
                "cells": [_cell(number, by_code.get(c["code"])) for c in columns],
            }
        )
    return rows


def _cell(number: "Numbers", area: dict[str, Any] | None) -> dict[str, str] | None:
    if area is None:
        return None
    return {"points": number(area["points"], trim=True), "rank": str(area["rank"])}


class Numbers:
    """Two-decimal figures in the active language's format (89,58 in Vietnamese), as
    floatformat would write them, for the page's figures (all well below a thousand)."""

    def __init__(self) -> None:
        self.separator = str(formats.get_format("DECIMAL_SEPARATOR"))

    def __call__(self, value: Decimal | float, *, trim: bool = False) -> str:
        if not -1000 < value < 1000:
            return formats.number_format(value, 2, force_grouping=True)
        text = f"{value:.2f}"
        if trim and text.endswith(".00"):
            text = text[:-3]
        return text.replace(".", self.separator)


def _profiles(round_: AssessmentRound, results: list[UnitResult]) -> dict[int, str]:
    """Each unit's public profile once the round is published (none before)."""
    if not round_.is_published:
        return {}
    return {r.unit_id: reverse("indices:public_unit", args=[round_.pk, r.unit_id]) for r in results}


def _percent_chart(results: list[UnitResult]) -> list[dict[str, Any]]:
    """Rows of the horizontal bar chart of the index per unit, as on the public page."""
    return [{"label": r.unit_name, "count": float(r.percent)} for r in results]


def _area_chart(
    results: list[UnitResult], columns: list[dict[str, Any]], bonus_codes: set[str]
) -> dict[str, Any]:
    """Each area's average share (points in percent of its maximum) over the units shown, as
    the public pages compute it (scoring.area_means); not the bonus/penalty area, whose points
    run from a penalty to a bonus."""
    means = area_means(r.areas for r in results)
    columns = [column for column in columns if column["code"] not in bonus_codes]
    return {
        "labels": [column["title"] or column["code"] for column in columns],
        "horizontal": True,
        "series": [
            {
                "name": _("Average, in percent of the area's maximum"),
                "data": [
                    float(means[column["code"]]) if column["code"] in means else None
                    for column in columns
                ],
            }
        ],
        "unit": "%",
    }

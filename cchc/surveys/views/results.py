"""A campaign's results: per unit and element the satisfied percent with its 95% Wilson interval,
the accepted responses and the below-sample flag, the overall percent, the distributions per
question and option, the comparison between units and with the same units' earlier campaigns;
and the same as XLSX and PDF. City administrators read every unit, a unit's members their own.
"""

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cchc.accounts.http import AuthedRequest
from cchc.core.access import member
from cchc.surveys import exports
from cchc.surveys.exports import History
from cchc.surveys.models import ELEMENTS, Campaign, CampaignUnit, Element, Question
from cchc.surveys.permissions import (
    get_campaign_for_user,
    reviewable_units,
    visible_campaigns,
    visible_unit_ids,
)
from cchc.surveys.queries import Distribution, UnitResult, distributions, unit_results

EARLIER_CAMPAIGNS = 4
CHART_UNITS = 8


def _unit_ids(request: AuthedRequest, campaign: Campaign) -> list[int] | None:
    ids = visible_unit_ids(request.user, campaign)
    if ids is not None and not ids:
        raise Http404
    return ids


def history(user: Any, campaign: Campaign, results: list[UnitResult]) -> History:
    """The overall percent of the units of `results` in up to EARLIER_CAMPAIGNS earlier
    campaigns (started before this one) `user` sees that surveyed any of them, then in this one.
    Two queries per campaign."""
    unit_ids = [r.campaign_unit.unit_id for r in results]
    earlier = list(
        visible_campaigns(user)
        .filter(
            period_start__lt=campaign.period_start,
            pk__in=CampaignUnit.objects.filter(unit_id__in=unit_ids).values("campaign_id"),
        )
        .order_by("-period_start", "-pk")[:EARLIER_CAMPAIGNS]
    )
    campaigns = [*reversed(earlier), campaign]
    overall: dict[int, dict[int, Decimal | None]] = {
        campaign.pk: {r.campaign_unit.unit_id: r.overall for r in results}
    }
    for other in earlier:
        overall[other.pk] = {
            r.campaign_unit.unit_id: r.overall for r in unit_results(other, unit_ids)
        }
    return History(campaigns=campaigns, overall=overall)


def _distributions(campaign: Campaign, unit_ids: list[int] | None) -> list[Distribution]:
    questions = (
        campaign.questionnaire.questions.exclude(type=Question.Type.TEXT)
        .select_related("section")
        .prefetch_related("options")
    )
    return distributions(campaign, questions, unit_ids)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _label(result: UnitResult) -> str:
    unit = result.campaign_unit.unit
    return unit.short_name or unit.name


def _charts(results: list[UnitResult], past: History) -> dict[str, Any]:
    shown = results[:CHART_UNITS]
    return {
        "overall_chart": [{"label": _label(r), "count": _float(r.overall)} for r in results],
        # One labelled row per unit (every unit), one colour per element.
        "element_chart": {
            "labels": [_label(r) for r in results],
            "unit": "%",
            "horizontal": True,
            "series": [
                {
                    "name": str(Element(element).label),
                    "data": [_float(r.elements[i].percent) for r in results],
                }
                for i, element in enumerate(ELEMENTS)
            ],
        },
        "history_chart": {
            "labels": [f"{c.title} ({c.period_start:%m/%Y})" for c in past.campaigns],
            "unit": "%",
            "series": [
                {
                    "name": _label(r),
                    "data": [
                        _float(past.overall[c.pk].get(r.campaign_unit.unit_id))
                        for c in past.campaigns
                    ],
                }
                for r in shown
            ],
        },
        "chart_units_capped": len(results) > CHART_UNITS,
    }


@member
@require_GET
def results(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk)
    unit_ids = _unit_ids(request, campaign)
    found = unit_results(campaign, unit_ids)
    selected = None
    chosen = request.GET.get("unit", "")
    if chosen.isdigit():
        selected = next((r for r in found if r.campaign_unit.unit_id == int(chosen)), None)
    spread_ids = [selected.campaign_unit.unit_id] if selected else unit_ids
    past = history(request.user, campaign, found)
    context = {
        "campaign": campaign,
        "questionnaire": campaign.questionnaire,
        "results": found,
        "elements": [Element(e) for e in ELEMENTS],
        "distributions": _distributions(campaign, spread_ids),
        "selected": selected,
        "may_review_some": reviewable_units(request.user, campaign).exists(),
        "history": past,
        "history_rows": [
            {
                "result": r,
                "values": [past.overall[c.pk].get(r.campaign_unit.unit_id) for c in past.campaigns],
            }
            for r in found
        ],
        **_charts(found, past),
    }
    return render(request, "surveys/results.html", context)


@member
@require_GET
def results_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk)
    unit_ids = _unit_ids(request, campaign)
    found = unit_results(campaign, unit_ids)
    content = exports.results_xlsx(
        campaign,
        found,
        _distributions(campaign, unit_ids),
        history(request.user, campaign, found),
    )
    response = HttpResponse(content, content_type=exports.XLSX)
    filename = exports.results_filename(campaign, "xlsx")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@member
@require_GET
def results_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk)
    found = unit_results(campaign, _unit_ids(request, campaign))
    pdf = exports.results_pdf(campaign, found, history(request.user, campaign, found))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{exports.results_filename(campaign, "pdf")}"'
    )
    return response

"""The campaigns: the list, a new campaign, one campaign's units with their progress against
the quota, and per unit its public link with the QR code (SVG, PNG) and the A4 poster (PDF).

Every page scopes its records through cchc.surveys.permissions: a unit's members see only their
unit; what they may not see answers 404.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import city_admin, member
from cchc.core.forms import add_action_error
from cchc.surveys import exports, qr
from cchc.surveys.actions import close_campaign, create_campaign
from cchc.surveys.forms import CampaignForm
from cchc.surveys.models import Campaign, CampaignUnit, Response
from cchc.surveys.permissions import (
    campaign_units_for,
    can_manage_campaigns,
    can_review,
    get_campaign_for_user,
    get_campaign_unit_for_user,
    sees_whole_campaign,
    visible_campaigns,
)

STATUS = Response.Status


def public_path(campaign_unit: CampaignUnit) -> str:
    """The path of the unit's public form (the route of the public pages when it exists)."""
    try:
        return reverse("surveys:public_form", args=[campaign_unit.token])
    except NoReverseMatch:
        return f"/surveys/f/{campaign_unit.token}/"


def public_url(request: HttpRequest, campaign_unit: CampaignUnit) -> str:
    return request.build_absolute_uri(public_path(campaign_unit))


def units_with_counts(campaign: Campaign, user: Any) -> QuerySet[CampaignUnit]:
    """The campaign's units `user` sees, each annotated with its responses per status and the
    progress (accepted / required, percent), in tree order. One query."""
    return (
        CampaignUnit.objects.filter(campaign_units_for(user), campaign=campaign)
        .select_related("unit")
        .annotate(
            received=Count("responses", filter=Q(responses__status=STATUS.RECEIVED)),
            flagged=Count("responses", filter=Q(responses__status=STATUS.FLAGGED)),
            accepted=Count("responses", filter=Q(responses__status=STATUS.ACCEPTED)),
            rejected=Count("responses", filter=Q(responses__status=STATUS.REJECTED)),
        )
        .order_by("unit__path")
    )


def progress(accepted: int, required: int) -> int:
    """Accepted responses against the quota, in whole percent capped at 100."""
    return min(100, accepted * 100 // required) if required else 100


@member
@require_GET
def campaign_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    units = Q(units__in=CampaignUnit.objects.filter(campaign_units_for(user)))
    campaigns = (
        visible_campaigns(user)
        .select_related("questionnaire")
        .annotate(
            unit_count=Count("units", filter=units, distinct=True),
            accepted=Count(
                "units__responses",
                filter=units & Q(units__responses__status=STATUS.ACCEPTED),
                distinct=True,
            ),
            pending=Count(
                "units__responses",
                filter=units & Q(units__responses__status__in=[STATUS.RECEIVED, STATUS.FLAGGED]),
                distinct=True,
            ),
        )
        .order_by("-period_start", "title", "pk")
    )
    context = {"campaigns": campaigns, "can_create": can_manage_campaigns(user)}
    return render(request, "surveys/campaign_list.html", context)


@city_admin
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthedRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = create_campaign(
                actor=request.user,
                questionnaire=data["questionnaire"],
                title=data["title"],
                start=data["period_start"],
                end=data["period_end"],
                margin=data["margin"],
                units_with_population=data["units"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request, _("The campaign “%(title)s” was opened.") % {"title": campaign.title}
            )
            return redirect("surveys:campaign", pk=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form})


@member
@require_GET
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk)
    rows = []
    totals = {"transactions": 0, "required": 0, "received": 0, "flagged": 0, "accepted": 0}
    for unit in units_with_counts(campaign, request.user):
        rows.append(
            {
                "unit": unit,
                "progress": progress(unit.accepted, unit.required),  # type: ignore[attr-defined]
                "may_review": can_review(request.user, unit),
            }
        )
        for key in totals:
            totals[key] += getattr(unit, key)
    context = {
        "campaign": campaign,
        "rows": rows,
        "totals": totals,
        "total_progress": progress(totals["accepted"], totals["required"]),
        "whole": sees_whole_campaign(request.user),
        "may_review_some": any(row["may_review"] for row in rows),
        "can_close": can_manage_campaigns(request.user) and campaign.status == "open",
    }
    return render(request, "surveys/campaign_detail.html", context)


@city_admin
@require_POST
def campaign_close(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk)
    try:
        close_campaign(campaign, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The campaign is closed: it no longer accepts responses."))
    return redirect("surveys:campaign", pk=campaign.pk)


# --- a unit's link, QR code and poster ---------------------------------------------------------


@member
@require_GET
def unit_link(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_user(request.user, pk)
    context = {
        "campaign_unit": campaign_unit,
        "campaign": campaign_unit.campaign,
        "url": public_url(request, campaign_unit),
        "may_review": can_review(request.user, campaign_unit),
    }
    return render(request, "surveys/unit_link.html", context)


@member
@require_GET
def unit_qr_svg(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_user(request.user, pk)
    url = public_url(request, campaign_unit)
    response = HttpResponse(qr.qr_svg(url, title=url), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@member
@require_GET
def unit_qr_png(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_user(request.user, pk)
    response = HttpResponse(qr.qr_png(public_url(request, campaign_unit)), content_type="image/png")
    name = exports.poster_filename(campaign_unit).replace("ap-phich", "ma-qr").replace(".pdf", "")
    response["Content-Disposition"] = f'attachment; filename="{name}.png"'
    return response


@member
@require_GET
def unit_poster(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign_unit = get_campaign_unit_for_user(request.user, pk)
    pdf = exports.poster_pdf(campaign_unit, public_url(request, campaign_unit))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = exports.poster_filename(campaign_unit)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.http import AuthedRequest
from cchc.core.access import member
from cchc.reports import briefing as briefings
from cchc.reports import home as home_queries
from cchc.reports.exports import filename
from cchc.reports.exports.docx import briefing_docx
from cchc.reports.exports.pdf import briefing_pdf
from cchc.reports.exports.xlsx import briefing_xlsx

RANKING_EDGE = 10  # the page shows the top and bottom ten units; the exports show them all


@member
def home(request: AuthedRequest) -> HttpResponse:
    """What waits for the person, most urgent first; the latest month's figures for those who
    follow the city's or their units' results."""
    user = request.user
    return render(
        request,
        "reports/home.html",
        {
            "waiting": home_queries.waiting_for(user, timezone.localdate()),
            "latest": home_queries.latest_month(user),
            "memberships": user.memberships.select_related("unit"),
        },
    )


@member
def briefing_list(request: AuthedRequest) -> HttpResponse:
    months = briefings.closed_months_for_user(request.user)
    return render(request, "reports/briefing_list.html", {"months": months})


@member
def briefing(request: AuthedRequest, year: int, month: int) -> HttpResponse:
    data = briefings.get_briefing_for_user(request.user, year, month)
    units = data.units
    split = len(units) > 2 * RANKING_EDGE
    return render(
        request,
        "reports/briefing.html",
        {
            "briefing": data,
            "top": units[:RANKING_EDGE] if split else units,
            "bottom": units[-RANKING_EDGE:] if split else [],
            "trend_rates": _trend_rates(data),
            "trend_categories": _trend_categories(data),
        },
    )


def _trend_rates(data: briefings.Briefing) -> dict[str, Any]:
    return {
        "labels": [f"{point.month:%m/%Y}" for point in data.trend],
        "unit": "%",
        "series": [
            {"name": name, "data": [_float(getattr(p.counts, field)) for p in data.trend]}
            for field, name in (
                ("completion_rate", _("Completion rate")),
                ("on_time_rate", _("On-time rate")),
                ("quality_rate", _("Quality pass rate")),
            )
        ],
    }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _trend_categories(data: briefings.Briefing) -> dict[str, Any]:
    names = [
        ("on_time", _("Completed on time"), "#198754"),
        ("late", _("Completed late"), "#fd7e14"),
        ("in_term", _("In term"), "#0d6efd"),
        ("overdue", _("Overdue"), "#dc3545"),
    ]
    return {
        "labels": [f"{point.month:%m/%Y}" for point in data.trend],
        "series": [
            {"name": label, "color": color, "data": [getattr(p.counts, name) for p in data.trend]}
            for name, label, color in names
        ],
    }


def _download(
    request: AuthedRequest,
    year: int,
    month: int,
    build: Callable[[briefings.Briefing], bytes],
    extension: str,
    content_type: str,
) -> HttpResponse:
    data = briefings.get_briefing_for_user(request.user, year, month)
    response = HttpResponse(build(data), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename(data, extension)}"'
    return response


@member
def briefing_xlsx_download(request: AuthedRequest, year: int, month: int) -> HttpResponse:
    return _download(
        request,
        year,
        month,
        briefing_xlsx,
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@member
def briefing_docx_download(request: AuthedRequest, year: int, month: int) -> HttpResponse:
    return _download(
        request,
        year,
        month,
        briefing_docx,
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@member
def briefing_pdf_download(request: AuthedRequest, year: int, month: int) -> HttpResponse:
    return _download(request, year, month, briefing_pdf, "pdf", "application/pdf")

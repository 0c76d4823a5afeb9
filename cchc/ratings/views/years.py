"""The yearly classification (Decree 335/2025/NĐ-CP): the page, its PDF and the city's
exception to the cap (point 5(b)). Lines are those of the units the reader sees, and their own;
a group never crosses a unit, so a reader's lines are the same as in the city's classification."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import city_admin, member
from cchc.core.forms import add_action_error
from cchc.orgunits.models import OrgUnit
from cchc.ratings import exports
from cchc.ratings.actions import grant_cap_exception
from cchc.ratings.forms.years import CapExceptionForm
from cchc.ratings.models import Band, CapException, Rating, RatingRound, Scope
from cchc.ratings.views.rounds import requested_scope
from cchc.ratings.yearly import YearLine, YearResult, classify_year, lines_for, visible_ratings

PAGE_SIZE = 100


def _year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _classify(request: AuthedRequest, year: int) -> tuple[YearResult, list[YearLine]]:
    result = classify_year(
        _year(year),
        today=timezone.localdate(),
        scope=requested_scope(request),
        ratings=visible_ratings(request.user),
    )
    return result, lines_for(request.user, result)


@member
def year_detail(request: AuthedRequest, year: int) -> HttpResponse:
    result, lines = _classify(request, year)
    return render(request, "ratings/year_detail.html", _context(request, result, lines))


def _context(
    request: AuthedRequest, result: YearResult, lines: list[YearLine], **extra: Any
) -> dict[str, Any]:
    policy = result.policy
    units = {line.unit_id for line in lines}
    names = dict(OrgUnit.objects.filter(pk__in=units).values_list("pk", "name"))
    rows = [
        {
            "line": line,
            "unit": names.get(line.unit_id, ""),
            "band": policy.band_label(line.band) if policy else Band(line.band).label,
        }
        for line in lines
    ]
    exceptions = CapException.objects.for_user(request.user).filter(year=result.year)
    return {
        "year": result.year,
        "result": result,
        "policy": policy,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "counts": {
            kind: sum(1 for line in lines if line.kind == kind) for kind in Rating.Kind.values
        },
        "capped": sum(line.cap_applied for line in lines),
        "exceptions": exceptions.select_related("unit", "decided_by").order_by("unit__code"),
        "can_grant": request.user.is_city_admin,
        "rounds": (
            RatingRound.objects.filter(month__year=result.year)
            .select_related("policy")
            .order_by("month", "scope")
            if request.user.is_city_admin
            else []
        ),
        "exception_form": extra.get("form") or CapExceptionForm(),
        "scopes": Scope.choices,
    }


@member
def year_pdf(request: AuthedRequest, year: int) -> HttpResponse:
    result, lines = _classify(request, year)
    if result.policy is None:
        raise Http404
    response = HttpResponse(exports.year_pdf(result, lines), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="xep-loai-nam-{result.year}.pdf"'
    return response


@city_admin
@require_POST
def year_exception(request: AuthedRequest, year: int) -> HttpResponse:
    form = CapExceptionForm(request.POST)
    if form.is_valid():
        try:
            grant_cap_exception(actor=request.user, year=_year(year), **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The exception to the cap was recorded."))
            return redirect(reverse("ratings:year", args=[year]) + "#exceptions")
    result, lines = _classify(request, year)
    context = _context(request, result, lines, form=form)
    return render(request, "ratings/year_detail.html", context, status=400)

"""The ratings of a month (ranking, filters, charts, bulk approval), of a quarter or a year, and
the scorecard of one rating with its assessment, response, approval, reopening and PDF.

Every view scopes its records to the user (Rating.objects.for_user, get_rating_for_user) and
decides there which actions the user may take; a visible rating on which the user may not act
answers 404, as the plans pages do.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import Floor, Rank
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.accounts.models import Membership, User
from cchc.core.access import member
from cchc.core.forms import add_action_error
from cchc.core.models import AuditEvent
from cchc.orgunits.models import OrgUnit
from cchc.ratings import exports, queries
from cchc.ratings.actions import (
    approve_ratings,
    assess_rating,
    reopen_rating,
    respond_to_rating,
    response_deadline,
)
from cchc.ratings.forms.rounds import (
    AssessForm,
    PeriodFilterForm,
    ReopenForm,
    RespondForm,
    RoundFilterForm,
)
from cchc.ratings.models import Band, PeerGroup, Rating, RatingPolicy, RatingRound, Scope
from cchc.ratings.permissions import (
    can_approve_rating,
    can_assess_rating,
    can_reopen_rating,
    can_respond_to_rating,
    get_rating_for_user,
)

PAGE_SIZE = 50
HISTORY_LIMIT = 20
BUCKETS = 10  # the score histogram: 0–10, 10–20, … 90–100 points
BAND_COLORS = {
    Band.EXCELLENT: "#198754",
    Band.GOOD: "#0b5ed7",
    Band.COMPLETE: "#fd7e14",
    Band.NOT_COMPLETE: "#dc3545",
}


def requested_scope(request: HttpRequest) -> str:
    """The scope a page shows (`?scope=`): the civil service's Decree 335 round unless the
    public employees' is asked for."""
    scope = request.GET.get("scope", Scope.CIVIL_SERVICE)
    return scope if scope in Scope.values else Scope.CIVIL_SERVICE


def _month_round(year: int, month: int, scope: str = Scope.CIVIL_SERVICE) -> RatingRound:
    if not (1 <= month <= 12 and 1 <= year <= 9999):
        raise Http404
    rating_round = (
        RatingRound.objects.select_related("policy")
        .filter(month=datetime.date(year, month, 1), scope=scope)
        .first()
    )
    if rating_round is None:
        raise Http404
    return rating_round


def _quarter_of(month: datetime.date) -> int:
    return (month.month - 1) // 3 + 1


# --- the month ------------------------------------------------------------------------------


@member
def index(request: AuthedRequest) -> HttpResponse:
    latest = RatingRound.objects.filter(scope=Scope.CIVIL_SERVICE).order_by("-month").first()
    if latest is not None:
        return redirect(latest)
    context = {"can_close_months": request.user.is_city_admin}
    return render(request, "ratings/round_none.html", context)


def _round_filter(request: AuthedRequest, rating_round: RatingRound) -> tuple[Any, Any]:
    """The user's ratings of the round, and the filter form over them."""
    visible = Rating.objects.for_user(request.user).filter(round=rating_round)
    units = OrgUnit.objects.filter(pk__in=visible.values("unit_id")).order_by("path")
    return visible, RoundFilterForm(request.GET or None, units=units)


@member
def round_detail(request: AuthedRequest, year: int, month: int) -> HttpResponse:
    rating_round = _month_round(year, month, requested_scope(request))
    visible, form = _round_filter(request, rating_round)
    shown = form.apply(visible)
    ranked = shown.annotate(
        rank=Window(Rank(), partition_by=[F("cap_group")], order_by=F("total").desc())
    ).order_by("cap_group", "-total", "label")
    ranked = ranked.select_related("unit")
    page = Paginator(ranked, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "round": rating_round,
        "policy": rating_round.policy,
        "form": form,
        "page": page,
        "kind": form.kind_value,
    }
    if request.htmx:
        return render(request, "ratings/round_detail.html#ratings", context)
    summary = _summary(shown)
    context |= {
        "quarter": _quarter_of(rating_round.month),
        "band_chart": summary["bands"],
        "histogram": summary["histogram"],
        "assessed": summary["assessed"],
        "may_approve": _may_approve_some(request.user),
    }
    return render(request, "ratings/round_detail.html", context)


def _summary(shown: QuerySet[Rating]) -> dict[str, Any]:
    """The band distribution per peer group, the score histogram and the number of assessed
    ratings among `shown`, from one grouped query."""
    rows = (
        shown.order_by()
        .annotate(bucket=Floor(F("total") / BUCKETS))
        .values_list("peer_group", "band", "status", "bucket")
        .annotate(n=Count("pk"))
    )
    by_group: dict[tuple[str, str], int] = {}
    buckets = [0] * BUCKETS
    assessed = 0
    for peer, band, status, bucket, n in rows:
        by_group[(peer, band)] = by_group.get((peer, band), 0) + n
        buckets[min(int(bucket), BUCKETS - 1)] += n
        assessed += n if status == Rating.Status.ASSESSED else 0
    groups = [g for g in PeerGroup if any(peer == g for peer, _band in by_group)]
    bands = {
        "labels": [g.label for g in groups],
        "horizontal": True,
        "series": [
            {
                "name": band.label,
                "data": [by_group.get((g.value, band.value), 0) for g in groups],
                "color": BAND_COLORS[band],
            }
            for band in Band
        ],
    }
    width = 100 // BUCKETS
    histogram = {
        "labels": [f"{i * width}–{(i + 1) * width}" for i in range(BUCKETS)],
        "series": [{"name": _("Rated"), "data": buckets}],
    }
    return {"bands": bands, "histogram": histogram, "assessed": assessed}


def _may_approve_some(user: User) -> bool:
    """Whether to offer the bulk approval: city administrators and heads (the action and the
    per-rating permission decide what they may really approve)."""
    heads = any(role == Membership.Role.HEAD for _path, role in user.unit_roles)
    return user.is_city_admin or user.is_superuser or heads


@member
@require_POST
def round_approve(request: AuthedRequest, year: int, month: int) -> HttpResponse:
    """Approve the assessed ratings shown by the page's filters that the user may approve."""
    rating_round = _month_round(year, month, requested_scope(request))
    visible, form = _round_filter(request, rating_round)
    assessed = form.apply(visible).filter(status=Rating.Status.ASSESSED).select_related("unit")
    chosen = [rating for rating in assessed if can_approve_rating(request.user, rating)]
    # The page's own query (its scope and filters) rather than the round's address again.
    back = f"{reverse('ratings:round', args=[year, month])}?{request.GET.urlencode()}".rstrip("?")
    if not chosen:
        messages.error(
            request,
            _(
                "There is no assessed rating here that you may approve: a head of the "
                "assessing level approves, and nobody approves their own rating."
            ),
        )
        return redirect(back)
    try:
        count = approve_ratings(chosen, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext("%(count)s rating was approved.", "%(count)s ratings were approved.", count)
            % {"count": count},
        )
    return redirect(back)


# --- quarter and year -----------------------------------------------------------------------


def _period_bounds(year: int, quarter: int | None) -> tuple[datetime.date, datetime.date]:
    """The first month and the last month (first days) of the quarter or year."""
    if not 1 <= year <= 9999 or (quarter is not None and not 1 <= quarter <= 4):
        raise Http404
    if quarter is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 1)
    return datetime.date(year, 3 * quarter - 2, 1), datetime.date(year, 3 * quarter, 1)


@member
def period(request: AuthedRequest, year: int, quarter: int | None = None) -> HttpResponse:
    first, last = _period_bounds(year, quarter)
    form = PeriodFilterForm(request.GET or None)
    lines = queries.period_lines(form.apply(Rating.objects.for_user(request.user)), first, last)
    rounds = list(
        RatingRound.objects.filter(month__gte=first, month__lte=last)
        .select_related("policy")
        .order_by("month")
    )
    context = {
        "year": year,
        "quarter": quarter,
        "quarters": range(1, 5),
        "form": form,
        "page": Paginator(_period_rows(lines), PAGE_SIZE).get_page(request.GET.get("page")),
        "rounds": rounds,
        "policy": rounds[-1].policy if rounds else None,
    }
    return render(request, "ratings/period.html", context)


def _period_rows(lines: list[queries.PeriodLine]) -> list[dict[str, Any]]:
    """The lines grouped by cap group, best first, with their rank in the group (ties share a
    rank) and the labels of their peer group and band."""
    lines = sorted(lines, key=lambda line: (line.cap_group, -line.total, line.label))
    rows: list[dict[str, Any]] = []
    position = rank = 0
    for index, line in enumerate(lines):
        before = lines[index - 1] if index else None
        if before is None or before.cap_group != line.cap_group:
            position = rank = 1
        else:
            position += 1
            rank = rank if before.total == line.total else position
        rows.append(
            {
                "rank": rank,
                "line": line,
                "peer_group": PeerGroup(line.peer_group).label,
                "band": Band(line.band).label,
            }
        )
    return rows


# --- one rating -----------------------------------------------------------------------------


@member
def rating_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    rating = get_rating_for_user(request.user, pk)
    return render(request, "ratings/rating_detail.html", _detail_context(request.user, rating))


def _detail_context(user: User, rating: Rating, **forms: Any) -> dict[str, Any]:
    card = queries.scorecard(rating)
    policy = rating.round.policy
    criteria = list(policy.criteria.all())
    can_assess = can_assess_rating(user, rating)
    return {
        "rating": rating,
        "card": card,
        "summary_agrees": card.summary.agrees_with(rating),
        "completed_later": [line for line in card.counted if line.completed_later],
        "policy": policy,
        "criteria": criteria,
        "weights": policy.weight_quantity + policy.weight_quality + policy.weight_progress,
        "review_pct": policy.review_deduction * 100,
        "delay_pct": policy.delay_deduction * 100,
        "quarter": _quarter_of(rating.round.month),
        "trend_chart": _trend_chart(card.trend, policy, rating.round.month),
        "deadline": response_deadline(rating),
        "can_assess": can_assess,
        "can_respond": can_respond_to_rating(user, rating),
        "can_approve": can_approve_rating(user, rating),
        "can_reopen": can_reopen_rating(user, rating),
        "assess_form": forms.get("assess_form")
        or (AssessForm.for_rating(rating, criteria) if can_assess else None),
        "respond_form": RespondForm(),
        "reopen_form": ReopenForm(),
        "history": AuditEvent.objects.for_target(rating).select_related("actor")[:HISTORY_LIMIT],
    }


def _trend_chart(trend: list[Rating], policy: RatingPolicy, month: datetime.date) -> dict[str, Any]:
    """The totals of the 12 months up to `month` (a line, with a gap for a month without a
    rating) and the band thresholds of the policy as lines across the chart."""
    index = month.year * 12 + month.month - 1
    months = [datetime.date((i // 12), i % 12 + 1, 1) for i in range(index - 11, index + 1)]
    totals = {rating.round.month.replace(day=1): float(rating.total) for rating in trend}
    thresholds = [
        (Band.EXCELLENT, policy.excellent_min),
        (Band.GOOD, policy.good_min),
        (Band.COMPLETE, policy.complete_min),
    ]
    return {
        "labels": [f"{m:%m/%Y}" for m in months],
        "series": [
            {"name": _("Points"), "data": [totals.get(m) for m in months], "color": "#212529"}
        ],
        "targets": [
            {
                "name": _("%(band)s from %(points)s")
                % {"band": band.label, "points": floatformat(points, "-2")},
                "value": float(points),
                "color": BAND_COLORS[band],
            }
            for band, points in thresholds
        ],
    }


@member
def rating_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    rating = get_rating_for_user(request.user, pk)
    content = exports.scorecard_pdf(queries.scorecard(rating))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(rating)}"'
    return response


@member
@require_http_methods(["GET", "POST"])
def rating_assess(request: AuthedRequest, pk: int) -> HttpResponse:
    rating = get_rating_for_user(request.user, pk)
    if not can_assess_rating(request.user, rating):
        raise Http404
    criteria = list(rating.round.policy.criteria.all())
    if request.method == "GET":
        form = AssessForm.for_rating(rating, criteria)
    else:
        form = AssessForm(request.POST, criteria=criteria)
        if form.is_valid() and _assess(request, rating, form):
            return redirect(rating)
    return render(request, "ratings/rating_assess.html", {"rating": rating, "form": form})


def _assess(request: AuthedRequest, rating: Rating, form: AssessForm) -> bool:
    """Call the action; its refusal (a stale version, points out of range) goes on the form."""
    try:
        rating = assess_rating(
            rating,
            actor=request.user,
            points=form.points(),
            comment=form.cleaned_data["comment"],
            version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        add_action_error(form, error)
        return False
    messages.success(
        request,
        _("The rating was assessed: %(total)s points, %(band)s.")
        % {"total": floatformat(rating.total, "2g"), "band": rating.get_band_display()},
    )
    return True


@member
@require_POST
def rating_respond(request: AuthedRequest, pk: int) -> HttpResponse:
    rating = get_rating_for_user(request.user, pk)
    if not can_respond_to_rating(request.user, rating):
        raise Http404
    form = RespondForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    _attempt(
        request,
        lambda: respond_to_rating(rating, actor=request.user, text=text),
        _("Your response was recorded."),
    )
    return redirect(rating)


@member
@require_POST
def rating_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    rating = get_rating_for_user(request.user, pk)
    if not can_approve_rating(request.user, rating):
        raise Http404
    _attempt(
        request,
        lambda: approve_ratings([rating], actor=request.user),
        _("The rating was approved."),
    )
    return redirect(rating)


@member
@require_POST
def rating_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    rating = get_rating_for_user(request.user, pk)
    if not can_reopen_rating(request.user, rating):
        raise Http404
    form = ReopenForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _attempt(
        request,
        lambda: reopen_rating(rating, actor=request.user, reason=reason),
        _("The rating was reopened."),
    )
    return redirect(rating)


def _attempt(request: AuthedRequest, call: Callable[[], object], success: str) -> None:
    """Run an action; say how it went as a message (its refusal, or `success`)."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)

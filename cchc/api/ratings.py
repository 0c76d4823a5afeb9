"""The ratings' endpoints: rounds, ratings with the scorecard, quarter/year lines and
responsibilities; mounted by cchc.api.api."""

import datetime
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from cchc.api.params import MONTH_PATTERN, BoundedPagination, Id, PathId
from cchc.api.schemas import (
    PeriodLineOut,
    RatingOut,
    ResponsibilityOut,
    RoundOut,
    ScorecardOut,
    YearOut,
)
from cchc.ratings.actions import response_deadline
from cchc.ratings.models import Band, PeerGroup, Rating, RatingRound, Responsibility, Scope
from cchc.ratings.permissions import get_rating_for_user
from cchc.ratings.queries import PeriodLine, Scorecard, period_lines, scorecard
from cchc.ratings.yearly import as_json as year_json
from cchc.ratings.yearly import classify_year, lines_for, visible_ratings

router = Router()


# --- ratings ---------------------------------------------------------------------------------
# /ratings/rounds and /ratings/periods/{year} come before /ratings/{rating_id}, whose path
# parameter would otherwise catch them first.


@router.get("/ratings/rounds", response=list[RoundOut], tags=["ratings"], summary="List rounds")
def list_rounds(request: HttpRequest) -> list[dict[str, Any]]:
    """The rating rounds (one per closed month), newest first, with the policy each was rated
    under and the counts of the ratings the caller sees in it: in all, per band, approved,
    and moved from excellent to good by the cap."""
    counts = _round_counts(Rating.objects.for_user(request.auth))  # type: ignore[attr-defined]
    return [
        {
            "month": f"{item.month:%Y-%m}",
            "scope": item.scope,
            "policy_id": item.policy_id,
            "policy": item.policy.name,
            "generated_at": item.generated_at,
            **counts[item.pk],
        }
        for item in RatingRound.objects.select_related("policy").order_by("-month", "scope")
    ]


def _round_counts(ratings: QuerySet[Rating]) -> dict[int, dict[str, Any]]:
    """Per round id: the counts of `ratings` in all, per band, approved and capped. One query."""
    counts: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"ratings": 0, "bands": dict.fromkeys(Band.values, 0), "approved": 0, "capped": 0}
    )
    rows = (
        ratings.order_by()
        .values_list("round_id", "band")
        .annotate(
            n=Count("pk"),
            approved=Count("pk", filter=Q(status=Rating.Status.APPROVED)),
            capped=Count("pk", filter=Q(cap_applied=True)),
        )
    )
    for round_id, band, total, approved, capped in rows:
        row = counts[round_id]
        row["ratings"] += total
        row["bands"][band] = total
        row["approved"] += approved
        row["capped"] += capped
    return counts


class PeriodFilter(Schema):
    quarter: int | None = Field(None, ge=1, le=4)
    kind: Rating.Kind | None = None


@router.get(
    "/ratings/periods/{year}",
    response=list[PeriodLineOut],
    tags=["ratings"],
    summary="Quarter or year ratings",
)
@paginate(BoundedPagination, page_size=100, max_page_size=1000)
def rating_period(
    request: HttpRequest, filters: Query[PeriodFilter], year: int = Path(..., ge=2000, le=2100)
) -> list[PeriodLine]:
    """The ratings of a `year`, or of its `quarter` (1–4), aggregated from the caller's visible
    monthly ratings (docs/ratings.md, "Quarter and year"): per unit, head and person the mean
    of the monthly totals (a head's months weighted by the days held), the band under the
    policy of the period's last round, a decision in the period forcing "not complete";
    indicative, never capped (the yearly classification is /ratings/years/{year}). Highest
    total first; filter by `kind` (unit, head, person)."""
    first_month, last_month = 1, 12
    if filters.quarter is not None:
        first_month, last_month = filters.quarter * 3 - 2, filters.quarter * 3
    ratings = Rating.objects.for_user(request.auth)  # type: ignore[attr-defined]
    if filters.kind:
        ratings = ratings.filter(kind=filters.kind)
    return period_lines(
        ratings, datetime.date(year, first_month, 1), datetime.date(year, last_month, 1)
    )


class YearFilter(Schema):
    scope: Scope = Scope.CIVIL_SERVICE


@router.get(
    "/ratings/years/{year}",
    response=YearOut,
    tags=["ratings"],
    summary="Yearly classification",
)
def rating_year(
    request: HttpRequest, filters: Query[YearFilter], year: int = Path(..., ge=2000, le=2100)
) -> dict[str, Any]:
    """The classification of `year` (Decree 335/2025/NĐ-CP; docs/ratings.md, "The year"), in
    the shape of `manage.py rate_year --json`: civil servants and heads from the average of
    their monthly results, the forced cases, the cap per (unit, group) with exceptions;
    agencies under the agency criteria, never capped. `provisional` while the year is in
    progress. Only the lines of the units the caller sees, and their own; `band` is always one
    of excellent, good, complete, not_complete."""
    user = request.auth  # type: ignore[attr-defined]
    result = classify_year(
        year, today=timezone.localdate(), scope=filters.scope, ratings=visible_ratings(user)
    )
    result.lines = lines_for(user, result)
    return year_json(result)


class RatingFilter(Schema):
    month: str | None = Field(None, pattern=MONTH_PATTERN, examples=["2026-09"])
    kind: Rating.Kind | None = None
    peer_group: PeerGroup | None = None
    band: Band | None = None
    unit: Id | None = None


@router.get("/ratings", response=list[RatingOut], tags=["ratings"], summary="List ratings")
@paginate(BoundedPagination, page_size=50, max_page_size=500)
def list_ratings(request: HttpRequest, filters: Query[RatingFilter]) -> QuerySet[Rating]:
    """Monthly ratings of units, heads and responsible persons: a city administrator sees all,
    anyone else those of the units they see and their own. Newest month first, then by kind
    and highest total. Filters: `month` (YYYY-MM), `kind` (unit, head, person), `peer_group`
    (departments, wards, public_service, other), `band` (after discipline and the cap:
    excellent, good, complete, not_complete), `unit` (id). Points are JSON numbers with two
    decimals; `general_points` is null until the rating is assessed."""
    ratings = Rating.objects.for_user(request.auth)  # type: ignore[attr-defined]
    if filters.month:
        ratings = ratings.filter(round__month=f"{filters.month}-01")
    if filters.kind:
        ratings = ratings.filter(kind=filters.kind)
    if filters.peer_group:
        ratings = ratings.filter(peer_group=filters.peer_group)
    if filters.band:
        ratings = ratings.filter(band=filters.band)
    if filters.unit is not None:
        ratings = ratings.filter(unit_id=filters.unit)
    return ratings.select_related("round", "unit", "person", "discipline").order_by(
        "-round__month", "kind", "-total", "label", "pk"
    )


@router.get(
    "/ratings/{rating_id}", response=ScorecardOut, tags=["ratings"], summary="Read a scorecard"
)
def read_rating(request: HttpRequest, rating_id: PathId) -> dict[str, Any]:
    """One rating as its scorecard: the rating's fields, the policy it was rated under, the
    calculation step by step (weights credited over weights assigned for quantity, quality
    and progress, then task points, general points and total), the general sub-criteria
    scores, the unit's row of the month's tally (the same frozen row as the briefing), the
    tasks the calculation counted with their outcome at the month's end (`counted_tasks`:
    their numbers are the rating's `tasks`, `completed`, `late`, `not_completed`), the trend
    over 12 months, the open
    responsibilities and the open commitments from monthly briefings. 404 when the caller may
    not see the rating, exactly as when it does not exist."""
    rating = get_rating_for_user(request.auth, rating_id)  # type: ignore[attr-defined]
    return _scorecard(scorecard(rating))


def _scorecard(card: Scorecard) -> dict[str, Any]:
    rating = card.rating
    assigned = rating.weight_assigned
    return {
        **RatingOut.model_validate(rating).model_dump(),
        "assessor_comment": rating.assessor_comment,
        "assessed_at": rating.assessed_at,
        "response": rating.response,
        "responded_at": rating.responded_at,
        "response_deadline": response_deadline(rating),
        "approved_at": rating.approved_at,
        "reopen_reason": rating.reopen_reason,
        "policy": rating.round.policy,
        "steps": {
            "quantity": _step(rating.weight_completed, assigned, rating.quantity_pct),
            "quality": _step(rating.weight_quality, assigned, rating.quality_pct),
            "progress": _step(rating.weight_progress, assigned, rating.progress_pct),
            "task_points": rating.task_points,
            "general_points": rating.general_points,
            "total": rating.total,
        },
        "general_scores": card.scores,
        "tally": card.tally,
        "counted_tasks": card.counted,
        "trend": card.trend,
        "responsibilities": card.responsibilities,
        "commitments": card.commitments,
    }


def _step(numerator: Any, denominator: Any, pct: Any) -> dict[str, Any]:
    return {"numerator": numerator, "denominator": denominator, "pct": pct}


# --- responsibilities ------------------------------------------------------------------------


class ResponsibilityFilter(Schema):
    open: bool | None = None
    unit: Id | None = None


@router.get(
    "/responsibilities",
    response=list[ResponsibilityOut],
    tags=["ratings"],
    summary="List responsibilities for overdue tasks",
)
@paginate(BoundedPagination, page_size=50, max_page_size=500)
def list_responsibilities(
    request: HttpRequest, filters: Query[ResponsibilityFilter]
) -> QuerySet[Responsibility]:
    """Who answers for each task found overdue at a month's close (its responsible person and
    the head of its lead unit): days overdue, the reason given and the handling decided. A
    city administrator sees all, anyone else those of the units they see and their own. Most
    days overdue first. Filters: `open` (true: still open, false: closed), `unit` (id)."""
    records = Responsibility.objects.for_user(request.auth)  # type: ignore[attr-defined]
    if filters.open is not None:
        records = records.filter(closed_at__isnull=filters.open)
    if filters.unit is not None:
        records = records.filter(unit_id=filters.unit)
    return records.select_related("task", "person", "unit").order_by("-days_overdue", "pk")

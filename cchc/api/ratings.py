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

from cchc.api.common import TallyRowOut, UnitRefOut
from cchc.api.params import MONTH_PATTERN, BoundedPagination, Id, PathId
from cchc.ratings.actions import response_deadline
from cchc.ratings.models import Band, PeerGroup, Rating, RatingRound, Responsibility, Scope
from cchc.ratings.permissions import get_rating_for_user
from cchc.ratings.queries import PeriodLine, Scorecard, period_lines, scorecard
from cchc.ratings.yearly import as_json as year_json
from cchc.ratings.yearly import classify_year, lines_for, visible_ratings

# --- schemas (their class names are the OpenAPI component names) ---


# --- ratings -------------------------------------------------------------------------------
# Points and percentages are JSON numbers with at most two decimals (stored as decimals rounded
# half-up to cents, as the pages show them); task weight sums have at most four.


class PersonRefOut(Schema):
    id: int
    username: str
    full_name: str


class RoundOut(Schema):
    month: str  # YYYY-MM
    scope: str  # civil_service (Decree 335) or public_employee
    policy_id: int
    policy: str  # the policy's name
    generated_at: datetime.datetime
    ratings: int  # the ratings of the round the caller sees; the counts below likewise
    bands: dict[str, int]  # excellent, good, complete, not_complete
    approved: int
    capped: int  # moved from excellent to good by the cap


class YearLineOut(Schema):
    kind: str  # unit, head, person
    unit: str  # the unit's code
    person: str | None  # username
    group: str | None  # the group of similar tasks; None: the unit's single group
    points: float
    band: str  # excellent, good, complete, not_complete (a preset's labels map onto them)
    cap_applied: bool  # moved from excellent to good by the cap of point 5(a)
    discipline: str | None  # the number of the decision forcing "not complete"


class YearOut(Schema):
    year: int
    provisional: bool
    ratings: list[YearLineOut]


class RatingFields(Schema):
    """The fields of a rating, without resolvers: ScorecardOut is built from a dict of them."""

    id: int
    month: str  # YYYY-MM
    kind: str  # unit, head, person
    label: str
    unit: UnitRefOut
    person: PersonRefOut | None  # the head or responsible person; null for a unit's rating
    peer_group: str  # departments, wards, public_service, other
    days_held: int | None  # days the head held the position in the month
    tasks: int
    completed: int
    late: int
    not_completed: int
    failed_reviews: int
    extensions: int
    quantity_pct: float
    quality_pct: float
    progress_pct: float
    task_points: float
    general_points: float | None  # null until assessed
    total: float
    score_band: str  # the band of the total alone
    band: str  # after discipline and the cap: excellent, good, complete, not_complete
    cap_applied: bool
    discipline: str | None  # number of the disciplinary decision that forced "not complete"
    status: str  # computed, assessed, approved


class RatingOut(RatingFields):
    @staticmethod
    def resolve_month(obj: Any) -> str:
        return f"{obj.round.month:%Y-%m}"

    @staticmethod
    def resolve_discipline(obj: Any) -> str | None:
        return obj.discipline.number if obj.discipline_id else None


class PolicyOut(Schema):
    id: int
    name: str
    valid_from: datetime.date
    general_max: float
    task_max: float
    weight_quantity: float
    weight_quality: float
    weight_progress: float
    review_deduction: float  # share of a task's quality credit lost per failed review
    delay_deduction: float  # share of a task's progress credit lost per delay
    extension_is_delay: bool
    excellent_min: float
    good_min: float
    complete_min: float
    excellent_cap_pct: float
    response_days: int


class StepOut(Schema):
    numerator: float  # task weights credited
    denominator: float  # task weights assigned
    pct: float


class StepsOut(Schema):
    quantity: StepOut
    quality: StepOut
    progress: StepOut
    task_points: float  # task_max × weighted mean of the three percentages / 100
    general_points: float | None
    total: float


class GeneralScoreOut(Schema):
    code: str
    title: str
    max_points: float
    points: float

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.criterion.code)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.criterion.title)

    @staticmethod
    def resolve_max_points(obj: Any) -> float:
        return float(obj.criterion.max_points)


class TrendPointOut(Schema):
    id: int
    month: str  # YYYY-MM
    total: float
    band: str

    @staticmethod
    def resolve_month(obj: Any) -> str:
        return f"{obj.round.month:%Y-%m}"


class OpenResponsibilityOut(Schema):
    id: int
    task_id: int
    task_code: str
    title: str  # the task's title
    person: PersonRefOut
    role: str  # responsible, head
    days_overdue: int
    handling: str  # "" (not decided), reminder, explanation, self_criticism, discipline

    @staticmethod
    def resolve_task_code(obj: Any) -> str:
        return str(obj.task.code)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.task.title)


class CommitmentOut(Schema):
    task_id: int
    code: str
    title: str
    deadline: datetime.date
    responsible: str | None

    @staticmethod
    def resolve_task_id(obj: Any) -> int:
        return int(obj.pk)

    @staticmethod
    def resolve_responsible(obj: Any) -> str | None:
        return obj.responsible.get_full_name() if obj.responsible else None


class CountedTaskOut(Schema):
    """A task the rating's calculation counted, as it stood at the month's end."""

    id: int
    code: str
    title: str
    deadline: datetime.date
    outcome: str  # on_time, late, not_completed (the calculation's words)
    days_overdue: int  # at the month's end, when not completed
    completed_later: datetime.date | None  # completed only after the month's end or the close

    @staticmethod
    def resolve_id(obj: Any) -> int:
        return obj.task.pk

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return obj.task.code

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return obj.task.title

    @staticmethod
    def resolve_deadline(obj: Any) -> datetime.date:
        return obj.task.deadline


class ScorecardOut(RatingFields):
    assessor_comment: str
    assessed_at: datetime.datetime | None
    response: str
    responded_at: datetime.datetime | None
    response_deadline: datetime.date | None
    approved_at: datetime.datetime | None
    reopen_reason: str
    policy: PolicyOut
    steps: StepsOut
    general_scores: list[GeneralScoreOut]
    tally: TallyRowOut | None  # the unit's row of the month's tally (the year to date)
    counted_tasks: list[CountedTaskOut]  # what the calculation counted (as tasks, completed…)
    trend: list[TrendPointOut]  # the same subject's ratings over 12 months, oldest first
    responsibilities: list[OpenResponsibilityOut]  # still open
    commitments: list[CommitmentOut]  # the unit's open tasks from monthly briefings


class PeriodLineOut(Schema):
    kind: str
    unit_id: int
    person_id: int | None
    label: str
    peer_group: str
    months: int  # months rated in the period
    approved_months: int
    total: float  # mean of the monthly totals, weighted by the days a head held the position
    score_band: str
    band: str
    cap_applied: bool
    discipline_id: int | None

    @staticmethod
    def resolve_approved_months(obj: Any) -> int:
        return int(obj.approved)


class ResponsibilityOut(Schema):
    id: int
    task_id: int
    task_code: str
    title: str  # the task's title
    person: PersonRefOut
    role: str  # responsible, head
    unit: UnitRefOut
    first_month: str  # YYYY-MM: overdue since the close of this month
    last_month: str  # YYYY-MM: last found overdue at the close of this month
    deadline: datetime.date
    days_overdue: int
    reason: str
    handling: str  # "" (not decided), reminder, explanation, self_criticism, discipline
    handling_note: str
    decided_at: datetime.datetime | None
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_task_code(obj: Any) -> str:
        return str(obj.task.code)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.task.title)

    @staticmethod
    def resolve_first_month(obj: Any) -> str:
        return f"{obj.first_month:%Y-%m}"

    @staticmethod
    def resolve_last_month(obj: Any) -> str:
        return f"{obj.last_month:%Y-%m}"


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

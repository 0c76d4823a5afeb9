"""The JSON API (/api/v1/): the same permissions as the pages, via OrgUnit.objects.visible_to.

Reads accept a token or the browser session; writes (POST) accept only a token, so a page on
another site cannot make a signed-in browser write through the API. Writes go through the same
actions as the pages; an action's ValidationError comes back as 422 with its messages.
"""

import datetime
from collections import defaultdict
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Path, Query, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from cchc.api.auth import API_AUTH, TokenAuth
from cchc.api.schemas import (
    AssessmentDetailOut,
    AssessmentOut,
    FrameworkDetailOut,
    FrameworkOut,
    MeOut,
    MonthOut,
    PeriodLineOut,
    PlanDetailOut,
    PlanOut,
    PublishedRoundOut,
    RatingOut,
    ReportIn,
    ReportOut,
    ResponsibilityOut,
    RoundOut,
    RoundResultsOut,
    ScorecardOut,
    ScoreIn,
    ScoreOut,
    TallyRowOut,
    TaskDetailOut,
    TaskOut,
    UnitDetailOut,
    UnitOut,
    ValidationErrorOut,
)
from cchc.indices.assessments import score_criterion, submit_assessment
from cchc.indices.models import (
    Assessment,
    AssessmentRound,
    Criterion,
    Framework,
    SelfScore,
)
from cchc.indices.permissions import (
    assessments_for,
    can_score,
    can_see_whole_round,
    get_assessment_for_user,
    get_framework_for_user,
)
from cchc.orgunits.models import OrgUnit, OrgUnitQuerySet
from cchc.orgunits.permissions import get_unit_for_user
from cchc.plans.actions import submit_report
from cchc.plans.models import (
    MonthClose,
    Plan,
    ProgressReport,
    TallyRow,
    Task,
    TaskStatus,
    status_filter,
)
from cchc.plans.permissions import get_plan_for_user, get_task_for_user
from cchc.ratings.actions import response_deadline
from cchc.ratings.models import Band, PeerGroup, Rating, RatingRound, Responsibility
from cchc.ratings.permissions import get_rating_for_user
from cchc.ratings.queries import PeriodLine, Scorecard, period_lines, scorecard

api = NinjaAPI(
    title="CCHC API",
    version="1",
    description=(
        "JSON API of the CCHC platform. Authenticate with a personal token "
        "(`Authorization: Bearer <key>`, created on the API tokens page) or a browser session. "
        "Every endpoint returns only the units the user may see."
    ),
    urls_namespace="api-v1",
    auth=API_AUTH,
)
TOKEN_ONLY = [TokenAuth()]


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """An action's refusal: 422 in the shape of ninja's own input errors, with the message."""
    if hasattr(error, "error_dict"):
        items = [
            (["body"] if name == NON_FIELD_ERRORS else ["body", name], message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        items = [(["body"], message) for message in error.messages]
    detail = [{"type": "refused", "loc": loc, "msg": msg} for loc, msg in items]
    return api.create_response(request, {"detail": detail}, status=422)


class UnitFilter(Schema):
    kind: OrgUnit.Kind | None = None
    parent: int | None = None
    province: str | None = None
    q: str | None = None
    include_ended: bool = False


def filter_units(units: OrgUnitQuerySet, filters: UnitFilter) -> OrgUnitQuerySet:
    if not filters.include_ended:
        units = units.current()
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.parent is not None:
        units = units.filter(parent_id=filters.parent)
    if filters.province:
        units = units.filter(path__startswith=f"/{filters.province}/", legacy=False)
    if filters.q:
        units = units.search(filters.q)
    return units


@api.get("/units", response=list[UnitOut], tags=["units"], summary="List units")
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> OrgUnitQuerySet:
    """Units visible to the caller, filtered by kind, parent id, province code or text."""
    visible = OrgUnit.objects.visible_to(request.auth)  # type: ignore[attr-defined]
    return filter_units(visible, filters).order_by("path")


@api.get("/units/{unit_id}", response={200: UnitDetailOut}, tags=["units"], summary="Read a unit")
def read_unit(request: HttpRequest, unit_id: int) -> dict:
    """One unit with its children count and successor/predecessor links; 404 when the caller
    may not see it, exactly as when it does not exist."""
    unit = get_unit_for_user(request.auth, unit_id)  # type: ignore[attr-defined]
    return {
        **UnitOut.from_orm(unit).dict(),
        "path": unit.path,
        "children_count": unit.children.count(),
        "successor_ids": list(unit.successors.values_list("id", flat=True)),
        "predecessor_ids": list(unit.predecessors.values_list("id", flat=True)),
    }


@api.get("/me", response=MeOut, tags=["accounts"], summary="The caller")
def me(request: HttpRequest) -> dict:
    user = request.auth  # type: ignore[attr-defined]
    return {
        "username": user.username,
        "full_name": user.full_name,
        "is_city_admin": user.is_city_admin,
        "memberships": [
            {"unit_id": m.unit_id, "unit": m.unit.name, "role": m.role}
            for m in user.memberships.select_related("unit")
        ],
    }


# --- plans -----------------------------------------------------------------------------------


class PlanFilter(Schema):
    year: int | None = None


@api.get("/plans", response=list[PlanOut], tags=["plans"], summary="List plans")
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def list_plans(request: HttpRequest, filters: Query[PlanFilter]) -> QuerySet[Plan]:
    """Reform plans of the units the caller sees, and the city plans that their own unit plans
    concretise; newest year first. Filter by `year`."""
    visible = Plan.objects.for_user(request.auth)  # type: ignore[attr-defined]
    plans = Plan.objects.filter(pk__in=visible.values("pk")).select_related("unit")
    if filters.year is not None:
        plans = plans.filter(year=filters.year)
    return plans.order_by("-year", "unit__path", "pk")


@api.get("/plans/{plan_id}", response=PlanDetailOut, tags=["plans"], summary="Read a plan")
def read_plan(request: HttpRequest, plan_id: int) -> Plan:
    """One plan with the number of its tasks the caller sees and whether the caller may edit
    it; 404 when the caller may not see it, exactly as when it does not exist."""
    return get_plan_for_user(request.auth, plan_id)  # type: ignore[attr-defined]


# --- tasks -----------------------------------------------------------------------------------


class TaskFilter(Schema):
    plan: int | None = None
    status: TaskStatus | None = None
    lead_unit: int | None = None
    area: str | None = None


@api.get("/tasks", response=list[TaskOut], tags=["tasks"], summary="List tasks")
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def list_tasks(request: HttpRequest, filters: Query[TaskFilter]) -> QuerySet[Task]:
    """Tasks led by, cooperated on by, or in a plan of a unit the caller sees, ordered by
    deadline. Filters: `plan` (id), `status` (derived today: in_term, overdue, on_time, late,
    cancelled), `lead_unit` (id), `area` (content area code such as TTHC)."""
    tasks = Task.objects.for_user(request.auth)  # type: ignore[attr-defined]
    if filters.plan is not None:
        tasks = tasks.filter(plan_id=filters.plan)
    if filters.status:
        tasks = tasks.filter(status_filter(filters.status, timezone.localdate()))
    if filters.lead_unit is not None:
        tasks = tasks.filter(lead_unit_id=filters.lead_unit)
    if filters.area:
        tasks = tasks.filter(area__code=filters.area.strip().upper())
    return tasks.select_related("area", "lead_unit").order_by("deadline", "code", "pk")


@api.get("/tasks/{task_id}", response=TaskDetailOut, tags=["tasks"], summary="Read a task")
def read_task(request: HttpRequest, task_id: int) -> Task:
    """One task with its derived status, current and original deadline (they differ after an
    approved extension), progress, failed quality reviews, cooperating units and whether the
    caller may report on it; 404 when the caller may not see it."""
    return get_task_for_user(request.auth, task_id)  # type: ignore[attr-defined]


@api.get(
    "/tasks/{task_id}/reports",
    response=list[ReportOut],
    tags=["tasks"],
    summary="List a task's progress reports",
)
def list_reports(request: HttpRequest, task_id: int) -> QuerySet[ProgressReport]:
    """The progress reports of a task the caller sees, newest first, with their review status
    and the names of their evidence files; 404 when the caller may not see the task."""
    task = get_task_for_user(request.auth, task_id)  # type: ignore[attr-defined]
    return task.reports.select_related("author").prefetch_related("evidence")


@api.post(
    "/tasks/{task_id}/reports",
    response={201: ReportOut, 422: ValidationErrorOut},
    auth=TOKEN_ONLY,
    tags=["tasks"],
    summary="Submit a progress report",
)
def create_report(request: HttpRequest, task_id: int, payload: ReportIn) -> Status:
    """Report progress (`percent`, `narrative`) or completion (`is_completion` at 100% with its
    `output`) on an open task, for review by the assigner. Token authentication only; evidence
    files are attached on the task page, not through the API.

    404 unless the caller is a focal point of the task's lead unit (or an ancestor) and the task
    is open: cooperating and other units cannot report. 422 with the specific message when the
    report is refused (percent outside 0–100, completion below 100% or without output, empty
    narrative, a previous report still awaiting review); nothing is saved then."""
    user = request.auth  # type: ignore[attr-defined]
    task = get_task_for_user(user, task_id, report=True)
    report = submit_report(task, actor=user, **payload.dict())
    return Status(201, report)


# --- month tallies ---------------------------------------------------------------------------


@api.get("/months", response=list[MonthOut], tags=["months"], summary="List closed months")
def list_months(request: HttpRequest) -> QuerySet[MonthClose]:
    """The closed months, newest first. A reopened month is left out until it is closed
    again: its tally is being recomputed."""
    return MonthClose.objects.filter(is_open=False).order_by("-month")


class TallyFilter(Schema):
    scope: TallyRow.Scope | None = None


@api.get(
    "/months/{month}/tally",
    response=list[TallyRowOut],
    tags=["months"],
    summary="Read a closed month's tally",
)
@paginate(PageNumberPagination, page_size=100, max_page_size=1000)
def month_tally(
    request: HttpRequest,
    filters: Query[TallyFilter],
    month: str = Path(..., pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-03"]),
) -> QuerySet[TallyRow]:
    """The frozen tally of a closed month (`month` as YYYY-MM): assigned, due in the month,
    on time, late, in term, overdue, on-time and quality rates. Filter by `scope` (city, unit,
    area, person). A city administrator gets every row; anyone else only the rows of the units
    they see and their own row as responsible person (city and area rows are city-wide).
    404 when the month is not closed."""
    user = request.auth  # type: ignore[attr-defined]
    first = datetime.date(int(month[:4]), int(month[5:]), 1)
    close = MonthClose.objects.filter(month=first, is_open=False).first()
    if close is None:
        raise Http404
    rows = close.rows.select_related("area")
    if not user.is_city_admin:
        visible = OrgUnit.objects.visible_to(user)
        rows = rows.filter(
            Q(scope=TallyRow.Scope.UNIT, unit__in=visible)
            | Q(scope=TallyRow.Scope.PERSON, person=user)
        )
    if filters.scope:
        rows = rows.filter(scope=filters.scope)
    return rows.order_by("scope", "label", "pk")


# --- ratings ---------------------------------------------------------------------------------
# /ratings/rounds and /ratings/periods/{year} come before /ratings/{rating_id}, whose path
# parameter would otherwise catch them first.

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


@api.get("/ratings/rounds", response=list[RoundOut], tags=["ratings"], summary="List rounds")
def list_rounds(request: HttpRequest) -> list[dict[str, Any]]:
    """The rating rounds (one per closed month), newest first, with the policy each was rated
    under and the counts of the ratings the caller sees in it: in all, per band, approved,
    and moved from excellent to good by the cap."""
    counts = _round_counts(Rating.objects.for_user(request.auth))  # type: ignore[attr-defined]
    return [
        {
            "month": f"{item.month:%Y-%m}",
            "policy_id": item.policy_id,
            "policy": item.policy.name,
            "generated_at": item.generated_at,
            **counts[item.pk],
        }
        for item in RatingRound.objects.select_related("policy").order_by("-month")
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


@api.get(
    "/ratings/periods/{year}",
    response=list[PeriodLineOut],
    tags=["ratings"],
    summary="Quarter or year ratings",
)
@paginate(PageNumberPagination, page_size=100, max_page_size=1000)
def rating_period(
    request: HttpRequest, filters: Query[PeriodFilter], year: int = Path(..., ge=2000, le=2100)
) -> list[PeriodLine]:
    """The ratings of a `year`, or of its `quarter` (1–4), aggregated from the caller's visible
    monthly ratings (docs/ratings.md, "Quarter and year"): per unit, head and person the mean
    of the monthly totals (a head's months weighted by the days held), the band under the
    policy of the period's last round, a disciplinary decision in the period forcing "not
    complete" and the cap applied again per group. Highest total first; filter by `kind`
    (unit, head, person)."""
    first_month, last_month = 1, 12
    if filters.quarter is not None:
        first_month, last_month = filters.quarter * 3 - 2, filters.quarter * 3
    ratings = Rating.objects.for_user(request.auth)  # type: ignore[attr-defined]
    if filters.kind:
        ratings = ratings.filter(kind=filters.kind)
    return period_lines(
        ratings, datetime.date(year, first_month, 1), datetime.date(year, last_month, 1)
    )


class RatingFilter(Schema):
    month: str | None = Field(None, pattern=MONTH_PATTERN, examples=["2026-09"])
    kind: Rating.Kind | None = None
    peer_group: PeerGroup | None = None
    band: Band | None = None
    unit: int | None = None


@api.get("/ratings", response=list[RatingOut], tags=["ratings"], summary="List ratings")
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
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


@api.get(
    "/ratings/{rating_id}", response=ScorecardOut, tags=["ratings"], summary="Read a scorecard"
)
def read_rating(request: HttpRequest, rating_id: int) -> dict[str, Any]:
    """One rating as its scorecard: the rating's fields, the policy it was rated under, the
    calculation step by step (weights credited over weights assigned for quantity, quality
    and progress, then task points, general points and total), the general sub-criteria
    scores, the unit's row of the month's tally, the trend over 12 months, the open
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
        "trend": card.trend,
        "responsibilities": card.responsibilities,
        "commitments": card.commitments,
    }


def _step(numerator: Any, denominator: Any, pct: Any) -> dict[str, Any]:
    return {"numerator": numerator, "denominator": denominator, "pct": pct}


# --- responsibilities ------------------------------------------------------------------------


class ResponsibilityFilter(Schema):
    open: bool | None = None
    unit: int | None = None


@api.get(
    "/responsibilities",
    response=list[ResponsibilityOut],
    tags=["ratings"],
    summary="List responsibilities for overdue tasks",
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
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


# --- indices ---------------------------------------------------------------------------------
# The same permissions as the index pages (cchc.indices.permissions): every member reads the
# frameworks; an assessment is seen by its own unit's members, the round's council and city
# administrators, and scored and submitted by the unit's focal points and heads. Published
# results are public: those endpoints need no authentication.

APPRAISAL_SENT = {Assessment.Status.APPRAISED, Assessment.Status.FINALISED}
MANUAL = Criterion.Method.MANUAL


@api.get(
    "/indices/frameworks",
    response=list[FrameworkOut],
    tags=["indices"],
    summary="List index frameworks",
)
def list_frameworks(request: HttpRequest) -> QuerySet[Framework]:
    """The reform index frameworks, newest year first: per year and target group, the split
    between appraisal and survey points, the group thresholds (index percent from which a unit
    is in group A, B, C) and whether the maxima are illustrative. Every member may read them."""
    return Framework.objects.order_by("-year", "group")


@api.get(
    "/indices/frameworks/{framework_id}",
    response=FrameworkDetailOut,
    tags=["indices"],
    summary="Read a framework and its criteria",
)
def read_framework(request: HttpRequest, framework_id: int) -> Framework:
    """One framework with its criteria tree as a flat list in the annex's order (each with its
    parent's code): maximum and minimum points, scoring method, bonus/penalty, whether evidence
    is required and the scoring guidance. 404 when it does not exist."""
    return get_framework_for_user(request.auth, framework_id)  # type: ignore[attr-defined]


class AssessmentFilter(Schema):
    round: int | None = None


@api.get(
    "/indices/assessments",
    response=list[AssessmentOut],
    tags=["indices"],
    summary="List self-assessments",
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def list_assessments(
    request: HttpRequest, filters: Query[AssessmentFilter]
) -> QuerySet[Assessment]:
    """The self-assessments the caller sees: a unit's members only their own unit's, a council
    member every unit of their rounds, a city administrator all. Newest round first, then by
    unit. `scored` counts the criteria the unit has scored itself so far (computed ones are
    pre-filled). Filter by `round` (id)."""
    assessments = Assessment.objects.filter(assessments_for(request.auth))  # type: ignore[attr-defined]
    if filters.round is not None:
        assessments = assessments.filter(round_id=filters.round)
    return (
        assessments.select_related("round__framework", "unit")
        .annotate(scored=Count("scores", filter=Q(scores__criterion__method=MANUAL)))
        .order_by("-round__opened_at", "-round_id", "unit__path")
    )


@api.get(
    "/indices/assessments/{assessment_id}",
    response=AssessmentDetailOut,
    tags=["indices"],
    summary="Read a self-assessment",
)
def read_assessment(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    """One self-assessment with every criterion that gets points per unit (manual and computed
    leaves, in the framework's order): the self-score, its explanation, the calculation of a
    computed one, the names of its evidence files, the cited tasks and progress reports, and
    the `version` to send back when changing it. The appraised points are shown to the unit
    once the appraisal was sent to it (status appraised or finalised), and always to the
    round's council and city administrators. 404 when the caller may not see it."""
    user = request.auth  # type: ignore[attr-defined]
    return _assessment_detail(user, get_assessment_for_user(user, assessment_id))


def _assessment_detail(user: Any, assessment: Assessment) -> dict[str, Any]:
    criteria = list(assessment.round.framework.criteria.order_by("order"))
    parents = {criterion.parent_id for criterion in criteria}
    leaves = [c for c in criteria if c.pk not in parents and c.method != Criterion.Method.SURVEY]
    scores = {
        score.criterion_id: score
        for score in assessment.scores.prefetch_related(
            "evidence",
            Prefetch("cited_tasks", queryset=Task.objects.only("pk")),
            Prefetch("cited_reports", queryset=ProgressReport.objects.only("pk")),
        )
    }
    shown = assessment.status in APPRAISAL_SENT or can_see_whole_round(user, assessment.round)
    appraised = dict(assessment.appraisals.values_list("criterion_id", "points")) if shown else {}
    return {
        **{
            name: getattr(assessment, name)
            for name in AssessmentOut.model_fields
            if name != "scored"
        },
        "scored": sum(1 for c in leaves if c.method == MANUAL and c.pk in scores),
        "response": assessment.response,
        "responded_at": assessment.responded_at,
        "appraisal_shown": shown,
        "criteria": [_score_line(c, scores.get(c.pk), appraised.get(c.pk)) for c in leaves],
    }


def _score_line(criterion: Criterion, score: SelfScore | None, appraised: Any) -> dict[str, Any]:
    return {
        "code": criterion.code,
        "title": criterion.title,
        "max_points": criterion.max_points,
        "min_points": criterion.min_points,
        "method": criterion.method,
        "evidence_required": criterion.evidence_required,
        "points": score.points if score else None,
        "explanation": score.explanation if score else "",
        "calculation": score.calculation if score else "",
        "version": score.version if score else None,
        "evidence": [item.original_name for item in score.evidence.all()] if score else [],
        "cited_task_ids": sorted(task.pk for task in score.cited_tasks.all()) if score else [],
        "cited_report_ids": (
            sorted(report.pk for report in score.cited_reports.all()) if score else []
        ),
        "appraised": appraised,
    }


def _assessment_to_score(user: Any, assessment_id: int) -> Assessment:
    """The assessment, if `user` is one of its unit's focal points or heads; else 404 (also
    for the council and city administrators, who see it but do not score it)."""
    assessment = get_assessment_for_user(user, assessment_id)
    if not can_score(user, assessment):
        raise Http404
    return assessment


@api.post(
    "/indices/assessments/{assessment_id}/scores",
    response={200: ScoreOut, 422: ValidationErrorOut},
    auth=TOKEN_ONLY,
    tags=["indices"],
    summary="Score a criterion",
)
def score_assessment(request: HttpRequest, assessment_id: int, payload: ScoreIn) -> SelfScore:
    """Set the unit's self-score on a criterion it scores (`criterion` is the code), with an
    optional `explanation`; send the `version` read to refuse overwriting a change made
    meanwhile. Token authentication only; evidence files are attached on the assessment page.

    404 unless the caller is a focal point or head of the assessment's own unit. 422 with the
    specific message when the score is refused (unknown criterion or one the unit does not
    score, points outside the criterion's range, negative outside bonus/penalty, not in the
    framework's steps, an assessment already submitted, a stale `version`); nothing is saved
    then."""
    user = request.auth  # type: ignore[attr-defined]
    assessment = _assessment_to_score(user, assessment_id)
    code = payload.criterion.strip()
    criterion = assessment.round.framework.criteria.filter(code=code).first()
    if criterion is None:
        raise ValidationError(
            {
                "criterion": _("%(code)s: the framework has no criterion with this code.")
                % {"code": code}
            }
        )
    return score_criterion(
        assessment,
        criterion,
        actor=user,
        points=payload.points,
        explanation=payload.explanation,
        version=payload.version,
    )


@api.post(
    "/indices/assessments/{assessment_id}/submit",
    response={200: AssessmentDetailOut, 422: ValidationErrorOut},
    auth=TOKEN_ONLY,
    tags=["indices"],
    summary="Submit a self-assessment",
)
def submit_assessment_api(request: HttpRequest, assessment_id: int) -> dict[str, Any]:
    """Submit the self-assessment for appraisal; it is locked from then on. Token
    authentication only. 404 unless the caller is a focal point or head of the assessment's
    own unit. 422 lists every problem (each criterion not scored yet, each one that requires
    evidence and has neither a document nor an explanation), or says it was already
    submitted; nothing changes then."""
    user = request.auth  # type: ignore[attr-defined]
    assessment = submit_assessment(_assessment_to_score(user, assessment_id), actor=user)
    return _assessment_detail(user, get_assessment_for_user(user, assessment.pk))


def _published_rounds() -> QuerySet[AssessmentRound]:
    return (
        AssessmentRound.objects.filter(published_at__isnull=False)
        .select_related("framework")
        .annotate(result_count=Count("results"))
    )


@api.get(
    "/indices/results",
    response=list[PublishedRoundOut],
    auth=None,
    tags=["indices"],
    summary="List published index results",
)
def list_published_results(request: HttpRequest) -> QuerySet[AssessmentRound]:
    """The rounds whose results are published, newest first, with their framework's year and
    target group and the number of units ranked. Public: no authentication needed."""
    return _published_rounds().order_by("-published_at", "-pk")


@api.get(
    "/indices/results/{round_id}",
    response=RoundResultsOut,
    auth=None,
    tags=["indices"],
    summary="Read a round's published results",
)
def read_published_results(request: HttpRequest, round_id: int) -> dict[str, Any]:
    """A published round's ranking, as frozen when it was published: per unit the rank (ties
    share one), appraised, survey and total points, index percent, group (A, B, C or null),
    last year's percent and the points and rank per area. Public: no authentication needed.
    404 when the round does not exist or is not published."""
    found = _published_rounds().filter(pk=round_id).first()
    if found is None:
        raise Http404
    results = found.results.select_related("unit").order_by("rank", "unit_name", "pk")
    return {"round": found, "results": results}


# The later modules keep their endpoints in a router module of their own (full paths).
from cchc.api import dialogues as dialogues_api  # noqa: E402
from cchc.api import inspections as inspections_api  # noqa: E402
from cchc.api import procedures as procedures_api  # noqa: E402
from cchc.api import staffing as staffing_api  # noqa: E402
from cchc.api import surveys as surveys_api  # noqa: E402

api.add_router("", surveys_api.router)
api.add_router("", dialogues_api.router)
api.add_router("", inspections_api.router)
api.add_router("/procedures/", procedures_api.router)
api.add_router("/staffing/", staffing_api.router)

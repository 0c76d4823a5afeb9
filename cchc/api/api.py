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


# --- surveys: results ---
# The same permissions as the survey pages (cchc.surveys.permissions): city administrators see
# every campaign and unit; a unit's members the campaigns surveying their unit, and only it.

from cchc.api.schemas import SurveyCampaignOut, SurveyResultsOut  # noqa: E402
from cchc.surveys.models import Campaign, CampaignUnit  # noqa: E402
from cchc.surveys.permissions import (  # noqa: E402
    campaign_units_for,
    get_campaign_for_user,
    visible_campaigns,
    visible_unit_ids,
)
from cchc.surveys.queries import UnitResult, unit_results  # noqa: E402


def _survey_campaign(campaign: Campaign, units: int) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "questionnaire_id": campaign.questionnaire_id,
        "questionnaire": campaign.questionnaire.title,
        "questionnaire_version": campaign.questionnaire.version,
        "period_start": campaign.period_start,
        "period_end": campaign.period_end,
        "margin": float(campaign.margin),
        "status": campaign.status,
        "units": units,
    }


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _survey_unit(result: UnitResult) -> dict[str, Any]:
    unit = result.campaign_unit
    return {
        "unit_id": unit.unit_id,
        "unit_code": unit.unit.code,
        "unit_name": unit.unit.name,
        "transactions": unit.transactions,
        "required": unit.required,
        "accepted": result.accepted,
        "below_sample": result.below_sample,
        "overall": _optional_float(result.overall),
        "elements": [
            {
                "element": e.element,
                "label": e.label,
                "responses": e.responses,
                "answers": e.answers,
                "satisfied": e.satisfied,
                "percent": _optional_float(e.percent),
                "low": _optional_float(e.low),
                "high": _optional_float(e.high),
                "below_sample": e.below_sample,
            }
            for e in result.elements
        ],
    }


@api.get(
    "/surveys/campaigns",
    response=list[SurveyCampaignOut],
    tags=["surveys"],
    summary="List satisfaction survey campaigns",
)
def list_survey_campaigns(request: HttpRequest) -> list[dict[str, Any]]:
    """The survey campaigns the caller sees, newest period first: a city administrator all, a
    unit's member those surveying their unit. `units` counts the surveyed units the caller
    sees (all for city administrators, else their own)."""
    user = request.auth  # type: ignore[attr-defined]
    seen = CampaignUnit.objects.filter(campaign_units_for(user))
    campaigns = (
        visible_campaigns(user)
        .select_related("questionnaire")
        .annotate(seen_units=Count("units", filter=Q(units__in=seen), distinct=True))
        .order_by("-period_start", "title", "pk")
    )
    return [_survey_campaign(c, c.seen_units) for c in campaigns]


@api.get(
    "/surveys/campaigns/{campaign_id}/results",
    response=SurveyResultsOut,
    tags=["surveys"],
    summary="Read a campaign's satisfaction results",
)
def read_survey_results(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    """Per surveyed unit the caller sees (in tree order): N, the required sample n, the accepted
    responses and whether they fall short of n, then per element the responses that rated it,
    their ratings, the satisfied ones, the satisfied percent with its 95% Wilson interval,
    and the overall percent (mean of the elements). Only accepted responses count. 404 when
    the caller does not see the campaign."""
    user = request.auth  # type: ignore[attr-defined]
    campaign = get_campaign_for_user(user, campaign_id)
    found = unit_results(campaign, visible_unit_ids(user, campaign))
    questionnaire = campaign.questionnaire
    return {
        "campaign": _survey_campaign(campaign, len(found)),
        "scale_points": questionnaire.scale_points,
        "satisfied_from": questionnaire.satisfied_from,
        "units": [_survey_unit(result) for result in found],
    }


# --- surveys: public submission ---
# The one write that needs no token (see the module docstring): anyone may answer a survey, as
# on the public form /surveys/f/<token>/, with the same size limit, throttle and action.

from cchc.api.schemas import RefusalOut, SurveyResponseIn, SurveyResponseOut  # noqa: E402
from cchc.core.throttle import client_address  # noqa: E402
from cchc.surveys import models as surveys_models  # noqa: E402
from cchc.surveys import throttle as surveys_throttle  # noqa: E402
from cchc.surveys.actions import record_response  # noqa: E402


def _answer_errors(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """422 with one item per problem, located at the question's code in `answers` (or at
    `contact`)."""
    if hasattr(error, "error_dict"):
        items = [
            (_answer_location(code), msg)
            for code, messages in error.message_dict.items()
            for msg in messages
        ]
    else:
        items = [(["body"], message) for message in error.messages]
    detail = [{"type": "refused", "loc": loc, "msg": msg} for loc, msg in items]
    return api.create_response(request, {"detail": detail}, status=422)


def _answer_location(code: str) -> list[str]:
    if code == NON_FIELD_ERRORS:
        return ["body", "answers"]
    if code == "contact":
        return ["body", "contact"]
    return ["body", "answers", code]


def _refusal(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return api.create_response(request, {"detail": message}, status=status)


@api.post(
    "/surveys/responses",
    response={
        201: SurveyResponseOut,
        404: RefusalOut,
        410: RefusalOut,
        413: RefusalOut,
        422: ValidationErrorOut,
        429: RefusalOut,
    },
    auth=None,
    tags=["surveys"],
    summary="Submit a survey response (public)",
)
def submit_survey_response(request: HttpRequest, payload: SurveyResponseIn) -> Any:
    """Answer a survey for one unit: `token` is the unit's link token (the last part of its
    public link /surveys/f/<token>/), `answers` maps question codes to a rating (1 … the
    scale's points), an option value, a list of option values (multiple choice) or a text
    (at most 1,000 characters); `contact` (at most 200 characters) only if the respondent
    chooses to give it. The response is stored as "received", or "flagged" when the same client
    sent the same answers before; a reviewer then accepts or rejects it.

    Public: no authentication and no CSRF token. This is the documented exception to "writes
    accept only a token": a survey is answered by anyone, as on the public form. Abuse is held
    off as on the form: a body over 64 KiB is refused (413), a client (known only by the
    campaign's salted hash of its address, never stored itself) or a unit over its rate limit
    gets 429 with a message in Vietnamese (or the language cookie's) and Retry-After.

    201 with the response's `id` and `status`. 404 when no unit has this token, 410 when its
    campaign is closed. 422 lists every problem per question code (loc ["body", "answers",
    code]): unknown question, required question unanswered, rating off the scale, option not
    of the question, several options for a single choice, text too long or with control
    characters) or at ["body", "contact"]; nothing is stored."""
    if surveys_throttle.body_too_large(request):
        return _refusal(request, 413, _("The response is too long to be sent."))
    campaign_unit = (
        surveys_models.CampaignUnit.objects.select_related("campaign__questionnaire", "unit")
        .filter(token=payload.token)
        .first()
    )
    if campaign_unit is None:
        return _refusal(request, 404, _("This survey link does not exist."))
    campaign = campaign_unit.campaign
    if campaign.status != surveys_models.Campaign.Status.OPEN:
        return _refusal(request, 410, _("This survey is closed: it no longer accepts responses."))
    client_hash = campaign.hash_client(client_address(request))
    verdict = surveys_throttle.hit(campaign_unit, client_hash)
    if not verdict.allowed:
        response = _refusal(request, 429, surveys_throttle.throttled_message())
        response["Retry-After"] = str(verdict.retry_after)
        return response
    try:
        stored = record_response(
            campaign_unit,
            payload.answers,
            channel=surveys_models.Response.Channel.WEB,
            client_hash=client_hash,
            contact=payload.contact or "",
        )
    except ValidationError as error:
        return _answer_errors(request, error)
    return Status(201, {"id": stored.pk, "status": stored.status})


# --- dialogues ---
# Conferences announced publicly and the lookup of a petition by its code are public (as the
# public pages: only published answers); the petitions list is for staff, with the pages' scope
# (Petition.objects.for_user: the receiving unit's and the responsible unit's members).

from cchc.api.schemas import (  # noqa: E402
    DialogueConferenceOut,
    DialoguePetitionLookupOut,
    DialoguePetitionOut,
)
from cchc.dialogues import throttle as dialogues_throttle  # noqa: E402
from cchc.dialogues.models import Conference as DialogueConference  # noqa: E402
from cchc.dialogues.models import Petition as DialoguePetition  # noqa: E402
from cchc.dialogues.models import PublicStatus as DialoguePublicStatus  # noqa: E402
from cchc.dialogues.queries import journey as dialogue_journey  # noqa: E402


class DialogueConferenceFilter(Schema):
    upcoming: bool = False  # only those still ahead and announced


@api.get(
    "/dialogues/conferences",
    response=list[DialogueConferenceOut],
    auth=None,
    tags=["dialogues"],
    summary="List public dialogue conferences",
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def list_dialogue_conferences(
    request: HttpRequest, filters: Query[DialogueConferenceFilter]
) -> QuerySet[DialogueConference]:
    """The dialogue conferences announced on the public page, latest date first (the soonest
    first with `upcoming`). Public: no authentication needed."""
    conferences = DialogueConference.objects.public().select_related("host_unit", "chair")
    if filters.upcoming:
        return conferences.filter(
            status=DialogueConference.Status.ANNOUNCED, starts_at__gte=timezone.now()
        ).order_by("starts_at", "pk")
    return conferences.order_by("-starts_at", "-pk")


class DialoguePetitionFilter(Schema):
    status: DialoguePetition.Status | None = None
    open: bool = False  # only petitions not closed
    overdue: bool = False  # only those routed and past their answer deadline
    conference: int | None = None


@api.get(
    "/dialogues/petitions",
    response=list[DialoguePetitionOut],
    tags=["dialogues"],
    summary="List petitions",
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def list_dialogue_petitions(
    request: HttpRequest, filters: Query[DialoguePetitionFilter]
) -> QuerySet[DialoguePetition]:
    """Petitions received by a unit the caller sees or routed to one of them, oldest answer
    deadline first. Filters: `status`, `open`, `overdue`, `conference` (id). The submitter's
    contact is never returned here."""
    petitions = DialoguePetition.objects.for_user(request.auth)  # type: ignore[attr-defined]
    if filters.status:
        petitions = petitions.filter(status=filters.status)
    if filters.open:
        petitions = petitions.open()
    if filters.overdue:
        petitions = petitions.filter(
            status__in=[DialoguePetition.Status.SCREENED, DialoguePetition.Status.ROUTED],
            deadline__lt=timezone.localdate(),
        )
    if filters.conference is not None:
        petitions = petitions.filter(conference_id=filters.conference)
    return petitions.select_related(
        "responsible_unit", "field", "issue_group", "merged_into"
    ).order_by("deadline", "received_at", "pk")


@api.get(
    "/dialogues/petitions/lookup/{code}",
    response={200: DialoguePetitionLookupOut, 429: RefusalOut},
    auth=None,
    tags=["dialogues"],
    summary="Look up a petition by its code (public)",
)
def lookup_dialogue_petition(request: HttpRequest, code: str) -> Any:
    """What the public journey page shows of one petition: its public status (which follows the
    task of its commitment once the answer is published), when it was received, the responsible
    unit and deadline once routed, and only the PUBLISHED answers with their commitments. The
    subject and content appear only once an answer is published; the contact and attachments
    never. Public: no authentication needed. 404 when no petition has this code; 429 (with
    Retry-After) past the lookups a client may make in a minute, as on the lookup page."""
    verdict = dialogues_throttle.lookup_allowed(request)
    if not verdict.allowed:
        response = _refusal(request, 429, dialogues_throttle.throttled_message())
        response["Retry-After"] = str(verdict.retry_after)
        return response
    petition = (
        DialoguePetition.objects.select_related("responsible_unit", "merged_into")
        .filter(code=code.strip().upper())
        .first()
    )
    if petition is None:
        raise Http404
    found = dialogue_journey(petition, public=True)
    shown = petition.published_at is not None
    return {
        "code": petition.code,
        "public_status": found.status,
        "public_status_label": str(DialoguePublicStatus(found.status).label),
        "received_on": timezone.localdate(petition.received_at),
        "title": petition.title if shown else None,
        "content": petition.content if shown else None,
        "responsible_unit": petition.responsible_unit.name if petition.responsible_unit else None,
        "deadline": petition.deadline,
        "merged_into": petition.merged_into.code if petition.merged_into else None,
        "answers": [_dialogue_answer(answer) for answer in found.answers],
    }


def _dialogue_answer(answer: Any) -> dict[str, Any]:
    commitment = getattr(answer, "commitment", None)  # None when the answer commits to nothing
    task = commitment.task if commitment is not None else None
    return {
        "text": answer.text,
        "given_at": answer.given_at,
        "answered_on": answer.answered_on,
        "published_at": answer.published_at,
        "commitment": None
        if task is None
        else {
            "task_code": task.code,
            "title": task.title,
            "unit": task.lead_unit.name,
            "deadline": task.deadline,
            "status": task.status,
            "completed_on": task.completed_on,
        },
    }


# --- inspections ---
# The same permissions as the inspection pages (cchc.inspections.permissions): a surprise
# inspection does not exist for its targets before it starts (an incognito one before it is
# concluded); inspected units see the findings and recommendations about their own units.

from cchc.api.schemas import (  # noqa: E402
    InspectionDetailOut,
    InspectionOut,
    InspectionRecommendationOut,
)
from cchc.inspections.models import Inspection, Recommendation, Target, TeamMember  # noqa: E402
from cchc.inspections.permissions import (  # noqa: E402
    can_manage_inspection,
    get_inspection_for_user,
    visible_findings,
)
from cchc.inspections.queries import open_recommendations  # noqa: E402


class InspectionFilter(Schema):
    year: int | None = None
    kind: Inspection.Kind | None = None
    status: Inspection.Status | None = None


@api.get(
    "/inspections", response=list[InspectionOut], tags=["inspections"], summary="List inspections"
)
@paginate(PageNumberPagination, page_size=50, max_page_size=500)
def list_inspections(
    request: HttpRequest, filters: Query[InspectionFilter]
) -> QuerySet[Inspection]:
    """Public-duty inspections the caller sees, latest start first. Filter by `year` (of the
    start), `kind` and `status`."""
    rows = Inspection.objects.for_user(request.auth)  # type: ignore[attr-defined]
    if filters.year is not None:
        rows = rows.filter(start_date__year=filters.year)
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    return (
        rows.select_related("unit")
        .prefetch_related(Prefetch("targets", Target.objects.order_by("unit__path")))
        .annotate(finding_count=Count("findings", distinct=True))
        .order_by("-start_date", "-pk")
    )


@api.get(
    "/inspections/{inspection_id}",
    response=InspectionDetailOut,
    tags=["inspections"],
    summary="Read an inspection",
)
def read_inspection(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    """One inspection with its team, scope, the findings and recommendations the caller sees;
    404 when the caller may not see it, exactly as when it does not exist."""
    user = request.auth  # type: ignore[attr-defined]
    inspection = get_inspection_for_user(user, inspection_id)
    findings = list(
        visible_findings(user, inspection)
        .select_related("unit", "item")
        .annotate(file_count=Count("files"))
        .order_by("unit__path", "observed_at", "pk")
    )
    conclusion = getattr(inspection, "conclusion", None) if inspection.is_concluded else None
    recommendations: list[Recommendation] = []
    if conclusion is not None:
        recs = conclusion.recommendations.select_related("unit", "conclusion")
        if not can_manage_inspection(user, inspection):
            recs = recs.filter(unit__in=OrgUnit.objects.visible_to(user))
        recommendations = list(recs)
    targets = list(inspection.targets.order_by("unit__path"))
    team = sorted(
        inspection.team.select_related("user"),
        key=lambda m: (TeamMember.ROLE_ORDER[TeamMember.Role(m.role)], m.pk),
    )
    return {
        "id": inspection.pk,
        "title": inspection.title,
        "kind": inspection.kind,
        "status": inspection.status,
        "unit_id": inspection.unit_id,
        "unit": inspection.unit.name,
        "plan_id": inspection.plan_id,
        "decision_number": inspection.decision_number,
        "decision_date": inspection.decision_date,
        "decision_signer": inspection.decision_signer,
        "start_date": inspection.start_date,
        "end_date": inspection.end_date,
        "target_unit_ids": [t.unit_id for t in targets],
        "findings": len(findings),
        "checklist": list(inspection.checklist.values_list("code", flat=True)),
        "team": [
            {"name": m.display_name, "user_id": m.user_id, "role": m.role, "position": m.position}
            for m in team
        ],
        "findings_list": [
            {
                "id": f.pk,
                "unit_id": f.unit_id,
                "unit": f.unit.name,
                "item": f.item.code,
                "severity": f.severity,
                "description": f.description,
                "person_id": f.person_id,
                "against_head": f.against_head,
                "observed_at": f.observed_at,
                "files": f.file_count,
            }
            for f in findings
        ],
        "conclusion": conclusion,
        "recommendations": recommendations,
    }


@api.get(
    "/recommendations/open",
    response=list[InspectionRecommendationOut],
    tags=["inspections"],
    summary="List open inspection recommendations",
)
@paginate(PageNumberPagination, page_size=100, max_page_size=1000)
def list_open_recommendations(
    request: HttpRequest, unit: int | None = None
) -> QuerySet[Recommendation]:
    """Inspection recommendations not yet remedied (open, partly or not remedied at a
    re-inspection) that the caller sees, oldest deadline first, with the days overdue. Filter
    by `unit` (its subtree)."""
    user = request.auth  # type: ignore[attr-defined]
    # The rows are scoped already: an inspector filters by a unit they inspect, not their own.
    scope = None
    if unit is not None:
        scope = OrgUnit.objects.filter(pk=unit).first()
        if scope is None:
            raise Http404
    return open_recommendations(Recommendation.objects.for_user(user), unit=scope)


# Newer modules keep their endpoints and schemas in their own router module.
from cchc.api import procedures as procedures_api  # noqa: E402
from cchc.api import staffing as staffing_api  # noqa: E402

api.add_router("/procedures/", procedures_api.router)
api.add_router("/staffing/", staffing_api.router)

"""The reform index's endpoints: frameworks, assessments (read, score and submit with a token)
and the published results (public); mounted by cchc.api.api."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from cchc.api.auth import TOKEN_ONLY
from cchc.api.common import UnitRefOut, ValidationErrorOut
from cchc.api.params import BoundedPagination, Id, PathId
from cchc.indices.actions import score_criterion, submit_assessment
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
from cchc.plans.models import (
    ProgressReport,
    Task,
)

# --- schemas (their class names are the OpenAPI component names) ---


# --- indices -------------------------------------------------------------------------------
# The city's reform index (issue #5). Points and percentages are JSON numbers (stored as
# decimals with two places); a group is "A", "B", "C" or null below group C.


class FrameworkOut(Schema):
    id: int
    year: int
    group: str  # target group: departments, wards, public_service, central
    title: str
    status: str  # draft, published (frozen)
    is_illustrative: bool  # the maxima are not the official ones
    appraisal_max: float
    survey_max: float
    group_a_min: float  # index percent from which a unit is in group A
    group_b_min: float
    group_c_min: float
    step: float  # the unit scores in steps of this many points
    published_at: datetime.datetime | None


class CriterionOut(Schema):
    code: str
    parent_code: str | None  # null for an area (a root)
    title: str
    max_points: float
    min_points: float  # below zero only under a bonus/penalty node
    method: str  # manual, computed, survey
    is_bonus_penalty: bool
    evidence_required: bool
    guidance: str
    order: int

    @staticmethod
    def resolve_parent_code(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None


class FrameworkDetailOut(FrameworkOut):
    notes: str
    copied_from_id: int | None
    criteria: list[CriterionOut]  # the tree as a flat list, parents before their children

    @staticmethod
    def resolve_criteria(obj: Any) -> Any:
        return obj.criteria.select_related("parent").order_by("order")


class IndexRoundRefOut(Schema):
    id: int
    title: str
    framework_id: int
    year: int
    group: str
    deadline: datetime.date

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.framework.year)

    @staticmethod
    def resolve_group(obj: Any) -> str:
        return str(obj.framework.group)


class AssessmentOut(Schema):
    id: int
    round: IndexRoundRefOut
    unit: UnitRefOut
    status: str  # draft, submitted, appraised (sent to the unit), finalised
    submitted_at: datetime.datetime | None
    sent_at: datetime.datetime | None  # when the appraisal was sent to the unit
    response_deadline: datetime.date | None
    finalised_at: datetime.datetime | None
    scored: int  # manual criteria the unit has scored so far (computed ones are pre-filled)


class ScoreLineOut(Schema):
    """A criterion that gets points per unit (manual or computed leaf) and the unit's score."""

    code: str
    title: str
    max_points: float
    min_points: float
    method: str  # manual (scored by the unit), computed (pre-filled with its calculation)
    evidence_required: bool
    points: float | None  # the self-score; null until scored
    explanation: str
    calculation: str
    version: int | None  # send it back when changing the score (optimistic locking)
    evidence: list[str]  # file names; files are downloaded from the assessment page
    cited_task_ids: list[int]
    cited_report_ids: list[int]
    appraised: float | None  # null until decided, or while the appraisal is not shown


class AssessmentDetailOut(AssessmentOut):
    response: str  # the unit's response to the appraisal
    responded_at: datetime.datetime | None
    appraisal_shown: bool  # false: the appraised points are withheld from the unit until sent
    criteria: list[ScoreLineOut]


class ScoreIn(Schema):
    criterion: str  # the criterion's code, e.g. "1.1"
    # No bounds here: score_criterion refuses out-of-range values with its own message.
    points: Decimal
    explanation: str = ""
    version: int | None = None  # the version read; a newer one on the server is refused


class ScoreOut(Schema):
    criterion: str
    points: float
    explanation: str
    calculation: str
    version: int
    updated_at: datetime.datetime

    @staticmethod
    def resolve_criterion(obj: Any) -> str:
        return str(obj.criterion.code)


class PublishedRoundOut(Schema):
    id: int
    title: str
    framework_id: int
    framework: str  # the framework's title
    year: int
    group: str
    is_illustrative: bool
    published_at: datetime.datetime
    results: int  # units ranked

    @staticmethod
    def resolve_framework(obj: Any) -> str:
        return str(obj.framework.title)

    @staticmethod
    def resolve_year(obj: Any) -> int:
        return int(obj.framework.year)

    @staticmethod
    def resolve_group(obj: Any) -> str:
        return str(obj.framework.group)

    @staticmethod
    def resolve_is_illustrative(obj: Any) -> bool:
        return bool(obj.framework.is_illustrative)

    @staticmethod
    def resolve_results(obj: Any) -> int:
        return int(obj.result_count)


class ResultOut(Schema):
    rank: int  # ties share a rank (1, 2, 2, 4)
    unit_id: int
    unit_code: str
    unit_name: str  # as it was when the round was published
    appraised: float
    survey: float | None  # null when the framework's year had no survey
    total: float
    percent: float
    group: str | None
    previous_percent: float | None  # the unit's index percent in the previous year
    areas: list[dict[str, Any]]  # per area: code, title, points, max, rank
    # The rank interval under ±25 % noisy area weights (docs/indices.md); null for rounds
    # published before it was computed.
    rank_median: float | None
    rank_q05: float | None
    rank_q95: float | None

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return str(obj.unit.code)

    @staticmethod
    def resolve_group(obj: Any) -> str | None:
        return obj.group or None


class RoundResultsOut(Schema):
    round: PublishedRoundOut
    results: list[ResultOut]


router = Router()


# --- indices ---------------------------------------------------------------------------------
# The same permissions as the index pages (cchc.indices.permissions): every member reads the
# frameworks; an assessment is seen by its own unit's members, the round's council and city
# administrators, and scored and submitted by the unit's focal points and heads. Published
# results are public: those endpoints need no authentication.

APPRAISAL_SENT = {Assessment.Status.APPRAISED, Assessment.Status.FINALISED}
MANUAL = Criterion.Method.MANUAL


@router.get(
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


@router.get(
    "/indices/frameworks/{framework_id}",
    response=FrameworkDetailOut,
    tags=["indices"],
    summary="Read a framework and its criteria",
)
def read_framework(request: HttpRequest, framework_id: PathId) -> Framework:
    """One framework with its criteria tree as a flat list in the annex's order (each with its
    parent's code): maximum and minimum points, scoring method, bonus/penalty, whether evidence
    is required and the scoring guidance. 404 when it does not exist."""
    return get_framework_for_user(request.auth, framework_id)  # type: ignore[attr-defined]


class AssessmentFilter(Schema):
    round: Id | None = None


@router.get(
    "/indices/assessments",
    response=list[AssessmentOut],
    tags=["indices"],
    summary="List self-assessments",
)
@paginate(BoundedPagination, page_size=50, max_page_size=500)
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


@router.get(
    "/indices/assessments/{assessment_id}",
    response=AssessmentDetailOut,
    tags=["indices"],
    summary="Read a self-assessment",
)
def read_assessment(request: HttpRequest, assessment_id: PathId) -> dict[str, Any]:
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


@router.post(
    "/indices/assessments/{assessment_id}/scores",
    response={200: ScoreOut, 422: ValidationErrorOut},
    auth=TOKEN_ONLY,
    tags=["indices"],
    summary="Score a criterion",
)
def score_assessment(request: HttpRequest, assessment_id: PathId, payload: ScoreIn) -> SelfScore:
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


@router.post(
    "/indices/assessments/{assessment_id}/submit",
    response={200: AssessmentDetailOut, 422: ValidationErrorOut},
    auth=TOKEN_ONLY,
    tags=["indices"],
    summary="Submit a self-assessment",
)
def submit_assessment_api(request: HttpRequest, assessment_id: PathId) -> dict[str, Any]:
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


@router.get(
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


@router.get(
    "/indices/results/{round_id}",
    response=RoundResultsOut,
    auth=None,
    tags=["indices"],
    summary="Read a round's published results",
)
def read_published_results(request: HttpRequest, round_id: PathId) -> dict[str, Any]:
    """A published round's ranking, as frozen when it was published: per unit the rank (ties
    share one), appraised, survey and total points, index percent, group (A, B, C or null),
    last year's percent and the points and rank per area. Public: no authentication needed.
    404 when the round does not exist or is not published."""
    found = _published_rounds().filter(pk=round_id).first()
    if found is None:
        raise Http404
    results = found.results.select_related("unit").order_by("rank", "unit_name", "pk")
    return {"round": found, "results": results}

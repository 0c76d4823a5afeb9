"""The reform index's endpoints: frameworks, assessments (read, score and submit with a token)
and the published results (public); mounted by cchc.api.api."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from cchc.api.auth import TOKEN_ONLY
from cchc.api.params import BoundedPagination, Id, PathId
from cchc.api.schemas import (
    AssessmentDetailOut,
    AssessmentOut,
    FrameworkDetailOut,
    FrameworkOut,
    PublishedRoundOut,
    RoundResultsOut,
    ScoreIn,
    ScoreOut,
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
from cchc.plans.models import (
    ProgressReport,
    Task,
)

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

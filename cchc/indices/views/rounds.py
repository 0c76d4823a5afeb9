"""Self-assessment pages: the rounds a user sees with their progress, opening a round (city
administrators), a round's progress unit by unit, and a unit's assessment — the criteria tree
with the self-score of each leaf (saved one leaf at a time, with HTMX or a plain POST), evidence
documents, cited tasks and reports, submission, the council's decided points and the unit's
response.

Every view fetches with permission first (cchc.indices.permissions): 404 for what the user may
not see, 403 for what they see but may not do; then a form, one action, a message and a
redirect (or, for HTMX, the leaf's partial).
"""

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.accounts.models import User
from cchc.core.access import city_admin, member
from cchc.core.forms import add_action_error, errors_in_one_line
from cchc.core.http import download
from cchc.indices.actions import (
    attach_evidence,
    cite_records,
    close_unsubmitted,
    open_round,
    respond,
    score_criterion,
    submit_assessment,
)
from cchc.indices.forms import (
    CiteForm,
    EvidenceForm,
    FrameworkChoiceForm,
    ResponseForm,
    RoundFilterForm,
    RoundOpenForm,
    ScoreForm,
    citable_tasks,
)
from cchc.indices.models import (
    Appraisal,
    Assessment,
    AssessmentRound,
    CouncilMember,
    Criterion,
    EvidenceDocument,
    Framework,
    SelfScore,
)
from cchc.indices.permissions import (
    can_score,
    can_see_whole_round,
    get_assessment_for_user,
    get_round_for_user,
    rounds_for,
)
from cchc.indices.queries import scored_by_units
from cchc.plans.models import ProgressReport

MAX_INDENT = 5  # Bootstrap's ps-0 … ps-5
STATUSES = [status.value for status in Assessment.Status]
APPRAISED = {Assessment.Status.APPRAISED, Assessment.Status.FINALISED}

# --- rounds ------------------------------------------------------------------------------------


@member
@require_GET
def round_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    visible = AssessmentRound.objects.filter(rounds_for(user)).values("pk")
    counts = {
        status: Count("assessments", filter=Q(assessments__status=status)) for status in STATUSES
    }
    rounds = list(
        AssessmentRound.objects.filter(pk__in=visible)
        .select_related("framework")
        .annotate(unit_count=Count("assessments"), **counts)
        .order_by("-opened_at")
    )
    whole = _whole_rounds(user, rounds)
    own = _own_assessments(user, rounds)
    for rating_round in rounds:
        rating_round.whole = rating_round.pk in whole  # type: ignore[attr-defined]
        rating_round.own = own.get(rating_round.pk, [])  # type: ignore[attr-defined]
    context = {"rounds": rounds, "can_open": user.is_city_admin}
    return render(request, "indices/round_list.html", context)


def _whole_rounds(user: User, rounds: Sequence[AssessmentRound]) -> set[int]:
    """The rounds whose every unit the user sees (city administrator or council). One query."""
    if user.is_city_admin:
        return {r.pk for r in rounds}
    return set(
        CouncilMember.objects.filter(round__in=rounds, user=user).values_list("round_id", flat=True)
    )


def _own_assessments(user: User, rounds: Sequence[AssessmentRound]) -> dict[int, list[Assessment]]:
    """The assessments of the user's own units in these rounds, per round. One query."""
    found: dict[int, list[Assessment]] = defaultdict(list)
    if not rounds:
        return found
    for assessment in (
        Assessment.objects.of_units_read_by(user).filter(round__in=rounds).select_related("unit")
    ):
        found[assessment.round_id].append(assessment)
    return found


@city_admin
@require_http_methods(["GET", "POST"])
def round_open(request: AuthedRequest) -> HttpResponse:
    """Choose a published framework (step 1), then open a round of it (step 2)."""
    choice = FrameworkChoiceForm(request.GET if "framework" in request.GET else None)
    framework = choice.cleaned_data["framework"] if choice.is_bound and choice.is_valid() else None
    if request.method == "POST":
        framework = get_object_or_404(
            Framework.objects.filter(status=Framework.Status.PUBLISHED),
            pk=request.POST.get("framework") or 0,
        )
    if framework is None:
        return render(request, "indices/round_open.html", {"choice": choice})
    form = RoundOpenForm(request.POST or None, framework=framework)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("framework")
        data["units"] = list(data["units"])
        try:
            rating_round = open_round(framework, actor=request.user, **data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request,
                _("The round was opened for %(count)s units.") % {"count": len(data["units"])},
            )
            return redirect("indices:round", rating_round.pk)
    context = {"choice": choice, "framework": framework, "form": form}
    return render(request, "indices/round_open.html", context)


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """A correlated COUNT(*) of `queryset` (filtered on OuterRef("pk")), 0 when empty."""
    counted = queryset.order_by().values("assessment").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def round_progress(rating_round: AssessmentRound, manual_ids: list[int]) -> QuerySet[Assessment]:
    """The round's assessments with the unit, the number of criteria the unit scored and of
    those with evidence (a document or a cited record). One query."""
    scores = SelfScore.objects.filter(assessment=OuterRef("pk"), criterion_id__in=manual_ids)
    evidenced = scores.filter(
        Exists(EvidenceDocument.objects.filter(score=OuterRef("pk")))
        | Exists(SelfScore.cited_tasks.through.objects.filter(selfscore=OuterRef("pk")))
        | Exists(SelfScore.cited_reports.through.objects.filter(selfscore=OuterRef("pk")))
    )
    return (
        rating_round.assessments.select_related("unit")
        .annotate(scored=_count(scores), evidenced=_count(evidenced))
        .order_by("unit__path")
    )


@member
@require_GET
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    rating_round = get_round_for_user(request.user, pk)
    context: dict[str, Any] = {"round": rating_round, "framework": rating_round.framework}
    if not can_see_whole_round(request.user, rating_round):
        context["own"] = (
            Assessment.objects.of_units_read_by(request.user)
            .filter(round=rating_round)
            .select_related("unit")
        )
        return render(request, "indices/round_detail.html", context)
    manual = [c.pk for c in scored_by_units(rating_round.framework)]
    form = RoundFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    rows = round_progress(rating_round, manual)
    counts = dict(
        rating_round.assessments.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    context |= {
        "whole": True,
        "form": form,
        "rows": rows.filter(status=status) if status else rows,
        "manual_total": len(manual),
        "counts": [(s, Assessment.Status(s).label, counts.get(s, 0)) for s in STATUSES],
        "unit_total": sum(counts.values()),
        "can_open": request.user.is_city_admin,
        "may_close": request.user.is_city_admin and timezone.localdate() > rating_round.deadline,
    }
    return render(request, "indices/round_detail.html", context)


# --- one assessment ----------------------------------------------------------------------------


def _rows(criteria: list[Criterion]) -> list[dict[str, Any]]:
    """Each criterion with its depth, indentation, leaf flag and area (root). No query."""
    parent_of = {c.pk: c.parent_id for c in criteria}
    parents = set(parent_of.values())
    roots: dict[int, int] = {}
    depths: dict[int, int] = {}

    def walk(pk: int) -> tuple[int, int]:
        if pk not in depths:
            parent = parent_of.get(pk)
            if parent is None or parent not in parent_of:
                depths[pk], roots[pk] = 0, pk
            else:
                depth, root = walk(parent)
                depths[pk], roots[pk] = depth + 1, root
        return depths[pk], roots[pk]

    rows = []
    for criterion in criteria:
        depth, root = walk(criterion.pk)
        rows.append(
            {
                "criterion": criterion,
                "depth": depth,
                "indent": min(1 + 2 * depth, MAX_INDENT),
                "leaf": criterion.pk not in parents,
                "area": root,
            }
        )
    return rows


class _Page:
    """What the assessment page shows, read in a constant number of queries."""

    def __init__(self, user: User, assessment: Assessment) -> None:
        self.assessment = assessment
        framework = assessment.round.framework
        self.scorer = can_score(user, assessment)
        self.whole = can_see_whole_round(user, assessment.round)
        self.editable = self.scorer and not assessment.is_submitted
        self.appraised = assessment.status in APPRAISED
        self.rows = _rows(list(framework.criteria.order_by("order")))
        self.scores = {
            s.criterion_id: s
            for s in assessment.scores.prefetch_related(
                "evidence", "cited_tasks", "cited_reports__task"
            )
        }
        self.decided: dict[int, Decimal | None] = (
            dict(
                Appraisal.objects.filter(assessment=assessment).values_list(
                    "criterion_id", "points"
                )
            )
            if self.appraised
            else {}
        )
        self.tasks: list[Any] = []
        self.reports: list[Any] = []
        if self.editable:
            tasks = citable_tasks(assessment)
            self.tasks = list(tasks)
            self.reports = list(
                ProgressReport.objects.filter(task__in=tasks)
                .select_related("task")
                .order_by("task__code", "-submitted_at")
            )
        for row in self.rows:
            self._fill(row)

    def _fill(self, row: dict[str, Any]) -> None:
        criterion = row["criterion"]
        score = self.scores.get(criterion.pk)
        row["score"] = score
        row["decided"] = self.decided.get(criterion.pk)
        row["method"] = criterion.method
        if row["leaf"] and self.editable and criterion.method == Criterion.Method.MANUAL:
            row["form"] = _score_form(criterion, score)
            row["cited_task_ids"] = {t.pk for t in score.cited_tasks.all()} if score else set()
            row["cited_report_ids"] = {r.pk for r in score.cited_reports.all()} if score else set()

    def row_of(self, criterion_id: int) -> dict[str, Any]:
        return next(row for row in self.rows if row["criterion"].pk == criterion_id)

    def totals(self) -> dict[str, Any]:
        """Self-scores (and decided points) per area and overall."""
        own: dict[int, Decimal] = defaultdict(Decimal)
        decided: dict[int, Decimal] = defaultdict(Decimal)
        for row in self.rows:
            if not row["leaf"]:
                continue
            if row["score"] is not None:
                own[row["area"]] += row["score"].points
            if row["decided"] is not None:
                decided[row["area"]] += row["decided"]
        areas = [
            {
                "criterion": row["criterion"],
                "own": own.get(row["criterion"].pk, Decimal(0)),
                "decided": decided.get(row["criterion"].pk, Decimal(0)),
                "survey": row["criterion"].method == Criterion.Method.SURVEY,
            }
            for row in self.rows
            if row["depth"] == 0
        ]
        return {
            "areas": areas,
            "own_total": sum(own.values(), Decimal(0)),
            "decided_total": sum(decided.values(), Decimal(0)),
        }

    def context(self) -> dict[str, Any]:
        assessment = self.assessment
        today = timezone.localdate()
        may_respond = (
            self.scorer
            and assessment.status == Assessment.Status.APPRAISED
            and assessment.responded_at is None
            and (assessment.response_deadline is None or today <= assessment.response_deadline)
        )
        return {
            "assessment": assessment,
            "round": assessment.round,
            "framework": assessment.round.framework,
            "rows": self.rows,
            "editable": self.editable,
            "appraised": self.appraised,
            "tasks": self.tasks,
            "reports": self.reports,
            "totals": self.totals(),
            "may_respond": may_respond,
            "response_form": ResponseForm() if may_respond else None,
            "whole": self.whole,
        }


def _score_form(criterion: Criterion, score: SelfScore | None) -> ScoreForm:
    initial = (
        {"points": score.points, "explanation": score.explanation, "version": score.version}
        if score
        else {}
    )
    return ScoreForm(initial=initial, auto_id=f"c{criterion.pk}_%s")


@member
@require_GET
def assessment_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for_user(request.user, pk)
    page = _Page(request.user, assessment)
    return render(request, "indices/assessment.html", page.context())


def _for_scorer(request: AuthedRequest, pk: int) -> Assessment:
    """The assessment, for its unit's focal points and heads: 404 when the user may not see it,
    403 when they see it but do not score it."""
    assessment = get_assessment_for_user(request.user, pk)
    if not can_score(request.user, assessment):
        raise PermissionDenied
    return assessment


def _leaf(assessment: Assessment, criterion_pk: int) -> Criterion:
    return get_object_or_404(Criterion, pk=criterion_pk, framework_id=assessment.round.framework_id)


def _back(assessment: Assessment, criterion: Criterion | None = None) -> HttpResponse:
    anchor = f"#c-{criterion.pk}" if criterion else ""
    return redirect(f"{assessment.get_absolute_url()}{anchor}")


@member
@require_POST
def assessment_score(request: AuthedRequest, pk: int, criterion: int) -> HttpResponse:
    """Save one leaf's self-score; with HTMX answer the leaf's partial (and the totals)."""
    assessment = _for_scorer(request, pk)
    leaf = _leaf(assessment, criterion)
    form = ScoreForm(request.POST, auto_id=f"c{leaf.pk}_%s")
    if form.is_valid():
        try:
            score_criterion(assessment, leaf, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
    if request.htmx:
        return _leaf_response(request, assessment, leaf, form)
    if form.errors:
        messages.error(request, f"{leaf.code}: {errors_in_one_line(form)}")
    else:
        messages.success(request, _("%(code)s: the self-score was saved.") % {"code": leaf.code})
    return _back(assessment, leaf)


def _leaf_response(
    request: AuthedRequest, assessment: Assessment, leaf: Criterion, form: ScoreForm
) -> HttpResponse:
    """The leaf's partial after a save (the refused form with its errors, or the saved score)
    and the totals, swapped out of band."""
    assessment.refresh_from_db()
    page = _Page(request.user, assessment)
    row = page.row_of(leaf.pk)
    if form.errors and "form" in row:
        row["form"] = form
    elif form.errors:  # a leaf the unit does not score: no form to show the refusal on
        row["errors"] = [error for errors in form.errors.values() for error in errors]
    context = page.context() | {"row": row, "saved": not form.errors}
    leaf_html = render_to_string("indices/assessment.html#leaf", context, request)
    totals_html = render_to_string("indices/assessment.html#totals", context | {"oob": True})
    return HttpResponse(leaf_html + totals_html)


@member
@require_POST
def assessment_evidence(request: AuthedRequest, pk: int, criterion: int) -> HttpResponse:
    assessment = _for_scorer(request, pk)
    leaf = _leaf(assessment, criterion)
    form = EvidenceForm(request.POST, request.FILES)
    score = assessment.scores.filter(criterion=leaf).first()
    if score is None:
        messages.error(
            request,
            _("%(code)s: score the criterion before attaching evidence.") % {"code": leaf.code},
        )
    elif not form.is_valid():
        messages.error(request, f"{leaf.code}: {errors_in_one_line(form)}")
    else:
        try:
            attach_evidence(score, actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            messages.error(request, f"{leaf.code}: {' '.join(error.messages)}")
        else:
            messages.success(
                request, _("%(code)s: the evidence document was attached.") % {"code": leaf.code}
            )
    return _back(assessment, leaf)


@member
@require_POST
def assessment_cite(request: AuthedRequest, pk: int, criterion: int) -> HttpResponse:
    assessment = _for_scorer(request, pk)
    leaf = _leaf(assessment, criterion)
    form = CiteForm(request.POST, assessment=assessment)
    score = assessment.scores.filter(criterion=leaf).first()
    if score is None:
        messages.error(
            request, _("%(code)s: score the criterion before citing records.") % {"code": leaf.code}
        )
    elif not form.is_valid():
        messages.error(request, f"{leaf.code}: {errors_in_one_line(form)}")
    else:
        try:
            cite_records(score, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, f"{leaf.code}: {' '.join(error.messages)}")
        else:
            messages.success(
                request, _("%(code)s: the cited records were saved.") % {"code": leaf.code}
            )
    return _back(assessment, leaf)


@member
@require_POST
def assessment_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _for_scorer(request, pk)
    try:
        submit_assessment(assessment, actor=request.user)
    except ValidationError as error:
        messages.error(request, _("The self-assessment cannot be submitted yet:"))
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("The self-assessment was submitted: it is now locked."))
    return _back(assessment)


@city_admin
@require_POST
def assessment_close(request: AuthedRequest, pk: int) -> HttpResponse:
    """City administrators close a self-assessment the unit did not submit by the deadline."""
    assessment = get_object_or_404(Assessment.objects.select_related("round"), pk=pk)
    try:
        close_unsubmitted(assessment, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The self-assessment of %(unit)s was closed: the council can appraise it.")
            % {"unit": assessment.unit.name},
        )
    return redirect("indices:round", assessment.round_id)


@member
@require_POST
def assessment_respond(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _for_scorer(request, pk)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_one_line(form))
        return _back(assessment)
    try:
        respond(assessment, actor=request.user, text=form.cleaned_data["text"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The unit's response was sent to the council."))
    return _back(assessment)


@member
@require_GET
def evidence_download(request: AuthedRequest, pk: int) -> FileResponse:
    """An evidence document, for whoever sees its assessment; always as a download."""
    document = EvidenceDocument.objects.filter(pk=pk).values_list("score__assessment_id").first()
    if document is None:
        raise Http404
    get_assessment_for_user(request.user, document[0])
    evidence = EvidenceDocument.objects.get(pk=pk)
    return download(evidence.file, evidence.original_name)

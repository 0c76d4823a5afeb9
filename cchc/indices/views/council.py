"""The appraisal council's pages: appointing the council of a round (city administrators), and
the appraisal of one assessment, where each member proposes a score per criterion beside the
unit's self-score and evidence, and the chair sends the appraisal to the unit and finalises it.

Every view fetches with permission first (cchc.indices.permissions), validates a form, calls
one action and redirects; an action's refusal goes back on the form or into a message.
"""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import member
from cchc.core.forms import add_action_error
from cchc.indices.actions import finalise, propose, send_appraisal, set_council
from cchc.indices.forms import CouncilForm, ProposalForm
from cchc.indices.models import Appraisal, Assessment, Criterion, SelfScore
from cchc.indices.permissions import (
    can_see_whole_round,
    council_member,
    get_assessment_for_user,
    get_round_for_user,
)
from cchc.indices.queries import appraised_leaves


@member
@require_http_methods(["GET", "POST"])
def council(request: AuthedRequest, pk: int) -> HttpResponse:
    rating_round = get_round_for_user(request.user, pk)
    if not can_see_whole_round(request.user, rating_round):
        raise PermissionDenied
    members = list(rating_round.council.select_related("user"))
    form = None
    if request.user.is_city_admin and not rating_round.is_published:
        chair = next((m.user for m in members if m.is_chair), None)
        initial = {"members": [m.user for m in members], "chair": chair}
        form = CouncilForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                set_council(
                    rating_round,
                    actor=request.user,
                    members=list(form.cleaned_data["members"]),
                    chair=form.cleaned_data["chair"],
                )
            except ValidationError as exc:
                add_action_error(form, exc)
            else:
                messages.success(request, _("The appraisal council was appointed."))
                return redirect("indices:council", pk=rating_round.pk)
    elif request.method == "POST":
        raise PermissionDenied
    context = {"round": rating_round, "members": members, "form": form}
    return render(request, "indices/council.html", context)


def _appraisal_context(request: AuthedRequest, assessment: Assessment) -> dict[str, Any]:
    """Each appraised leaf with the unit's self-score, its evidence and citations, the
    members' proposals and the decided points, and the viewer's own form. Six queries."""
    framework = assessment.round.framework
    leaves = appraised_leaves(framework)
    scores = {
        s.criterion_id: s
        for s in SelfScore.objects.filter(assessment=assessment).prefetch_related(
            "evidence", "cited_tasks"
        )
    }
    appraisals = {
        a.criterion_id: a
        for a in Appraisal.objects.filter(assessment=assessment).prefetch_related(
            "proposals__member"
        )
    }
    me = council_member(request.user, assessment.round)
    may_propose = me is not None and assessment.status in (
        Assessment.Status.SUBMITTED,
        Assessment.Status.APPRAISED,
    )
    rows: list[dict[str, Any]] = []
    decided: list[Decimal] = []
    for criterion in leaves:
        appraisal = appraisals.get(criterion.pk)
        proposals = list(appraisal.proposals.all()) if appraisal else []
        mine = next((p for p in proposals if p.member_id == request.user.pk), None)
        score = scores.get(criterion.pk)
        if appraisal is not None and appraisal.points is not None:
            decided.append(appraisal.points)
        form = None
        if may_propose:
            form = ProposalForm(
                initial={
                    "points": mine.points if mine else (score.points if score else None),
                    "reason": mine.reason if mine else "",
                    "version": appraisal.version if appraisal else 1,
                },
                prefix=f"c{criterion.pk}",
            )
        rows.append(
            {
                "criterion": criterion,
                "score": score,
                "appraisal": appraisal,
                "proposals": proposals,
                "form": form,
            }
        )
    return {
        "assessment": assessment,
        "round": assessment.round,
        "framework": framework,
        "rows": rows,
        "me": me,
        "is_chair": bool(me and me.is_chair),
        "decided_count": len(decided),
        "decided_total": sum(decided, Decimal(0)),
        "self_total": sum((Decimal(s.points) for s in scores.values()), Decimal(0)),
        "members": assessment.round.council.count(),
    }


def _council_assessment(request: AuthedRequest, pk: int) -> Assessment:
    assessment = get_assessment_for_user(request.user, pk)
    if not can_see_whole_round(request.user, assessment.round):
        raise PermissionDenied
    return assessment


@member
@require_http_methods(["GET"])
def appraise(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _council_assessment(request, pk)
    return render(request, "indices/appraise.html", _appraisal_context(request, assessment))


@member
@require_POST
def appraise_criterion(request: AuthedRequest, pk: int, criterion_pk: int) -> HttpResponse:
    assessment = _council_assessment(request, pk)
    if council_member(request.user, assessment.round) is None:
        raise PermissionDenied
    criterion = get_object_or_404(
        Criterion, pk=criterion_pk, framework_id=assessment.round.framework_id
    )
    form = ProposalForm(request.POST, prefix=f"c{criterion.pk}")
    if form.is_valid():
        try:
            propose(
                assessment,
                criterion,
                actor=request.user,
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_action_error(form, exc)
    if not form.errors and not request.htmx:
        messages.success(
            request, _("Your proposal on %(code)s was saved.") % {"code": criterion.code}
        )
        return redirect(f"{reverse('indices:appraise', args=[assessment.pk])}#c-{criterion.pk}")
    context = _appraisal_context(request, assessment)
    row = next(r for r in context["rows"] if r["criterion"].pk == criterion.pk)
    if form.errors:
        row["form"] = form
    if request.htmx:
        return render(request, "indices/appraise.html#leaf", {**context, "row": row})
    return render(request, "indices/appraise.html", context, status=422)


def _chair_action(request: AuthedRequest, pk: int, action: Any, done: str) -> HttpResponse:
    assessment = _council_assessment(request, pk)
    try:
        action(assessment, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("indices:appraise", pk=assessment.pk)


@member
@require_POST
def appraisal_send(request: AuthedRequest, pk: int) -> HttpResponse:
    return _chair_action(request, pk, send_appraisal, _("The appraisal was sent to the unit."))


@member
@require_POST
def appraisal_finalise(request: AuthedRequest, pk: int) -> HttpResponse:
    return _chair_action(request, pk, finalise, _("The appraisal was finalised."))

"""Responsibilities for overdue tasks, disciplinary decisions and rating policies.

Every view fetches with permission first (cchc.ratings.permissions), validates a form, calls
one action and redirects; an action's ValidationError goes back on the form, or into a message
for the small forms of the responsibility page.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.accounts.models import User
from cchc.core.access import city_admin, member
from cchc.core.forms import add_action_error, errors_in_one_line
from cchc.core.models import AuditEvent
from cchc.plans.models import Task
from cchc.ratings.actions import (
    add_follow_up,
    decide_handling,
    explain_delay,
    publish_policy,
    record_discipline,
)
from cchc.ratings.forms import records as forms
from cchc.ratings.models import Discipline, RatingPolicy, Responsibility, Scope
from cchc.ratings.permissions import (
    can_explain_delay,
    can_handle_responsibility,
    can_publish_policy,
    get_responsibility_for_user,
)

PAGE_SIZE = 50
HISTORY_LIMIT = 20

# --- responsibilities --------------------------------------------------------------------------


@member
def responsibility_list(request: AuthedRequest) -> HttpResponse:
    visible = Responsibility.objects.for_user(request.user)
    form = forms.ResponsibilityFilterForm(request.GET or None, records=visible)
    records = (
        form.apply(visible).select_related("task", "person", "unit").order_by("-days_overdue", "pk")
    )
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    linkable = _visible_tasks(request.user, [record.task_id for record in page])
    context = {"form": form, "page": page, "linkable": linkable}
    template = "ratings/responsibility_list.html"
    return render(request, f"{template}#records" if request.htmx else template, context)


def _visible_tasks(user: User, task_ids: list[int]) -> set[int]:
    """Which of the tasks the user may open (a person may answer for a task of a unit they
    have since left). One query."""
    if not task_ids:
        return set()
    return set(Task.objects.for_user(user).filter(pk__in=task_ids).values_list("pk", flat=True))


@member
def responsibility_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_responsibility_for_user(request.user, pk)
    user = request.user
    version = {"version": record.version}
    context = {
        "record": record,
        "task_linkable": bool(_visible_tasks(user, [record.task_id])),
        "follow_ups": record.follow_ups.select_related("author"),
        "history": AuditEvent.objects.for_target(record).select_related("actor")[:HISTORY_LIMIT],
        "can_explain": can_explain_delay(user, record),
        "can_handle": record.is_open and can_handle_responsibility(user, record),
        # Three forms on one page: distinct ids (the field names stay what the views read).
        "explain_form": forms.ExplainForm(
            initial={"reason": record.reason, **version}, auto_id="explain_%s"
        ),
        "handling_form": forms.HandlingForm(
            initial={"handling": record.handling, "note": record.handling_note, **version},
            auto_id="handling_%s",
        ),
        "follow_up_form": forms.FollowUpForm(auto_id="follow_up_%s"),
    }
    return render(request, "ratings/responsibility_detail.html", context)


def _run(
    request: AuthedRequest,
    form: django_forms.Form,
    action: Callable[[dict[str, Any]], object],
    success: str,
) -> None:
    """Validate `form`, call `action` with its data and say how it went, as a message."""
    if not form.is_valid():
        messages.error(request, errors_in_one_line(form))
        return
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


@member
@require_POST
def responsibility_explain(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_responsibility_for_user(request.user, pk)
    if not can_explain_delay(request.user, record):
        raise Http404
    _run(
        request,
        forms.ExplainForm(request.POST),
        lambda data: explain_delay(record, actor=request.user, **data),
        _("Your explanation was recorded."),
    )
    return redirect(record)


@member
@require_POST
def responsibility_handling(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_responsibility_for_user(request.user, pk)
    if not can_handle_responsibility(request.user, record):
        raise Http404
    _run(
        request,
        forms.HandlingForm(request.POST),
        lambda data: decide_handling(record, actor=request.user, **data),
        _("The handling was decided."),
    )
    return redirect(record)


@member
@require_POST
def responsibility_follow_up(request: AuthedRequest, pk: int) -> HttpResponse:
    record = get_responsibility_for_user(request.user, pk)
    if not can_handle_responsibility(request.user, record):
        raise Http404
    form = forms.FollowUpForm(request.POST)
    closing = form.is_valid() and form.cleaned_data["close"]
    _run(
        request,
        form,
        lambda data: add_follow_up(record, actor=request.user, **data),
        _("The follow-up was added and the record closed.")
        if closing
        else _("The follow-up was added."),
    )
    return redirect(record)


# --- discipline --------------------------------------------------------------------------------


@city_admin
@require_http_methods(["GET", "POST"])
def discipline_list(request: AuthedRequest) -> HttpResponse:
    form = forms.DisciplineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            record_discipline(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The disciplinary decision was recorded."))
            return redirect("ratings:disciplines")
    decisions = Discipline.objects.for_user(request.user).select_related(
        "unit", "person", "recorded_by"
    )
    page = Paginator(decisions.order_by("-decided_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "ratings/discipline_list.html", {"form": form, "page": page})


# --- policies ----------------------------------------------------------------------------------


@member
def policy_list(request: AuthedRequest) -> HttpResponse:
    policies = RatingPolicy.objects.select_related("published_by").annotate(
        round_count=Count("rounds")
    )
    today = timezone.localdate()
    in_force = {RatingPolicy.objects.in_force(today, scope) for scope in Scope.values} - {None}
    rows = list(policies.order_by("scope", "-valid_from"))
    for policy in rows:
        policy.state = (  # type: ignore[attr-defined]
            "preset"
            if not policy.is_default
            else "in_force"
            if policy in in_force
            else "scheduled"
            if policy.valid_from > today
            else "superseded"
        )
    context = {
        "policies": rows,
        "can_publish": can_publish_policy(request.user),
    }
    return render(request, "ratings/policy_list.html", context)


@member
def policy_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(RatingPolicy.objects.select_related("published_by"), pk=pk)
    context = {
        "policy": policy,
        "in_force": RatingPolicy.objects.in_force(timezone.localdate(), policy.scope) == policy,
        "criteria": policy.criteria.all(),
        "rounds": policy.rounds.order_by("-month"),
        "rules": _rules(policy),
        "can_publish": can_publish_policy(request.user),
    }
    return render(request, "ratings/policy_detail.html", context)


def _rules(policy: RatingPolicy) -> dict[str, Decimal]:
    """The figures the policy page states in per cent: deductions and the weights' shares."""
    weights = policy.weight_quantity + policy.weight_quality + policy.weight_progress
    share = {
        name: (100 * getattr(policy, name) / weights) if weights else Decimal(0)
        for name in ("weight_quantity", "weight_quality", "weight_progress")
    }
    return {
        "review_pct": 100 * policy.review_deduction,
        "delay_pct": 100 * policy.delay_deduction,
        "weights": weights,
        "share_quantity": share["weight_quantity"],
        "share_quality": share["weight_quality"],
        "share_progress": share["weight_progress"],
    }


@city_admin
@require_http_methods(["GET", "POST"])
def policy_create(request: AuthedRequest) -> HttpResponse:
    # The form starts from the latest default version of the scope asked for (?scope=…).
    asked = (request.POST if request.method == "POST" else request.GET).get("scope")
    scope = asked if asked in Scope.values else Scope.CIVIL_SERVICE
    latest = (
        RatingPolicy.objects.filter(scope=scope, is_default=True).order_by("-valid_from").first()
    )
    initial = forms.policy_initial(latest) | {"scope": scope}
    form = forms.PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            policy = publish_policy(
                actor=request.user,
                valid_from=data["valid_from"],
                name=data["name"],
                criteria=data["criteria"],
                **form.rules(),
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The new version of the rating policy was published."))
            return redirect(policy)
    return render(request, "ratings/policy_create.html", {"form": form, "latest": latest})

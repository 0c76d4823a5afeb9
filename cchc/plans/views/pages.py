"""The plans pages: plans, tasks, progress reports, reviews, extensions and the unit workspace.

Every view fetches its record with permission first (cchc.plans.permissions), validates a form,
calls one action and redirects. An action's ValidationError goes back on the form.
"""

import datetime
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.accounts.models import User
from cchc.core.access import member
from cchc.core.forms import add_action_error
from cchc.core.http import download
from cchc.core.models import AuditEvent
from cchc.orgunits.models import OrgUnit
from cchc.plans import forms
from cchc.plans.actions import (
    accept_report,
    assign_task_to_units,
    cancel_task,
    copy_plan,
    create_plan,
    create_task,
    decide_extension,
    issue_plan,
    request_extension,
    return_report,
    submit_report,
    update_task,
)
from cchc.plans.models import (
    ExtensionRequest,
    Plan,
    ProgressReport,
    Task,
    TaskStatus,
    status_filter,
)
from cchc.plans.permissions import (
    can_edit_plan,
    can_report_task,
    can_review_task,
    get_evidence_for_user,
    get_extension_for_reviewer,
    get_plan_for_user,
    get_report_for_reviewer,
    get_task_for_user,
    reviewed_by,
)
from cchc.plans.queries import my_tasks

PAGE_SIZE = 50
REVIEW_LIMIT = 50
HISTORY_LIMIT = 20


def _posted(request: AuthedRequest) -> tuple[Any, Any]:
    """(data, files) for a bound form on POST, even an empty one; (None, None) on GET."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


# --- plans -----------------------------------------------------------------------------------


@member
def plan_list(request: AuthedRequest) -> HttpResponse:
    visible = Plan.objects.for_user(request.user)
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    form = forms.PlanFilterForm(request.GET or None, years=years)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    plans = (
        Plan.objects.filter(pk__in=visible.values("pk"), **({"year": year} if year else {}))
        .select_related("unit", "parent")
        .annotate(task_count=Count("tasks"))
        .order_by("-year", "unit__path")
    )
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_create": forms.plan_units_for(request.user).exists(),
    }
    template = "plans/plan_list.html#plans" if request.htmx else "plans/plan_list.html"
    return render(request, template, context)


@member
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthedRequest) -> HttpResponse:
    form = forms.PlanCreateForm(_posted(request)[0], user=request.user)
    if not form.fields["unit"].queryset.exists():  # type: ignore[attr-defined]
        raise Http404
    if request.method == "POST" and form.is_valid():
        try:
            plan = create_plan(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The plan was created as a draft."))
            return redirect(plan)
    return render(request, "plans/plan_create.html", {"form": form})


@member
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    today = timezone.localdate()
    # A unit that sees the plan only through its own unit plan sees only its own tasks.
    tasks = plan.tasks.all()
    if not plan.unit.is_visible_to(request.user):
        tasks = tasks.for_user(request.user)
    lead_units = OrgUnit.objects.filter(pk__in=tasks.values("lead_unit")).order_by("path")
    form = forms.TaskFilterForm(request.GET or None, units=lead_units)
    shown = (
        form.apply(tasks, today).select_related("lead_unit", "area").order_by("deadline", "code")
    )
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"plan": plan, "form": form, "page": page, "today": today}
    if request.htmx:
        return render(request, "plans/plan_detail.html#tasks", context)
    context |= {
        "counts": _status_counts(tasks, today),
        "can_edit": can_edit_plan(request.user, plan),
        "history": AuditEvent.objects.for_target(plan).select_related("actor")[:HISTORY_LIMIT],
    }
    return render(request, "plans/plan_detail.html", context)


def _status_counts(tasks: Any, today: datetime.date) -> list[dict[str, Any]]:
    """[{"status", "label", "count"}] of the counted (leaf) tasks, in one query."""
    counts = tasks.leaves().aggregate(
        **{status.value: Count("pk", filter=status_filter(status, today)) for status in TaskStatus}
    )
    return [{"status": s.value, "label": s.label, "count": counts[s.value]} for s in TaskStatus]


@member
@require_http_methods(["GET", "POST"])
def plan_issue(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, write=True)
    form = forms.PlanIssueForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            issue_plan(plan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The plan was issued."))
            return redirect(plan)
    return render(request, "plans/plan_issue.html", {"plan": plan, "form": form})


@member
@require_POST
def plan_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, write=True)
    try:
        copy = copy_plan(plan, actor=request.user, year=plan.year + 1)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(plan)
    messages.success(
        request, _("The plan was copied as a draft for %(year)s.") % {"year": copy.year}
    )
    return redirect(copy)


@member
def plan_attachment(request: AuthedRequest, pk: int) -> FileResponse:
    plan = get_plan_for_user(request.user, pk)
    if not plan.attachment:
        raise Http404
    # The signed document is stored under a random name: offer it under its number.
    number = plan.document_number.replace("/", "-") or "plan"
    return download(plan.attachment, number + PurePath(plan.attachment.name or "").suffix)


# --- tasks -----------------------------------------------------------------------------------


@member
@require_http_methods(["GET", "POST"])
def task_create(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, write=True)
    form = forms.TaskCreateForm(_posted(request)[0], plan=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = dict(
            form.cleaned_data, cooperating_units=list(form.cleaned_data["cooperating_units"])
        )
        try:
            task = create_task(plan, actor=request.user, **values)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The task was added."))
            return redirect(task)
    return render(request, "plans/task_create.html", {"plan": plan, "form": form})


@member
def task_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk, shown=True)
    return render(request, "plans/task_detail.html", _task_context(request.user, task))


def _task_context(user: User, task: Task) -> dict[str, Any]:
    reports = task.reports.select_related("author", "decided_by", "review__reviewer")
    can_review = can_review_task(user, task)
    return {
        "task": task,
        "plan_linkable": task.plan.unit.is_visible_to(user),
        "cooperating": task.cooperating_units.order_by("path"),
        "children": task.children.select_related("lead_unit").order_by("code"),
        "reports": reports.prefetch_related("evidence"),
        "extensions": task.extensions.select_related("requested_by", "decided_by"),
        "history": AuditEvent.objects.for_target(task).select_related("actor")[:HISTORY_LIMIT],
        "can_edit": can_review and task.is_open,
        "can_review": can_review,
        "can_report": can_report_task(user, task),
        "cancel_form": forms.CancelTaskForm(),
        "review_form": forms.ReviewForm(),
        "return_form": forms.ReturnForm(),
        "decision_form": forms.ExtensionDecisionForm(),
    }


@member
@require_http_methods(["GET", "POST"])
def task_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk, review=True)
    form = forms.TaskEditForm(_posted(request)[0], task=task, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in [*forms.EDIT_FIELDS, "deadline"]}
        try:
            update_task(task, actor=request.user, version=form.cleaned_data["version"], **values)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The task was saved."))
            return redirect(task)
    return render(request, "plans/task_edit.html", {"task": task, "form": form})


@member
@require_POST
def task_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk, review=True)
    form = forms.CancelTaskForm(request.POST)
    try:
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        cancel_task(task, actor=request.user, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The task was cancelled."))
    return redirect(task)


@member
@require_http_methods(["GET", "POST"])
def task_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk, review=True)
    form = forms.AssignForm(_posted(request)[0], task=task, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = assign_task_to_units(task, actor=request.user, units=form.chosen_units())
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(
                request, _("The task was assigned to %(count)s units.") % {"count": len(created)}
            )
            return redirect(task)
    return render(request, "plans/task_assign.html", {"task": task, "form": form})


# --- progress, reviews, extensions -----------------------------------------------------------


@member
@require_http_methods(["GET", "POST"])
def report_create(request: AuthedRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk, report=True)
    form = forms.ReportForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            values = dict(form.cleaned_data)
            submit_report(task, actor=request.user, files=values.pop("evidence"), **values)
        except ValidationError as error:
            add_action_error(form, error, aliases={"files": "evidence"})
        else:
            messages.success(request, _("Your report was sent for review."))
            return redirect(task)
    return render(request, "plans/report_create.html", {"task": task, "form": form})


@member
def evidence_download(request: AuthedRequest, pk: int) -> FileResponse:
    evidence = get_evidence_for_user(request.user, pk)
    return download(evidence.file, evidence.original_name)


@member
@require_POST
def report_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    report = get_report_for_reviewer(request.user, pk)
    form = forms.ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        accept_report(report, actor=request.user, comment=comment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report was accepted."))
    return redirect(report.task)


@member
@require_POST
def report_return(request: AuthedRequest, pk: int) -> HttpResponse:
    report = get_report_for_reviewer(request.user, pk)
    form = forms.ReturnForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        return_report(report, actor=request.user, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report was returned to the unit."))
    return redirect(report.task)


@member
@require_http_methods(["GET", "POST"])
def extension_create(request: AuthedRequest, pk: int) -> HttpResponse:
    task = get_task_for_user(request.user, pk, report=True)
    form = forms.ExtensionRequestForm(_posted(request)[0])
    if request.method == "POST" and form.is_valid():
        try:
            request_extension(task, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Your extension request was sent."))
            return redirect(task)
    return render(request, "plans/extension_create.html", {"task": task, "form": form})


@member
@require_POST
def extension_decide(request: AuthedRequest, pk: int) -> HttpResponse:
    extension = get_extension_for_reviewer(request.user, pk)
    form = forms.ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to refuse."))
        return redirect(extension.task)
    try:
        decide_extension(extension, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        approved = form.cleaned_data["approve"]
        messages.success(
            request,
            _("The extension was approved.") if approved else _("The extension was refused."),
        )
    return redirect(extension.task)


# --- workspace -------------------------------------------------------------------------------


# What the workspace's lists show (plans/workspace.html, _status.html, _deadline.html).
INBOX_FIELDS = (
    "code",
    "title",
    "deadline",
    "original_deadline",
    "completed_on",
    "cancelled_at",
    "progress",
    "lead_unit__name",
)


def _review_fields(person: str) -> tuple[str, ...]:
    """What the workspace's lists to review show of a report or request and its `person`."""
    return ("task__code", "task__lead_unit__name", f"{person}__username", f"{person}__full_name")


@member
def workspace(request: AuthedRequest) -> HttpResponse:
    user, today = request.user, timezone.localdate()
    mine = my_tasks(user)
    form = forms.WorkspaceFilterForm(
        request.GET or None, units=OrgUnit.objects.filter(pk__in=mine.values("lead_unit"))
    )
    # Sorted by deadline: among open tasks the overdue ones (deadline < today) come first.
    # The lists read only the columns they show: every column costs the ORM's compiler and
    # PostgreSQL's planner (the month-end rush, issue #16).
    tasks = form.apply(mine, today).select_related("lead_unit").only(*INBOX_FIELDS)
    page = Paginator(tasks.order_by("deadline", "code"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if request.htmx:
        return render(request, "plans/workspace.html#inbox", {"page": page, "today": today})
    context = {
        "today": today,
        "form": form,
        "page": page,
        "reports": ProgressReport.objects.filter(
            reviewed_by(user), status=ProgressReport.Status.SUBMITTED
        )
        .select_related("task__lead_unit", "author")
        .only("percent", "is_completion", "submitted_at", *_review_fields("author"))
        .order_by("submitted_at")[:REVIEW_LIMIT],
        "extensions": ExtensionRequest.objects.filter(
            reviewed_by(user), status=ExtensionRequest.Status.PENDING
        )
        .select_related("task__lead_unit", "requested_by")
        .only("previous_deadline", "new_deadline", *_review_fields("requested_by"))
        .order_by("created_at")[:REVIEW_LIMIT],
        "figures": _month_figures(mine, today),
    }
    return render(request, "plans/workspace.html", context)


def _month_figures(tasks: Any, today: datetime.date) -> dict[str, int]:
    """Counted tasks in term and overdue today, and completed this month on time or late."""
    month_start = today.replace(day=1)
    done = Q(completed_on__gte=month_start, completed_on__lte=today)
    return (
        tasks.active()
        .leaves()
        .aggregate(
            in_term=Count("pk", filter=Q(completed_on__isnull=True, deadline__gte=today)),
            overdue=Count("pk", filter=Q(completed_on__isnull=True, deadline__lt=today)),
            on_time=Count("pk", filter=done & Q(completed_on__lte=F("deadline"))),
            late=Count("pk", filter=done & Q(completed_on__gt=F("deadline"))),
        )
    )

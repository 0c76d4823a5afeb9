"""Who may see or do what with plans and tasks.

- A plan is edited (and its tasks assigned, reviewed, extended) by city administrators, and by
  the focal points and heads of the plan's unit or an ancestor: they are the *assigner*.
- A task is reported on by the focal points of its lead unit (or an ancestor).
- Cooperating units see the task but cannot change it; other units see nothing (404).
"""

from typing import Any

from django.db.models import Q
from django.http import Http404

from cchc.accounts.models import Membership
from cchc.orgunits.models import in_subtrees, visible
from cchc.orgunits.permissions import roles_over
from cchc.plans.models import Evidence, ExtensionRequest, Plan, ProgressReport, Task

ASSIGNER_ROLES = {Membership.Role.FOCAL_POINT, Membership.Role.HEAD}
REPORTER_ROLES = {Membership.Role.FOCAL_POINT}


def can_edit_plan(user: Any, plan: Plan) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_city_admin or bool(roles_over(user, plan.unit) & ASSIGNER_ROLES)


def can_create_plan(user: Any, unit: Any) -> bool:
    return user.is_city_admin or bool(roles_over(user, unit) & ASSIGNER_ROLES)


def can_review_task(user: Any, task: Task) -> bool:
    """The assigner: whoever may edit the plan the task belongs to."""
    return can_edit_plan(user, task.plan)


def can_report_task(user: Any, task: Task) -> bool:
    if not user.is_authenticated or not task.is_open:
        return False
    return bool(roles_over(user, task.lead_unit) & REPORTER_ROLES)


def get_plan_for_user(user: Any, pk: int, *, write: bool = False) -> Plan:
    """The plan if the user sees it (and may edit it, with `write`); else 404."""
    try:
        plan = Plan.objects.for_user(user).select_related("unit", "parent").get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404 from None
    if write and not can_edit_plan(user, plan):
        raise Http404
    return plan


# What the permission tests read (the plan's unit, the lead unit), and what a page that shows the
# task adds. Every table joined costs PostgreSQL's planner more than the one before: the task
# and eight related tables took 5–9 ms to plan, two tables fewer about 2 ms (issue #16). The
# parent and the city task it implements are read when the task has one (most have none).
CHECKED_RELATED = ("plan__unit", "lead_unit")
SHOWN_RELATED = ("area", "responsible")


def sees_task(user: Any, task: Task) -> bool:
    """Task.objects.for_user's rule for one task loaded with its lead unit and its plan's unit:
    a unit the user sees leads it, issued its plan, or cooperates on it (the cooperating units
    are read only when the first two do not decide). Checked here rather than in the query
    that loads the task: the scope's three subqueries cost that query 1.3 ms of the ORM's CPU
    and a third of its planning time (the month-end rush, issue #16)."""
    return (
        task.lead_unit.is_visible_to(user)
        or task.plan.unit.is_visible_to(user)
        or task.cooperating_units.filter(visible(user)).exists()
    )


def get_task_for_user(
    user: Any, pk: int, *, report: bool = False, review: bool = False, shown: bool = False
) -> Task:
    """The task if the user sees it; with `report` only for its lead unit's focal points, with
    `review` only for its assigner. Otherwise 404, as for a task that does not exist. With
    `shown`, what a page showing the task reads comes in the same query."""
    related = CHECKED_RELATED + SHOWN_RELATED if shown else CHECKED_RELATED
    try:
        task = Task.objects.select_related(*related).get(pk=pk)
    except Task.DoesNotExist:
        raise Http404 from None
    if not sees_task(user, task):
        raise Http404
    if report and not can_report_task(user, task):
        raise Http404
    if review and not can_review_task(user, task):
        raise Http404
    return task


def get_report_for_reviewer(user: Any, pk: int) -> ProgressReport:
    report = (
        ProgressReport.objects.select_related("task__plan__unit", "task__lead_unit")
        .filter(pk=pk)
        .first()
    )
    if report is None or not can_review_task(user, report.task):
        raise Http404
    return report


def get_extension_for_reviewer(user: Any, pk: int) -> ExtensionRequest:
    extension = (
        ExtensionRequest.objects.select_related("task__plan__unit", "task__lead_unit")
        .filter(pk=pk)
        .first()
    )
    if extension is None or not can_review_task(user, extension.task):
        raise Http404
    return extension


def reviewed_by(user: Any) -> Q:
    """can_review_task as a filter on reports or extension requests (field `task`): all of them
    for city administrators, else those of plans of a unit where the user is focal point or
    head, or of one below it."""
    if user.is_city_admin:
        return Q()
    paths = [path for path, role in user.unit_roles if role in ASSIGNER_ROLES]
    # The plans in a subquery rather than joined: two tables fewer for PostgreSQL's planner to
    # order beside the lists' own (the workspace's lists planned in 1.5–2.5 ms, issue #16).
    return Q(task__plan__in=Plan.objects.filter(in_subtrees(paths, "unit__path")))


def get_evidence_for_user(user: Any, pk: int) -> Evidence:
    """An evidence file of a task the user sees; otherwise 404."""
    evidence = Evidence.objects.select_related("report").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    get_task_for_user(user, evidence.report.task_id)
    return evidence

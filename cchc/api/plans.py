"""The plans' endpoints: plans, tasks with their progress reports (writes with a token only),
and the closed months' tallies; mounted by cchc.api.api."""

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from cchc.api.auth import TOKEN_ONLY
from cchc.api.common import TallyRowOut, ValidationErrorOut
from cchc.api.params import MONTH_PATTERN, BoundedPagination, Id, PathId, Year
from cchc.orgunits.models import OrgUnit
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
from cchc.plans.permissions import (
    can_edit_plan,
    can_report_task,
    get_plan_for_user,
    get_task_for_user,
)

# --- schemas (their class names are the OpenAPI component names) ---


class PlanOut(Schema):
    id: int
    year: int
    unit_id: int
    unit: str
    parent_id: int | None
    title: str
    document_number: str
    document_date: datetime.date | None
    signer: str
    status: str
    issued_at: datetime.datetime | None

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.unit.name)


class PlanDetailOut(PlanOut):
    task_count: int  # the tasks of this plan the caller sees
    can_edit: bool

    @staticmethod
    def resolve_task_count(obj: Any, context: dict[str, Any]) -> int:
        tasks = obj.tasks.all()
        user = context["request"].auth
        # As on the plan page: a unit that sees the plan only through its own unit plan sees
        # only its own tasks.
        return int((tasks if obj.unit.is_visible_to(user) else tasks.for_user(user)).count())

    @staticmethod
    def resolve_can_edit(obj: Any, context: dict[str, Any]) -> bool:
        return can_edit_plan(context["request"].auth, obj)


class TaskOut(Schema):
    id: int
    plan_id: int
    code: str
    title: str
    area: str  # the content area's code
    lead_unit_id: int
    lead_unit: str
    parent_id: int | None
    deadline: datetime.date
    original_deadline: datetime.date
    status: str  # derived: in_term, overdue, on_time, late, cancelled (Decision 42/2014)
    progress: int
    failed_reviews: int
    priority: str
    weight: float
    completed_on: datetime.date | None

    @staticmethod
    def resolve_area(obj: Any) -> str:
        return str(obj.area.code)

    @staticmethod
    def resolve_lead_unit(obj: Any) -> str:
        return str(obj.lead_unit.name)


class TaskDetailOut(TaskOut):
    description: str
    expected_output: str
    cooperating_unit_ids: list[int]
    responsible: str | None
    source: str
    source_ref: str
    implements_id: int | None
    cancelled_at: datetime.datetime | None
    cancel_reason: str
    can_report: bool

    @staticmethod
    def resolve_cooperating_unit_ids(obj: Any) -> list[int]:
        return sorted(unit.pk for unit in obj.cooperating_units.all())

    @staticmethod
    def resolve_responsible(obj: Any) -> str | None:
        return obj.responsible.get_full_name() if obj.responsible else None

    @staticmethod
    def resolve_can_report(obj: Any, context: dict[str, Any]) -> bool:
        return can_report_task(context["request"].auth, obj)


class ReportOut(Schema):
    id: int
    task_id: int
    author: str
    percent: int
    narrative: str
    is_completion: bool
    output: str
    status: str  # submitted, accepted, returned
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None
    return_reason: str
    evidence: list[str]  # file names; files are downloaded from the task page

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.author.get_full_name() or obj.author.username)

    @staticmethod
    def resolve_evidence(obj: Any) -> list[str]:
        return [item.original_name for item in obj.evidence.all()]


class ReportIn(Schema):
    # No bounds here: submit_report refuses out-of-range values with its own message.
    percent: int
    narrative: str
    is_completion: bool = False
    output: str = ""


class MonthOut(Schema):
    month: str  # YYYY-MM
    closed_at: datetime.datetime

    @staticmethod
    def resolve_month(obj: Any) -> str:
        return f"{obj.month:%Y-%m}"


router = Router()


# --- plans -----------------------------------------------------------------------------------


class PlanFilter(Schema):
    year: Year | None = None


@router.get("/plans", response=list[PlanOut], tags=["plans"], summary="List plans")
@paginate(BoundedPagination, page_size=50, max_page_size=500)
def list_plans(request: HttpRequest, filters: Query[PlanFilter]) -> QuerySet[Plan]:
    """Reform plans of the units the caller sees, and the city plans that their own unit plans
    concretise; newest year first. Filter by `year`."""
    visible = Plan.objects.for_user(request.auth)  # type: ignore[attr-defined]
    plans = Plan.objects.filter(pk__in=visible.values("pk")).select_related("unit")
    if filters.year is not None:
        plans = plans.filter(year=filters.year)
    return plans.order_by("-year", "unit__path", "pk")


@router.get("/plans/{plan_id}", response=PlanDetailOut, tags=["plans"], summary="Read a plan")
def read_plan(request: HttpRequest, plan_id: PathId) -> Plan:
    """One plan with the number of its tasks the caller sees and whether the caller may edit
    it; 404 when the caller may not see it, exactly as when it does not exist."""
    return get_plan_for_user(request.auth, plan_id)  # type: ignore[attr-defined]


# --- tasks -----------------------------------------------------------------------------------


class TaskFilter(Schema):
    plan: Id | None = None
    status: TaskStatus | None = None
    lead_unit: Id | None = None
    area: str | None = None


@router.get("/tasks", response=list[TaskOut], tags=["tasks"], summary="List tasks")
@paginate(BoundedPagination, page_size=50, max_page_size=500)
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


@router.get("/tasks/{task_id}", response=TaskDetailOut, tags=["tasks"], summary="Read a task")
def read_task(request: HttpRequest, task_id: PathId) -> Task:
    """One task with its derived status, current and original deadline (they differ after an
    approved extension), progress, failed quality reviews, cooperating units and whether the
    caller may report on it; 404 when the caller may not see it."""
    return get_task_for_user(request.auth, task_id, shown=True)  # type: ignore[attr-defined]


@router.get(
    "/tasks/{task_id}/reports",
    response=list[ReportOut],
    tags=["tasks"],
    summary="List a task's progress reports",
)
def list_reports(request: HttpRequest, task_id: PathId) -> QuerySet[ProgressReport]:
    """The progress reports of a task the caller sees, newest first, with their review status
    and the names of their evidence files; 404 when the caller may not see the task."""
    task = get_task_for_user(request.auth, task_id)  # type: ignore[attr-defined]
    return task.reports.select_related("author").prefetch_related("evidence")


@router.post(
    "/tasks/{task_id}/reports",
    response={201: ReportOut, 422: ValidationErrorOut},
    auth=TOKEN_ONLY,
    tags=["tasks"],
    summary="Submit a progress report",
)
def create_report(request: HttpRequest, task_id: PathId, payload: ReportIn) -> Status:
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


@router.get("/months", response=list[MonthOut], tags=["months"], summary="List closed months")
def list_months(request: HttpRequest) -> QuerySet[MonthClose]:
    """The closed months, newest first. A reopened month is left out until it is closed
    again: its tally is being recomputed."""
    return MonthClose.objects.filter(is_open=False).order_by("-month")


class TallyFilter(Schema):
    scope: TallyRow.Scope | None = None


@router.get(
    "/months/{month}/tally",
    response=list[TallyRowOut],
    tags=["months"],
    summary="Read a closed month's tally",
)
@paginate(BoundedPagination, page_size=100, max_page_size=1000)
def month_tally(
    request: HttpRequest,
    filters: Query[TallyFilter],
    month: str = Path(..., pattern=MONTH_PATTERN, examples=["2026-03"]),
) -> QuerySet[TallyRow]:
    """The frozen tally of a closed month (`month` as YYYY-MM), the plan year to date:
    assigned, due in the month, on time, late, in term, overdue, the completion rate
    (completed ÷ due, the headline), the on-time and quality rates (percent, two decimals,
    half-up; null when nothing was due), and apart `carried_over`, the earlier years' tasks
    still unfinished at the month's end. Filter by `scope` (city, unit,
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

import datetime
from typing import Any

from ninja import Schema

from cchc.plans.permissions import can_edit_plan, can_report_task


class UnitOut(Schema):
    id: int
    code: str
    legacy: bool
    kind: str
    name: str
    short_name: str
    parent_id: int | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    is_demo: bool


class UnitDetailOut(UnitOut):
    path: str
    children_count: int
    successor_ids: list[int]
    predecessor_ids: list[int]


class MeOut(Schema):
    username: str
    full_name: str
    is_city_admin: bool
    memberships: list[dict[str, str | int]]


class ErrorOut(Schema):
    detail: str


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


class TallyRowOut(Schema):
    scope: str  # city, unit, area, person
    label: str
    unit_id: int | None
    area: str | None  # the content area's code
    person_id: int | None
    assigned: int
    due_in_month: int
    on_time: int
    late: int
    in_term: int
    overdue: int
    due: int
    on_time_rate: float | None
    reviewed: int
    reviews_passed: int
    quality_rate: float | None
    reported_in_month: bool

    @staticmethod
    def resolve_area(obj: Any) -> str | None:
        return obj.area.code if obj.area_id else None


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]

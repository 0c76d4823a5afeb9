"""The schemas several endpoints share (units, refusals, a tally row); each app's own schemas
sit beside its router in cchc/api/<app>.py. The class names are the OpenAPI component names:
they stay unique across the API."""

import datetime
from typing import Any

from ninja import Schema


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


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


class RefusalOut(Schema):
    detail: str


class UnitRefOut(Schema):
    id: int
    code: str
    name: str


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
    due: int  # on time + late + overdue: the base of both rates
    completed: int  # on time + late
    # Percent to two decimals, rounded half-up; null when nothing was due (never 100).
    completion_rate: float | None  # completed ÷ due: the headline rate
    on_time_rate: float | None
    reviewed: int
    reviews_passed: int
    quality_rate: float | None
    # Earlier years' tasks still unfinished at the month's end: outside every figure above.
    carried_over: int
    reported_in_month: bool

    @staticmethod
    def resolve_area(obj: Any) -> str | None:
        return obj.area.code if obj.area_id else None

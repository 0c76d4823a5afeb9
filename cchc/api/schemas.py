import datetime

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

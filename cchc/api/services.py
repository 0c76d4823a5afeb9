"""The service index endpoints of the JSON API (/api/v1/services/), mounted by cchc.api.api.

Daily pushes from the provincial one-stop system: `POST dossiers` and `POST feedback` take rows
in the import format (docs/domain/service-index.md), all or nothing, for a city administrator's
token; a refused push answers 422 with every row's errors. `GET index` gives a month's scores of
the units the caller sees. Schemas live here (one router module per app)."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from cchc.api.auth import API_AUTH
from cchc.api.common import ValidationErrorOut
from cchc.services.imports import ImportRefused, import_source, json_source
from cchc.services.models import ImportRun
from cchc.services.permissions import can_manage_index
from cchc.services.queries import scores

router = Router(auth=API_AUTH, tags=["services"])
MAX_PUSH_ROWS = 50_000


class PushIn(Schema):
    rows: list[dict[str, Any]]


class PushOut(Schema):
    rows: int
    created: int
    updated: int


class ScoreOut(Schema):
    code: str
    name: str
    dossiers: int
    rates: dict[str, str | None]
    groups: dict[str, str | None]
    total_points: str | None


class IndexOut(Schema):
    month: str
    units: list[ScoreOut]


def _push(request: HttpRequest, body: PushIn, kind: str) -> Status:
    user = request.auth  # type: ignore[attr-defined]
    if not can_manage_index(user):
        raise PermissionDenied
    if len(body.rows) > MAX_PUSH_ROWS:
        raise HttpError(413, f"at most {MAX_PUSH_ROWS} rows per push")
    try:
        run = import_source(json_source(body.rows), kind, name=f"api:{kind}", actor=user)
    except ImportRefused as refused:
        # The shape of every 422 of the API (ValidationErrorOut): the row's index and column
        # located under `rows`.
        detail = [
            {"type": "refused", "loc": ["body", "rows", row, column], "msg": message}
            for row, column, message in refused.run.errors
        ]
        return Status(422, {"detail": detail})
    return Status(200, {"rows": run.rows, "created": run.created, "updated": run.updated})


@router.post("/dossiers", response={200: PushOut, 422: ValidationErrorOut})
def push_dossiers(request: HttpRequest, body: PushIn) -> Status:
    """Import dossiers (upserted by `ma_ho_so`); the open months they touch are recomputed."""
    return _push(request, body, ImportRun.Kind.DOSSIERS)


@router.post("/feedback", response={200: PushOut, 422: ValidationErrorOut})
def push_feedback(request: HttpRequest, body: PushIn) -> Status:
    """Import feedback (upserted by `ma_pakn`)."""
    return _push(request, body, ImportRun.Kind.FEEDBACK)


@router.get("/index", response=IndexOut)
def month_index(request: HttpRequest, month: str) -> dict[str, Any]:
    """The month's (YYYY-MM) scores of the units the caller sees, best first."""
    try:
        first = datetime.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise HttpError(422, "month as YYYY-MM") from None
    rows = scores(first, request.auth)  # type: ignore[attr-defined]
    units = [
        {
            "code": s.unit.code,
            "name": s.unit.name,
            "dossiers": s.handled,
            "rates": s.rates,
            "groups": s.groups,
            "total_points": None if s.total_points is None else str(s.total_points),
        }
        for s in rows
    ]
    return {"month": month, "units": units}

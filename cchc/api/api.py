"""The JSON API (/api/v1/): the same permissions as the pages, via OrgUnit.objects.visible_to.

Reads accept a token or the browser session; writes (POST) accept only a token, so a page on
another site cannot make a signed-in browser write through the API. Writes go through the same
actions as the pages; an action's ValidationError comes back as 422 with its messages.
"""

import logging

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.pagination import paginate

from cchc.api import openapi
from cchc.api.auth import API_AUTH
from cchc.api.common import (
    MeOut,
    UnitDetailOut,
    UnitOut,
)
from cchc.api.params import BoundedPagination, Id, PathId
from cchc.orgunits.models import OrgUnit, OrgUnitQuerySet
from cchc.orgunits.permissions import get_unit_for_user

logger = logging.getLogger(__name__)
openapi.install()

api = NinjaAPI(
    title="CCHC API",
    version="1",
    description=(
        "JSON API of the CCHC platform. Authenticate with a personal token "
        "(`Authorization: Bearer <key>`, created on the API tokens page) or a browser session. "
        "Every endpoint returns only the units the user may see."
    ),
    urls_namespace="api-v1",
    auth=API_AUTH,
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """An action's refusal: 422 in the shape of ninja's own input errors, with the message."""
    if hasattr(error, "error_dict"):
        items = [
            (["body"] if name == NON_FIELD_ERRORS else ["body", name], message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        items = [(["body"], message) for message in error.messages]
    detail = [{"type": "refused", "loc": loc, "msg": msg} for loc, msg in items]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(SuspiciousOperation)
def bad_request(request: HttpRequest, error: SuspiciousOperation) -> HttpResponse:
    """A body too large (413) or with too many fields, or another malformed request (400)."""
    if isinstance(error, RequestDataTooBig):
        message, status = _("The request body is too large."), 413
    else:
        message, status = _("The request is malformed."), 400
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(Exception)
def server_error(request: HttpRequest, error: Exception) -> HttpResponse:
    """Any other error: logged (and signalled, as Django does for a page) and answered as JSON,
    never as an HTML page or a traceback, whatever DEBUG says."""
    logger.error("API error on %s", request.path, exc_info=error)
    got_request_exception.send(sender=None, request=request)
    return api.create_response(
        request,
        {"detail": _("Server error. The error was logged; please try again later.")},
        status=500,
    )


class UnitFilter(Schema):
    kind: OrgUnit.Kind | None = None
    parent: Id | None = None
    province: str | None = None
    q: str | None = None
    include_ended: bool = False


def filter_units(units: OrgUnitQuerySet, filters: UnitFilter) -> OrgUnitQuerySet:
    if not filters.include_ended:
        units = units.current()
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.parent is not None:
        units = units.filter(parent_id=filters.parent)
    if filters.province:
        units = units.filter(path__subtree=f"/{filters.province}/", legacy=False)
    if filters.q:
        units = units.search(filters.q)
    return units


@api.get("/units", response=list[UnitOut], tags=["units"], summary="List units")
@paginate(BoundedPagination, page_size=50, max_page_size=500)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> OrgUnitQuerySet:
    """Units visible to the caller, filtered by kind, parent id, province code or text."""
    visible = OrgUnit.objects.visible_to(request.auth)  # type: ignore[attr-defined]
    return filter_units(visible, filters).order_by("path")


@api.get("/units/{unit_id}", response={200: UnitDetailOut}, tags=["units"], summary="Read a unit")
def read_unit(request: HttpRequest, unit_id: PathId) -> dict:
    """One unit with its children count and successor/predecessor links; 404 when the caller
    may not see it, exactly as when it does not exist."""
    unit = get_unit_for_user(request.auth, unit_id)  # type: ignore[attr-defined]
    return {
        **UnitOut.from_orm(unit).dict(),
        "path": unit.path,
        "children_count": unit.children.count(),
        "successor_ids": list(unit.successors.values_list("id", flat=True)),
        "predecessor_ids": list(unit.predecessors.values_list("id", flat=True)),
    }


@api.get("/me", response=MeOut, tags=["accounts"], summary="The caller")
def me(request: HttpRequest) -> dict:
    user = request.auth  # type: ignore[attr-defined]
    return {
        "username": user.username,
        "full_name": user.full_name,
        "is_city_admin": user.is_city_admin,
        "memberships": [
            {"unit_id": m.unit_id, "unit": m.unit.name, "role": m.role}
            for m in user.memberships.select_related("unit")
        ],
    }


# Each module's endpoints are in a router module of their own (full paths).
from cchc.api import dialogues as dialogues_api  # noqa: E402
from cchc.api import indices as indices_api  # noqa: E402
from cchc.api import inspections as inspections_api  # noqa: E402
from cchc.api import plans as plans_api  # noqa: E402
from cchc.api import procedures as procedures_api  # noqa: E402
from cchc.api import ratings as ratings_api  # noqa: E402
from cchc.api import reports as reports_api  # noqa: E402
from cchc.api import services as services_api  # noqa: E402
from cchc.api import staffing as staffing_api  # noqa: E402
from cchc.api import surveys as surveys_api  # noqa: E402

api.add_router("", plans_api.router)
api.add_router("", ratings_api.router)
api.add_router("", indices_api.router)
api.add_router("", surveys_api.router)
api.add_router("", dialogues_api.router)
api.add_router("", inspections_api.router)
api.add_router("/procedures/", procedures_api.router)
api.add_router("/staffing/", staffing_api.router)
api.add_router("", reports_api.router)
api.add_router("/services/", services_api.router)

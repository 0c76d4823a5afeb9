"""The periodic PAR report endpoints of the JSON API (/api/v1/reports/periodic/), mounted by
cchc.api.api. Schemas live here.

The same scoping and rules as the pages: a report of a unit the caller does not see is 404; the
city's consolidation is for callers who see the city; submitting, accepting and returning go
through the same actions (token authentication only), a refusal is a 422.
"""

from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema

from cchc.api.auth import API_AUTH, TOKEN_ONLY
from cchc.api.params import PathId
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.queries import home_province
from cchc.reports import actions, document
from cchc.reports.models import PeriodicReport, ReportPeriod
from cchc.reports.permissions import can_decide_report, can_edit_report, get_report_for_user

router = Router(auth=API_AUTH, tags=["periodic reports"])
Number = int | float | None


class ReportListOut(Schema):
    id: int
    unit: str
    unit_name: str
    year: int
    period: str
    status: str


class SectionOut(Schema):
    code: str
    title: str
    figures: dict[str, Number]
    text: str


class ReportDocumentOut(Schema):
    year: int
    period: str
    unit: str | None
    status: str | None
    from_: str = Field(..., alias="from")
    to: str
    due: str
    internal_due: str
    sections: list[SectionOut]
    annex: dict[str, Number]


class ReturnIn(Schema):
    reason: str


class VersionIn(Schema):
    version: int


def _user(request: HttpRequest) -> Any:
    """The authenticated caller (set by the API's authentication)."""
    return request.auth  # type: ignore[attr-defined]


def _out(data: document.ReportData) -> dict:
    return data.as_json()


@router.get("/reports/periodic/", response=list[ReportListOut], summary="Periodic reports")
def report_list(request: HttpRequest) -> list[dict]:
    """The periodic reports of the units the caller sees, newest first (at most 1,000)."""
    reports = (
        PeriodicReport.objects.for_user(_user(request))
        .select_related("unit", "period")
        .order_by("-year", "-period__order", "unit__path")[:1000]
    )
    return [report_list_item(r) for r in reports]


@router.get(
    "/reports/periodic/{report_id}/",
    response=ReportDocumentOut,
    by_alias=True,
    summary="A periodic report",
)
def report_detail(request: HttpRequest, report_id: PathId) -> dict:
    """The report as `manage.py par_report --json` gives it: window, sections with figures and
    text, and the annex (indicator code → value)."""
    return _out(document.build(get_report_for_user(_user(request), report_id)))


@router.get(
    "/reports/periodic/city/{year}/{period}/",
    response=ReportDocumentOut,
    by_alias=True,
    summary="The city's periodic report",
)
def city_report(
    request: HttpRequest,
    year: Annotated[int, Path(..., ge=2000, le=2100)],
    period: str,
) -> dict:
    """The city's report of `year` and `period` (q1, h1, q3, year): the stored one, or assembled
    from the units' accepted reports. For callers who see the city."""
    city = home_province()
    if city is None or not OrgUnit.objects.visible_to(_user(request)).filter(pk=city.pk).exists():
        raise Http404
    chosen = get_object_or_404(ReportPeriod, code=period)
    stored = PeriodicReport.objects.filter(unit=city, year=year, period=chosen).first()
    data = document.build(stored) if stored else document.build_consolidated(year, chosen)
    return _out(data)


def _decided(request: HttpRequest, report_id: int) -> PeriodicReport:
    report = get_report_for_user(_user(request), report_id)
    if not can_decide_report(_user(request), report):
        raise Http404
    return report


@router.post(
    "/reports/periodic/{report_id}/submit/",
    response=ReportListOut,
    auth=TOKEN_ONLY,
    summary="Submit a periodic report",
)
def submit(request: HttpRequest, report_id: PathId, payload: VersionIn) -> dict:
    """Submit a draft or returned report (the version the caller read)."""
    report = get_report_for_user(_user(request), report_id)
    if not can_edit_report(_user(request), report):
        raise Http404
    actions.submit_report(report, actor=_user(request), version=payload.version)
    return report_list_item(report)


@router.post(
    "/reports/periodic/{report_id}/accept/",
    response=ReportListOut,
    auth=TOKEN_ONLY,
    summary="Accept a unit's report",
)
def accept(request: HttpRequest, report_id: PathId) -> dict:
    """Accept a submitted unit report (the Department of Home Affairs)."""
    report = _decided(request, report_id)
    actions.accept_report(report, actor=_user(request))
    return report_list_item(report)


@router.post(
    "/reports/periodic/{report_id}/return/",
    response=ReportListOut,
    auth=TOKEN_ONLY,
    summary="Return a unit's report",
)
def return_(request: HttpRequest, report_id: PathId, payload: ReturnIn) -> dict:
    """Return a submitted unit report with a reason."""
    report = _decided(request, report_id)
    actions.return_report(report, actor=_user(request), reason=payload.reason)
    return report_list_item(report)


def report_list_item(report: PeriodicReport) -> dict:
    return {
        "id": report.pk,
        "unit": report.unit.code,
        "unit_name": report.unit.name,
        "year": report.year,
        "period": report.period.code,
        "status": report.status,
    }

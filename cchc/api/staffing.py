"""The staffing endpoints of the JSON API (/api/v1/staffing/), mounted by cchc.api.api.

The same scoping as the pages: the summary rolls up the units the caller sees
(OrgUnit.objects.visible_to), and a unit the caller does not see is 404. The figure compared is
the assigned posts (biên chế giao); percentages have two decimals.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from cchc.api.auth import API_AUTH
from cchc.api.params import PathId
from cchc.orgunits.models import OrgUnit
from cchc.staffing.permissions import get_unit_for_user
from cchc.staffing.queries import history, summary, years_with_figures

router = Router(auth=API_AUTH, tags=["staffing"])


class ReductionOut(Schema):
    baseline: int
    year: int
    reduction: int
    percent: float | None


class SummaryUnitOut(Schema):
    id: int
    code: str
    name: str
    depth: int
    civil: ReductionOut
    public: ReductionOut


class SummaryTotalOut(Schema):
    civil: ReductionOut
    public: ReductionOut


class TargetsOut(Schema):
    civil: float
    public: float


class SummaryOut(Schema):
    year: int
    baseline_year: int
    targets: TargetsOut  # percent, per kind, of the policy period containing the year
    target_percent: float  # the civil-servant target (kept for older clients)
    public_compared: str  # "all" or "budget-paid" (Conclusion 40-KL/TW)
    source: str
    compared: str
    units: list[SummaryUnitOut]
    total: SummaryTotalOut
    not_reported: list[str]  # codes of units with a baseline but no figures for the year
    shares_to_confirm: list[str]  # codes of former units split by unconfirmed equal shares


class HistoryYearOut(Schema):
    year: int
    civil_assigned: int
    civil_actual: int | None
    public_assigned: int
    public_budget_assigned: int
    public_actual: int | None
    baseline_year: int
    targets: TargetsOut
    civil: ReductionOut
    public: ReductionOut


class HistoryOut(Schema):
    unit_id: int
    code: str
    name: str
    current: bool
    years: list[HistoryYearOut]


@router.get("/summary", response=SummaryOut, summary="Headcount reduction of a year")
def read_summary(
    request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)
) -> dict[str, Any]:
    """Assigned posts of `year` (default: the latest year with figures) against the baseline
    year, per current unit the caller sees (rolled up over the unit tree; merged units count in
    their successors by their shares) and in total, with the baseline year and the targets of
    the policy period containing `year`."""
    if year is None:
        years = years_with_figures()
        year = years[0] if years else timezone.localdate().year
    units = OrgUnit.objects.visible_to(request.auth)  # type: ignore[attr-defined]
    return summary(units, year).as_dict()


@router.get("/units/{unit_id}/history", response=HistoryOut, summary="Headcount of a unit by year")
def read_history(request: HttpRequest, unit_id: PathId) -> dict[str, Any]:
    """Every year with figures for the unit (its subtree and the units merged into it), each
    compared with the baseline year of its policy period. 404 for a unit the caller does not
    see."""
    unit = get_unit_for_user(request.auth, unit_id)  # type: ignore[attr-defined]
    return {
        "unit_id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "current": unit.is_current,
        "years": [
            {
                "year": y.year,
                "civil_assigned": y.figures.civil_assigned,
                "civil_actual": y.figures.civil_actual,
                "public_assigned": y.figures.public_assigned,
                "public_budget_assigned": y.figures.public_budget_assigned,
                "public_actual": y.figures.public_actual,
                "baseline_year": y.rule.baseline_year,
                "targets": y.rule.targets(),
                "civil": y.civil.as_dict(),
                "public": y.public.as_dict(),
            }
            for y in history(unit)
        ],
    }

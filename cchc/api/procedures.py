"""The procedures endpoints of the JSON API (/api/v1/procedures/), mounted by cchc.api.api.

The same permissions as the pages (cchc.procedures.permissions): the catalogue is scoped to the
procedures a unit the caller sees implements (everything for city administrators); a record the
caller may not see is 404. The compliance cost is the plan page's calculation (`scoring`), VND
as integers and the cut as a string with two decimals ("33.67").
"""

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from cchc.api.auth import API_AUTH
from cchc.api.params import BoundedPagination, Id, PathId
from cchc.orgunits.models import OrgUnit
from cchc.procedures import queries
from cchc.procedures.actions import plan_comparison
from cchc.procedures.forms import CatalogueFilterForm
from cchc.procedures.models import Procedure
from cchc.procedures.permissions import get_plan_for_user, get_procedure_for_user
from cchc.procedures.scoring import CITY_TARGET_CUT, Cost

router = Router(auth=API_AUTH, tags=["procedures"])


class DocumentOut(Schema):
    name: str
    originals: int
    copies: int


class ProcedureOut(Schema):
    id: int
    code: str
    name: str
    field: str
    level: str
    status: str
    processing_days: float
    fees: int
    online_level: str
    version: int
    unit_ids: list[int]

    @staticmethod
    def resolve_unit_ids(obj: Any) -> list[int]:
        if isinstance(obj, dict):
            return obj["unit_ids"]
        return [unit.pk for unit in obj.units.all()]


class VersionOut(Schema):
    number: int
    changed: list[str]
    created_at: datetime.datetime
    data: dict[str, Any]


class PlanSummaryOut(Schema):
    id: int
    year: int
    unit_id: int
    status: str
    saving: int
    cut_pct: str


class WorkflowSummaryOut(Schema):
    id: int
    unit_id: int
    version: int
    status: str
    total_hours: float
    decision_number: str
    decision_date: datetime.date | None


class ProcedureDetailOut(ProcedureOut):
    fee_text: str
    documents: list[DocumentOut]
    legal_basis: str
    effective_from: datetime.date | None
    effective_to: datetime.date | None
    versions: list[VersionOut]
    plans: list[PlanSummaryOut]
    workflows: list[WorkflowSummaryOut]


class CostOut(Schema):
    hours: str
    hourly_value: int
    work: int
    fees: int
    other: int
    one: int
    times_per_year: int
    subjects: int
    yearly: int


class ComplianceCostOut(Schema):
    plan_id: int
    procedure_code: str
    status: str
    before: int
    after: int
    saving: int
    cut_pct: str
    steps: dict[str, CostOut]


class TallyOut(Schema):
    label: str
    reviewed: int
    abolished: int
    plans_approved: int
    workflows_approved: int
    yearly_saving: int
    cut_pct: str | None


class OverviewOut(Schema):
    year: int
    target_cut_pct: str
    total: TallyOut
    years: list[TallyOut]
    units: list[TallyOut]
    fields: list[TallyOut]


class TargetPctOut(Schema):
    time: float
    cost: float


class FiguresOut(Schema):
    days: float
    cost: int


class TargetUnitOut(Schema):
    id: int
    name: str
    procedures: int
    baseline: FiguresOut
    current: FiguresOut
    time_cut_pct: float | None
    cost_cut_pct: float | None


class LaggingOut(Schema):
    code: str
    name: str
    time_cut_pct: float | None
    cost_cut_pct: float | None
    time_shortfall_days: float
    cost_shortfall: int


class TargetsOut(Schema):
    year: int
    baseline_year: int
    target_pct: TargetPctOut
    scope: str  # "business" (related to production and business) or "all"
    source: str
    time_cut_pct: float | None
    cost_cut_pct: float | None
    time_met: bool | None
    cost_met: bool | None
    procedures_in_scope: int
    without_baseline: int
    baseline: FiguresOut
    current: FiguresOut
    units: list[TargetUnitOut]
    lagging: list[LaggingOut]


class ProcedureFilter(Schema):
    q: str | None = None
    field: str | None = None
    level: Procedure.Level | None = None
    unit: Id | None = None


def _procedure(p: Procedure) -> dict[str, Any]:
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "field": p.field,
        "level": p.level,
        "status": p.status,
        "processing_days": float(p.processing_days),
        "fees": p.fees,
        "online_level": p.online_level,
        "version": p.version,
        "unit_ids": [unit.pk for unit in p.units.all()],
    }


@router.get("", response=list[ProcedureOut], summary="List procedures")
@paginate(BoundedPagination, page_size=50, max_page_size=500)
def list_procedures(request: HttpRequest, filters: Query[ProcedureFilter]) -> QuerySet[Procedure]:
    """The catalogue the caller sees, by code. Filter by `q` (code or name, accents ignored),
    `field`, `level` and `unit` (an implementing unit's id)."""
    user = request.auth  # type: ignore[attr-defined]
    procedures = Procedure.objects.for_user(user)
    data = {k: v for k, v in filters.dict().items() if v is not None}
    form = CatalogueFilterForm(
        data, fields=[data.get("field", "")], units=OrgUnit.objects.visible_to(user)
    )
    if not form.is_valid():  # a unit the caller does not see, an unknown level
        return Procedure.objects.none()
    rows = form.apply(procedures).prefetch_related(
        Prefetch("units", OrgUnit.objects.only("pk").order_by("path"))
    )
    return rows.order_by("code")


@router.get("/overview", response=OverviewOut, summary="Procedure figures of a year")
def read_overview(
    request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)
) -> dict[str, Any]:
    """Procedures reviewed, abolished, simplification plans and workflows approved and the
    yearly saving (VND) with the cut, per year, unit and field, for the units the caller sees;
    `year` defaults to the current one."""
    user = request.auth  # type: ignore[attr-defined]
    year = year or datetime.date.today().year
    figures = queries.breakdown(user, year)
    return {
        "year": year,
        "target_cut_pct": f"{CITY_TARGET_CUT:.2f}",
        "total": _tally(figures.total),
        "years": [_tally(t) for t in queries.per_year(user).values()],
        "units": [_tally(t) for t in figures.units],
        "fields": [_tally(t) for t in figures.fields],
    }


@router.get(
    "/targets", response={200: TargetsOut, 404: dict}, summary="Cut against the year's target"
)
def read_targets(request: HttpRequest, year: int = Query(..., ge=2000, le=2100)) -> Status:
    """The processing time and compliance cost cut in `year` over every procedure in scope the
    caller sees (Resolution 66/NQ-CP: those related to production and business, against their
    baseline figures), in total and per implementing unit, with the year's targets and the
    procedures furthest from them. 404 when the year has no target."""
    progress = queries.target_progress(request.auth, year)  # type: ignore[attr-defined]
    if progress is None:
        return Status(404, {"detail": f"No procedure target for {year}."})
    return Status(200, progress.as_dict())


def _tally(t: queries.Tally) -> dict[str, Any]:
    return {
        "label": t.label,
        "reviewed": t.reviewed,
        "abolished": t.abolished,
        "plans_approved": t.plans,
        "workflows_approved": t.workflows,
        "yearly_saving": t.saving,
        "cut_pct": None if t.cut_pct is None else str(t.cut_pct),
    }


@router.get(
    "/plans/{plan_id}/compliance-cost",
    response=ComplianceCostOut,
    summary="Compliance cost of a simplification plan",
)
def read_compliance_cost(request: HttpRequest, plan_id: PathId) -> dict[str, Any]:
    """Article 27 of Circular 02/2017/TT-VPCP on the plan's figures, step by step, with the
    hourly value the plan was priced at; 404 when the caller may not see the plan."""
    plan = get_plan_for_user(request.auth, plan_id)  # type: ignore[attr-defined]
    result = plan_comparison(plan)
    return {
        "plan_id": plan.pk,
        "procedure_code": plan.procedure.code,
        "status": plan.status,
        **result.as_dict(),
        "steps": {"before": _cost(result.before), "after": _cost(result.after)},
    }


def _cost(cost: Cost) -> dict[str, Any]:
    return {**cost.__dict__, "hours": str(cost.hours)}


@router.get("/{procedure_id}", response=ProcedureDetailOut, summary="Read a procedure")
def read_procedure(request: HttpRequest, procedure_id: PathId) -> dict[str, Any]:
    """One procedure with its documents, versions, and the plans and workflows of the units
    the caller sees; 404 when the caller may not see it, exactly as when it does not exist."""
    user = request.auth  # type: ignore[attr-defined]
    procedure = get_procedure_for_user(user, procedure_id)
    plans = procedure.simplification_plans.order_by("-year", "pk")
    workflows = procedure.workflows.order_by("unit__path", "-version")
    if not user.is_city_admin:
        visible = OrgUnit.objects.visible_to(user)
        plans, workflows = plans.filter(unit__in=visible), workflows.filter(unit__in=visible)
    return {
        **_procedure(procedure),
        "fee_text": procedure.fee_text,
        "documents": procedure.documents,
        "legal_basis": procedure.legal_basis,
        "effective_from": procedure.effective_from,
        "effective_to": procedure.effective_to,
        "versions": list(procedure.versions.order_by("-number")),
        "plans": [
            {
                "id": p.pk,
                "year": p.year,
                "unit_id": p.unit_id,
                "status": p.status,
                "saving": p.saving,
                "cut_pct": str(p.cut_pct),
            }
            for p in plans
        ],
        "workflows": [
            {
                "id": w.pk,
                "unit_id": w.unit_id,
                "version": w.version,
                "status": w.status,
                "total_hours": float(w.total_hours),
                "decision_number": w.decision_number,
                "decision_date": w.decision_date,
            }
            for w in workflows
        ],
    }

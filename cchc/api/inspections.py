"""The inspections' endpoints (scoped like the inspection pages), mounted by cchc.api.api."""

import datetime
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from cchc.api.params import BoundedPagination, Id, PathId, Year
from cchc.inspections.models import Inspection, Recommendation, Target, TeamMember
from cchc.inspections.permissions import (
    can_manage_inspection,
    get_inspection_for_user,
    visible_findings,
)
from cchc.inspections.queries import open_recommendations
from cchc.orgunits.models import OrgUnit

# --- schemas (their class names are the OpenAPI component names) ---


# --- inspections ---


class InspectionFields(Schema):
    id: int
    title: str
    kind: str  # planned, surprise, incognito
    status: str  # planned, in_progress, concluded
    unit_id: int  # the inspecting unit
    unit: str
    plan_id: int | None
    decision_number: str
    decision_date: datetime.date
    decision_signer: str
    start_date: datetime.date
    end_date: datetime.date
    target_unit_ids: list[int]
    findings: int  # the findings the caller sees (on the list: all findings)


class InspectionOut(InspectionFields):
    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.unit.name)

    @staticmethod
    def resolve_target_unit_ids(obj: Any) -> list[int]:
        return [target.unit_id for target in obj.targets.all()]

    @staticmethod
    def resolve_findings(obj: Any) -> int:
        return int(getattr(obj, "finding_count", 0))


class InspectionTeamMemberOut(Schema):
    name: str
    user_id: int | None
    role: str  # head, deputy, member
    position: str


class InspectionFindingOut(Schema):
    id: int
    unit_id: int
    unit: str
    item: str  # the checklist item's code
    severity: str  # minor, moderate, serious
    description: str
    person_id: int | None
    against_head: bool
    observed_at: datetime.datetime
    files: int


class InspectionConclusionOut(Schema):
    number: str
    date: datetime.date
    signer: str
    text: str
    issued_at: datetime.datetime


class InspectionRecommendationOut(Schema):
    id: int
    reference: str  # KTCV-<inspection>-KN<n>, also the remediation task's code
    inspection_id: int
    conclusion_number: str
    text: str
    unit_id: int
    unit: str
    person_id: int | None
    deadline: datetime.date
    status: str  # open, remedied, partly, not_remedied
    days_overdue: int
    task_id: int | None

    @staticmethod
    def resolve_reference(obj: Any) -> str:
        return str(obj.reference)

    @staticmethod
    def resolve_inspection_id(obj: Any) -> int:
        return int(obj.conclusion.inspection_id)

    @staticmethod
    def resolve_conclusion_number(obj: Any) -> str:
        return str(obj.conclusion.number)

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.unit.name)

    @staticmethod
    def resolve_days_overdue(obj: Any) -> int:
        return int(obj.days_overdue())


class InspectionDetailOut(InspectionFields):
    checklist: list[str]  # checklist item codes
    team: list[InspectionTeamMemberOut]
    findings_list: list[InspectionFindingOut]
    conclusion: InspectionConclusionOut | None
    recommendations: list[InspectionRecommendationOut]


router = Router()


# --- inspections ---
# The same permissions as the inspection pages (cchc.inspections.permissions): a surprise
# inspection does not exist for its targets before it starts (an incognito one before it is
# concluded); inspected units see the findings and recommendations about their own units.


class InspectionFilter(Schema):
    year: Year | None = None
    kind: Inspection.Kind | None = None
    status: Inspection.Status | None = None


@router.get(
    "/inspections", response=list[InspectionOut], tags=["inspections"], summary="List inspections"
)
@paginate(BoundedPagination, page_size=50, max_page_size=500)
def list_inspections(
    request: HttpRequest, filters: Query[InspectionFilter]
) -> QuerySet[Inspection]:
    """Public-duty inspections the caller sees, latest start first. Filter by `year` (of the
    start), `kind` and `status`."""
    rows = Inspection.objects.for_user(request.auth)  # type: ignore[attr-defined]
    if filters.year is not None:
        rows = rows.filter(start_date__year=filters.year)
    if filters.kind is not None:
        rows = rows.filter(kind=filters.kind)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    return (
        rows.select_related("unit")
        .prefetch_related(Prefetch("targets", Target.objects.order_by("unit__path")))
        .annotate(finding_count=Count("findings", distinct=True))
        .order_by("-start_date", "-pk")
    )


@router.get(
    "/inspections/{inspection_id}",
    response=InspectionDetailOut,
    tags=["inspections"],
    summary="Read an inspection",
)
def read_inspection(request: HttpRequest, inspection_id: PathId) -> dict[str, Any]:
    """One inspection with its team, scope, the findings and recommendations the caller sees;
    404 when the caller may not see it, exactly as when it does not exist."""
    user = request.auth  # type: ignore[attr-defined]
    inspection = get_inspection_for_user(user, inspection_id)
    findings = list(
        visible_findings(user, inspection)
        .select_related("unit", "item")
        .annotate(file_count=Count("files"))
        .order_by("unit__path", "observed_at", "pk")
    )
    conclusion = getattr(inspection, "conclusion", None) if inspection.is_concluded else None
    recommendations: list[Recommendation] = []
    if conclusion is not None:
        recs = conclusion.recommendations.select_related("unit", "conclusion")
        if not can_manage_inspection(user, inspection):
            recs = recs.filter(unit__in=OrgUnit.objects.visible_to(user))
        recommendations = list(recs)
    targets = list(inspection.targets.order_by("unit__path"))
    team = sorted(
        inspection.team.select_related("user"),
        key=lambda m: (TeamMember.ROLE_ORDER[TeamMember.Role(m.role)], m.pk),
    )
    return {
        "id": inspection.pk,
        "title": inspection.title,
        "kind": inspection.kind,
        "status": inspection.status,
        "unit_id": inspection.unit_id,
        "unit": inspection.unit.name,
        "plan_id": inspection.plan_id,
        "decision_number": inspection.decision_number,
        "decision_date": inspection.decision_date,
        "decision_signer": inspection.decision_signer,
        "start_date": inspection.start_date,
        "end_date": inspection.end_date,
        "target_unit_ids": [t.unit_id for t in targets],
        "findings": len(findings),
        "checklist": list(inspection.checklist.values_list("code", flat=True)),
        "team": [
            {"name": m.display_name, "user_id": m.user_id, "role": m.role, "position": m.position}
            for m in team
        ],
        "findings_list": [
            {
                "id": f.pk,
                "unit_id": f.unit_id,
                "unit": f.unit.name,
                "item": f.item.code,
                "severity": f.severity,
                "description": f.description,
                "person_id": f.person_id,
                "against_head": f.against_head,
                "observed_at": f.observed_at,
                "files": f.file_count,
            }
            for f in findings
        ],
        "conclusion": conclusion,
        "recommendations": recommendations,
    }


@router.get(
    "/recommendations/open",
    response=list[InspectionRecommendationOut],
    tags=["inspections"],
    summary="List open inspection recommendations",
)
@paginate(BoundedPagination, page_size=100, max_page_size=1000)
def list_open_recommendations(
    request: HttpRequest, unit: Id | None = None
) -> QuerySet[Recommendation]:
    """Inspection recommendations not yet remedied (open, partly or not remedied at a
    re-inspection) that the caller sees, oldest deadline first, with the days overdue. Filter
    by `unit` (its subtree)."""
    user = request.auth  # type: ignore[attr-defined]
    # The rows are scoped already: an inspector filters by a unit they inspect, not their own.
    scope = None
    if unit is not None:
        scope = OrgUnit.objects.filter(pk=unit).first()
        if scope is None:
            raise Http404
    return open_recommendations(Recommendation.objects.for_user(user), unit=scope)

"""The inspections' endpoints (scoped like the inspection pages), mounted by cchc.api.api."""

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from cchc.api.params import BoundedPagination, Id, PathId, Year
from cchc.api.schemas import (
    InspectionDetailOut,
    InspectionOut,
    InspectionRecommendationOut,
)
from cchc.inspections.models import Inspection, Recommendation, Target, TeamMember
from cchc.inspections.permissions import (
    can_manage_inspection,
    get_inspection_for_user,
    visible_findings,
)
from cchc.inspections.queries import open_recommendations
from cchc.orgunits.models import OrgUnit

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

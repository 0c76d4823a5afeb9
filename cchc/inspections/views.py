"""Inspection pages: the list, creating one, its page (team, targets, findings recorded on a
phone), starting and concluding it, the minutes, re-inspection verdicts, the open
recommendations (with XLSX) and the overview.

Every view fetches through cchc.inspections.permissions: an inspection the user may not see is
404 (a surprise inspection not yet started does not exist for its targets); one they see but
may not act on is 403.
"""

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import member
from cchc.core.forms import add_action_error
from cchc.core.http import attachment, download
from cchc.inspections import exports, queries
from cchc.inspections.actions import (
    RecommendationInput,
    add_team_member,
    create_inspection,
    create_inspection_plan,
    issue_conclusion,
    record_finding,
    record_verdict,
    start_inspection,
)
from cchc.inspections.forms import (
    ConclusionForm,
    FindingForm,
    InspectionFilterForm,
    InspectionForm,
    InspectionPlanForm,
    OverviewForm,
    TeamMemberForm,
    VerdictForm,
    recommendation_formset,
)
from cchc.inspections.models import (
    Finding,
    Inspection,
    InspectionPlan,
    Recommendation,
    Target,
    TeamMember,
)
from cchc.inspections.permissions import (
    can_create_inspection,
    can_manage_inspection,
    can_record_finding,
    get_finding_file_for_user,
    get_inspection_for_user,
    inspecting_units,
    visible_findings,
)
from cchc.orgunits.models import OrgUnit

PDF_LIMIT = 2000  # rows in a printed list; the workbook has them all
PAGE_SIZE = 50


def _managed(request: AuthedRequest, pk: int) -> Inspection:
    """The inspection if the user sees it (else 404) and manages it (else 403)."""
    inspection = get_inspection_for_user(request.user, pk)
    if not can_manage_inspection(request.user, inspection):
        raise PermissionDenied
    return inspection


def _held(request: AuthedRequest, pk: int) -> Inspection:
    """A managed inspection that has been held (started or concluded): its minutes record what
    was found, so an inspection not yet held has none (404)."""
    inspection = _managed(request, pk)
    if inspection.status not in Inspection.STARTED:
        raise Http404
    return inspection


@member
@require_GET
def inspection_list(request: AuthedRequest) -> HttpResponse:
    form = InspectionFilterForm(request.GET or None)
    rows = form.apply(Inspection.objects.for_user(request.user))
    rows = (
        rows.select_related("unit")
        .prefetch_related(Prefetch("targets", Target.objects.select_related("unit")))
        .order_by("-start_date", "-pk")
    )
    if request.GET.get("format") in ("xlsx", "pdf"):
        return _inspections_export(rows, request.GET["format"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # Counted for the page's rows only: a COUNT joined over every inspection is the slow part.
    counts = dict(
        Finding.objects.filter(inspection__in=[i.pk for i in page])
        .order_by()
        .values_list("inspection_id")
        .annotate(n=Count("pk"))
    )
    for inspection in page:
        inspection.finding_count = counts.get(inspection.pk, 0)  # type: ignore[attr-defined]
    context = {"form": form, "page": page, "may_create": can_create_inspection(request.user)}
    if request.htmx:
        return render(request, "inspections/inspection_list.html#inspections", context)
    return render(request, "inspections/inspection_list.html", context)


def _inspections_export(rows: Any, extension: str) -> HttpResponse:
    rows = rows.annotate(finding_count=Count("findings", distinct=True))
    if extension == "xlsx":
        content = exports.inspections_xlsx(rows.iterator(chunk_size=2000))
    else:
        content = exports.inspections_pdf(list(rows[:PDF_LIMIT]))
    return attachment(content, f"kiem-tra-cong-vu-{timezone.localdate():%Y-%m-%d}.{extension}")


@member
@require_http_methods(["GET", "POST"])
def inspection_create(request: AuthedRequest) -> HttpResponse:
    if not can_create_inspection(request.user):
        raise PermissionDenied
    units = inspecting_units(request.user)
    form = InspectionForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = create_inspection(
                actor=request.user,
                unit=data["unit"],
                plan=data["plan"],
                title=data["title"],
                kind=data["kind"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                decision_signer=data["decision_signer"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                targets=list(data["targets"]),
                checklist=list(data["checklist"]),
                head=data["head"],
                target_persons=data["target_persons"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Inspection created."))
            return redirect(inspection)
    return render(request, "inspections/inspection_create.html", {"form": form})


def _findings_by_target(
    findings: Any, targets: list[Target], *, user: Any, manage: bool
) -> list[dict[str, Any]]:
    """The findings grouped by inspected unit, for the units whose findings `user` may read:
    another unit's group is left out, not shown as "no findings" (which may be untrue)."""
    if not manage:
        ids = [t.unit_id for t in targets]
        readable = set(
            OrgUnit.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        targets = [t for t in targets if t.unit_id in readable]
    by_unit: dict[int, list[Finding]] = {t.unit_id: [] for t in targets}
    for finding in findings:
        by_unit.setdefault(finding.unit_id, []).append(finding)
    return [{"target": t, "findings": by_unit[t.unit_id]} for t in targets]


@member
@require_GET
def inspection_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = get_inspection_for_user(request.user, pk)
    user = request.user
    manage = can_manage_inspection(user, inspection)
    targets = list(
        inspection.targets.select_related("unit").prefetch_related("persons").order_by("unit__path")
    )
    findings = (
        visible_findings(user, inspection)
        .select_related("item", "person", "created_by")
        .prefetch_related("files")
    )
    team = sorted(
        inspection.team.select_related("user"),
        key=lambda m: (TeamMember.ROLE_ORDER[TeamMember.Role(m.role)], m.pk),
    )
    conclusion = getattr(inspection, "conclusion", None) if inspection.is_concluded else None
    recommendations: list[Recommendation] = []
    if conclusion is not None:
        recs = conclusion.recommendations.select_related("unit", "person", "task", "conclusion")
        if not manage:
            recs = recs.filter(unit__in=OrgUnit.objects.visible_to(user))
        recommendations = list(recs)
    record = can_record_finding(user, inspection)
    context = {
        "inspection": inspection,
        "team": team,
        "targets": targets,
        "checklist": list(inspection.checklist.all()),
        "groups": _findings_by_target(findings, targets, user=user, manage=manage),
        "conclusion": conclusion,
        "recommendations": recommendations,
        "manage": manage,
        "may_record": record,
        "finding_form": FindingForm(inspection=inspection) if record else None,
        "team_form": TeamMemberForm() if manage and not inspection.is_concluded else None,
    }
    return render(request, "inspections/inspection_detail.html", context)


@member
@require_POST
def team_add(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = _managed(request, pk)
    form = TeamMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the team member's details."))
        return redirect(inspection)
    try:
        add_team_member(inspection, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Team member added."))
    return redirect(inspection)


@member
@require_POST
def inspection_start(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = _managed(request, pk)
    try:
        start_inspection(inspection, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Inspection started."))
    return redirect(inspection)


@member
@require_http_methods(["GET", "POST"])
def finding_add(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = get_inspection_for_user(request.user, pk)
    if not can_record_finding(request.user, inspection):
        raise PermissionDenied
    form = FindingForm(request.POST or None, request.FILES or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["files"] = data.pop("photos") or []
        try:
            record_finding(inspection, actor=request.user, **data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Finding saved."))
            return redirect(f"{inspection.get_absolute_url()}#findings")
    return render(
        request, "inspections/finding_form.html", {"inspection": inspection, "form": form}
    )


@member
@require_GET
def finding_file(request: AuthedRequest, pk: int) -> FileResponse:
    stored = get_finding_file_for_user(request.user, pk)
    return download(stored.file, stored.original_name)


def _recommendation_inputs(formset: Any) -> list[RecommendationInput]:
    return [
        RecommendationInput(
            text=form.cleaned_data["text"],
            unit=form.cleaned_data["unit"],
            person=form.cleaned_data["person"],
            deadline=form.cleaned_data["deadline"],
        )
        for form in formset.forms
        if form.has_changed() and form.cleaned_data
    ]


@member
@require_http_methods(["GET", "POST"])
def inspection_conclude(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = _managed(request, pk)
    if inspection.status != Inspection.Status.IN_PROGRESS:
        messages.error(request, _("Only an inspection in progress can be concluded."))
        return redirect(inspection)
    data = request.POST or None
    form = ConclusionForm(data)
    rows = int(request.GET["rows"]) if request.GET.get("rows", "").isdigit() else 3
    formset = recommendation_formset(rows)(
        data, prefix="rec", form_kwargs={"inspection": inspection}
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            issue_conclusion(
                inspection,
                actor=request.user,
                recommendations=_recommendation_inputs(formset),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Conclusion issued; remediation tasks created."))
            return redirect(inspection)
    context = {
        "inspection": inspection,
        "form": form,
        "formset": formset,
        "more_rows": len(formset.forms) + 3,
    }
    return render(request, "inspections/conclude.html", context)


@member
@require_GET
def minutes_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = _held(request, pk)
    response = HttpResponse(exports.minutes_pdf(inspection), content_type="application/pdf")
    disposition = f'attachment; filename="{exports.filename(inspection, "pdf")}"'
    response["Content-Disposition"] = disposition
    return response


@member
@require_GET
def minutes_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = _held(request, pk)
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(exports.minutes_docx(inspection), content_type=content_type)
    disposition = f'attachment; filename="{exports.filename(inspection, "docx")}"'
    response["Content-Disposition"] = disposition
    return response


@member
@require_GET
def reinspection(request: AuthedRequest, pk: int) -> HttpResponse:
    inspection = _managed(request, pk)
    judged = dict(inspection.verdicts.values_list("recommendation_id", "verdict"))
    recommendations = queries.earlier_recommendations(inspection)
    may_judge = can_record_finding(request.user, inspection)
    rows = [
        {
            "rec": rec,
            "judged": judged.get(rec.pk),
            "form": VerdictForm(prefix=f"r{rec.pk}")
            if may_judge and rec.is_open and rec.pk not in judged
            else None,
        }
        for rec in recommendations
    ]
    context = {"inspection": inspection, "rows": rows, "today": timezone.localdate()}
    return render(request, "inspections/reinspection.html", context)


@member
@require_POST
def verdict_record(request: AuthedRequest, pk: int, rec: int) -> HttpResponse:
    inspection = _managed(request, pk)
    if not can_record_finding(request.user, inspection):
        raise PermissionDenied
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("conclusion", "unit"), pk=rec
    )
    form = VerdictForm(request.POST, request.FILES, prefix=f"r{rec}")
    if not form.is_valid():
        messages.error(request, _("Choose a verdict and describe the evidence."))
        return redirect("inspections:reinspection", pk=inspection.pk)
    try:
        record_verdict(inspection, recommendation, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Verdict recorded for %(ref)s.") % {"ref": recommendation.reference}
        )
    return redirect("inspections:reinspection", pk=inspection.pk)


@member
@require_GET
def recommendation_list(request: AuthedRequest) -> HttpResponse:
    """The open recommendations the user sees, oldest deadline first; ?format=xlsx or pdf
    exports them (the PDF at most PDF_LIMIT rows)."""
    today = timezone.localdate()
    rows = queries.open_recommendations(Recommendation.objects.for_user(request.user))
    extension = request.GET.get("format")
    if extension in ("xlsx", "pdf"):
        if extension == "xlsx":
            content = exports.open_recommendations_xlsx(rows.iterator(chunk_size=2000), today)
        else:
            content = exports.open_recommendations_pdf(list(rows[:PDF_LIMIT]), today)
        return attachment(content, f"kien-nghi-chua-khac-phuc-{today:%Y-%m-%d}.{extension}")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "today": today}
    return render(request, "inspections/recommendation_list.html", context)


@member
@require_GET
def overview(request: AuthedRequest) -> HttpResponse:
    form = OverviewForm(request.GET or None)
    year = timezone.localdate().year
    if form.is_valid() and form.cleaned_data["year"]:
        year = form.cleaned_data["year"]
    user = request.user
    inspections = Inspection.objects.for_user(user).filter(start_date__year=year)
    findings = Finding.objects.for_user(user).filter(inspection__start_date__year=year)
    recommendations = Recommendation.objects.for_user(user)
    counts = dict(inspections.order_by().values_list("status").annotate(n=Count("pk")))
    concluded = counts.get(Inspection.Status.CONCLUDED, 0)
    by_item = queries.findings_by_item_and_month(findings, year)
    chart = {
        "labels": by_item["months"],
        "series": [{"name": row["item"].name, "data": row["counts"]} for row in by_item["items"]],
    }
    context = {
        "form": form,
        "year": year,
        "started": counts.get(Inspection.Status.IN_PROGRESS, 0) + concluded,
        "concluded": concluded,
        "open_by_unit": queries.open_by_unit(recommendations)[:50],
        "by_item": by_item,
        "chart": chart,
        "rate": queries.remediation_rate(recommendations),
        "never": list(queries.never_inspected(OrgUnit.objects.visible_to(user), year)[:200]),
    }
    return render(request, "inspections/overview.html", context)


@member
@require_http_methods(["GET", "POST"])
def plan_list(request: AuthedRequest) -> HttpResponse:
    units = inspecting_units(request.user)
    may_create = can_create_inspection(request.user)
    form = InspectionPlanForm(request.POST or None, units=units) if may_create else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                create_inspection_plan(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("Inspection plan created."))
                return redirect("inspections:plans")
    plans = (
        InspectionPlan.objects.filter(unit__in=OrgUnit.objects.visible_to(request.user))
        .select_related("unit")
        .annotate(n=Count("inspections"))
    )
    context = {"plans": plans, "form": form, "this_year": datetime.date.today().year}
    return render(request, "inspections/plan_list.html", context)

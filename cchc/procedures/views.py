"""Procedure pages: the catalogue (filters, XLSX) and a procedure's page (versions, reviews,
plans, workflows); the import with its row errors; review campaigns; simplification plans with
the Article 27 calculation step by step; workflows with their swimlane diagram and DOCX/PDF;
the published workflows; the overview.

Every view fetches through cchc.procedures.permissions: a record the user may not see is 404;
one they see but may not change is 403 (or the action's refusal on the form).
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import city_admin, member
from cchc.core.forms import add_action_error
from cchc.core.xlsx import errors_xlsx
from cchc.orgunits.models import OrgUnit
from cchc.procedures import exports, queries, scoring
from cchc.procedures.actions import (
    approve_review_campaign,
    approve_simplification_plan,
    approve_workflow,
    create_simplification_plan,
    create_workflow,
    edit_simplification_plan,
    edit_workflow,
    open_review_campaign,
    plan_comparison,
    publish_workflow,
    record_review,
    set_procedure_baseline,
)
from cchc.procedures.forms import (
    BaselineForm,
    CampaignForm,
    CatalogueFilterForm,
    DecisionForm,
    ImportForm,
    OverviewForm,
    PlanForm,
    ReviewForm,
    WorkflowUnitForm,
    step_formset,
    steps_of,
)
from cchc.procedures.imports import import_procedures
from cchc.procedures.models import Procedure, Review, Workflow
from cchc.procedures.permissions import (
    acts_for,
    campaign_reviews_for_user,
    campaigns_for_user,
    can_edit_plan,
    can_edit_workflow,
    can_review_in,
    get_campaign_for_user,
    get_plan_for_user,
    get_procedure_for_user,
    get_workflow_for_user,
    is_admin,
    plans_for_user,
    units_acted_for,
)

PAGE_SIZE = 50
ERRORS_SESSION_KEY = "procedures.import_errors"
ERRORS_SHOWN = 100
MAX_STORED_ERRORS = 5000


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- catalogue ---------------------------------------------------------------------------------


@member
@require_GET
def procedure_list(request: AuthedRequest) -> HttpResponse:
    procedures = Procedure.objects.for_user(request.user)
    fields = list(procedures.order_by("field").values_list("field", flat=True).distinct())
    units = (
        OrgUnit.objects.visible_to(request.user)
        .current()
        .in_home_province()
        .only("pk", "name", "path")
    )
    form = CatalogueFilterForm(request.GET or None, fields=fields, units=units)
    rows = form.apply(procedures).prefetch_related(
        Prefetch("units", OrgUnit.objects.only("pk", "code", "name").order_by("path"))
    )
    if request.GET.get("format") == "xlsx":
        name = f"thu-tuc-hanh-chinh-{timezone.localdate():%Y-%m-%d}.xlsx"
        return _file(exports.catalogue_xlsx(rows.iterator(chunk_size=500)), exports.XLSX, name)
    page = Paginator(rows.order_by("code"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "may_import": is_admin(request.user)}
    if request.htmx:
        return render(request, "procedures/procedure_list.html#procedures", context)
    return render(request, "procedures/procedure_list.html", context)


@member
@require_GET
def procedure_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    procedure = get_procedure_for_user(request.user, pk)
    visible = OrgUnit.objects.visible_to(request.user)
    workflows = procedure.workflows.select_related("unit").order_by("unit__path", "-version")
    plans = procedure.simplification_plans.select_related("unit")
    reviews = procedure.reviews.select_related("campaign", "unit").order_by("-campaign__year")
    if not request.user.is_city_admin:
        workflows, plans = workflows.filter(unit__in=visible), plans.filter(unit__in=visible)
        reviews = reviews.filter(unit__in=visible)
    acting = units_acted_for(request.user).filter(procedures=procedure)
    context = {
        "procedure": procedure,
        "units": procedure.units.order_by("path"),
        "versions": procedure.versions.select_related("created_by"),
        "reviews": reviews,
        "plans": plans,
        "workflows": workflows,
        "may_act": not procedure.is_abolished and acting.exists(),
        "may_set_baseline": request.user.is_city_admin,
    }
    return render(request, "procedures/procedure_detail.html", context)


@city_admin
@require_http_methods(["GET", "POST"])
def procedure_baseline(request: AuthedRequest, pk: int) -> HttpResponse:
    procedure = get_procedure_for_user(request.user, pk)
    form = BaselineForm.for_procedure(procedure, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            set_procedure_baseline(procedure, actor=request.user, baseline=form.baseline())
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The baseline figures were saved."))
            return redirect(procedure)
    return render(request, "procedures/baseline_form.html", {"procedure": procedure, "form": form})


# --- import ------------------------------------------------------------------------------------


@city_admin
@require_http_methods(["GET", "POST"])
def procedure_import(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = import_procedures(actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            if result.ok:
                request.session.pop(ERRORS_SESSION_KEY, None)
                messages.success(request, _import_message(result))
                return redirect("procedures:list")
            errors = result.errors
            request.session[ERRORS_SESSION_KEY] = [
                [e.row, e.column, e.message] for e in errors[:MAX_STORED_ERRORS]
            ]
    context = {"form": form, "errors": errors[:ERRORS_SHOWN], "error_total": len(errors)}
    return render(request, "procedures/import.html", context)


def _import_message(result: Any) -> str:
    created, updated = len(result.created), len(result.updated or [])
    return ngettext(
        "%(created)s procedure created, %(updated)s updated (new version), %(same)s unchanged.",
        "%(created)s procedures created, %(updated)s updated (new version), %(same)s unchanged.",
        created,
    ) % {"created": created, "updated": updated, "same": result.unchanged}


@city_admin
@require_GET
def import_errors(request: AuthedRequest) -> HttpResponse:
    stored = request.session.get(ERRORS_SESSION_KEY)
    if not stored:
        raise Http404
    return _file(errors_xlsx(stored), exports.XLSX, "loi-nhap-thu-tuc.xlsx")


@city_admin
@require_GET
def import_template(request: AuthedRequest) -> HttpResponse:
    return _file(exports.template_xlsx(), exports.XLSX, "mau-nhap-thu-tuc.xlsx")


# --- review campaigns --------------------------------------------------------------------------


@member
@require_http_methods(["GET", "POST"])
def campaign_list(request: AuthedRequest) -> HttpResponse:
    form = None
    if is_admin(request.user):
        fields = Procedure.objects.active().order_by("field").values_list("field", flat=True)
        form = CampaignForm(
            request.POST or None,
            units=OrgUnit.objects.current().in_home_province().filter(legacy=False),
            fields=list(fields.distinct()),
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = open_review_campaign(
                    actor=request.user,
                    title=data["title"],
                    year=data["year"],
                    unit=data["unit"],
                    procedures=data["procedures"],
                    reviewer_units=list(data["reviewer_units"]),
                    deadline=data["deadline"],
                )
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("Review campaign opened."))
                return redirect(campaign)
    campaigns = campaigns_for_user(request.user).select_related("unit").order_by("-year", "-pk")
    return render(request, "procedures/campaign_list.html", {"campaigns": campaigns, "form": form})


@member
@require_http_methods(["GET", "POST"])
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk)
    reviewer_units = campaign.reviewer_units.all()
    acting = [u for u in reviewer_units if acts_for(request.user, u)]
    form = None
    if can_review_in(request.user, campaign):
        form = ReviewForm(
            request.POST or None,
            initial={"procedure": request.GET.get("procedure")},
            procedures=campaign.procedures.order_by("code"),
            units=reviewer_units.filter(pk__in=[u.pk for u in acting]),
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                record_review(campaign, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_action_error(form, error)
            else:
                messages.success(request, _("Review recorded."))
                return redirect(campaign)
    reviews = {r.procedure_id: r for r in campaign_reviews_for_user(request.user, campaign)}
    procedures = list(campaign.procedures.order_by("code"))
    for procedure in procedures:
        procedure.review = reviews.get(procedure.pk)  # type: ignore[attr-defined]
    context = {
        "campaign": campaign,
        "procedures": procedures,
        "reviewer_units": reviewer_units,
        "form": form,
        "decision_form": DecisionForm() if is_admin(request.user) and campaign.is_open else None,
        "reviewed": len(reviews),
    }
    return render(request, "procedures/campaign_detail.html", context)


@city_admin
@require_POST
def campaign_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect(campaign)
    try:
        approve_review_campaign(campaign, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Review campaign approved."))
    return redirect(campaign)


# --- simplification plans ----------------------------------------------------------------------


@member
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthedRequest, pk: int) -> HttpResponse:
    procedure = get_procedure_for_user(request.user, pk)
    units = units_acted_for(request.user).filter(procedures=procedure)
    if not units.exists():
        raise PermissionDenied
    form = PlanForm(request.POST or None, units=units, procedure=procedure)
    if request.method == "POST" and form.is_valid():
        review = (
            Review.objects.filter(procedure=procedure, proposal=Review.Proposal.SIMPLIFY)
            .order_by("-campaign__year", "-pk")
            .first()
        )
        try:
            plan = create_simplification_plan(
                procedure,
                actor=request.user,
                unit=form.cleaned_data["unit"],
                year=form.cleaned_data["year"],
                figures=form.figures(),
                review=review,
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Simplification plan saved as a draft."))
            return redirect(plan)
    return render(request, "procedures/plan_form.html", {"procedure": procedure, "form": form})


@member
@require_GET
def plan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    context = {
        "plan": plan,
        "cost": plan_comparison(plan),
        "target": scoring.CITY_TARGET_CUT,
        "decision_form": DecisionForm()
        if is_admin(request.user) and not plan.is_approved
        else None,
        "may_edit": can_edit_plan(request.user, plan),
    }
    return render(request, "procedures/plan_detail.html", context)


@member
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    if not can_edit_plan(request.user, plan):
        raise PermissionDenied
    units = OrgUnit.objects.filter(pk=plan.unit_id)
    form = PlanForm(request.POST or None, units=units, procedure=plan.procedure)
    form.for_plan(plan)
    if request.method == "POST" and form.is_valid():
        try:
            edit_simplification_plan(
                plan,
                actor=request.user,
                version=form.cleaned_data["version"],
                year=form.cleaned_data["year"],
                figures=form.figures(),
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Simplification plan saved."))
            return redirect(plan)
    context = {"procedure": plan.procedure, "form": form, "plan": plan}
    return render(request, "procedures/plan_form.html", context)


@member
@require_GET
def plan_list(request: AuthedRequest) -> HttpResponse:
    plans = (
        plans_for_user(request.user)
        .select_related("procedure", "unit")
        .order_by("-year", "procedure__code", "pk")
    )
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "procedures/plan_list.html", {"page": page})


@city_admin
@require_POST
def plan_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect(plan)
    try:
        approve_simplification_plan(plan, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Simplification plan approved."))
    return redirect(plan)


# --- workflows ---------------------------------------------------------------------------------


@member
@require_http_methods(["GET", "POST"])
def workflow_create(request: AuthedRequest, pk: int) -> HttpResponse:
    procedure = get_procedure_for_user(request.user, pk)
    units = units_acted_for(request.user).filter(procedures=procedure)
    if not units.exists():
        raise PermissionDenied
    form = WorkflowUnitForm(request.POST or None, units=units)
    steps = step_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        try:
            workflow = create_workflow(
                procedure, actor=request.user, unit=form.cleaned_data["unit"], steps=steps_of(steps)
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Workflow saved as a draft."))
            return redirect(workflow)
    context = {"procedure": procedure, "form": form, "steps": steps, "workflow": None}
    return render(request, "procedures/workflow_form.html", context)


@member
@require_http_methods(["GET", "POST"])
def workflow_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    workflow = get_workflow_for_user(request.user, pk, write=True)
    if not workflow.is_draft:
        raise PermissionDenied
    form = WorkflowUnitForm(
        {"unit": workflow.unit_id}, units=OrgUnit.objects.filter(pk=workflow.unit_id)
    )
    steps = step_formset(request.POST or None, workflow=workflow)
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        try:
            edit_workflow(workflow, actor=request.user, steps=steps_of(steps))
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("Workflow saved."))
            return redirect(workflow)
    context = {"procedure": workflow.procedure, "form": form, "steps": steps, "workflow": workflow}
    return render(request, "procedures/workflow_form.html", context)


@member
@require_GET
def workflow_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    workflow = get_workflow_for_user(request.user, pk)
    steps = list(workflow.steps.all())
    context = {
        "workflow": workflow,
        "procedure": workflow.procedure,
        "steps": steps,
        "lanes": exports.swimlane(steps),
        "legal_hours": workflow.procedure.legal_hours,
        "may_edit": can_edit_workflow(request.user, workflow),
        "decision_form": DecisionForm() if is_admin(request.user) and workflow.is_draft else None,
        "may_publish": is_admin(request.user) and workflow.status == Workflow.Status.APPROVED,
    }
    return render(request, "procedures/workflow_detail.html", context)


@city_admin
@require_POST
def workflow_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    workflow = get_workflow_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect(workflow)
    try:
        approve_workflow(workflow, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Workflow approved."))
    return redirect(workflow)


@city_admin
@require_POST
def workflow_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    workflow = get_workflow_for_user(request.user, pk)
    try:
        publish_workflow(workflow, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Workflow published."))
    return redirect(workflow)


@member
@require_GET
def workflow_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    workflow = get_workflow_for_user(request.user, pk)
    return _file(
        exports.workflow_pdf(workflow), "application/pdf", exports.filename(workflow, "pdf")
    )


@member
@require_GET
def workflow_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    workflow = get_workflow_for_user(request.user, pk)
    return _file(exports.workflow_docx(workflow), exports.DOCX, exports.filename(workflow, "docx"))


@member
@require_GET
def workflow_list(request: AuthedRequest) -> HttpResponse:
    """The published workflows the user sees (every unit's, for the city)."""
    rows = (
        Workflow.objects.for_user(request.user)
        .filter(status=Workflow.Status.PUBLISHED)
        .select_related("procedure", "unit")
        .order_by("procedure__code", "unit__path")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "procedures/workflow_list.html", {"page": page})


# --- overview ----------------------------------------------------------------------------------


TARGET_UNIT_ROWS = 20  # rows of the target card's unit table


@member
@require_GET
def overview(request: AuthedRequest) -> HttpResponse:
    form = OverviewForm(request.GET or None)
    year = form.year_or_current()
    years = queries.per_year(request.user)
    figures = queries.breakdown(request.user, year)
    chart = {
        "labels": [str(y) for y in years],
        "series": [
            {"name": _("Procedures reviewed"), "data": [t.reviewed for t in years.values()]},
            {"name": _("Plans approved"), "data": [t.plans for t in years.values()]},
            {"name": _("Workflows approved"), "data": [t.workflows for t in years.values()]},
        ],
    }
    cut_chart = [
        {"label": t.label, "count": float(t.cut_pct)}
        for t in figures.fields
        if t.cut_pct is not None
    ][:15]
    progress = queries.target_progress(request.user, year)
    context = {
        "progress": progress,
        # The units furthest from the target (the list is sorted so); every unit is in the API
        # (/api/v1/procedures/targets) and the procedure_targets command.
        "target_units": progress.units[:TARGET_UNIT_ROWS] if progress else [],
        "form": form,
        "year": year,
        "years": years,
        "figures": figures,
        "chart": chart,
        "cut_chart": cut_chart,
        "target": scoring.CITY_TARGET_CUT,
    }
    return render(request, "procedures/overview.html", context)

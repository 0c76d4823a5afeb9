from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cchc.accounts.forms import MembershipForm
from cchc.accounts.http import AuthedRequest
from cchc.accounts.permissions import can_manage_members
from cchc.core.access import city_admin, member
from cchc.core.models import AuditEvent
from cchc.core.xlsx import errors_xlsx
from cchc.orgunits import imports
from cchc.orgunits.actions import (
    check_in_home_province,
    create_unit,
    end_unit,
    merge_units,
    move_unit,
    update_unit,
)
from cchc.orgunits.forms import (
    ChartImportForm,
    ChartUnitForm,
    EndForm,
    MergeForm,
    MoveForm,
    UnitForm,
    UnitSearchForm,
)
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.permissions import (
    can_edit_unit,
    can_manage_chart,
    get_chart_unit,
    get_unit_for_user,
)
from cchc.orgunits.queries import chart_units, home_province, tree_level, tree_roots

SEARCH_LIMIT = 50
SUBUNITS_PAGE_SIZE = 50
HISTORY_LIMIT = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SESSION_KEY = "orgunits.import_errors"
ERRORS_SHOWN = 50
MAX_STORED_ERRORS = 2000


@member
def unit_tree(request: AuthedRequest) -> HttpResponse:
    form = UnitSearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    ended = bool(form.is_valid() and form.cleaned_data.get("ended"))
    visible = OrgUnit.objects.visible_to(request.user)
    context: dict = {
        "form": form,
        "query": query,
        "ended": ended,
        "can_manage_chart": can_manage_chart(request.user),
    }
    if query:
        results = tree_level(visible.search(query), include_ended=ended)
        context["results"] = results.select_related("parent")[:SEARCH_LIMIT]
    else:
        roots = list(tree_level(tree_roots(visible), include_ended=ended))
        context["roots"] = roots
        opened = home_province() if len(roots) > 1 else (roots[0] if roots else None)
        if opened is not None and opened in roots:
            roots.sort(key=lambda unit: unit != opened)  # the home province first
            context["opened"] = opened
            context["opened_children"] = tree_level(opened.children.all(), include_ended=ended)
    template = "orgunits/unit_tree.html#tree" if request.htmx else "orgunits/unit_tree.html"
    return render(request, template, context)


@member
def unit_children(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    ended = request.GET.get("ended") == "on"
    children = tree_level(unit.children.all(), include_ended=ended)
    return render(
        request,
        "orgunits/unit_tree.html#children",
        {
            "children": children,
            "ended": ended,
            "parent": unit,
        },
    )


@member
def unit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    subunits = tree_level(unit.children.all(), include_ended=True)
    page = Paginator(subunits, SUBUNITS_PAGE_SIZE).get_page(request.GET.get("page"))
    if request.htmx and request.GET.get("page"):
        return render(request, "orgunits/unit_detail.html#subunits", {"unit": unit, "page": page})
    ancestors = list(unit.ancestors())
    # A current unit has no successor: skip the query.
    successors = [] if unit.is_current else list(unit.successors.all())
    predecessors = list(unit.predecessors.select_related("parent").order_by("code"))
    related = [*ancestors, *successors, *predecessors]
    return render(
        request,
        "orgunits/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "page": page,
            "members": unit.memberships.select_related("user").order_by("role", "user__full_name"),
            "successors": successors,
            "predecessors": predecessors,
            # Units named on the page that the user may open; the others are shown as plain text.
            "linkable": {u.pk for u in related if u.is_visible_to(request.user)},
            "history": AuditEvent.objects.for_target(unit).select_related("actor")[:HISTORY_LIMIT],
            "can_edit": can_edit_unit(request.user, unit),
            "can_manage_members": can_manage_members(request.user, unit),
            "member_form": MembershipForm(),
        },
    )


@member
@require_http_methods(["GET", "POST"])
def unit_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk, write=True)
    form = UnitForm(request.POST or None, instance=unit, initial={"version": unit.version})
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in UnitForm.Meta.fields}
        try:
            # The form has already written its values onto `unit`: act on a fresh copy so that
            # the audit trail gets the true "before".
            fresh = get_unit_for_user(request.user, pk, write=True)
            update_unit(fresh, actor=request.user, version=form.cleaned_data["version"], **values)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect(unit)
    return render(request, "orgunits/unit_edit.html", {"unit": unit, "form": form})


# --- the organisation chart (city administrators) -----------------------------------------------


def _chart() -> tuple[OrgUnit, list[OrgUnit]]:
    province = home_province()
    if province is None:
        raise Http404
    return province, chart_units(province)


@city_admin
def unit_chart(request: AuthedRequest) -> HttpResponse:
    province, chart = _chart()
    return render(request, "orgunits/chart.html", {"province": province, "chart": chart})


def _act(request: AuthedRequest, form: Any, action: Any, done: str) -> HttpResponse | None:
    """Run `action()` when the form is valid; a refusal becomes a form error."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        action()
    except ValidationError as error:
        form.add_error(None, error.messages)
        return None
    messages.success(request, done)
    return redirect("orgunits:chart")


def _chart_form_page(request: AuthedRequest, form: Any, title: str, **extra: Any) -> HttpResponse:
    context = {"form": form, "title": title, **extra}
    return render(request, "orgunits/chart_form.html", context)


@city_admin
@require_http_methods(["GET", "POST"])
def chart_create(request: AuthedRequest) -> HttpResponse:
    province, chart = _chart()
    initial = {"parent": request.GET.get("parent") or province.pk}
    form = ChartUnitForm(request.POST or None, chart=chart, initial=initial)

    def action() -> None:
        data = form.cleaned_data
        check_in_home_province(data["parent"])
        create_unit(actor=request.user, **data)

    done = _act(request, form, action, _("The unit was created."))
    return done or _chart_form_page(request, form, _("Add a unit"))


@city_admin
@require_http_methods(["GET", "POST"])
def unit_move(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_chart_unit(request.user, pk)
    _province, chart = _chart()
    form = MoveForm(request.POST or None, chart=chart, unit=unit, initial={"version": unit.version})

    def action() -> None:
        data = form.cleaned_data
        move_unit(unit, actor=request.user, parent=data["parent"], version=data["version"])

    done = _act(request, form, action, _("The unit was moved."))
    return done or _chart_form_page(request, form, _("Move a unit"), unit=unit)


@city_admin
@require_http_methods(["GET", "POST"])
def unit_end(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = get_chart_unit(request.user, pk)
    form = EndForm(request.POST or None, initial={"version": unit.version})

    def action() -> None:
        data = form.cleaned_data
        end_unit(unit, actor=request.user, ended_on=data["ended_on"], version=data["version"])

    done = _act(request, form, action, _("The unit was ended."))
    return done or _chart_form_page(request, form, _("End a unit"), unit=unit)


@city_admin
@require_http_methods(["GET", "POST"])
def chart_merge(request: AuthedRequest) -> HttpResponse:
    _province, chart = _chart()
    form = MergeForm(
        request.POST or None, chart=chart, initial={"units": request.GET.getlist("unit")}
    )

    def action() -> None:
        data = form.cleaned_data
        merge_units(
            list(data["units"]), actor=request.user, into=data["into"], merged_on=data["merged_on"]
        )

    done = _act(request, form, action, _("The units were merged."))
    return done or _chart_form_page(request, form, _("Merge units"))


@city_admin
@require_http_methods(["GET", "POST"])
def chart_import(request: AuthedRequest) -> HttpResponse:
    form = ChartImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = imports.import_chart_file(
                form.cleaned_data["file"], actor=request.user, dry_run=form.cleaned_data["dry_run"]
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            stored = [[e.row, e.column, e.message] for e in result.errors[:MAX_STORED_ERRORS]]
            request.session[ERRORS_SESSION_KEY] = stored
            if result.ok and not result.dry_run:
                messages.success(request, _import_message(result))
                return redirect("orgunits:chart")
    errors = result.errors if result else []
    context = {
        "form": form,
        "result": result,
        "summary": _import_message(result) if result and result.ok else "",
        "errors": errors[:ERRORS_SHOWN],
        "error_total": len(errors),
        "report_url": reverse("orgunits:chart_import_errors") if errors else "",
    }
    return render(request, "orgunits/chart_import.html", context)


def _import_message(result: imports.ChartImport) -> str:
    counts = {
        "created": result.created,
        "updated": result.updated,
        "moved": result.moved,
        "unchanged": result.unchanged,
    }
    if result.dry_run:
        return (
            _(
                "Check passed, nothing was written. The import would create %(created)s, "
                "update %(updated)s and move %(moved)s units; %(unchanged)s are unchanged."
            )
            % counts
        )
    return (
        _(
            "Chart imported: %(created)s units created, %(updated)s updated, %(moved)s moved, "
            "%(unchanged)s unchanged."
        )
        % counts
    )


@city_admin
@require_GET
def chart_import_errors(request: AuthedRequest) -> HttpResponse:
    stored = request.session.get(ERRORS_SESSION_KEY)
    if not stored:
        raise Http404
    response = HttpResponse(errors_xlsx(stored), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="loi-nhap-co-cau-to-chuc.xlsx"'
    return response


@city_admin
@require_GET
def chart_template(request: AuthedRequest) -> HttpResponse:
    response = HttpResponse(imports.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="co-cau-to-chuc.xlsx"'
    return response

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cchc.accounts.forms import MembershipForm
from cchc.accounts.http import AuthedRequest
from cchc.accounts.permissions import can_manage_members
from cchc.core.access import member
from cchc.core.models import AuditEvent
from cchc.orgunits.actions import update_unit
from cchc.orgunits.forms import UnitForm, UnitSearchForm
from cchc.orgunits.models import OrgUnit
from cchc.orgunits.permissions import can_edit_unit, get_unit_for_user
from cchc.orgunits.queries import home_province, tree_level, tree_roots

SEARCH_LIMIT = 50
SUBUNITS_PAGE_SIZE = 50
HISTORY_LIMIT = 20


@member
def unit_tree(request: AuthedRequest) -> HttpResponse:
    form = UnitSearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    ended = bool(form.is_valid() and form.cleaned_data.get("ended"))
    visible = OrgUnit.objects.visible_to(request.user)
    context: dict = {"form": form, "query": query, "ended": ended}
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

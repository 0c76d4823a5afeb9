"""The index framework pages: the list, a framework's criteria tree and its Excel export, and
for city administrators the annex import, publishing and the copy to another year.

Every view fetches with permission first (cchc.indices.permissions), validates a form, calls
one action and redirects; an action's refusal goes back on the form or into a message.
"""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.core.access import city_admin, member
from cchc.core.forms import add_action_error
from cchc.core.xlsx import RowError
from cchc.indices.actions import copy_framework, publish_framework
from cchc.indices.forms import CopyForm, ImportForm
from cchc.indices.imports import framework_workbook, import_framework
from cchc.indices.models import Criterion, Framework
from cchc.indices.permissions import can_manage_frameworks, get_framework_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 100
MAX_INDENT = 5  # Bootstrap's ps-0 … ps-5


@member
@require_GET
def framework_list(request: AuthedRequest) -> HttpResponse:
    frameworks = Framework.objects.annotate(criterion_count=Count("criteria")).order_by(
        "-year", "group"
    )
    context = {"frameworks": frameworks, "can_manage": can_manage_frameworks(request.user)}
    return render(request, "indices/framework_list.html", context)


@member
@require_GET
def framework_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    framework = get_framework_for_user(request.user, pk)
    rows = _tree_rows(list(framework.criteria.order_by("order")))
    context = {
        "framework": framework,
        "rows": rows,
        "criterion_count": len(rows),
        "leaf_count": sum(1 for row in rows if row["leaf"]),
        "can_manage": can_manage_frameworks(request.user),
        "copy_form": CopyForm(initial={"year": framework.year + 1}),
    }
    return render(request, "indices/framework_detail.html", context)


def _tree_rows(criteria: list[Criterion]) -> list[dict[str, object]]:
    """Each criterion with its depth (0 for an area) and whether it is a leaf; no query."""
    parent_of = {c.pk: c.parent_id for c in criteria}
    parents = set(parent_of.values())
    depths: dict[int, int] = {}

    def depth(pk: int) -> int:
        if pk not in depths:
            parent = parent_of.get(pk)
            depths[pk] = 0 if parent is None or parent not in parent_of else depth(parent) + 1
        return depths[pk]

    return [
        {
            "criterion": c,
            "depth": depth(c.pk),
            "indent": min(1 + 2 * depth(c.pk), MAX_INDENT),
            "leaf": c.pk not in parents,
        }
        for c in criteria
    ]


@member
@require_GET
def framework_xlsx(request: AuthedRequest, pk: int) -> HttpResponseBase:
    framework = get_framework_for_user(request.user, pk)
    return FileResponse(
        io.BytesIO(framework_workbook(framework)),
        as_attachment=True,
        filename=f"bo-chi-so-{framework.year}-{framework.group}.xlsx",
        content_type=XLSX,
    )


@city_admin
@require_POST
def framework_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    """Publish the draft framework (it never changes afterwards)."""
    framework = get_framework_for_user(request.user, pk)
    try:
        publish_framework(framework, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The framework was published."))
    return redirect("indices:framework", framework.pk)


@city_admin
@require_POST
def framework_copy(request: AuthedRequest, pk: int) -> HttpResponse:
    """Copy the framework to another year as a draft and open the copy."""
    framework = get_framework_for_user(request.user, pk)
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(message) for message in form.errors.get("year", [])))
        return redirect("indices:framework", framework.pk)
    try:
        copy = copy_framework(framework, actor=request.user, year=form.cleaned_data["year"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("indices:framework", framework.pk)
    messages.success(request, _("The framework was copied to %(year)s.") % {"year": copy.year})
    return redirect("indices:framework", copy.pk)


@city_admin
@require_http_methods(["GET", "POST"])
def framework_import(request: AuthedRequest) -> HttpResponse:
    """Create a draft framework from an annex workbook, all or nothing."""
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[RowError] = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            result = import_framework(upload, actor=request.user, **data)
        except ValidationError as error:
            add_action_error(form, error)
        else:
            if result.ok:
                framework = result.created[0]
                messages.success(request, _("The framework was imported as a draft."))
                return redirect("indices:framework", framework.pk)
            errors = result.errors
    context = {"form": form, "errors": errors[:ERRORS_SHOWN], "error_total": len(errors)}
    return render(request, "indices/framework_import.html", context)

"""Composite index pages (city administrators): the list, the import of iMeta / iData, an
index with its pipeline and runs, a run's results (ranks by level, rank intervals, strengths
and weaknesses) and its XLSX export."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.accounts.http import AuthedRequest
from cchc.composites import compute, exports
from cchc.composites.actions import start_run, update_pipeline
from cchc.composites.forms import ImportForm, PipelineForm, RunForm, describe
from cchc.composites.imports import import_composite_index
from cchc.composites.models import CompositeIndex, CompositeRun
from cchc.composites.permissions import get_index_for_user, get_run_for_user
from cchc.core.access import city_admin
from cchc.core.forms import add_action_error

ERRORS_SHOWN = 200
CHART_ROWS = 60


@city_admin
@require_GET
def index_list(request: AuthedRequest) -> HttpResponse:
    indices = CompositeIndex.objects.for_user(request.user).annotate(run_count=Count("runs"))
    return render(request, "composites/index_list.html", {"indices": indices})


@city_admin
@require_http_methods(["GET", "POST"])
def index_import(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            result = import_composite_index(
                actor=request.user,
                name=form.cleaned_data["name"],
                meta_upload=form.cleaned_data["meta_file"],
                data_upload=form.cleaned_data["data_file"],
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            if result.ok:
                messages.success(request, _("The composite index was imported."))
                return redirect("composites:detail", result.created[0].pk)
            context |= {"errors": result.errors[:ERRORS_SHOWN], "error_total": len(result.errors)}
    return render(request, "composites/import.html", context)


def _detail_context(request: AuthedRequest, index: CompositeIndex, **forms: Any) -> dict[str, Any]:
    return {
        "index": index,
        "pipeline_form": forms.get("pipeline_form")
        or PipelineForm.for_index(index.pipeline, index.version),
        "run_form": forms.get("run_form") or RunForm(max_level=max_level(index)),
        "runs": CompositeRun.objects.for_user(request.user).filter(index=index)[:20],
    }


def max_level(index: CompositeIndex) -> int:
    """The index's number of levels (indicators are level 1), for the run form's choices."""
    try:
        return compute.parse_meta(index.meta).max_level
    except ValueError:
        return 2


@city_admin
@require_GET
def index_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    index = get_index_for_user(request.user, pk)
    return render(request, "composites/index_detail.html", _detail_context(request, index))


@city_admin
@require_POST
def pipeline_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    index = get_index_for_user(request.user, pk)
    form = PipelineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            update_pipeline(index, actor=request.user, text=data["text"], version=data["version"])
        except ValidationError as error:
            add_action_error(form, error)
        else:
            messages.success(request, _("The pipeline was saved."))
            return redirect("composites:detail", index.pk)
    context = _detail_context(request, index, pipeline_form=form)
    return render(request, "composites/index_detail.html", context, status=400)


@city_admin
@require_POST
def run_start(request: AuthedRequest, pk: int) -> HttpResponse:
    index = get_index_for_user(request.user, pk)
    form = RunForm(request.POST, max_level=max_level(index))
    if form.is_valid():
        data = form.cleaned_data
        try:
            run = start_run(
                index,
                actor=request.user,
                replications=data["replications"],
                seed=data["seed"],
                assumptions=form.assumptions(index.pipeline),
            )
        except ValidationError as error:
            add_action_error(form, error)
        else:
            return redirect("composites:run", index.pk, run.pk)
    context = _detail_context(request, index, run_form=form)
    return render(request, "composites/index_detail.html", context, status=400)


@city_admin
@require_GET
def run_detail(request: AuthedRequest, pk: int, run_pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk, run_pk)
    if request.htmx and not run.is_finished:
        return render(request, "composites/run.html#status", {"run": run, "index": run.index})
    if request.htmx:  # finished while the page polled: reload the whole page
        return HttpResponse(headers={"HX-Refresh": "true"})
    return render(request, "composites/run.html", _run_context(run, request.GET.get("level")))


def _run_context(run: CompositeRun, level: str | None) -> dict[str, Any]:
    result = run.result or {}
    levels = result.get("levels", [])
    default = levels[1] if len(levels) > 1 else (levels[0] if levels else None)
    chosen = next((lv for lv in levels if str(lv["level"]) == level), default)
    top = result.get("top")
    units = result.get("units", [])
    names = result.get("indicators", {})
    rows = [
        {
            **u,
            "top_score": u["scores"].get(top),
            "top_rank": u["ranks"].get(top),
            "level_cells": [
                (u["scores"].get(c["code"]), u["ranks"].get(c["code"]))
                for c in (chosen or {}).get("codes", [])
            ],
            "strength_names": [names.get(c, c) for c in u.get("strengths", [])[:3]],
            "weakness_names": [names.get(c, c) for c in u.get("weaknesses", [])[:3]],
        }
        for u in units
    ]
    chart = [
        {"label": u["name"], "rank": u["ranks"].get(top), **(u.get("rank_interval") or {})}
        for u in units[:CHART_ROWS]
        if u.get("rank_interval")
    ]
    return {"run": run, "index": run.index, "levels": levels, "level": chosen, "top": top,
            "rows": rows, "chart": chart, "result": result,
            "assumptions": describe(run.assumptions or [])}  # fmt: skip


@city_admin
@require_GET
def run_xlsx(request: AuthedRequest, pk: int, run_pk: int) -> HttpResponse:
    run = get_run_for_user(request.user, pk, run_pk)
    if run.status != CompositeRun.Status.DONE:
        return HttpResponse(status=404)
    response = HttpResponse(
        exports.run_workbook(run),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="composite-{pk}-run-{run_pk}.xlsx"'
    return response

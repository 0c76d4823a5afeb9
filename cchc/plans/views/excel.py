"""Excel: import tasks from the template (all or nothing, with an error report) and export the
task lists. Exports keep numbers as numbers and dates as dates (dd/mm/yyyy), header bold and
frozen; their first columns are the import template's, so an export can seed another plan."""

import datetime
import io
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cchc.accounts.http import AuthedRequest
from cchc.core.access import member
from cchc.core.http import attachment
from cchc.core.listexport import table_xlsx
from cchc.core.xlsx import append_row, errors_xlsx, write_cell
from cchc.orgunits.models import OrgUnit
from cchc.plans.actions import import_tasks
from cchc.plans.actions.imports import (
    COLUMN_BY_KEY,
    COLUMNS,
    MAX_ROWS,
    PRIORITY_LABELS,
    TEXT_COLUMNS,
    RowError,
)
from cchc.plans.forms import TaskFilterForm
from cchc.plans.models import ContentArea, Plan, Task, TaskStatus
from cchc.plans.permissions import get_plan_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SESSION_KEY = "plans.import_errors"
MAX_STORED_ERRORS = 5000  # ~0.5 MB in the session at most
ERRORS_SHOWN = 100
TEMPLATE_TEXT_ROWS = 1000
BOLD = Font(bold=True)

EXPORT_COLUMNS = [(c.header, c.width) for c in COLUMNS] + [
    ("Trạng thái (status)", 18),
    ("Tiến độ % (progress)", 10),
    ("Thời hạn ban đầu (original_deadline)", 16),
    ("Ngày hoàn thành (completed_on)", 16),
    ("Số lần không đạt (failed_reviews)", 10),
    ("Tên đơn vị chủ trì (lead_unit_name)", 30),
    ("Kế hoạch (plan)", 30),
]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Task file (.xlsx)"),
        help_text=_("Fill in the template; the whole file is refused if any row is wrong."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


# --- import ----------------------------------------------------------------------------------


@member
@require_http_methods(["GET", "POST"])
def plan_import(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, write=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[RowError] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = import_tasks(plan, actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            if result.ok:
                request.session.pop(ERRORS_SESSION_KEY, None)
                count = len(result.tasks)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s task was imported.", "%(count)s tasks were imported.", count
                    )
                    % {"count": count},
                )
                return redirect(plan)
            errors = result.errors
            _remember_errors(request, plan, errors)
    context = {
        "plan": plan,
        "form": form,
        "errors": errors[:ERRORS_SHOWN],
        "error_total": len(errors),
        "start": plan.document_date or datetime.date(plan.year, 1, 1),
    }
    return render(request, "plans/import.html", context)


def _remember_errors(request: AuthedRequest, plan: Plan, errors: list[RowError]) -> None:
    """Keep the errors (not the file) for the error report download: small JSON data."""
    request.session[ERRORS_SESSION_KEY] = {
        "plan": plan.pk,
        "total": len(errors),
        "errors": [[e.row, e.column, e.message] for e in errors[:MAX_STORED_ERRORS]],
    }


@member
@require_GET
def import_errors(request: AuthedRequest, pk: int) -> HttpResponseBase:
    plan = get_plan_for_user(request.user, pk, write=True)
    stored = request.session.get(ERRORS_SESSION_KEY)
    if not stored or stored.get("plan") != plan.pk:
        raise Http404
    return attachment(errors_xlsx(stored["errors"]), f"loi-nhap-nhiem-vu-{plan.pk}.xlsx")


@member
@require_GET
def import_template(request: AuthedRequest, pk: int) -> HttpResponseBase:
    plan = get_plan_for_user(request.user, pk, write=True)
    workbook = _template(request.user, plan)
    content = io.BytesIO()
    workbook.save(content)
    content.seek(0)
    return FileResponse(
        content, as_attachment=True, filename=f"mau-nhap-nhiem-vu-{plan.pk}.xlsx", content_type=XLSX
    )


def _template(user: Any, plan: Plan) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhiệm vụ"
    append_row(sheet, [column.header for column in COLUMNS])
    _style_header(sheet, [(c.header, c.width) for c in COLUMNS])
    sheet.row_dimensions[1].height = 45
    for key in TEXT_COLUMNS:  # typed codes keep their leading zeros ("00004")
        letter = _letter(key)
        for row in range(2, TEMPLATE_TEXT_ROWS + 2):
            sheet[f"{letter}{row}"].number_format = "@"
    lists = workbook.create_sheet("Danh mục")
    units = (
        OrgUnit.objects.visible_to(user)
        .current()
        .filter(legacy=False)
        .order_by("path")
        .values_list("code", "name")
    )
    _reference_lists(lists, ContentArea.objects.values_list("code", "name"), units)
    _validations(sheet, areas=ContentArea.objects.count(), units=lists.max_row)
    return workbook


def _reference_lists(sheet: Worksheet, areas: Iterable[tuple], units: Iterable[tuple]) -> None:
    """Areas in A:B, the units the user may assign in D:E, priorities in G."""
    append_row(sheet, ["Mã lĩnh vực (area)", "Lĩnh vực", None, "Mã đơn vị (unit)", "Đơn vị"])
    for row, (code, name) in enumerate(areas, start=2):
        write_cell(sheet, row, 1, code)
        write_cell(sheet, row, 2, name)
    for row, (code, name) in enumerate(units, start=2):
        write_cell(sheet, row, 4, code).number_format = "@"
        write_cell(sheet, row, 5, name)
    write_cell(sheet, 1, 7, "Ưu tiên (priority)")
    for row, label in enumerate(PRIORITY_LABELS.values(), start=2):
        write_cell(sheet, row, 7, label)
    _style_header(sheet, [("", 18), ("", 60), ("", 4), ("", 18), ("", 50), ("", 4), ("", 18)])


def _validations(sheet: Worksheet, *, areas: int, units: int) -> None:
    last = MAX_ROWS + 1
    lists = {
        "area": f"'Danh mục'!$A$2:$A${areas + 1}",
        "lead_unit": f"'Danh mục'!$D$2:$D${max(units, 2)}",
        "priority": f"'Danh mục'!$G$2:$G${len(PRIORITY_LABELS) + 1}",
    }
    for key, formula in lists.items():
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.error = "Chọn một giá trị trong danh sách (sheet “Danh mục”)."
        validation.add(f"{_letter(key)}2:{_letter(key)}{last}")
        sheet.add_data_validation(validation)


def _letter(key: str) -> str:
    return get_column_letter(COLUMNS.index(COLUMN_BY_KEY[key]) + 1)


def _style_header(sheet: Worksheet, columns: list[tuple[str, int]]) -> None:
    for index, (_header, width) in enumerate(columns, start=1):
        cell = sheet.cell(1, index)
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


# --- export ----------------------------------------------------------------------------------


@member
@require_GET
def plan_tasks_xlsx(request: AuthedRequest, pk: int) -> HttpResponseBase:
    plan = get_plan_for_user(request.user, pk)
    tasks = plan.tasks.all()
    # As on the plan page: a unit that sees the plan only through its own unit plan gets only
    # the tasks it sees.
    if not plan.unit.is_visible_to(request.user):
        tasks = tasks.for_user(request.user)
    units = OrgUnit.objects.filter(pk__in=tasks.values("lead_unit"))
    filtered = TaskFilterForm(request.GET or None, units=units).apply(tasks, timezone.localdate())
    filename = f"nhiem-vu-ke-hoach-{plan.year}-{plan.pk}.xlsx"
    return _tasks_response(filename, filtered)


@member
@require_GET
def tasks_xlsx(request: AuthedRequest) -> HttpResponseBase:
    tasks = Task.objects.for_user(request.user)
    units = OrgUnit.objects.visible_to(request.user)
    filtered = TaskFilterForm(request.GET or None, units=units).apply(tasks, timezone.localdate())
    return _tasks_response(f"nhiem-vu-{timezone.localdate():%Y%m%d}.xlsx", filtered)


def _tasks_response(filename: str, tasks: QuerySet[Task]) -> HttpResponse:
    today = timezone.localdate()
    rows = (
        tasks.select_related("area", "lead_unit", "parent", "plan")
        .only(*EXPORT_FIELDS)  # the columns _task_row writes, not the rows' every column
        .prefetch_related(Prefetch("cooperating_units", OrgUnit.objects.only("code")))
        .order_by("deadline", "code", "pk")
        .iterator(chunk_size=2000)
    )
    return attachment(
        table_xlsx("Nhiệm vụ", EXPORT_COLUMNS, (_task_row(t, today) for t in rows)), filename
    )


# What _task_row reads of a task and its relations (status_on: the dates and cancelled_at).
EXPORT_FIELDS = (
    "code",
    "title",
    "deadline",
    "expected_output",
    "priority",
    "weight",
    "description",
    "progress",
    "original_deadline",
    "completed_on",
    "cancelled_at",
    "failed_reviews",
    "area__code",
    "lead_unit__code",
    "lead_unit__name",
    "parent__code",
    "plan__title",
)


def _task_row(task: Task, today: datetime.date) -> list[Any]:
    return [
        task.code,
        task.title,
        task.area.code,
        task.lead_unit.code,
        "; ".join(sorted(unit.code for unit in task.cooperating_units.all())),
        task.deadline,
        task.expected_output,
        PRIORITY_LABELS.get(task.priority, task.priority),  # type: ignore[call-overload]
        task.weight,
        task.parent.code if task.parent else "",
        task.description,
        str(TaskStatus(task.status_on(today)).label),
        task.progress,
        task.original_deadline,
        task.completed_on,
        task.failed_reviews,
        task.lead_unit.name,
        task.plan.title,
    ]

"""Reform plans in the admin site, read-only: plans, tasks, reports, extensions and the
closed months change only through cchc.plans.actions and imports, which write the
audit trail."""

from django.contrib import admin

from cchc.core.admin import ReadOnlyAdmin
from cchc.plans.models import (
    ContentArea,
    ExtensionRequest,
    MonthClose,
    Plan,
    ProgressReport,
    Task,
)


@admin.register(ContentArea)
class ContentAreaAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "name_en", "order"]


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["year", "title", "unit", "status", "document_number"]
    list_filter = ["status", "year"]


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "plan", "lead_unit", "deadline", "cancelled_at"]
    list_filter = ["priority", "source"]
    search_fields = ["code", "title"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["task", "author", "percent", "status", "submitted_at"]
    list_filter = ["status"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ["task", "requested_by", "new_deadline", "status"]
    list_filter = ["status"]


@admin.register(MonthClose)
class MonthCloseAdmin(ReadOnlyAdmin):
    list_display = ["month", "closed_at", "closed_by", "is_open"]

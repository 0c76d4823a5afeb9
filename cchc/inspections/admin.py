"""Inspections in the admin site. The checklist items are configuration and are edited here
(the scope offered to new inspections: rename, reorder, add, retire with "in use"); every other
record changes only through cchc.inspections.actions, which write the audit trail."""

from django.contrib import admin

from cchc.core.admin import ReadOnlyAdmin
from cchc.inspections.models import (
    ChecklistItem,
    Conclusion,
    Finding,
    Inspection,
    InspectionPlan,
    Recommendation,
    Verdict,
)


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # findings refer to items: retire an item with "in use" instead


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ["year", "title", "unit", "document_number"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "unit", "start_date", "end_date"]
    list_filter = ["kind", "status"]


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "unit", "item", "severity", "observed_at"]


@admin.register(Conclusion)
class ConclusionAdmin(ReadOnlyAdmin):
    list_display = ["number", "date", "inspection", "issued_at"]


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "unit", "deadline", "status"]
    list_filter = ["status"]


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyAdmin):
    list_display = ["recommendation", "verdict", "inspection", "recorded_at"]

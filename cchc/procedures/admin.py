"""Procedures in the admin site. The dated hourly value (the wage basis of Article 27) is
configuration and is edited here: add a row from the date a new value applies (a plan keeps the
value it was priced at). Every other record changes only through cchc.procedures.actions and
imports, which write the audit trail."""

from django.contrib import admin

from cchc.core.admin import ReadOnlyAdmin
from cchc.procedures.models import (
    HourlyValue,
    Procedure,
    ReviewCampaign,
    SimplificationPlan,
    Workflow,
)


@admin.register(HourlyValue)
class HourlyValueAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "value", "source"]


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "field", "level", "status", "version"]
    list_filter = ["level", "status", "online_level"]
    search_fields = ["code", "name"]


@admin.register(ReviewCampaign)
class ReviewCampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "status", "decision_number"]


@admin.register(SimplificationPlan)
class SimplificationPlanAdmin(ReadOnlyAdmin):
    list_display = ["procedure", "year", "unit", "status", "saving", "cut_pct"]


@admin.register(Workflow)
class WorkflowAdmin(ReadOnlyAdmin):
    list_display = ["procedure", "unit", "version", "status", "total_hours"]

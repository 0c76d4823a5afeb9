"""Staffing in the admin site, read-only: headcounts, the staffing policy and periods, and
successor shares change only through cchc.staffing.actions and imports, which write the audit
trail."""

from django.contrib import admin

from cchc.core.admin import ReadOnlyAdmin
from cchc.staffing.models import Headcount, StaffingPeriod, StaffingPolicy, SuccessorShare


@admin.register(Headcount)
class HeadcountAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "civil_assigned", "civil_actual", "public_actual"]
    list_filter = ["year"]


@admin.register(StaffingPolicy)
class StaffingPolicyAdmin(ReadOnlyAdmin):
    list_display = ["baseline_year", "target_percent", "updated_at"]


@admin.register(StaffingPeriod)
class StaffingPeriodAdmin(ReadOnlyAdmin):
    list_display = ["first_year", "last_year", "baseline_year", "civil_target", "public_target"]


@admin.register(SuccessorShare)
class SuccessorShareAdmin(ReadOnlyAdmin):
    list_display = ["predecessor", "successor", "share", "updated_at"]

"""Periodic reports in the admin site. The periods (data windows, due days, the internal due
day), the outline's sections and the annex rows are configuration, edited here by city
administrators when the guidance changes; the reports themselves change only through
cchc.reports.actions, which write the audit trail."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from cchc.core.admin import ReadOnlyAdmin
from cchc.reports.models import Indicator, PeriodicReport, ReportPeriod, ReportSection
from cchc.reports.queries import KNOWN_SOURCES


class NoDeleteAdmin(admin.ModelAdmin):
    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False  # reports refer to them: retire an annex row with "in use" instead


@admin.register(ReportPeriod)
class ReportPeriodAdmin(NoDeleteAdmin):
    list_display = [
        "code",
        "name",
        "from_day",
        "from_month",
        "from_previous_year",
        "to_day",
        "to_month",
        "due_day",
        "due_month",
        "internal_due_day",
        "reminder_days",
    ]
    list_editable = ["internal_due_day", "reminder_days"]


@admin.register(ReportSection)
class ReportSectionAdmin(NoDeleteAdmin):
    list_display = ["number", "code", "title", "area_code", "order"]


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "section", "label", "measure", "source", "order", "is_active"]

    def clean_source(self) -> str:
        source = self.cleaned_data["source"].strip()
        if source and source not in KNOWN_SOURCES:
            raise forms.ValidationError(
                _("Unknown source; leave it empty for a typed-in row, or one of: %(names)s")
                % {"names": ", ".join(sorted(KNOWN_SOURCES))}
            )
        return source


@admin.register(Indicator)
class IndicatorAdmin(NoDeleteAdmin):
    form = IndicatorForm
    list_display = ["code", "label", "measure", "section", "source", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["section", "is_active"]


@admin.register(PeriodicReport)
class PeriodicReportAdmin(ReadOnlyAdmin):
    list_display = ["unit", "year", "period", "status", "submitted_at"]
    list_filter = ["year", "period", "status"]

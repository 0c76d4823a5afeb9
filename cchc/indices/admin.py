"""The reform index in the admin site, read-only: frameworks, rounds, assessments, results and
external indices change only through cchc.indices.actions and imports, which write the audit
trail."""

from django.contrib import admin

from cchc.core.admin import ReadOnlyAdmin
from cchc.indices.models import (
    Assessment,
    AssessmentRound,
    ExternalIndex,
    ExternalResult,
    Framework,
    Result,
)


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["year", "group", "title", "status", "is_illustrative"]
    list_filter = ["group", "status"]


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(ReadOnlyAdmin):
    list_display = ["title", "framework", "deadline", "published_at"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["round", "unit", "status", "submitted_at"]
    list_filter = ["status"]


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ["round", "unit_name", "percent", "rank", "group"]


@admin.register(ExternalIndex)
class ExternalIndexAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "publisher", "period"]


@admin.register(ExternalResult)
class ExternalResultAdmin(ReadOnlyAdmin):
    list_display = ["index", "province_name", "year", "month", "score", "rank"]
    list_filter = ["index", "year"]

"""Ratings in the admin site, read-only: policies, rounds, ratings, disciplinary decisions and
responsibilities change only through cchc.ratings.actions, which write the audit trail."""

from django.contrib import admin

from cchc.core.admin import ReadOnlyAdmin
from cchc.ratings.models import (
    Discipline,
    FollowUp,
    GeneralCriterion,
    GeneralScore,
    Rating,
    RatingPolicy,
    RatingRound,
    Responsibility,
)


class GeneralCriterionInline(admin.TabularInline):
    model = GeneralCriterion
    fields = ["code", "title", "max_points", "order"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(RatingPolicy)
class RatingPolicyAdmin(ReadOnlyAdmin):
    list_display = ["valid_from", "name", "general_max", "task_max", "published_at"]
    inlines = [GeneralCriterionInline]


@admin.register(RatingRound)
class RatingRoundAdmin(ReadOnlyAdmin):
    list_display = ["month", "policy", "generated_at"]
    list_select_related = ["policy"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["round", "kind", "label", "total", "band", "cap_applied", "status"]
    list_filter = ["kind", "band", "status", "peer_group"]
    list_select_related = ["round"]
    search_fields = ["label"]
    raw_id_fields = ["unit", "person", "discipline"]


@admin.register(GeneralScore)
class GeneralScoreAdmin(ReadOnlyAdmin):
    list_display = ["rating", "criterion", "points"]
    list_select_related = ["rating__round", "criterion"]


@admin.register(Discipline)
class DisciplineAdmin(ReadOnlyAdmin):
    list_display = ["number", "decided_on", "unit", "person", "form", "recorded_by"]
    list_filter = ["form"]
    list_select_related = ["unit", "person", "recorded_by"]
    search_fields = ["number", "reason"]


@admin.register(Responsibility)
class ResponsibilityAdmin(ReadOnlyAdmin):
    list_display = ["task", "person", "role", "unit", "days_overdue", "handling", "closed_at"]
    list_filter = ["role", "handling"]
    list_select_related = ["task", "person", "unit"]
    raw_id_fields = ["task", "person", "unit"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["responsibility", "author", "created_at"]
    list_select_related = ["responsibility__task", "responsibility__person", "author"]

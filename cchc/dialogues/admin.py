"""Dialogues in the admin site. The fields and issue groups are configurable reference data,
edited here; conferences, petitions, answers and commitments are read-only: they change only
through cchc.dialogues.actions, which write the audit trail."""

from django.contrib import admin

from cchc.core.admin import ReadOnlyAdmin
from cchc.dialogues.models import Answer, Commitment, Conference, Field, IssueGroup, Petition


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(IssueGroup)
class IssueGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "field", "order", "is_active"]
    list_filter = ["field", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(Conference)
class ConferenceAdmin(ReadOnlyAdmin):
    list_display = ["title", "host_unit", "starts_at", "status", "is_public"]
    list_filter = ["status", "level"]


@admin.register(Petition)
class PetitionAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "status", "unit", "responsible_unit", "deadline"]
    list_filter = ["status", "channel"]
    search_fields = ["code", "title"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["petition", "answered_on", "given_at", "published_at"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["petition", "task", "created_at"]

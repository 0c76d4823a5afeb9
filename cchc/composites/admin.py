from django.contrib import admin

from cchc.composites.models import CompositeIndex, CompositeRun


@admin.register(CompositeIndex)
class CompositeIndexAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at", "version")
    readonly_fields = ("meta", "data", "pipeline", "created_by", "version")


@admin.register(CompositeRun)
class CompositeRunAdmin(admin.ModelAdmin):
    list_display = ("index", "status", "progress", "replications", "created_at")
    list_filter = ("status",)
    readonly_fields = ("pipeline", "result", "assumptions", "created_by")

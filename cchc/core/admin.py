from typing import Any

from django.contrib import admin

from cchc.core.models import AuditEvent, Notification


class ReadOnlyAdmin(admin.ModelAdmin):
    """The admin site only shows records: every change goes through an action that writes the
    audit trail, which the admin's generic forms would bypass."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "verb", "target_repr", "unit"]
    list_filter = ["verb"]
    search_fields = ["verb", "target_repr"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]

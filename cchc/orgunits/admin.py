from django.contrib import admin

from cchc.orgunits.models import OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    """Read-only: units change through the app's actions so that every change is audited."""

    list_display = ["name", "code", "kind", "legacy", "valid_from", "valid_to"]
    list_filter = ["kind", "legacy", "is_demo"]
    search_fields = ["name", "code", "search_name"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

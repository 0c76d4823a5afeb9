from django.contrib import admin

from cchc.core.admin import ReadOnlyAdmin
from cchc.orgunits.models import OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "kind", "legacy", "valid_from", "valid_to"]
    list_filter = ["kind", "legacy", "is_demo"]
    search_fields = ["name", "code", "search_name"]

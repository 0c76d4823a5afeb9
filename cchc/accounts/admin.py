from django.contrib import admin

from cchc.accounts.models import ApiToken, Membership, User
from cchc.core.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "full_name", "email", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "full_name", "email"]
    exclude = ["password"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "unit", "role", "created_at"]
    list_filter = ["role"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["digest"]

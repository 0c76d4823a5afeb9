from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from cchc.accounts.models import ApiToken, Membership, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (None, {"fields": ("full_name",)}))  # type: ignore[misc]
    list_display = ["username", "full_name", "email", "is_active", "is_superuser"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "created_at"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["digest", "prefix"]

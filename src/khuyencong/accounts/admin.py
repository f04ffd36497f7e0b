from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, AgencyName, ApiToken, User, UserRole


class AgencyNameInline(admin.TabularInline):
    model = AgencyName
    extra = 0


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "jurisdiction_kind",
        "jurisdiction_unit",
        "jurisdiction_region",
        "parent",
    ]
    list_filter = ["kind", "jurisdiction_kind", "jurisdiction_region"]
    search_fields = ["code", "name", "names__name"]
    raw_id_fields = ["jurisdiction_unit", "parent"]
    inlines = [AgencyNameInline]


class UserRoleInline(admin.TabularInline):
    model = UserRole
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "agency", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff", "roles__role", "agency__kind"]
    search_fields = ["username", "full_name", "email", "agency__name"]
    raw_id_fields = ["agency"]
    inlines = [UserRoleInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "phone", "agency")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "full_name", "agency", "password1", "password2")},
        ),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at"]
    search_fields = ["user__username", "name", "prefix"]

    def has_add_permission(self, request):
        return False

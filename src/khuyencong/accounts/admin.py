from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.core.errors import DomainError

from .models import Agency, AgencyName, ApiToken, User, UserRole
from .services import api_token_admin_revoke


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
    """Read-only: a token is created by its owner on the tokens page (or through the API) and revoked
    there or here with the audited "revoke" action; nothing else about it changes, and a revocation is
    never undone (the owner creates a new token)."""

    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "key_hash",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    search_fields = ["user__username", "name", "prefix"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_apitoken")

    @admin.action(description=_("Revoke the selected API tokens"), permissions=["revoke"])
    def revoke(self, request, queryset):
        try:
            count = api_token_admin_revoke(
                actor=request.user, token_ids=list(queryset.values_list("pk", flat=True))
            )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
            messages.SUCCESS,
        )

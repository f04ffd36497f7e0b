from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.core.admin_audit import AuditedAdmin
from khuyencong.core.audit import audit_record
from khuyencong.core.errors import DomainError

from .choices import Role
from .models import Agency, AgencyName, ApiToken, User
from .services import api_token_admin_revoke, user_set_roles

# Permissions come from roles (accounts.backends.RoleBackend); Django's groups are not used, and an
# editable group would grant permissions beside the roles, unaudited.
admin.site.unregister(Group)


class AgencyNameInline(admin.TabularInline):
    model = AgencyName
    extra = 0


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin, SimpleHistoryAdmin):
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


# What the audit trail keeps of a change to a user in the admin (never the password's hash).
AUDITED_USER_FIELDS = ("username", "full_name", "email", "phone", "agency", "is_active", "is_superuser")


def _user_state(user: User) -> dict[str, Any]:
    state = {name: getattr(user, name) for name in AUDITED_USER_FIELDS if name != "agency"}
    state["agency"] = user.agency.code if user.agency_id else None
    return state


class UserChangeForm(BaseUserChangeForm):
    """The user's roles as check boxes: saved through `user_set_roles`, which audits them and keeps the
    admin site's access (is_staff) in step with the system administrator role."""

    roles = forms.MultipleChoiceField(
        label=_("roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.roles.values_list("role", flat=True))


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users change here only through the accounts services' rules: roles through `user_set_roles`
    (audited `user.roles`), the other fields audited as `user.admin_change` (before and after); a user
    added here is audited as `user.create`. Users are never deleted (deactivate them), so that the
    audit trail keeps who did what."""

    form = UserChangeForm
    list_display = ["username", "full_name", "agency", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff", "roles__role", "agency__kind"]
    search_fields = ["username", "full_name", "email", "agency__name"]
    raw_id_fields = ["agency"]
    readonly_fields = ["is_staff", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "email", "phone", "agency")}),
        (_("Access"), {"fields": ("roles", "is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "full_name", "agency", "password1", "password2")},
        ),
    )

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        before = _user_state(User.objects.select_related("agency").get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        after = _user_state(obj)
        if not change:
            audit_record(actor=request.user, action="user.create", obj=obj, after={**after, "roles": []})
        elif before != after:
            changed = [name for name in after if before[name] != after[name]]
            audit_record(
                actor=request.user,
                action="user.admin_change",
                obj=obj,
                before={name: before[name] for name in changed},
                after={name: after[name] for name in changed},
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "roles" in form.cleaned_data:
            user_set_roles(
                actor=request.user,
                user=form.instance,
                roles=[Role(r) for r in form.cleaned_data["roles"]],
                reason=str(_("changed in the admin site")),
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

from django.contrib import admin

from khuyencong.core.admin_audit import AuditedAdmin

from .models import EligibilityRule, Establishment, Industry, Representative


@admin.register(Industry)
class IndustryAdmin(AuditedAdmin):
    list_display = ["code", "name", "section"]
    list_filter = ["section"]
    search_fields = ["code", "name"]


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(AuditedAdmin):
    list_display = ["code", "legal_basis", "valid_from", "valid_to"]


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    """Read-only here: establishments change through the application, which checks and audits."""

    list_display = ["name", "legal_form", "tax_code", "commune", "merged_into"]
    list_filter = ["legal_form"]
    search_fields = ["name", "tax_code", "search_name"]
    raw_id_fields = ["commune", "industry", "merged_into"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Representative)
class RepresentativeAdmin(AuditedAdmin):
    """Which user represents which establishment: set by the system administrator."""

    list_display = ["user", "establishment", "since"]
    search_fields = ["user__username", "user__full_name", "establishment__name"]
    raw_id_fields = ["user", "establishment"]

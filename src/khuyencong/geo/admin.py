from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.core.admin_audit import AuditedAdmin

from .models import AdministrativeUnit, Region, RegionMembership, UnitSuccession


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "type", "province", "current_province", "valid_from", "valid_to"]
    list_filter = ["level", "type", "valid_to"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "province", "current_province", "successor"]
    list_select_related = ["province", "current_province"]

    def has_delete_permission(self, request, obj=None):
        return False  # units are loaded from the reference packages; records keep pointing at them


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(AuditedAdmin):
    list_display = ["predecessor", "successor", "effective_date", "is_primary", "partial"]
    list_filter = ["is_primary", "partial", "predecessor__level"]
    search_fields = ["predecessor__name", "successor__name", "predecessor__code"]
    raw_id_fields = ["predecessor", "successor"]


class RegionMembershipInline(admin.TabularInline):
    model = RegionMembership
    extra = 0
    raw_id_fields = ["province"]
    fields = ["province", "year_from", "year_to", "basis", "note"]


@admin.register(Region)
class RegionAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "order"]
    inlines = [RegionMembershipInline]


@admin.register(RegionMembership)
class RegionMembershipAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["province", "region", "year_from", "year_to", "basis", "note"]
    list_filter = ["region", "basis", "year_from"]
    search_fields = ["province__name", "note"]
    raw_id_fields = ["province"]

    def save_model(self, request, obj, form, change):
        # An administrator's edit overrides the derived rule; the loader never overwrites it.
        if change and form.changed_data:
            obj.basis = RegionMembership.Basis.MANUAL
        super().save_model(request, obj, form, change)

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from khuyencong.core.admin_audit import AuditedAdmin

from .models import Activity, ContentGroup, Indicator, Programme, ProgrammeTarget, SupportNorm


class ProgrammeTargetInline(admin.TabularInline):
    model = ProgrammeTarget
    extra = 0


class ContentGroupInline(admin.TabularInline):
    model = ContentGroup
    extra = 0
    fields = ["number", "code", "name", "valid_from", "valid_to"]


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "year_from", "year_to", "legal_basis"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "legal_basis"]
    raw_id_fields = ["unit"]
    inlines = [ContentGroupInline, ProgrammeTargetInline]


@admin.register(ContentGroup)
class ContentGroupAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "number", "name", "programme", "valid_from", "valid_to"]
    list_filter = ["programme"]
    search_fields = ["code", "name"]
    filter_horizontal = ["decree_groups"]


@admin.register(Activity)
class ActivityAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "valid_from", "valid_to"]
    list_filter = ["groups__programme"]
    search_fields = ["code", "name"]
    filter_horizontal = ["groups"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = ["code", "name", "unit", "valid_from", "valid_to"]
    search_fields = ["code", "name"]
    filter_horizontal = ["activities"]


@admin.register(SupportNorm)
class SupportNormAdmin(AuditedAdmin, SimpleHistoryAdmin):
    list_display = [
        "code",
        "activity",
        "condition",
        "max_share",
        "cap",
        "cap_per",
        "legal_basis",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["activity", "legal_basis", "cap_per"]
    search_fields = ["code", "activity__name", "legal_basis"]

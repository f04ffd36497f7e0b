"""Reference data of the finance app: the advance rules. The ledger is never edited here."""

from django.contrib import admin

from khuyencong.core.admin_audit import AuditedAdmin

from .models import AdvanceRule


@admin.register(AdvanceRule)
class AdvanceRuleAdmin(AuditedAdmin):
    list_display = ["activity", "max_share", "condition", "valid_from", "valid_to", "legal_basis"]
    list_filter = ["activity"]

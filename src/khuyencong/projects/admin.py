"""Reference data of the projects app, edited by system administrators: deadlines and dossier forms.
Projects themselves change only through the services (pages, API), never here."""

from django.contrib import admin

from khuyencong.core.admin_audit import AuditedAdmin

from .models import DeadlineRule, DocumentForm


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedAdmin):
    list_display = ["kind", "days", "day", "month", "valid_from", "valid_to", "legal_basis"]
    list_filter = ["kind"]


@admin.register(DocumentForm)
class DocumentFormAdmin(AuditedAdmin):
    list_display = ["order", "code", "number", "name", "valid_from", "valid_to"]
    search_fields = ["code", "number", "name"]

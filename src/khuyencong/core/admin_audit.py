"""Reference data that system administrators edit in the admin site (deadline rules, dossier forms,
advance rules, the catalogue, regions…) leaves the same audit trail as the services: who, when, and
the fields before and after (`admin.add`, `admin.change`, `admin.delete`). Records that change only
through services have read-only admins instead (projects, establishments, API tokens, the audit)."""

from typing import Any

from django.contrib import admin
from django.db import models

from .audit import audit_record, snapshot


def record_state(obj: models.Model) -> dict[str, Any]:
    """The record's own fields as JSON values (foreign keys by id), many-to-many left out."""
    return {obj._meta.get_field(name).attname: value for name, value in snapshot(obj).items()}


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletions are audited."""

    def save_model(self, request, obj, form, change):
        before = record_state(type(obj)._base_manager.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        after = record_state(obj)
        changed = [name for name in after if before.get(name) != after[name]] if change else list(after)
        if change and not changed:
            return
        audit_record(
            actor=request.user,
            action="admin.change" if change else "admin.add",
            obj=obj,
            before={name: before[name] for name in changed} if change else None,
            after={name: after[name] for name in changed},
        )

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action="admin.delete", obj=obj, before=record_state(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_record(actor=request.user, action="admin.delete", obj=obj, before=record_state(obj))
        super().delete_queryset(request, queryset)

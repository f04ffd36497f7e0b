"""The lookups every endpoint shares: one project in the caller's scope, and records named by id in
request bodies."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, allows, get_in_scope, restrict
from khuyencong.accounts.models import Agency
from khuyencong.core.errors import PermissionDenied, ValidationFailed

from ..models import Project
from ..selectors import projects_visible


def project_in_scope(request, project_id: int, action: Action = Action.VIEW) -> Project:
    """404 outside the caller's jurisdiction whatever the role; 403 inside it if the role may not `action`."""
    return get_in_scope(
        projects_visible(request.user).select_related("implementer_agency", "location__province"),
        request.user,
        action,
        pk=project_id,
    )


def require_change(request) -> None:
    if not allows(request.user, Action.CHANGE):
        raise PermissionDenied()


def visible(request, model: type, pk: int | None) -> Any:
    """The record with id `pk` if the caller may see it, else None (the service names the field)."""
    if pk is None:
        return None
    return restrict(model._default_manager.filter(pk=pk), request.user).first()


def agency_by_code(code: str | None, field: str) -> Agency | None:
    if code is None:
        return None
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise ValidationFailed(
            _("Some fields are not valid."),
            code="invalid_fields",
            errors={field: str(_("Unknown agency code."))},
        )
    return agency

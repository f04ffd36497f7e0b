from typing import Any

from django.db.models import QuerySet

from khuyencong.geo.models import AdministrativeUnit

from .jurisdiction import Action, restrict
from .models import Agency, ApiToken


def agencies_visible(user: Any, action: Action = Action.VIEW) -> QuerySet[Agency]:
    return restrict(
        Agency.objects.select_related("jurisdiction_unit", "jurisdiction_region", "parent").prefetch_related(
            "names"
        ),
        user,
        action,
    )


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def current_provinces_visible(user: Any) -> QuerySet[AdministrativeUnit]:
    """Today's provinces in the user's jurisdiction, by name (the lists' province filters)."""
    return restrict(AdministrativeUnit.objects.current().provinces(), user).order_by("name")

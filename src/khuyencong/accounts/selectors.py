from typing import Any

from django.db.models import QuerySet

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

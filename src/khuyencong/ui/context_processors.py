from django.conf import settings

from khuyencong.accounts.jurisdiction import scope_of
from khuyencong.establishments.selectors import represents_only

# What the menu offers to a user who only represents an establishment: their projects, events and
# establishment, and the catalogue's norms; no plans, payments, reports or API tokens.
ESTABLISHMENT_MENU = {"home", "projects", "events", "establishments", "catalog"}
FULL_MENU = ESTABLISHMENT_MENU | {
    "plans",
    "finance",
    "reports",
    "units",
    "agencies",
    "regions",
    "api",
    "tokens",
}


def menu_of(user) -> set[str]:
    from khuyencong.core.imports import kinds_for

    if represents_only(user):
        return ESTABLISHMENT_MENU
    return FULL_MENU | {"imports"} if kinds_for(user) else FULL_MENU


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"LANGUAGE_CHOICES": settings.LANGUAGES}
    return {
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "user_scope": scope_of(user),
        "user_roles": sorted((r.label for r in user.role_set), key=str),
        "menu": menu_of(user),
    }

from django.conf import settings

from khuyencong.accounts.jurisdiction import scope_of


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"LANGUAGE_CHOICES": settings.LANGUAGES}
    return {
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "user_scope": scope_of(user),
        "user_roles": sorted((r.label for r in user.role_set), key=str),
    }

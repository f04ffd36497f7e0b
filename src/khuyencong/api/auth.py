from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from khuyencong.accounts.services import api_token_authenticate


class PersonalToken(HttpBearer):
    """`Authorization: Bearer kc_…` — a personal token created on the "API tokens" page."""

    openapi_description = "Personal API token (created in the web interface under 'API tokens')."

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class Session(APIKeyCookie):
    """The browser's session cookie (CSRF token required for changes)."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # No logged-in session, nothing a forged request could ride on: no CSRF check, so a request
        # without credentials (or with a bad token) gets 401 "log in", not 403 "CSRF check failed".
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


AUTH = [PersonalToken(), Session()]

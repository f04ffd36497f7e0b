"""Every API error is JSON: {"code": stable machine-readable code, "message": text in the request's
language, "messages": {"vi": …, "en": …}, "details": …}."""

from typing import Any

from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from khuyencong.core.errors import DomainError


def _messages(message: Any) -> dict[str, str]:
    out = {}
    for lang in ("vi", "en"):
        with translation.override(lang):
            out[lang] = str(message)
    return out


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: Any, details: Any = None
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": str(message), "messages": _messages(message)}
    if details:
        body["details"] = details
    return api.create_response(request, body, status=status)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        details = dict(exc.details)
        if details.get("field") and "errors" not in details:
            # An error about one field is also listed the way field errors always are: field → message.
            details["errors"] = {details["field"]: str(exc.message)}
        return error_response(api, request, exc.status, exc.code, exc.message, details or None)

    @api.exception_handler(DataError)
    @api.exception_handler(OverflowError)
    def overflow(request, exc):
        # a value past what the database stores (an id or filter beyond 64 bits) that no schema caught
        return error_response(
            api, request, 422, "invalid_input", _("A number or value in the request is out of range."), None
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error_response(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return error_response(api, request, 401, "not_authenticated", _("Log in or send a valid API token."))

    @api.exception_handler(AuthorizationError)
    def forbidden(request, exc):
        return error_response(
            api, request, 403, "permission_denied", _("Your role does not allow this action.")
        )

    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        details = [
            {
                "field": ".".join(
                    str(p) for p in e.get("loc", []) if p not in ("body", "query", "path", "payload")
                ),
                "type": e.get("type"),
                "message": e.get("msg"),
            }
            for e in exc.errors
        ]
        return error_response(
            api, request, 422, "invalid_input", _("Some values are missing or not valid."), details
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return error_response(api, request, exc.status_code, f"http_{exc.status_code}", str(exc))


def refusal(request: HttpRequest, status: int, code: str, message: Any) -> HttpResponse:
    """An error answered before an operation runs, in the body every error has."""
    from .api import api

    return error_response(api, request, status, code, message)

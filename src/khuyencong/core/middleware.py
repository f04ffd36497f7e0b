from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.db import DataError
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext_lazy as _


class LoginRequired(LoginRequiredMiddleware):
    """Every page needs a login except those marked @login_not_required. The API answers for itself
    (401 JSON instead of a redirect), so it is left to its own authentication."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


NUL = "\x00"


class RefuseBadInput:
    """Input no field can hold is a 400, never a server error, the same on both databases:
    - a NUL character (it has no place in any text, and PostgreSQL refuses it in a query): a request
      carrying one in its query string, form fields or JSON body is refused before any view runs;
    - a number beyond what the database stores (an id or a filter past 64 bits) that reached a page's
      query (the API answers these itself, 422)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            message = _("The request contains a NUL character, which is not allowed in any text.")
            if request.path_info.startswith("/api/"):
                return JsonResponse({"code": "invalid_character", "message": str(message)}, status=400)
            return HttpResponseBadRequest(str(message), content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request) -> bool:
        if "%00" in request.META.get("QUERY_STRING", "") or NUL in request.path:
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json"):
            body = request.body  # JSON bodies are small (uploads are multipart)
            return b"\\u0000" in body or b"\x00" in body
        if request.method == "POST" and content_type.startswith("application/x-www-form-urlencoded"):
            return any(NUL in value for values in request.POST.lists() for value in values[1])
        return False

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError | DataError) and not request.path_info.startswith("/api/"):
            message = _("A number or value in the request is out of range.")
            return HttpResponseBadRequest(str(message), content_type="text/plain; charset=utf-8")
        return None

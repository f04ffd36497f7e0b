import io
import re

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DataError
from django.http import Http404, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .errors import NotInJurisdiction, PermissionDenied
from .text import clean_input


class LoginRequired(LoginRequiredMiddleware):
    """Every page needs a login except those marked @login_not_required. The API answers for itself
    (401 JSON instead of a redirect), so it is left to its own authentication."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class AccessRefusals:
    """The one place pages turn the services' access refusals into HTTP: a record outside the user's
    jurisdiction is not found (404, whether it exists or not), an action the role may not take is
    forbidden (403). Views let these propagate; the API maps them itself (JSON with a `code`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotInJurisdiction):
            raise Http404 from exception
        if isinstance(exception, PermissionDenied):
            raise Forbidden from exception
        return None


NUL = "\x00"
MB = 1024 * 1024
# a JSON \u escape (optionally a surrogate pair), not itself escaped (\\u200b is text)
_ESCAPED = re.compile(
    r"(?<!\\)((?:\\\\)*)\\u([dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|[0-9a-fA-F]{4})"
)


def _refusal(request, status: int, code: str, message) -> HttpResponse:
    """The API's error body (code, message, messages in vi and en), or plain text for a page."""
    if request.path_info.startswith("/api/"):
        messages = {}
        for language in ("vi", "en"):
            with translation.override(language):
                messages[language] = str(message)
        return JsonResponse({"code": code, "message": str(message), "messages": messages}, status=status)
    return HttpResponse(str(message), status=status, content_type="text/plain; charset=utf-8")


class RefuseBadInput:
    """Input is bounded and cleaned before any view reads it, the same on both databases:
    - a body larger than it may be is refused by its declared length, unread (413): a multipart upload
      above KHUYENCONG_UPLOAD_MAX_BYTES (+1 MB for the other fields), any other body above
      KHUYENCONG_BODY_MAX_BYTES; a multipart body that cannot be parsed (no boundary…) is a 400;
    - a NUL character (it has no place in any text, and PostgreSQL refuses it in a query): a request
      carrying one in its query string, form fields or JSON body is refused (400);
    - the text of form fields and JSON bodies is composed (NFC) and stripped of invisible characters
      (`text.clean_input`), so a name of zero-width spaces arrives empty and is refused as such
      (passwords are left as typed);
    - a number beyond what the database stores (an id or a filter past 64 bits) that reached a page's
      query (the API answers these itself, 422)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        content_type = request.META.get("CONTENT_TYPE", "")
        multipart = content_type.startswith("multipart/")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.KHUYENCONG_UPLOAD_MAX_BYTES + MB if multipart else settings.KHUYENCONG_BODY_MAX_BYTES
        if declared > limit:
            message = _("The request is larger than %(mb)s MB.") % {"mb": round(limit / MB)}
            return _refusal(request, 413, "request_too_large", message)
        try:
            if self._carries_nul(request, content_type):
                message = _("The request contains a NUL character, which is not allowed in any text.")
                return _refusal(request, 400, "invalid_character", message)
            self._clean_text(request, content_type)
        except (MultiPartParserError, TooManyFilesSent) as exc:
            message = _("The upload could not be read (%(error)s).") % {"error": exc}
            return _refusal(request, 400, "invalid_multipart", message)
        except (RequestDataTooBig, TooManyFieldsSent):
            message = _("The request has too many fields or is too large.")
            return _refusal(request, 413, "request_too_large", message)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request, content_type: str) -> bool:
        if "%00" in request.META.get("QUERY_STRING", "") or NUL in request.path:
            return True
        if content_type.startswith("application/json"):
            body = request.body  # bounded above
            return b"\\u0000" in body or b"\x00" in body
        if request.method == "POST" and content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            return any(NUL in value for values in request.POST.lists() for value in values[1])
        return False

    @staticmethod
    def _clean_text(request, content_type: str) -> None:
        if content_type.startswith("application/json"):
            try:
                text = request.body.decode()
            except UnicodeDecodeError:
                return  # the API answers that itself
            cleaned = clean_input(_ESCAPED.sub(_unescape, text))
            if cleaned != text:
                request._body = cleaned.encode()
                request._stream = io.BytesIO(request._body)
            return
        if request.method != "POST" or not content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            return
        data = request.POST.copy()
        changed = False
        for key, values in data.lists():
            if "password" in key:
                continue
            cleaned = [clean_input(v) for v in values]
            if cleaned != values:
                data.setlist(key, cleaned)
                changed = True
        if changed:
            data._mutable = False
            request.POST = data

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError | DataError) and not request.path_info.startswith("/api/"):
            message = _("A number or value in the request is out of range.")
            return _refusal(request, 400, "out_of_range", message)
        return None


def _unescape(match: re.Match) -> str:
    """A JSON escape as the character it stands for, so that text sent escaped is cleaned as well —
    except the characters JSON requires escaped (quote, backslash, controls) and lone surrogates."""
    code = match.group(2)
    if len(code) > 4:
        char = (
            (chr(int(code[:4], 16)) + chr(int(code[6:], 16)))
            .encode("utf-16", "surrogatepass")
            .decode("utf-16")
        )
    else:
        point = int(code, 16)
        if point < 0x20 or point in (0x22, 0x5C) or 0xD800 <= point <= 0xDFFF:
            return match.group(0)
        char = chr(point)
    return match.group(1) + char

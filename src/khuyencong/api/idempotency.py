"""`Idempotency-Key` on the API's POSTs (everything that records money or changes a state): the first
request with a key runs and its answer is kept for a day; a repeat with the same key, path and body
gets that answer again (header `Idempotent-Replayed: true`) without running. The same key with another
request is 422 `idempotency_key_reused`; a repeat while the first is still running is 409
`request_in_progress`. Keys are the user's own; server errors and refused credentials are not kept
(a retry runs again).

    curl -X POST …/ledger -H "Idempotency-Key: 7f0c…" -d '{"kind": "payment", …}'
"""

import datetime as dt
import hashlib
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.services import api_token_authenticate

from .models import IdempotentRequest

HEADER = "Idempotency-Key"
KEPT = dt.timedelta(hours=24)
NOT_KEPT = {401, 403}  # credentials or CSRF to fix: the retry runs


def _user(request: HttpRequest) -> Any:
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        return api_token_authenticate(authorization[7:].strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    if not request.content_type.startswith("multipart/"):
        digest.update(request.body)
    else:  # the upload as parsed: fields and each file's name and content
        for name, values in sorted(request.POST.lists()):
            digest.update(f"{name}={values}\n".encode())
        for name, upload in sorted((n, f) for n, files in request.FILES.lists() for f in files):
            digest.update(f"{name}:{upload.name}:{upload.size}\n".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def idempotent(run):
    """Wraps an operation's `run` (NinjaAPI.add_decorator mode "view")."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return run(request, *args, **kwargs)
        from .errors import refusal

        if not key.strip() or len(key) > 255 or not key.isprintable():
            return refusal(
                request,
                422,
                "invalid_idempotency_key",
                _("The Idempotency-Key header is 1 to 255 printable characters."),
            )
        user = _user(request)
        if user is None:  # the operation answers 401 itself; nothing is kept for nobody
            return run(request, *args, **kwargs)
        fingerprint = _fingerprint(request)
        IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEPT).delete()
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(user=user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            first = IdempotentRequest.objects.filter(user=user, key=key).first()
            if first is None:  # it ended in a server error meanwhile: run this one
                return run(request, *args, **kwargs)
            if first.fingerprint != fingerprint:
                message = _("This Idempotency-Key was used for another request; use a new key.")
                return refusal(request, 422, "idempotency_key_reused", message)
            if first.status is None:
                message = _("The first request with this Idempotency-Key is still running; try again.")
                return refusal(request, 409, "request_in_progress", message)
            replay = HttpResponse(bytes(first.body), status=first.status, content_type=first.content_type)
            replay["Idempotent-Replayed"] = "true"
            return replay
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            record.delete()
            raise
        if response.status_code in NOT_KEPT or response.status_code >= 500 or response.streaming:
            record.delete()
            return response
        record.status = response.status_code
        record.content_type = response.get("Content-Type", "")
        record.body = response.content
        record.save(update_fields=["status", "content_type", "body"])
        return response

    return wrapper

"""What every app's pages share: running a service on behalf of the request and showing its refusal."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from .errors import DomainError, NotInJurisdiction, PermissionDenied


def show_refusal(request: HttpRequest, exc: DomainError, form: Any = None) -> None:
    """Field errors go next to their fields on `form`; the message goes to the top of the page. Without
    a form (a small form posted from a detail page) the field errors become messages too."""
    errors = exc.details.get("errors") or (
        {exc.details["field"]: str(exc.message)} if exc.details.get("field") else {}
    )
    if form is not None:
        for field, message in errors.items():
            form.add_error(field if field in form.fields else None, message)
    if form is None or not errors:
        messages.error(request, str(exc.message))
    if form is None:
        for message in exc.details.get("errors", {}).values():
            messages.error(request, message)


def report_form_errors(request: HttpRequest, form: Any) -> None:
    """A small form posted from a detail page that did not validate: its errors as messages."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


class Refused:
    """What `attempt` returns when the service refused: falsy, unlike any object a service returns."""

    def __bool__(self) -> bool:
        return False


def attempt(request: HttpRequest, call: Callable[[], Any], *, success: Any, form: Any = None) -> Any:
    """Run a service call: out of jurisdiction becomes 404 (it reads as not found everywhere), a role
    refusal 403, any other refusal is shown (on `form` when given) and gives a falsy `Refused()`; on
    success the message `success` (or `success(result)`) is shown and the service's result (True when
    it returns nothing) is returned."""
    try:
        result = call()
    except (NotInJurisdiction, PermissionDenied):
        raise  # 404 / 403 (core.middleware.AccessRefusals)
    except DomainError as exc:
        show_refusal(request, exc, form)
        return Refused()
    messages.success(request, success(result) if callable(success) else success)
    return True if result is None else result

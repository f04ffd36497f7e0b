"""What every app's pages share: showing a service's refusal on the page."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from .errors import DomainError


def show_refusal(request: HttpRequest, exc: DomainError, form: Any = None) -> None:
    """Field errors go next to their fields on `form`; the message goes to the top of the page."""
    errors = exc.details.get("errors") or (
        {exc.details["field"]: str(exc.message)} if exc.details.get("field") else {}
    )
    if form is not None:
        for field, message in errors.items():
            form.add_error(field if field in form.fields else None, message)
    if form is None or not errors:
        messages.error(request, str(exc.message))

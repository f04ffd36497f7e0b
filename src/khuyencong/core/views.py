"""What every app's pages share: running a service on behalf of the request and showing its refusal."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, QueryDict

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
    """A small form posted from a detail page that did not validate: its errors as messages, and what
    was typed kept for the page it goes back to (`kept`)."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    keep(request, form)


KEPT = "kc-kept-forms"


def keep(request: HttpRequest, form: Any) -> None:
    """Keep what `form` was posted with (by its prefix) in the session, for one page view."""
    if not hasattr(request, "session"):
        return
    kept = request.session.get(KEPT, {})
    names = {form.add_prefix(name) for name in form.fields}
    kept[form.prefix or ""] = {
        "data": {key: request.POST.getlist(key) for key in request.POST if key in names},
        "errors": {field: [str(e) for e in errors] for field, errors in form.errors.items()},
    }
    request.session[KEPT] = kept


def kept(request: HttpRequest, form_class: Any, *, prefix: str = "", **kwargs: Any) -> Any:
    """`form_class` bound to what was posted with it and refused (its errors show next to its fields,
    every typed value is back), or unbound when nothing was kept; taken once."""
    stored = request.session.get(KEPT, {}) if hasattr(request, "session") else {}
    entry = stored.pop(prefix, None)
    if entry is None:
        return form_class(prefix=prefix or None, **kwargs)
    request.session[KEPT] = stored
    bound = QueryDict(mutable=True)
    for key, values in entry["data"].items():
        bound.setlist(key, values)
    version = (kwargs.get("initial") or {}).get("version")
    if version is not None:  # the record as it is now, not as it was when the form was posted
        bound["-".join(filter(None, (prefix, "version")))] = str(version)
    form = form_class(bound, prefix=prefix or None, **kwargs)
    form.is_valid()
    for field, errors in entry["errors"].items():  # the service's refusals, which the form cannot know
        for error in errors:
            if error not in form.errors.get(field, []):
                form.add_error(field if field in form.fields else None, error)
    return form


class Refused:
    """What `attempt` returns when the service refused: falsy, unlike any object a service returns."""

    def __bool__(self) -> bool:
        return False


def attempt(
    request: HttpRequest, call: Callable[[], Any], *, success: Any, form: Any = None, keep_form: bool = False
) -> Any:
    """Run a service call: out of jurisdiction becomes 404 (it reads as not found everywhere), a role
    refusal 403, any other refusal is shown (on `form` when given; with `keep_form` the form is kept
    for the page the request goes back to, `kept`) and gives a falsy `Refused()`; on
    success the message `success` (or `success(result)`) is shown and the service's result (True when
    it returns nothing) is returned."""
    try:
        result = call()
    except (NotInJurisdiction, PermissionDenied):
        raise  # 404 / 403 (core.middleware.AccessRefusals)
    except DomainError as exc:
        show_refusal(request, exc, form)
        if keep_form and form is not None:
            if exc.details.get("field") or exc.details.get("errors"):
                messages.error(request, str(exc.message))  # the summary at the top of the page
            keep(request, form)
        return Refused()
    messages.success(request, success(result) if callable(success) else success)
    return True if result is None else result

"""Domain errors: a stable machine-readable code and a translatable message.

Services raise these; the API turns them into JSON once (api.errors), the UI into a message once
(ui views). Nothing else decides how a rule violation looks to the user.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message: Any = None, *, code: str | None = None, **details: Any) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.details = details
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    code = "validation_failed"
    default_message = _("The data is not valid.")


class InvalidInput(ValidationFailed):
    """What the request sends cannot be a value of the field at all (null for a required field, a
    number beyond 64 bits): 422, as when the API's schema refuses it."""

    code = "invalid_input"
    status = 422
    default_message = _("Some values are missing or not valid.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("Your role does not allow this action.")


class NotInJurisdiction(DomainError):
    """Out of the user's jurisdiction: reported as 'not found' so that nothing leaks."""

    code = "not_found"
    status = 404
    default_message = _("Not found.")


class WrongState(DomainError):
    """The action is not one the record's state allows (the raiser says which record, in words)."""

    code = "wrong_state"
    status = 409
    default_message = _("This action is not possible in the record's current state.")


class StaleWrite(DomainError):
    code = "stale_write"
    status = 409
    default_message = _("Someone else changed this record after you opened it. Reload it and try again.")

"""The one check that a value is money as the system stores it: a whole, non-negative number of đồng."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed


def whole_dong(value: Any, *, field: str = "amount") -> int:
    """`value` if it is an int ≥ 0; otherwise ValidationFailed (codes not_integer_dong, negative_amount)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(
            _("The amount must be a whole number of đồng."), code="not_integer_dong", field=field
        )
    if value < 0:
        raise ValidationFailed(_("The amount cannot be negative."), code="negative_amount", field=field)
    return value

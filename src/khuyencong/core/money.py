"""The one check that a value is money as the system stores it: a whole, non-negative number of đồng,
at most MONEY_MAX (settings.KHUYENCONG_MONEY_MAX)."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed
from .formatting import format_vnd

# 100.000 tỷ đồng: far above any khuyến công amount (a province's yearly plan is some tens of tỷ), far
# below what a 64-bit column holds — a typo of extra zeros is refused, not carried into the totals.
MONEY_MAX = 100_000 * 1_000_000_000


def money_max() -> int:
    return int(getattr(settings, "KHUYENCONG_MONEY_MAX", MONEY_MAX))


def whole_dong(value: Any, *, field: str = "amount") -> int:
    """`value` if it is an int ≥ 0; otherwise ValidationFailed (codes not_integer_dong, negative_amount)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(
            _("The amount must be a whole number of đồng."), code="not_integer_dong", field=field
        )
    if value < 0:
        raise ValidationFailed(_("The amount cannot be negative."), code="negative_amount", field=field)
    if value > money_max():
        raise ValidationFailed(
            _("The amount is beyond any plausible amount (at most %(max)s).")
            % {"max": format_vnd(money_max())},
            code="amount_too_large",
            field=field,
        )
    return value

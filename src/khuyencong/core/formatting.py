"""The one place numbers, money and dates are turned into text (and money text back into đồng).

Money is integer đồng. Display scales to đồng / triệu (10^6) / tỷ (10^9) with Vietnamese separators:
``78,7 tỷ đồng``, ``57.615,3 triệu đồng``, ``1.234.567.890 đ``; rates as ``84,12%``; dates ``22/08/2023``.
Rounding is half-up everywhere (the convention of the published reports), never banker's rounding.
"""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from babel.numbers import format_decimal
from django.utils import translation

Scale = Literal["dong", "trieu", "ty", "auto"]
MILLION = 1_000_000
BILLION = 1_000_000_000

_UNITS = {
    "vi": {"dong": "đồng", "trieu": "triệu đồng", "ty": "tỷ đồng", "short": "đ"},
    "en": {"dong": "VND", "trieu": "million VND", "ty": "billion VND", "short": "VND"},
}


def _locale() -> str:
    lang = (translation.get_language() or "vi")[:2]
    return "en" if lang == "en" else "vi"


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: int | Decimal | float | None, decimals: int = 0, locale: str | None = None) -> str:
    """12345.6 → '12.345,6' (vi) / '12,345.6' (en). None → '—'."""
    if value is None:
        return "—"
    number = round_half_up(Decimal(str(value)), decimals)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(number, format=pattern, locale=locale or _locale(), decimal_quantization=False)


def _require_int(amount: int) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"money must be integer đồng, got {type(amount).__name__}")
    return amount


def format_vnd(amount: int | None, scale: Scale = "dong", decimals: int | None = None) -> str:
    """Format integer đồng.

    >>> format_vnd(78_700_000_000, "ty")           # '78,7 tỷ đồng'
    >>> format_vnd(57_615_300_000, "trieu")        # '57.615,3 triệu đồng'
    >>> format_vnd(1_234_567_890)                  # '1.234.567.890 đ'
    ``auto`` picks tỷ from one billion, triệu from one million, else đồng.
    Negative amounts keep a leading minus sign.
    """
    if amount is None:
        return "—"
    amount = _require_int(amount)
    locale = _locale()
    units = _UNITS[locale]
    if scale == "auto":
        magnitude = abs(amount)
        scale = "ty" if magnitude >= BILLION else "trieu" if magnitude >= MILLION else "dong"
    if scale == "dong":
        return f"{format_number(amount, 0, locale)} {units['short']}"
    divisor = BILLION if scale == "ty" else MILLION
    places = 1 if decimals is None else decimals
    return f"{format_number(Decimal(amount) / divisor, places, locale)} {units[scale]}"


def format_percent(ratio: Decimal | float | int | None, decimals: int = 2) -> str:
    """A ratio (0.8412) as a percentage: '84,12%'. None (no denominator) → '—'."""
    if ratio is None:
        return "—"
    return f"{format_number(Decimal(str(ratio)) * 100, decimals)}%"


def ratio(part: int, whole: int) -> Decimal | None:
    """part / whole as an exact Decimal; None when the whole is zero (a rate with no plan is undefined)."""
    if not whole:
        return None
    return Decimal(part) / Decimal(whole)


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


_SCALE_WORDS = {
    "tỷ": BILLION,
    "ty": BILLION,
    "tỉ": BILLION,
    "triệu": MILLION,
    "trieu": MILLION,
    "tr": MILLION,
    "nghìn": 1000,
    "ngàn": 1000,
    "đồng": 1,
    "dong": 1,
    "đ": 1,
    "vnd": 1,
}
_MONEY_RE = re.compile(r"^\s*(-?)\s*([\d.,\s]+?)\s*([^\d\s.,-]*(?:\s+đồng)?)\s*$", re.IGNORECASE)


class MoneyParseError(ValueError):
    pass


def parse_vnd(text: str) -> int:
    """Read a money amount typed by an officer into integer đồng.

    Accepts '1.500.000.000', '1500000000', '1.500.000.000 đ', '1,5 tỷ', '57.615,3 triệu', '200 triệu đồng'.
    With a scale word the comma is the decimal separator and dots group thousands; without one the
    amount must be whole đồng. Anything that is not an exact whole number of đồng is refused.
    """
    match = _MONEY_RE.match(text or "")
    if not match:
        raise MoneyParseError(text)
    sign, digits, unit = match.groups()
    unit = unit.strip().lower()
    if unit.endswith(" đồng"):
        unit = unit.removesuffix(" đồng").strip()
    multiplier = _SCALE_WORDS.get(unit) if unit else 1
    if multiplier is None:
        raise MoneyParseError(text)
    digits = digits.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?|\d+(,\d+)?", digits):
        normalised = digits.replace(".", "").replace(",", ".")
    else:
        raise MoneyParseError(text)
    try:
        value = Decimal(normalised) * multiplier
    except InvalidOperation as exc:
        raise MoneyParseError(text) from exc
    if value != value.to_integral_value():
        raise MoneyParseError(text)
    return int(value) * (-1 if sign else 1)

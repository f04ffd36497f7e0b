"""How establishments are recognised: tax codes (mã số thuế) and names compared the Vietnamese way."""

import re

from django.utils.translation import gettext_lazy as _

from khuyencong.core.text import fold

_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_check_digit(first_nine: str) -> int | None:
    """The tenth digit of a Vietnamese tax code; None when no digit can complete these nine."""
    value = 10 - sum(w * int(d) for w, d in zip(_WEIGHTS, first_nine, strict=True)) % 11
    return value if value < 10 else None


def normalize_tax_code(raw: str) -> str:
    """'0100109106', '0100 109 106' → '0100109106'; '0100109106001' or '0100109106-001' → '0100109106-001'."""
    digits = re.sub(r"[\s.\-]", "", raw or "")
    if len(digits) == 13 and digits.isdigit():
        return f"{digits[:10]}-{digits[10:]}"
    return digits


def tax_code_error(code: str) -> str | None:
    """Why a (normalised) tax code is invalid, or None when it is valid or empty."""
    if not code:
        return None
    if not re.fullmatch(r"\d{10}(-\d{3})?", code):
        return str(_("A tax code has 10 digits, or 13 for a branch (10 digits, a dash and 3 digits)."))
    expected = tax_check_digit(code[:9])
    if expected is None or int(code[9]) != expected:
        return str(
            _("The check digit of tax code %(code)s is wrong: please check the number.") % {"code": code}
        )
    return None


def phone_error(text: str) -> str | None:
    """Why a phone field is invalid, or None: each number (several may be separated by "," ";" or "/")
    has 10 or 11 digits starting with 0, or +84 and 9 or 10 digits; spaces, dots, dashes and
    parentheses are allowed between the digits."""
    for part in re.split(r"[,;/]", text):
        number = re.sub(r"[\s.\-()]", "", part)
        if not number:
            continue
        if not re.fullmatch(r"(0\d{9,10}|\+84\d{9,10})", number):
            return str(
                _(
                    "“%(text)s” is not a phone number: 10 or 11 digits starting with 0 (or +84), "
                    "e.g. 0258 3822 123."
                )
                % {"text": part.strip()}
            )
    return None


# Words that say what kind of body it is, not which one: dropped before comparing names.
_PREFIXES = [
    "cong ty trach nhiem huu han mot thanh vien",
    "cong ty trach nhiem huu han",
    "cong ty tnhh mtv",
    "cong ty tnhh",
    "cong ty co phan",
    "cong ty cp",
    "cong ty",
    "cty tnhh",
    "cty cp",
    "cty",
    "doanh nghiep tu nhan",
    "dntn",
    "lien hiep hop tac xa",
    "hop tac xa",
    "htx",
    "to hop tac",
    "tht",
    "ho kinh doanh",
    "hkd",
    "co so san xuat",
    "co so",
    "cs",
    "lang nghe",
]
_PREFIX_RE = re.compile(r"^(?:(?:" + "|".join(re.escape(p) for p in _PREFIXES) + r")\b\s*)+")


def comparable_name(name: str) -> str:
    """'Công ty TNHH Hạt điều Tân Phú' and 'cty tnhh hat dieu  tan phu' compare equal."""
    folded = re.sub(r"[^\w\s]", " ", fold(name))
    folded = " ".join(folded.split())
    return _PREFIX_RE.sub("", folded).strip() or folded

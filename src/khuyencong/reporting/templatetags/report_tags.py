"""The report's percentages are numbers already multiplied by 100 (84.12 is 84,12%): {{ v|pct }},
{{ v|signed_pct }} (+7,72% / −3,10%), {{ v|pp }} (percentage points); amounts in đồng as
millions for table cells whose header names the unit: {{ amount|trieu }} (57.615,3)."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from khuyencong.core.formatting import MILLION, format_date, format_number, format_percent

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


@register.filter
def pct(value):
    number = _decimal(value)
    return format_percent(None if number is None else number / 100)


@register.filter
def signed_pct(value):
    number = _decimal(value)
    if number is None:
        return "—"
    return ("+" if number > 0 else "−" if number < 0 else "") + format_percent(abs(number) / 100)


@register.filter
def pp(value):
    number = _decimal(value)
    if number is None:
        return "—"
    sign = "+" if number > 0 else "−" if number < 0 else ""
    return _("%(sign)s%(value)s pp") % {"sign": sign, "value": format_number(abs(number), 2)}


@register.filter
def trieu(amount):
    if amount is None:
        return "—"
    return format_number(Decimal(amount) / MILLION, 1)


@register.filter
def isodate(value):
    """An ISO date of the report JSON ("2024-06-15") as dd/mm/yyyy."""
    try:
        return format_date(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return "—"


@register.simple_tag
def drill(text, query, testid="drill"):
    """`text` (an amount already formatted) as a link to the ledger entries behind it — the list whose
    totals row shows the same amount (presenters.ledger_query); plain text where no list adds up to it."""
    if not query:
        return text
    return format_html(
        '<a href="{}?{}" data-testid="{}" title="{}">{}</a>',
        reverse("finance:ledger"),
        urlencode(query),
        testid,
        _("The ledger entries behind this figure"),
        text,
    )

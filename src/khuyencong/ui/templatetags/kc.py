"""Template access to the one formatting module: {{ amount|vnd:"ty" }}, {{ rate|percent }}, {{ n|num }}."""

from urllib.parse import urlencode

from django import template
from django.utils.html import format_html

from khuyencong.core import formatting

register = template.Library()


@register.filter
def vnd(amount, scale="dong"):
    return formatting.format_vnd(amount, scale)


@register.filter
def percent(value, decimals=2):
    return formatting.format_percent(value, int(decimals))


@register.filter
def num(value, decimals=0):
    return formatting.format_number(value, int(decimals))


@register.filter
def vndate(value):
    return formatting.format_date(value)


@register.filter
def urlencode_dict(params):
    """A dict of query parameters as a query string (for links to filtered lists)."""
    return urlencode({key: value for key, value in (params or {}).items() if value not in (None, "")})


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination and sort links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


SORT_ICONS = {
    direction: format_html(' <i class="bi bi-caret-{}-fill" aria-hidden="true"></i>', caret)
    for direction, caret in (("ascending", "up"), ("descending", "down"))
}


@register.simple_tag(takes_context=True)
def sort_th(context, key, label, css=""):
    """A column header that sorts the list by `key` (a key of the ListPage's `sorts`): a click sorts
    ascending, a second click descending; the current order is marked for screen readers too."""
    current = context.get("sort") or ""
    direction = "ascending" if current == key else "descending" if current == f"-{key}" else ""
    next_key = f"-{key}" if current == key else key
    return format_html(
        '<th{}{}><a href="{}" data-sort="{}">{}</a>{}</th>',
        format_html(' class="{}"', css) if css else "",
        format_html(' aria-sort="{}"', direction) if direction else "",
        query_with(context, sort=next_key, page=""),
        key,
        label,
        SORT_ICONS.get(direction, ""),
    )


@register.filter
def import_total(run, outcome):
    """How many rows of an import (core.models.ImportRun) have `outcome` ("new", "update"…)."""
    return formatting.format_number(run.total(outcome))

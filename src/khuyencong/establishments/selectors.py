from typing import Any

from django.db.models import Q, QuerySet

from khuyencong.accounts.jurisdiction import Action, restrict
from khuyencong.core.text import fold

from .identity import comparable_name, normalize_tax_code
from .models import Establishment


def establishments_visible(
    user: Any, action: Action = Action.VIEW, *, include_merged: bool = False
) -> QuerySet[Establishment]:
    qs = Establishment.objects.select_related("commune", "commune__current_province", "industry")
    if not include_merged:
        qs = qs.filter(merged_into__isnull=True)
    return restrict(qs, user, action)


def establishment_search(qs: QuerySet[Establishment], text: str) -> QuerySet[Establishment]:
    """By tax code, or by name with or without diacritics and legal-form words."""
    text = (text or "").strip()
    if not text:
        return qs
    code = normalize_tax_code(text)
    return qs.filter(
        Q(tax_code__startswith=code)
        | Q(search_name__contains=comparable_name(text))
        | Q(search_name__contains=fold(text))
    )

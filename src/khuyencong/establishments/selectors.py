import datetime as dt
from typing import Any

from django.db.models import F, Q, QuerySet

from khuyencong.accounts.choices import Role
from khuyencong.accounts.jurisdiction import Action, restrict
from khuyencong.core.text import fold
from khuyencong.geo.choices import Level, UnitType
from khuyencong.geo.models import AdministrativeUnit

from .identity import comparable_name, normalize_tax_code
from .models import EligibilityRule, Establishment, Representative


def establishments_visible(
    user: Any, action: Action = Action.VIEW, *, include_merged: bool = False
) -> QuerySet[Establishment]:
    qs = Establishment.objects.select_related("commune", "commune__current_province", "industry")
    if not include_merged:
        qs = qs.filter(merged_into__isnull=True)
    if linked_representative(user):
        qs = qs.filter(representatives__user=user)
    return restrict(qs, user, action)


def represents_only(user: Any) -> bool:
    """Is the user's only role the establishment representative's? They see their establishments only."""
    roles: frozenset[Role] = getattr(user, "role_set", None) or frozenset()
    return bool(roles) and roles <= {Role.ESTABLISHMENT_REP}


def linked_representative(user: Any) -> bool:
    """A user who only represents establishments and is linked to some: they see those only. (One not
    linked yet reads their jurisdiction as before, and their home page says how to get linked.)"""
    return represents_only(user) and Representative.objects.filter(user=user).exists()


def represented_by(user: Any) -> QuerySet[Establishment]:
    """The establishments the user represents (the home page's "your establishment")."""
    return Establishment.objects.filter(representatives__user=user, merged_into__isnull=True).select_related(
        "commune", "commune__current_province"
    )


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


def establishments_eligible_q(rule: EligibilityRule | None) -> Q:
    """The rows `establishment_eligibility` finds eligible under `rule`, as one filter (for lists).
    tests/test_views.py checks that the two agree on every establishment."""
    if rule is None:
        return Q(pk__in=[])
    q = (
        Q(merged_into__isnull=True)
        & Q(legal_form__in=rule.legal_forms)
        & Q(commune__type__in=rule.unit_types)
        & Q(industry__section__in=rule.industry_sections)
    )
    if rule.wards_outside_central_cities_only:
        q &= ~Q(commune__type=UnitType.WARD, commune__province__type=UnitType.CENTRAL_CITY)
    return q


def eligibility_rule_on(on: dt.date) -> EligibilityRule | None:
    """The rule in force on `on` (the one `establishment_eligibility` applies)."""
    return EligibilityRule.objects.valid_on(on).order_by("-valid_from").first()


def establishment_duplicates(
    user: Any, establishment: Establishment, limit: int = 10
) -> QuerySet[Establishment]:
    """Other active records the user may change that carry the same comparable name."""
    return (
        establishments_visible(user, Action.CHANGE)
        .filter(search_name=establishment.search_name)
        .exclude(pk=establishment.pk)
        .order_by("name", "pk")[:limit]
    )


def communes_for_establishments(user: Any, text: str = "") -> QuerySet[AdministrativeUnit]:
    """Communes `user` may register establishments in, current ones first, then legacy ones; with
    `text`, those whose name (with or without diacritics) or GSO code matches."""
    units = AdministrativeUnit.objects.filter(level=Level.COMMUNE).search(text)
    return (
        restrict(units, user, Action.CHANGE)
        .select_related("province", "current_province")
        .order_by(F("valid_to").asc(nulls_first=True), "current_province__name", "name", "pk")
    )

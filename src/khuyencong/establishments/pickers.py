"""Pickers of establishments and of the communes they are registered in (`core.pickers`)."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action
from khuyencong.core.pickers import Picker, register
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.pickers import register_units
from khuyencong.geo.selectors import containment_q

from .models import Establishment
from .selectors import communes_for_establishments, establishment_search, establishments_visible


def establishment_choices(user: Any, context: Mapping[str, str] | None = None) -> QuerySet[Establishment]:
    """Establishments the user may name as implementer or participant: those they may change; with
    `within` (a unit's id), those registered in that unit."""
    establishments = (
        establishments_visible(user, Action.CHANGE).select_related("commune__province").order_by("name", "pk")
    )
    within = (context or {}).get("within", "")
    if within:
        unit = AdministrativeUnit.objects.filter(pk=within).first() if within.isdigit() else None
        establishments = (
            establishments.filter(containment_q(unit, "commune__")) if unit else establishments.none()
        )
    return establishments


def _commune_choices(user: Any, context: Mapping[str, str]) -> QuerySet[AdministrativeUnit]:
    return communes_for_establishments(user)


def _label(establishment: Establishment) -> str:
    return f"{establishment.name} — {establishment.commune.label}"


register(
    Picker(
        "establishments",
        establishment_choices,
        establishment_search,
        _label,
        placeholder=_("Search an establishment by name or tax code"),
        empty_label=_("Choose an establishment…"),
        context=("within",),
    )
)
register_units(
    "communes",
    _commune_choices,
    placeholder=_("Search a commune by name, e.g. Phan Rang"),
    empty_label=_("Choose a commune…"),
)

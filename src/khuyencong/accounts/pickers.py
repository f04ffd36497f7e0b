"""Pickers of administrative units a user may record things in (`core.pickers`)."""

from collections.abc import Mapping
from typing import Any

from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.pickers import register_units

from .jurisdiction import Action, restrict


def current_units(user: Any, context: Mapping[str, str] | None = None) -> QuerySet[AdministrativeUnit]:
    """Provinces and communes in force today in the user's jurisdiction, provinces first."""
    units = AdministrativeUnit.objects.current().filter(level__in=[Level.PROVINCE, Level.COMMUNE])
    return restrict(units, user, Action.CHANGE).select_related("province").order_by("-level", "name", "pk")


def all_units(user: Any, context: Mapping[str, str] | None = None) -> QuerySet[AdministrativeUnit]:
    """Provinces and communes of the user's jurisdiction: today's first, then those of before the 2025
    reform (for the plans and projects of those years)."""
    units = AdministrativeUnit.objects.filter(level__in=[Level.PROVINCE, Level.COMMUNE])
    return (
        restrict(units, user, Action.CHANGE)
        .select_related("province")
        .order_by(F("valid_to").desc(nulls_first=True), "-level", "name", "pk")
    )


PLACEHOLDER = _("Search a province or commune by name")
register_units("units", current_units, placeholder=PLACEHOLDER, empty_label=_("Choose a place…"))
register_units("all-units", all_units, placeholder=PLACEHOLDER, empty_label=_("Choose a place…"))

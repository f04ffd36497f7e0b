"""Pickers of administrative units (`core.pickers`): found by name with or without diacritics or by
GSO code, and read with their province (and, for a former unit, the day it ended)."""

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import QuerySet

from khuyencong.core.pickers import Picker, register

from .models import AdministrativeUnit


def _search(units: QuerySet[AdministrativeUnit], text: str) -> QuerySet[AdministrativeUnit]:
    return units.search(text)  # type: ignore[attr-defined]


def _label(unit: AdministrativeUnit) -> str:
    return unit.label


def register_units(
    name: str, choices: Callable[[Any, Mapping[str, str]], QuerySet[AdministrativeUnit]], **options: Any
) -> Picker:
    return register(Picker(name, choices, _search, _label, **options))

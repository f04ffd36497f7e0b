"""Units named in an imported row (core.imports): a GSO code read with the row's date.

A code alone does not identify a unit (a merged province keeps its seat's code; a commune code of
2024 may name another commune in 2026), so a row's unit is the unit that carried the code on the
row's date. `UnitCodes` loads the units once — their codes, levels, validity and the actor's
jurisdiction — and answers each row with a set lookup.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from khuyencong.core.formatting import format_date

from .choices import Level
from .models import AdministrativeUnit

WIDTH = {2: Level.PROVINCE, 3: Level.DISTRICT, 5: Level.COMMUNE}


@dataclass(frozen=True)
class Found:
    """A unit named by a row (`pk`), or why none is (`code`, `message`)."""

    pk: int | None = None
    code: str = ""
    message: str = ""


class UnitCodes:
    """The units of `levels` by code, with the officer's jurisdiction: `in_scope`, the units they may
    change (accounts.jurisdiction.restrict, which sits above geo)."""

    def __init__(self, in_scope: Any, levels: tuple[str, ...] = (Level.PROVINCE, Level.COMMUNE)):
        self.levels = levels
        self.by_code: dict[tuple[str, str], list[tuple[int, dt.date | None, dt.date | None]]] = {}
        units = AdministrativeUnit.objects.filter(level__in=levels)
        for pk, level, code, start, end in units.values_list("pk", "level", "code", "valid_from", "valid_to"):
            self.by_code.setdefault((level, code), []).append((pk, start, end))
        for found in self.by_code.values():
            found.sort(key=lambda unit: unit[1] or dt.date.min)  # the latest in force last
        self.mine = set(in_scope.filter(level__in=levels).values_list("pk", flat=True))
        self.labels: dict[int, str] = {}

    def choices(self) -> list[str]:
        """The drop-down list: the units in force today in the jurisdiction, "code – name"."""
        return [
            f"{code} – {name}"
            for code, name in AdministrativeUnit.objects.current()
            .filter(pk__in=self.mine, level__in=self.levels)
            .order_by("code")
            .values_list("code", "name")
        ]

    def find(self, code: str, on: dt.date | None = None, year: int | None = None) -> Found:
        """The unit in `levels` with `code` in force on `on` (or on some day of `year`)."""
        level = WIDTH.get(len(code))
        candidates = self.by_code.get((level, code), []) if level in self.levels else []
        if not candidates:
            return Found(
                code="unknown_unit", message=_("No unit has the GSO code “%(code)s”.") % {"code": code}
            )

        def in_force(start: dt.date | None, end: dt.date | None) -> bool:
            if on is not None:
                return (start is None or start <= on) and (end is None or on <= end)
            return (start is None or start.year <= (year or 0)) and (end is None or end.year >= (year or 0))

        valid = [pk for pk, start, end in candidates if in_force(start, end)]
        if not valid:
            when = format_date(on) if on is not None else str(year)
            return Found(
                code="unit_not_in_force",
                message=_("No unit carried the GSO code “%(code)s” on %(when)s.")
                % {"code": code, "when": when},
            )
        mine = [pk for pk in valid if pk in self.mine]
        if not mine:
            return Found(code="not_in_jurisdiction", message=_("This unit is outside your jurisdiction."))
        return Found(pk=mine[-1])

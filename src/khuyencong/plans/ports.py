"""What plans asks of the apps above it, bound when those apps load (ARCHITECTURE.md: the apps import
only downward). A plan line's room is what its projects have not taken; projects knows what they take
and binds `line_use` in `ProjectsConfig.ready`."""

import datetime as dt
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from .models import PlanLine


class LineUse(Protocol):
    def used(self, lines: list[PlanLine], on: dt.date) -> dict[int, int]:
        """What each line's projects take from it on `on` (đồng, by line pk; lines with none absent)."""
        ...


_line_use: LineUse | None = None


def bind_line_use(implementation: LineUse) -> None:
    global _line_use
    _line_use = implementation


def line_use() -> LineUse:
    if _line_use is None:
        raise ImproperlyConfigured("No app bound plans.ports.line_use (projects binds it when it loads).")
    return _line_use

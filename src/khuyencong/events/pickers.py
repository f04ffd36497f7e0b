"""Pickers of the event forms (`core.pickers`): the projects that pay for an event, and the units that
hold typical-product selections."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, restrict, scope_of
from khuyencong.core.pickers import Picker, register
from khuyencong.core.search import folded_search
from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.pickers import register_units
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import projects_visible
from khuyencong.projects.services import ACHIEVABLE_STATES

from .choices import FAIR_INDICATORS, SELECTION_INDICATORS, TITLE_INDICATORS, TRAINING_INDICATORS

# What an event counts for (the `counts` of the picker's context): the indicators of its deliverables.
COUNTS = {
    "fair": set(FAIR_INDICATORS),
    "selection": set(SELECTION_INDICATORS),
    "title": set(TITLE_INDICATORS),
    "training": {code for codes in TRAINING_INDICATORS.values() for code in codes},
}


def projects_for(user: Any, context: Mapping[str, str]) -> QuerySet[Project]:
    """Projects under way that the user may change, whose activity the event counts for."""
    indicators = COUNTS.get(context.get("counts", ""), set())
    return (
        projects_visible(user, Action.CHANGE)
        .filter(state__in=ACHIEVABLE_STATES, plan_line__activity__indicators__code__in=sorted(indicators))
        .distinct()
        .order_by("-year", "code")
    )


def selection_units(user: Any, context: Mapping[str, str] | None = None) -> QuerySet[AdministrativeUnit]:
    """Units that hold selections: provinces (today's and former) and former districts; communes too
    when the jurisdiction is not the whole country."""
    levels = [Level.PROVINCE, Level.DISTRICT]
    if not scope_of(user).nation:
        levels.append(Level.COMMUNE)
    units = AdministrativeUnit.objects.filter(level__in=levels)
    return (
        restrict(units, user, Action.CHANGE)
        .select_related("province")
        .order_by("-level", "valid_to", "name", "pk")
    )


register(
    Picker(
        "event-projects",
        projects_for,
        lambda qs, text: folded_search(qs, ("code", "title"), text),
        lambda project: f"{project.code} — {project.title}",
        placeholder=_("Search a project by code or title"),
        empty_label=_("Not under a project"),
        context=("counts",),
    )
)
register_units(
    "selection-units",
    selection_units,
    placeholder=_("Search a province, district or commune by name"),
    empty_label=_("Choose a unit…"),
)

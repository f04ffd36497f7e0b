"""The picker of a plan line's commune (`core.pickers`)."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, restrict
from khuyencong.core.validity import in_force_during_q
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.pickers import register_units
from khuyencong.geo.selectors import carried_area_q

from .selectors import plans_visible


def plan_communes(user: Any, context: Mapping[str, str]) -> QuerySet[AdministrativeUnit]:
    """The communes a line of the plan (`context["plan"]`) may name: those of the plan's year (a
    pre-reform plan's lines name the old communes) within the plan's area and the user's jurisdiction."""
    wanted = context.get("plan", "")
    plan = plans_visible(user, Action.CHANGE).filter(pk=wanted).first() if wanted.isdigit() else None
    if plan is None:
        return AdministrativeUnit.objects.none()
    communes = AdministrativeUnit.objects.filter(in_force_during_q(plan.year), level="commune")
    if plan.unit is not None:
        communes = communes.filter(carried_area_q(plan.unit))
    return restrict(communes, user, Action.CHANGE).select_related("province").order_by("name", "pk")


register_units(
    "plan-communes",
    plan_communes,
    placeholder=_("Search a commune by name"),
    empty_label=_("— the whole area of the plan —"),
    context=("plan",),
)

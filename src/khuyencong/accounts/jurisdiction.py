"""The one module that decides what a user may see and change.

A record is in a user's jurisdiction when its administrative unit — or, for a unit from before the
2025 reform, the unit that succeeded it — lies within the jurisdiction of the user's agency. Every
selector, view and API endpoint goes through `restrict` (lists) or `get_in_scope` (one object).
Out of jurisdiction reads as *not found* (404); in jurisdiction but not allowed by role is 403.

Models declare where their unit is with `JURISDICTION_UNIT_FIELD` (a lookup path to an
AdministrativeUnit; "" for AdministrativeUnit itself) or, when that is not enough, a classmethod
`jurisdiction_q(scope, user)` returning a Q.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.errors import NotInJurisdiction, PermissionDenied
from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import region_provinces

from .choices import JurisdictionKind, Role


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    APPROVE = "approve"
    ADMINISTER = "administer"


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.MINISTRY_OFFICER: frozenset({Action.VIEW, Action.CHANGE, Action.APPROVE}),
    Role.REGION_VIEWER: frozenset({Action.VIEW}),
    Role.PROVINCE_OFFICER: frozenset({Action.VIEW, Action.CHANGE}),
    Role.PROVINCE_APPROVER: frozenset({Action.VIEW, Action.CHANGE, Action.APPROVE}),
    Role.COMMUNE_OFFICER: frozenset({Action.VIEW, Action.CHANGE}),
    Role.ESTABLISHMENT_REP: frozenset({Action.VIEW}),
    Role.AUDITOR: frozenset({Action.VIEW}),
    Role.SYSTEM_ADMIN: frozenset({Action.VIEW, Action.CHANGE, Action.APPROVE, Action.ADMINISTER}),
}


@dataclass(frozen=True)
class Scope:
    """The part of the country a user's agency answers for, resolved to units in force today."""

    nation: bool = False
    provinces: frozenset[int] = frozenset()  # ids of current provinces
    units: frozenset[int] = frozenset()  # ids of units below province level (a commune, a legacy district)
    label: str = ""

    @property
    def empty(self) -> bool:
        return not (self.nation or self.provinces or self.units)

    def unit_q(self, path: str) -> Q:
        """Q selecting rows whose unit (at lookup `path`; "" = the row is the unit) is in scope."""
        p = f"{path}__" if path else ""
        if self.nation:
            return Q(**{f"{p}pk__isnull": False}) if path else Q()
        if self.empty:
            return Q(pk__in=[])
        q = Q(**{f"{p}current_province__in": self.provinces}) if self.provinces else Q(pk__in=[])
        if self.units:
            q |= (
                Q(**{f"{p}pk__in": self.units})
                | Q(**{f"{p}successor__in": self.units})
                | Q(**{f"{p}parent__in": self.units})
            )
        return q

    def contains(self, unit: AdministrativeUnit | None) -> bool:
        if unit is None:
            return self.nation
        return AdministrativeUnit.objects.filter(self.unit_q("")).filter(pk=unit.pk).exists()


EMPTY = Scope()


def scope_of(user: Any, on: dt.date | None = None) -> Scope:
    """The jurisdiction of `user` (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY
    cached = getattr(user, "_jurisdiction_scope", None)
    if cached is not None and on is None:
        return cached
    scope = _compute_scope(user, on or timezone.localdate())
    if on is None:
        user._jurisdiction_scope = scope
    return scope


def _compute_scope(user: Any, on: dt.date) -> Scope:
    if user.is_superuser or user.has_role(Role.SYSTEM_ADMIN):
        return Scope(nation=True, label=str(_("the whole country")))
    agency = user.agency
    if agency is None:
        return EMPTY
    if agency.jurisdiction_kind == JurisdictionKind.NATION:
        return Scope(nation=True, label=str(_("the whole country")))
    if agency.jurisdiction_kind == JurisdictionKind.REGION:
        provinces = region_provinces(agency.jurisdiction_region, on.year)
        ids = frozenset(
            pid
            for pid in provinces.values_list("current_province_id", flat=True).distinct()
            if pid is not None
        )
        return Scope(provinces=ids, label=str(agency.jurisdiction_region))
    unit = agency.jurisdiction_unit
    if unit.level == Level.PROVINCE:
        return Scope(provinces=frozenset({unit.current_province_id}), label=unit.label)
    target = unit if unit.is_current or unit.level == Level.DISTRICT else (unit.successor or unit)
    return Scope(units=frozenset({target.pk}), label=unit.label)


def allows(user: Any, action: Action) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(action in ROLE_ACTIONS[role] for role in user.role_set)


def can(user: Any, action: Action, obj: models.Model | None = None) -> tuple[bool, str]:
    """Named predicate: may `user` do `action` (on `obj`)? Returns (allowed, reason)."""
    if not allows(user, action):
        return False, str(_("Your role does not allow this action."))
    if obj is not None and not restrict(type(obj)._default_manager.filter(pk=obj.pk), user).exists():
        return False, str(_("This record is outside your jurisdiction."))
    return True, ""


def _scope_q(model: type[models.Model], scope: Scope, user: Any) -> Q:
    custom = getattr(model, "jurisdiction_q", None)
    if custom is not None:
        return custom(scope, user)
    path = getattr(model, "JURISDICTION_UNIT_FIELD", None)
    if path is None:
        if model is AdministrativeUnit:
            path = ""
        else:
            raise TypeError(f"{model.__name__} declares no JURISDICTION_UNIT_FIELD")
    return scope.unit_q(path)


def restrict[M: models.Model](
    queryset: models.QuerySet[M], user: Any, action: Action = Action.VIEW
) -> models.QuerySet[M]:
    """The rows of `queryset` that `user` may `action`: none at all when the role does not allow it."""
    if not allows(user, action):
        return queryset.none()
    scope = scope_of(user)
    if scope.nation:
        return queryset
    return queryset.filter(_scope_q(queryset.model, scope, user))


def get_in_scope[M: models.Model](
    queryset: models.QuerySet[M], user: Any, action: Action = Action.VIEW, **lookup: Any
) -> M:
    """One object: NotInJurisdiction (404) if the user cannot see it, PermissionDenied (403) if the
    user can see it but the role does not allow `action`."""
    try:
        obj = restrict(queryset, user, Action.VIEW).get(**lookup)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise NotInJurisdiction() from exc
    if action != Action.VIEW and not allows(user, action):
        raise PermissionDenied()
    return obj

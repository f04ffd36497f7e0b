"""Reads of the geography. Jurisdiction filtering is not done here but in accounts.jurisdiction,
which builds on `containment_q`."""

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from .choices import Level
from .models import AdministrativeUnit, Region, RegionMembership, UnitQuerySet


def containment_q(unit: AdministrativeUnit, prefix: str = "") -> Q:
    """Q that selects the units lying within `unit` (itself included), across the 2025 reform.

    A current province contains its communes and every legacy unit that rolls up into it; a legacy
    province its districts and communes; a district its communes; a current commune the legacy
    communes whose main successor it is.
    """
    p = prefix
    own = Q(**{f"{p}pk": unit.pk})
    if unit.level == Level.PROVINCE:
        q = own | Q(**{f"{p}province": unit})
        if unit.is_current:
            q |= Q(**{f"{p}current_province": unit})
        return q
    if unit.level == Level.DISTRICT:
        return own | Q(**{f"{p}parent": unit})
    if unit.is_current:
        return own | Q(**{f"{p}successor": unit})
    return own


def carried_area_q(unit: AdministrativeUnit, prefix: str = "") -> Q:
    """The area of a record made on `unit` (a plan): the unit, and for a unit no longer in force also
    the province that carries its work since the 2025 reform — a 2025 plan of the old province is
    carried out in today's communes after 1 July."""
    q = containment_q(unit, prefix)
    carrier = unit.current_province
    if not unit.is_current and carrier is not None:
        q |= containment_q(carrier, prefix) & Q(**{f"{prefix}valid_to__isnull": True})
    return q


BOUNDARIES = ("current", "historical")


def province_field(boundaries: str) -> str:
    """The unit's field that names its province under `boundaries`: the province it lies in today
    (`current`, legacy units rolled up) or the one it belonged to in its own time (`historical`)."""
    if boundaries not in BOUNDARIES:
        raise ValueError(f"boundaries are current or historical, not {boundaries!r}")
    return "current_province" if boundaries == "current" else "province"


def units_within(
    unit: AdministrativeUnit, *, on: dt.date | None = None, level: str | None = None
) -> UnitQuerySet:
    qs = AdministrativeUnit.objects.filter(containment_q(unit))
    if on is not None:
        qs = qs.valid_on(on)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("level", "code")


def unit_on(code: str, on: dt.date, level: str | None = None) -> AdministrativeUnit:
    """The unit that carried `code` on `on` (a code alone is ambiguous across the reform)."""
    width = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}
    qs = AdministrativeUnit.objects.valid_on(on)
    lookup = {"level": level, "code": code.zfill(width[Level(level)])} if level else {"code": code}
    return qs.get(**lookup)


def current_unit(unit: AdministrativeUnit) -> AdministrativeUnit | None:
    """The unit in force today that took over `unit` (itself when it is current). A district,
    abolished in 2025, rolls up to its province."""
    if unit.is_current:
        return unit
    if unit.level == Level.DISTRICT:
        return unit.current_province
    return unit.successor


def current_province(unit: AdministrativeUnit) -> AdministrativeUnit | None:
    return unit.current_province


def provinces_on(on: dt.date) -> UnitQuerySet:
    return AdministrativeUnit.objects.valid_on(on).provinces()


def region_provinces(region: Region, year: int) -> QuerySet[AdministrativeUnit]:
    """Provinces that belong to `region` in `year`."""
    return AdministrativeUnit.objects.filter(
        pk__in=memberships_in(year).filter(region=region).values("province")
    )


def region_q(region: Region, year: int, prefix: str = "") -> Q:
    """Q that selects the units (at lookup `prefix`) lying in the provinces that belong to `region` in
    `year` — the region as it was that year (membership is data by year)."""
    provinces = list(region_provinces(region, year))
    if not provinces:
        return Q(pk__in=[])
    return reduce(or_, (containment_q(p, prefix) for p in provinces))


def memberships_in(year: int) -> QuerySet[RegionMembership]:
    return RegionMembership.objects.filter(Q(year_from__isnull=True) | Q(year_from__lte=year)).filter(
        Q(year_to__isnull=True) | Q(year_to__gte=year)
    )


def region_of(province: AdministrativeUnit, year: int) -> Region | None:
    membership = memberships_in(year).filter(province=province).select_related("region").first()
    return membership.region if membership else None


def regions_with_members(year: int) -> list[tuple[Region, list[RegionMembership]]]:
    """Each region with its memberships in `year` (province, basis and the note explaining it)."""
    members: dict[int, list[RegionMembership]] = {}
    for m in memberships_in(year).select_related("province").order_by("province__name"):
        members.setdefault(m.region_id, []).append(m)
    return [(r, members.get(r.pk, [])) for r in Region.objects.all()]

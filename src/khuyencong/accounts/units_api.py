"""Administrative units and regions over HTTP. Each list is scoped to the caller's jurisdiction, which
accounts holds; geo sits below accounts, so its endpoints are served from here."""

import datetime as dt

from django.db.models import Q
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from khuyencong.core.api_types import BIGINT_MAX, Date, Year
from khuyencong.core.pagination import Paginated
from khuyencong.core.text import fold
from khuyencong.core.validity import valid_on_q
from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit, Region
from khuyencong.geo.selectors import memberships_in

from .jurisdiction import get_in_scope, restrict

router = Router(tags=["geography"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    level: str
    type: str
    type_label: str = Field(..., alias="get_type_display")
    parent_id: int | None
    province_id: int | None
    current_province_id: int | None
    successor_id: int | None
    valid_from: dt.date | None
    valid_to: dt.date | None


class UnitFilter(FilterSchema):
    level: Level | None = None
    code: str | None = None
    parent: int | None = Field(None, ge=1, le=BIGINT_MAX, description="id of the parent unit")
    province: int | None = Field(
        None, ge=1, le=BIGINT_MAX, description="id of a current province: its units and the legacy ones in it"
    )
    on: Date | None = Field(None, description="only units in force on this date (YYYY-MM-DD)")
    q: str | None = Field(None, description="search in the name")

    def filter_level(self, value):
        return Q(level=value) if value else Q()

    def filter_code(self, value):
        return Q(code=value) if value else Q()

    def filter_parent(self, value):
        return Q(parent_id=value) if value else Q()

    def filter_province(self, value):
        return Q(current_province_id=value) if value else Q()

    def filter_on(self, value):
        return valid_on_q(value) if value else Q()

    def filter_q(self, value):
        return Q(code=value.strip()) | Q(search_name__contains=fold(value)) if value else Q()


@router.get("/units", response=list[UnitOut], summary="Administrative units in your jurisdiction")
@paginate(Paginated)
def unit_list(request, filters: Query[UnitFilter]):
    return filters.filter(restrict(AdministrativeUnit.objects.all(), request.user)).order_by(
        "level", "code", "valid_to"
    )


@router.get("/units/{unit_id}", response=UnitOut, summary="One administrative unit")
def unit_detail(request, unit_id: int):
    return get_in_scope(AdministrativeUnit.objects.all(), request.user, pk=unit_id)


class MemberOut(Schema):
    province_id: int
    code: str
    name: str
    year_from: int | None
    year_to: int | None
    basis: str
    note: str


class RegionOut(Schema):
    code: str
    name: str
    members: list[MemberOut]


def _region_out(region: Region, year: int | None) -> RegionOut:
    memberships = memberships_in(year) if year else region.memberships.all()
    rows = (
        memberships.filter(region=region).select_related("province").order_by("province__code", "year_from")
    )
    return RegionOut(
        code=region.code,
        name=region.name,
        members=[
            MemberOut(
                province_id=m.province_id,
                code=m.province.code,
                name=m.province.name,
                year_from=m.year_from,
                year_to=m.year_to,
                basis=m.basis,
                note=m.note,
            )
            for m in rows
        ],
    )


@router.get("/regions", response=list[RegionOut], summary="Reporting regions with their provinces")
def region_list(request, year: Year | None = None):
    """Reference data, the same for every user. With `year`, only the provinces members that year."""
    return [_region_out(r, year) for r in Region.objects.all()]


@router.get("/regions/{code}", response=RegionOut, summary="One region")
def region_detail(request, code: str, year: Year | None = None):
    from django.shortcuts import get_object_or_404

    return _region_out(get_object_or_404(Region, code=code), year)

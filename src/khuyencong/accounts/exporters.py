"""The reference lists as CSV and XLSX: administrative units, agencies, region membership."""

from django.utils.translation import gettext_lazy as _

from khuyencong.core.exporters import DATE, INTEGER, Column, Exporter
from khuyencong.geo.choices import Level, UnitType
from khuyencong.geo.exports import unit_column
from khuyencong.geo.models import RegionMembership

from .choices import AgencyKind, JurisdictionKind


class UnitExporter(Exporter):
    filename = "don-vi-hanh-chinh"
    sheet = _("Administrative units")
    columns = [
        Column(_("Code"), "code"),
        Column(_("Name"), "name"),
        Column(_("Level"), "level", choices=Level),
        Column(_("Type"), "type", choices=UnitType),
        Column(_("Province (then)"), "province__name"),
        Column(_("Province (today)"), "current_province__name"),
        Column(_("Valid from"), "valid_from", kind=DATE),
        Column(_("Valid until"), "valid_to", kind=DATE),
    ]


_JURISDICTION_UNIT = unit_column(_("Jurisdiction"), "jurisdiction_unit")


def _jurisdiction(row: dict) -> str:
    if row["jurisdiction_kind"] == JurisdictionKind.NATION:
        return str(_("the whole country"))
    if row["jurisdiction_kind"] == JurisdictionKind.REGION:
        return row["jurisdiction_region__name"] or ""
    return _JURISDICTION_UNIT.value(row, None)


class AgencyExporter(Exporter):
    filename = "co-quan"
    sheet = _("Agencies")
    columns = [
        Column(_("Code"), "code"),
        Column(_("Name"), "name"),
        Column(_("Kind"), "kind", choices=AgencyKind),
        Column(
            _("Jurisdiction"),
            get=_jurisdiction,
            needs=("jurisdiction_kind", "jurisdiction_region__name", *_JURISDICTION_UNIT.needs),
        ),
        Column(_("Parent agency"), "parent__name"),
        Column(_("Valid from"), "valid_from", kind=DATE),
        Column(_("Valid until"), "valid_to", kind=DATE),
    ]


class RegionMembershipExporter(Exporter):
    filename = "vung"
    sheet = _("Regions")
    columns = [
        Column(_("Region"), "region__name"),
        Column(_("Province"), "province__name"),
        Column(_("Code"), "province__code"),
        Column(_("Basis"), "basis", choices=RegionMembership.Basis),
        Column(_("Note"), "note"),
        Column(_("From year"), "year_from", kind=INTEGER),
        Column(_("To year"), "year_to", kind=INTEGER),
    ]

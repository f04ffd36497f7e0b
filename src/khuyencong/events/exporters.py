"""The event lists as CSV and XLSX: the rows of the page's filter, every page of them."""

from django.utils.translation import gettext_lazy as _

from khuyencong.core.exporters import DATE, INTEGER, Column, Exporter
from khuyencong.geo.exports import unit_column

from .choices import FairLevel, SelectionLevel, TitleKind, TitleLevel, TrainingKind


class FairExporter(Exporter):
    filename = "hoi-cho"
    sheet = _("Fairs")
    columns = [
        Column(_("Fair"), "name"),
        Column(_("Level"), "level", choices=FairLevel),
        Column(_("Venue"), "place"),
        unit_column(_("Location"), "location"),
        Column(_("Organiser"), "organiser__name"),
        Column(_("Start"), "start_date", kind=DATE),
        Column(_("End"), "end_date", kind=DATE),
        Column(_("Booths"), "booths_total", kind=INTEGER),
        Column(_("Booths taken"), "booths_taken", kind=INTEGER),
        Column(_("Establishments"), "establishments", kind=INTEGER),
        Column(_("Programme fair"), "programme_fair"),
        Column(_("Project"), "project__code"),
    ]


_AREA_UNIT = unit_column(_("Area"), "unit")


class SelectionExporter(Exporter):
    filename = "binh-chon"
    sheet = _("Selections")
    columns = [
        Column(_("Year"), "year", kind=INTEGER),
        Column(_("Selection"), "name"),
        Column(_("Level"), "level", choices=SelectionLevel),
        Column(
            _("Area"),
            get=lambda row: _AREA_UNIT.get(row) or row["region__name"] or str(_("the whole country")),
            needs=(*_AREA_UNIT.needs, "region__name"),
        ),
        Column(_("Decision number"), "decision_number"),
        Column(_("Decision date"), "decision_date", kind=DATE),
        Column(_("Entries"), "entry_count", kind=INTEGER),
        Column(_("Project"), "project__code"),
    ]


class TitleExporter(Exporter):
    filename = "danh-hieu"
    sheet = _("Titles")
    columns = [
        Column(_("Year"), "year", kind=INTEGER),
        Column(_("Full name"), "person_name"),
        Column(_("Year of birth"), "birth_year", kind=INTEGER),
        Column(_("Honorary title"), "kind", choices=TitleKind),
        Column(_("Level"), "level", choices=TitleLevel),
        Column(_("Craft"), "craft"),
        Column(_("Establishment"), "establishment__name"),
        unit_column(_("Where"), "unit"),
        Column(_("Decision number"), "decision_number"),
        Column(_("Decision date"), "decision_date", kind=DATE),
        Column(_("Project"), "project__code"),
    ]


class TrainingExporter(Exporter):
    filename = "dao-tao"
    sheet = _("Trainings")
    columns = [
        Column(_("Title"), "title"),
        Column(_("Kind"), "kind", choices=TrainingKind),
        Column(_("Start"), "start_date", kind=DATE),
        Column(_("End"), "end_date", kind=DATE),
        unit_column(_("Where"), "location"),
        Column(_("Organiser"), "organiser__name"),
        Column(_("Participants"), "participants_count", kind=INTEGER),
        Column(_("Project"), "project__code"),
    ]

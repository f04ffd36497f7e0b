"""The project list as filtered, as CSV or XLSX, with each project's disbursed amount and what is
overdue, read a chunk of rows at a time."""

from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from khuyencong.core.exporters import DATE, INTEGER, MONEY, TEXT, Column, Exporter
from khuyencong.geo.exports import unit_column
from khuyencong.plans.choices import FundingSource

from .choices import ImplementerKind, ProjectKind, ProjectState
from .models import Project
from .ports import money
from .selectors import overdue_by_project


def _implementer(row: dict[str, Any]) -> str:
    if row["implementer_kind"] == ImplementerKind.ESTABLISHMENT and row["implementer_establishment__name"]:
        return row["implementer_establishment__name"]
    if row["implementer_kind"] == ImplementerKind.AGENCY and row["implementer_agency__name"]:
        return row["implementer_agency__name"]
    return row["implementer_name"]


def _source(row: dict[str, Any]) -> str:
    return "KCQG" if row["plan_line__plan__source"] == FundingSource.NATIONAL else "KCĐP"


class ProjectExporter(Exporter):
    filename = "de-an"
    sheet = _("Projects")
    columns = [
        Column(_("Code"), "code"),
        Column(_("Year"), "year", kind=INTEGER),
        Column(_("Title"), "title"),
        Column(_("Source"), get=_source, needs=("plan_line__plan__source",)),
        Column(_("Activity"), "plan_line__activity__name"),
        Column(_("Kind"), "kind", choices=ProjectKind),
        Column(
            _("Implemented by"),
            get=_implementer,
            needs=(
                "implementer_kind",
                "implementer_establishment__name",
                "implementer_agency__name",
                "implementer_name",
            ),
        ),
        Column(_("Province"), "location__current_province__name"),
        unit_column(_("Location"), "location"),
        Column(_("State"), "state", choices=ProjectState),
        Column(_("Support (đồng)"), "support_amount", kind=MONEY),
        Column(_("Counterpart (đồng)"), "counterpart_amount", kind=MONEY),
        Column(_("Other sources (đồng)"), "other_amount", kind=MONEY),
        # filled in by extend(), a chunk at a time
        Column(_("Disbursed (đồng)"), get=lambda row: row["disbursed"], needs=("pk",), kind=MONEY),
        Column(_("Overdue"), get=lambda row: row["overdue"]),
    ]

    def extend(self, chunk: list[dict[str, Any]]) -> None:
        projects = Project.objects.filter(pk__in=[row["pk"] for row in chunk])
        disbursed = money().disbursed_by_project(projects)
        late = overdue_by_project(projects)
        for row in chunk:
            row["disbursed"] = disbursed.get(row["pk"], 0)
            row["overdue"] = "; ".join(item.label for item in late.get(row["pk"], []))


class OverdueExporter(Exporter):
    """What is overdue, oldest first, as the overdue page lists it."""

    filename = "qua-han"
    sheet = _("Overdue")

    def header(self) -> list[Any]:
        return [_("What"), _("Code"), _("Project"), _("Location"), _("Due"), _("Days late")]

    def kinds(self) -> list[str]:
        return [TEXT, TEXT, TEXT, TEXT, DATE, INTEGER]

    def rows(self):
        for item in self.source:
            project = item.project
            yield [
                capfirst(item.label),
                project.code,
                project.title,
                project.location.label,
                item.due,
                item.days_late,
            ]

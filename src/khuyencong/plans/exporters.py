"""The plan list as filtered, as CSV or XLSX, with each plan's amount in force today."""

from django.utils.translation import gettext_lazy as _

from khuyencong.core.exporters import DATE, INTEGER, MONEY, Column, Exporter

from .choices import FundingSource, PlanStatus


class PlanExporter(Exporter):
    filename = "ke-hoach"
    sheet = _("Plans")
    columns = [
        Column(_("Year"), "year", kind=INTEGER),
        Column(_("Agency"), "agency__name"),
        Column(_("Funding source"), "source", choices=FundingSource),
        Column(_("Status"), "status", choices=PlanStatus),
        Column(_("Registration deadline"), "registration_deadline", kind=DATE),
        Column(_("Submitted"), "submitted_at"),
        Column(_("Decision number"), "decision_number"),
        Column(_("Decision date"), "decision_date", kind=DATE),
        Column(_("Amount in force today (đồng)"), "total_now", kind=MONEY),
    ]

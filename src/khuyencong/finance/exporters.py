"""The ledger list as filtered, as CSV or XLSX: one row per entry, newest first like the page."""

from django.utils.translation import gettext_lazy as _

from khuyencong.core.exporters import DATE, INTEGER, MONEY, Column, Exporter

from .choices import EntryKind


class LedgerExporter(Exporter):
    filename = "so-cai"
    sheet = _("Ledger")
    columns = [
        Column(_("Value date"), "value_date", kind=DATE),
        Column(_("Project"), "project__code"),
        Column(_("Kind"), "kind", choices=EntryKind),
        Column(_("Amount (đồng)"), "amount", kind=MONEY),
        Column(_("Effect on disbursed (đồng)"), "disbursed_delta", kind=MONEY),
        Column(_("Contract"), "contract__number"),
        Column(_("Document reference"), "reference"),
        Column(_("Reverses entry"), "reverses_id", kind=INTEGER),
        Column(
            _("Recorded by"),
            get=lambda row: row["recorded_by__full_name"] or row["recorded_by__username"],
            needs=("recorded_by__full_name", "recorded_by__username"),
        ),
        Column(_("Note"), "note"),
    ]

"""The catalogue's lists as CSV and XLSX: the support norms shown and the indicators."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from khuyencong.core.exporters import DATE, MONEY, PERCENT, Column, Exporter

from .choices import CapPer, NormCondition
from .models import Indicator


class NormExporter(Exporter):
    filename = "dinh-muc-ho-tro"
    sheet = _("Support norms")
    columns = [
        Column(_("Activity"), "activity__name"),
        Column(_("Code"), "code"),
        Column(_("Applies to"), "condition", choices=NormCondition),
        Column(_("Maximum share of eligible cost"), "max_share", kind=PERCENT),
        Column(_("Cap (đồng)"), "cap", kind=MONEY),
        Column(_("Cap per"), "cap_per", choices=CapPer),
        Column(_("Legal basis"), "legal_basis"),
        Column(_("Valid from"), "valid_from", kind=DATE),
        Column(_("Valid until"), "valid_to", kind=DATE),
        Column(_("Note"), "note"),
    ]


class IndicatorExporter(Exporter):
    filename = "chi-tieu"
    sheet = _("Indicators")
    columns = [
        Column(_("Code"), "code"),
        Column(_("Name"), "name"),
        Column(_("Unit"), "unit"),
        Column(_("Activities"), get=lambda row: row["activities"], needs=("pk",)),
    ]

    def extend(self, chunk: list[dict[str, Any]]) -> None:
        names: dict[int, list[str]] = {}
        through = Indicator.activities.through.objects.filter(indicator__in=[row["pk"] for row in chunk])
        for indicator, name in through.order_by("activity__name").values_list("indicator", "activity__name"):
            names.setdefault(indicator, []).append(name)
        for row in chunk:
            row["activities"] = "; ".join(names.get(row["pk"], []))

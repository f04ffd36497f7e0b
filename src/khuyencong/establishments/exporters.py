"""The establishment list as filtered, as CSV or XLSX: one row per establishment, in the list's order."""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from khuyencong.core.exporters import INTEGER, Column, Exporter
from khuyencong.geo.exports import unit_column

from .choices import PRIORITY_FLAGS, LegalForm
from .models import Establishment


def _label(name: str):
    return capfirst(Establishment._meta.get_field(name).verbose_name)


class EstablishmentExporter(Exporter):
    filename = "co-so-cnnt"
    sheet = _("Establishments")
    columns = [
        Column(_("Record no."), "pk", kind=INTEGER),
        Column(_label("name"), "name"),
        Column(_label("legal_form"), "legal_form", choices=LegalForm),
        Column(_label("tax_code"), "tax_code"),
        Column(_label("household_registration_no"), "household_registration_no"),
        Column(_label("address"), "address"),
        unit_column(_label("commune"), "commune"),
        Column(_("Province (today)"), "commune__current_province__name"),
        Column(_("VSIC code"), "industry__code"),
        Column(_label("industry"), "industry__name"),
        Column(_label("main_products"), "main_products"),
        Column(_label("workers"), "workers", kind=INTEGER),
        Column(_label("founded_year"), "founded_year", kind=INTEGER),
        Column(_label("representative"), "representative"),
        Column(_label("phone"), "phone"),
        Column(_label("email"), "email"),
        *(Column(capfirst(label), flag) for flag, label in PRIORITY_FLAGS),
    ]

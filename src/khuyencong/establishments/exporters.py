from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from khuyencong.core.exporters import Exporter

from .choices import PRIORITY_FLAGS
from .models import Establishment


def _label(name: str) -> str:
    return str(capfirst(getattr(Establishment._meta.get_field(name), "verbose_name", name)))


class EstablishmentExporter(Exporter):
    """The establishment list as filtered: one row per establishment, in the list's order."""

    filename = "co-so-cnnt"

    def __init__(self, queryset: QuerySet[Establishment]) -> None:
        self.queryset = queryset

    def header(self) -> list[Any]:
        return [
            _("Record no."),
            _label("name"),
            _label("legal_form"),
            _label("tax_code"),
            _label("household_registration_no"),
            _label("address"),
            _label("commune"),
            _("Province (today)"),
            _("VSIC code"),
            _label("industry"),
            _label("main_products"),
            _label("workers"),
            _label("founded_year"),
            _label("representative"),
            _label("phone"),
            _label("email"),
            *(str(capfirst(label)) for _flag, label in PRIORITY_FLAGS),
        ]

    def rows(self) -> Iterator[list[Any]]:
        for e in self.queryset.iterator(chunk_size=500):
            commune = e.commune
            yield [
                e.pk,
                e.name,
                e.get_legal_form_display(),
                e.tax_code,
                e.household_registration_no,
                e.address,
                commune.label,
                commune.current_province.name if commune.current_province else "",
                e.industry.code if e.industry else "",
                e.industry.name if e.industry else "",
                e.main_products,
                e.workers,
                e.founded_year,
                e.representative,
                e.phone,
                e.email,
                *(getattr(e, flag) for flag, _label in PRIORITY_FLAGS),
            ]

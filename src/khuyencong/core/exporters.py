"""The one base of every export: a subclass yields a header and rows, the base writes the file.

    class EstablishmentExporter(Exporter):
        filename = "co-so"
        def header(self): return [_("Name"), _("Tax code")]
        def rows(self): yield from ((e.name, e.tax_code) for e in self.queryset)

    return EstablishmentExporter(queryset).csv_response()

CSV is written for Excel users: UTF-8 with a byte-order mark (so that Vietnamese reads correctly when the
file is double-clicked) and every text cell that a spreadsheet would take for a formula (starting with
= + - @, a tab or a carriage return) prefixed with a single quote.
"""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone, translation

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet will read it literally: text that looks like a formula gets a quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


class Exporter:
    filename = "export"

    def header(self) -> list[Any]:
        raise NotImplementedError

    def rows(self) -> Iterable[Iterable[Any]]:
        raise NotImplementedError

    def csv_lines(self, language: str | None = None) -> Iterator[str]:
        """The file line by line, in `language` (the request's) even when streamed after the view."""
        with translation.override(language or translation.get_language()):
            writer = csv.writer(_Echo())
            yield "\ufeff"
            yield writer.writerow([safe_cell(str(h)) for h in self.header()])
            for row in self.rows():
                yield writer.writerow([safe_cell(v) for v in row])

    def csv_response(self) -> StreamingHttpResponse:
        stamp = timezone.localdate().strftime("%Y%m%d")
        lines = self.csv_lines(translation.get_language())
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename}-{stamp}.csv"'
        return response

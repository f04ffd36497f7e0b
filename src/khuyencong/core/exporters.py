"""The one base of every export: a subclass yields a header and rows, the base writes the file.

    class EstablishmentExporter(Exporter):
        filename = "co-so"
        def header(self): return [_("Name"), _("Tax code")]
        def rows(self): yield from ((e.name, e.tax_code) for e in self.queryset)

    return EstablishmentExporter(queryset).csv_response()

CSV is written for Excel users: UTF-8 with a byte-order mark (so that Vietnamese reads correctly when the
file is double-clicked) and every text cell that a spreadsheet could take for a formula prefixed with a
single quote (`safe_cell`). Numbers stay numbers, negative ones included; text is judged as text, so
"-5" typed into a text field is quoted like "-A1".
"""

import csv
import unicodedata
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone, translation

# What a spreadsheet reads as the start of a formula, with the full-width forms some input methods type
# (and that some spreadsheets fold to the ASCII ones).
FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A cell starting with one of these can hide what follows it, or be split by the reader.
CONTROL_START = ("\t", "\r", "\n")


def _skippable(char: str) -> bool:
    """Characters a reader may drop before deciding that a cell is a formula: spaces of any kind (a
    spreadsheet asked to trim them, as LibreOffice offers on import) and invisible format characters."""
    return char.isspace() or unicodedata.category(char) == "Cf"


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could run `text` as a formula: it starts with a tab or a line break, or its
    first character that is neither a space nor invisible starts a formula ("=1+1", " =1+1", a line
    break then "@SUM(A1)", the full-width "＝1+1")."""
    if text.startswith(CONTROL_START):
        return True
    first = next((char for char in text if not _skippable(char)), "")
    return first in FORMULA_START


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet will read it literally: text that looks like a formula gets a quote.
    Numbers (int, float, Decimal) are kept as numbers, negative ones too."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    return f"'{text}" if looks_like_formula(text) else text


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

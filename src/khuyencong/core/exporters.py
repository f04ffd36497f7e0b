"""The one base of every export: a subclass names its columns, the base writes CSV or XLSX.

    class FairExporter(Exporter):
        filename = "hoi-cho"
        sheet = _("Fairs")
        columns = [
            Column(_("Fair"), "name"),
            Column(_("Level"), "level", choices=FairLevel),
            Column(_("Booths"), "booths_total", kind=INTEGER),
            Column(_("Support (đồng)"), "support", kind=MONEY),
        ]

    return FairExporter(queryset).response("xlsx")

The rows are read with `.values()` of the columns' fields, in chunks, so a national list costs memory
for one chunk, not for the whole country. A subclass may instead override `header()` and `rows()` (rows
of plain values) when a row is more than a database row.

XLSX is written by xlsxwriter in constant-memory mode: numbers stay numbers with a thousands format,
dates are dates shown dd/mm/yyyy, every text cell is written as a string (never as a formula or a link).

CSV is written for Excel users: UTF-8 with a byte-order mark (so that Vietnamese reads correctly when the
file is double-clicked) and every text cell that a spreadsheet could take for a formula prefixed with a
single quote (`safe_cell`). Numbers stay numbers, negative ones included; text is judged as text, so
"-5" typed into a text field is quoted like "-A1".
"""

import csv
import datetime as dt
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

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


# Column kinds: how a value is written (and formatted in XLSX).
TEXT, INTEGER, MONEY, DATE, PERCENT = "text", "integer", "money", "date", "percent"
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK = 2000
XLSX_TEXT_LIMIT = 32767  # the longest text a spreadsheet cell holds


@dataclass(frozen=True)
class Column:
    """One column of an export: its header, the `.values()` field it reads (or `get`, a function of the
    row's dict reading `needs`), its kind, and for a choice field the choices whose labels are written."""

    header: Any
    field: str | None = None
    kind: str = TEXT
    choices: Any = None
    get: Callable[[dict[str, Any]], Any] | None = None
    needs: tuple[str, ...] = ()

    def fields(self) -> tuple[str, ...]:
        return ((self.field,) if self.field else ()) + self.needs

    def value(self, row: dict[str, Any], labels: dict[Any, str] | None) -> Any:
        value = self.get(row) if self.get else row[self.field] if self.field else None
        if labels is not None and value is not None:
            return labels.get(value, value)
        return value


class Exporter:
    """Subclasses set `filename`, `sheet` and `columns` (or override `header()` and `rows()`)."""

    filename = "export"
    sheet: Any = _("Data")
    columns: Sequence[Column] = ()

    def __init__(self, source: QuerySet | Iterable[Any] = ()) -> None:
        self.source = source

    # --- what is written ---------------------------------------------------------------------------

    def header(self) -> list[Any]:
        return [column.header for column in self.columns]

    def kinds(self) -> list[str]:
        """The kind of each column; without declared columns, judged from each value."""
        return [column.kind for column in self.columns]

    def rows(self) -> Iterable[Iterable[Any]]:
        """The rows as plain values, read `CHUNK` rows at a time (choices as their labels as the pages
        write them, capitalised, in the language active while the rows are read)."""
        names = list(dict.fromkeys(name for column in self.columns for name in column.fields()))
        labels = [
            {value: capfirst(str(label)) for value, label in _choice_pairs(column.choices)}
            if column.choices
            else None
            for column in self.columns
        ]
        if not isinstance(self.source, QuerySet):
            raise TypeError("an exporter with declared columns reads a queryset")
        chunk: list[dict[str, Any]] = []
        for row in self.source.values(*names).iterator(chunk_size=CHUNK):
            chunk.append(row)
            if len(chunk) == CHUNK:
                yield from self._written(chunk, labels)
                chunk = []
        yield from self._written(chunk, labels)

    def extend(self, chunk: list[dict[str, Any]]) -> None:
        """Add to each row of a chunk what its columns read that is not a field of the queryset (the
        disbursed amount a port computes, say), with one query per chunk."""

    def _written(self, chunk: list[dict[str, Any]], labels: list) -> Iterator[list[Any]]:
        if chunk:
            self.extend(chunk)
        for row in chunk:
            yield [column.value(row, label) for column, label in zip(self.columns, labels, strict=True)]

    def count(self) -> int | None:
        """How many rows the file will have, when the source can tell without reading them."""
        if isinstance(self.source, QuerySet):
            return self.source.count()
        return len(self.source) if isinstance(self.source, Sequence) else None

    def stamped(self, fmt: str) -> str:
        return f"{self.filename}-{timezone.localdate().strftime('%Y%m%d')}.{fmt}"

    # --- CSV ---------------------------------------------------------------------------------------

    def csv_lines(self, language: str | None = None) -> Iterator[str]:
        """The file line by line, in `language` (the request's) even when streamed after the view."""
        with translation.override(language or translation.get_language()):
            writer = csv.writer(_Echo())
            yield "\ufeff"
            yield writer.writerow([safe_cell(str(h)) for h in self.header()])
            for row in self.rows():
                yield writer.writerow([safe_cell(_csv_value(v)) for v in row])

    def csv_response(self) -> StreamingHttpResponse:
        lines = self.csv_lines(translation.get_language())
        response = StreamingHttpResponse(lines, content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = f'attachment; filename="{self.stamped("csv")}"'
        return response

    # --- XLSX --------------------------------------------------------------------------------------

    def write_xlsx(self, target: IO[bytes], progress: Callable[[int], None] | None = None) -> int:
        """Write the workbook into `target`; `progress(rows written)` every CHUNK rows. The number of
        data rows written is returned."""
        book = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "tmpdir": tempfile.gettempdir(),
            },
        )
        sheet = book.add_worksheet(str(self.sheet)[:31])
        styles = _xlsx_styles(book)
        header = [str(h) for h in self.header()]
        kinds = self.kinds() or [""] * len(header)
        for col, (title, kind) in enumerate(zip(header, kinds, strict=False)):
            sheet.write_string(0, col, title, styles["header"])
            sheet.set_column(col, col, _width(title, kind))
        sheet.freeze_panes(1, 0)
        written = 0
        for written, row in enumerate(self.rows(), start=1):
            for col, value in enumerate(row):
                _write_cell(sheet, written, col, value, kinds[col] if col < len(kinds) else "", styles)
            if progress and written % CHUNK == 0:
                progress(written)
        if header:
            sheet.autofilter(0, 0, max(written, 1), len(header) - 1)
        book.close()
        return written

    def xlsx_response(self) -> FileResponse:
        target = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it once sent
        self.write_xlsx(target)
        target.seek(0)
        return FileResponse(
            target, as_attachment=True, filename=self.stamped("xlsx"), content_type=CONTENT_TYPES["xlsx"]
        )

    def response(self, fmt: str) -> HttpResponseBase:
        """The file in `fmt` ("csv" or "xlsx") as a download."""
        return self.xlsx_response() if fmt == "xlsx" else self.csv_response()


def _csv_value(value: Any) -> Any:
    """Dates as officers write them (dd/mm/yyyy), which a Vietnamese spreadsheet reads as dates."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return value


def _choice_pairs(choices: Any) -> Iterable[tuple[Any, Any]]:
    if isinstance(choices, dict):
        return choices.items()
    return getattr(choices, "choices", choices)


def _xlsx_styles(book: Any) -> dict[str, Any]:
    return {
        "header": book.add_format({"bold": True, "bg_color": "#E9ECEF", "text_wrap": True, "valign": "top"}),
        INTEGER: book.add_format({"num_format": "#,##0"}),
        MONEY: book.add_format({"num_format": "#,##0"}),
        DATE: book.add_format({"num_format": "dd/mm/yyyy"}),
        PERCENT: book.add_format({"num_format": "0.00%"}),
        "number": book.add_format({"num_format": "#,##0.##"}),
    }


def _width(title: str, kind: str) -> int:
    base = {MONEY: 18, INTEGER: 10, DATE: 12, PERCENT: 10}.get(kind, 24)
    return min(60, max(base, len(title) + 2))


def _write_cell(sheet: Any, row: int, col: int, value: Any, kind: str, styles: dict[str, Any]) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_string(row, col, "x" if value else "")
    elif isinstance(value, int):
        sheet.write_number(row, col, value, styles.get(kind) or styles[INTEGER])
    elif isinstance(value, (float, Decimal)):
        sheet.write_number(row, col, float(value), styles.get(kind) or styles["number"])
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, timezone.localtime(value).replace(tzinfo=None), styles[DATE])
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, styles[DATE])
    else:
        sheet.write_string(row, col, str(value)[:XLSX_TEXT_LIMIT])

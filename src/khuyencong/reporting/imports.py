"""Reading province figures sent as a file: CSV (one file per sheet) or XLSX (sheets `figures` and,
optionally, `indicators`). Every cell is checked and every problem reported with its sheet, row and
column; nothing is returned unless the whole file is valid.

figures:    year, through_month, unit_code, source, content_group, plan_dong, executed_dong
indicators: year, through_month, unit_code, indicator_code, planned, achieved

A file is bounded before it is read (`ImportLimits`, from settings): a workbook's members by their
uncompressed size (a 400 KB XLSX can hold a 400 MB sheet), each sheet by its rows, columns and cell
length; at most `errors` problems are listed, with a count of the rest.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils.exceptions import InvalidFileException

from khuyencong.catalog.models import ContentGroup, Indicator
from khuyencong.core.errors import ValidationFailed
from khuyencong.core.formatting import MoneyParseError, parse_vnd
from khuyencong.core.text import fold
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import unit_on

from .live import Period

FIGURE_COLUMNS = [
    "year",
    "through_month",
    "unit_code",
    "source",
    "content_group",
    "plan_dong",
    "executed_dong",
]
INDICATOR_COLUMNS = ["year", "through_month", "unit_code", "indicator_code", "planned", "achieved"]
# What the template's first row says of each column (its code is in the hidden second row); a file
# whose header holds these names instead of the codes reads as well.
COLUMN_LABELS = {
    "year": gettext_lazy("Year"),
    "through_month": gettext_lazy("Through month"),
    "unit_code": gettext_lazy("Province code"),
    "source": gettext_lazy("Funding source"),
    "content_group": gettext_lazy("Content group"),
    "plan_dong": gettext_lazy("Plan (đồng)"),
    "executed_dong": gettext_lazy("Executed (đồng)"),
    "indicator_code": gettext_lazy("Indicator code"),
    "planned": gettext_lazy("Planned"),
    "achieved": gettext_lazy("Achieved"),
}
SOURCES = {"KCQG": "KCQG", "KCDP": "KCDP", "KCĐP": "KCDP"}


@dataclass
class CellError:
    sheet: str
    row: int  # as the user sees it: the header is row 1
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
        }


@dataclass(frozen=True)
class ImportLimits:
    uncompressed: int  # bytes, all members of a workbook together
    rows: int  # per sheet, the header included
    columns: int
    cell: int  # characters in one cell
    errors: int  # listed; the rest are counted

    @classmethod
    def from_settings(cls) -> "ImportLimits":
        return cls(**settings.KHUYENCONG_IMPORT_LIMITS)


@dataclass
class ParsedFile:
    figures: dict[tuple[int, int, int], list[dict[str, Any]]] = field(
        default_factory=dict
    )  # (unit, year, month)
    indicators: dict[tuple[int, int, int], list[dict[str, Any]]] = field(default_factory=dict)
    errors: list[CellError] = field(default_factory=list)
    errors_not_listed: int = 0

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_not_listed

    def error_dicts(self) -> list[dict[str, Any]]:
        """The errors listed, and one more saying how many were not."""
        listed = [e.as_dict() for e in self.errors]
        if self.errors_not_listed:
            more = CellError(
                "",
                0,
                "",
                "more_errors",
                _("… and %(n)s more error(s), not listed: correct these first.")
                % {"n": f"{self.errors_not_listed:,}".replace(",", ".")},
            )
            listed.append(more.as_dict())
        return listed

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise_import_invalid(self.error_dicts(), self.error_count)


def raise_import_invalid(errors: list[dict[str, Any]], count: int) -> None:
    raise ValidationFailed(
        _("The file has %(n)s error(s); nothing was imported.") % {"n": f"{count:,}".replace(",", ".")},
        code="import_invalid",
        errors=errors,
    )


class FileTooLarge(Exception):
    """A file beyond the import's limits: refused before it is read further."""

    def __init__(self, error: CellError) -> None:
        super().__init__(error.message)
        self.error = error


SHEETS = ("figures", "indicators")


def _workbook_sheets(content: bytes, limits: ImportLimits) -> dict[str, list[list[Any]]]:
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        # the sizes the archive declares are the ones zipfile holds it to (it stops there and checks
        # the CRC), so summing them bounds what opening the workbook can unpack
        unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > limits.uncompressed:
        raise FileTooLarge(
            CellError(
                "",
                0,
                "",
                "workbook_too_large",
                _(
                    "Unpacked, the workbook holds %(size)s MB, more than %(mb)s MB; "
                    "split it by year or by province."
                )
                % {"size": unpacked // (1024 * 1024), "mb": limits.uncompressed // (1024 * 1024)},
            )
        )
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheets = {}
        for ws in workbook:
            title = ws.title.strip().lower()
            if title in SHEETS:  # the template's other sheets (codes, help) are not read
                sheets[title] = _bounded(title, ws.iter_rows(values_only=True), limits)
        return sheets
    finally:
        workbook.close()


def _bounded(sheet: str, rows: Any, limits: ImportLimits) -> list[list[Any]]:
    """The sheet's rows, refused at the first row, column or cell beyond the limits."""
    kept: list[list[Any]] = []
    for number, row in enumerate(rows, start=1):
        if number > limits.rows:
            raise FileTooLarge(
                CellError(
                    sheet,
                    number,
                    "",
                    "too_many_rows",
                    _("The sheet has more than %(n)s rows; split the file by year or by province.")
                    % {"n": f"{limits.rows - 1:,}".replace(",", ".")},
                )
            )
        cells = list(row)
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        if len(cells) > limits.columns:
            raise FileTooLarge(
                CellError(
                    sheet,
                    number,
                    "",
                    "too_many_columns",
                    _("The row has more than %(n)s columns.") % {"n": limits.columns},
                )
            )
        for index, value in enumerate(cells):
            if isinstance(value, str) and len(value) > limits.cell:
                from openpyxl.utils import get_column_letter

                raise FileTooLarge(
                    CellError(
                        sheet,
                        number,
                        get_column_letter(index + 1),
                        "cell_too_long",
                        _("The cell holds %(length)s characters, more than %(n)s.")
                        % {"length": len(value), "n": limits.cell},
                    )
                )
        kept.append(cells)
    return kept


# Files people send instead of the workbook, told by their first bytes (or, for a zip, its parts).
SIGNATURES = (
    (b"%PDF", "PDF"),
    (b"\xd0\xcf\x11\xe0", "Excel 97–2003 (XLS) / Word 97–2003 (DOC)"),
    (b"{\\rtf", "RTF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
)


def file_kind(name: str, content: bytes) -> str | None:
    """What the file is when it is not an XLSX workbook nor CSV text ("PDF", "Word (DOCX)"…), or None."""
    for signature, kind in SIGNATURES:
        if content.startswith(signature):
            return kind
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                parts = archive.namelist()
        except zipfile.BadZipFile:
            return None  # said as unreadable by the workbook reader
        if any(p.startswith("word/") for p in parts):
            return "Word (DOCX)"
        if any(p.startswith("ppt/") for p in parts):
            return "PowerPoint (PPTX)"
        if "content.xml" in parts:
            return "OpenDocument (ODS/ODT)"
        if not any(p.startswith("xl/") for p in parts):
            return "ZIP"
    return None


def _sheets(name: str, content: bytes, limits: ImportLimits) -> dict[str, list[list[Any]]]:
    """The file's sheets as rows of cell values (CSV: one sheet, named by its columns)."""
    if content[:2] == b"PK":
        return _workbook_sheets(content, limits)
    text = content.decode("utf-8-sig")
    rows = _bounded("figures", csv.reader(io.StringIO(text)), limits)
    _, header = _header(rows)
    return {"indicators" if "indicator_code" in header else "figures": rows}


def _fold(text: Any) -> str:
    return fold(str(text or "").strip()).lower()


def _header(rows: list[list[Any]]) -> tuple[int, list[str]]:
    """Where a sheet's data starts and the column code of each cell of its header: codes in the first
    row; or the template's layout, names in the first row and codes in the (hidden) second; or names
    only (in Vietnamese or English)."""
    if not rows:
        return 1, []
    first = [str(c or "").strip().lower() for c in rows[0]]
    if set(first) & set(COLUMN_LABELS):
        return 1, first
    if len(rows) > 1:
        second = [str(c or "").strip().lower() for c in rows[1]]
        if set(second) & set(COLUMN_LABELS):
            return 2, second
    names = {}
    for code, label in COLUMN_LABELS.items():
        names[_fold(label)] = code
        with translation.override("en"):
            names[_fold(str(label))] = code
    return 1, [names.get(_fold(c), _fold(c)) for c in rows[0]]


def _int(value: Any, *, money: bool = False) -> int:
    """A whole number from a cell: an int, a float that is whole, or text (Vietnamese-formatted money
    '57.615.300.000' accepted). Raises ValueError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("empty")
    if isinstance(value, bool):
        raise ValueError("bool")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("fraction")
        return int(value)
    text = str(value).strip()
    if money:
        try:
            return parse_vnd(text)
        except MoneyParseError as exc:
            raise ValueError(text) from exc
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if number != number.to_integral_value():
        raise ValueError(text)
    return int(number)


class _Reader:
    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.result = ParsedFile()
        self.groups = set(ContentGroup.objects.values_list("code", flat=True))
        self.indicators = set(Indicator.objects.values_list("code", flat=True))
        self._units: dict[tuple[str, int, int], AdministrativeUnit | None] = {}

    def error(self, sheet: str, row: int, column: str, code: str, message: str) -> None:
        if len(self.result.errors) < self.limits.errors:
            self.result.errors.append(CellError(sheet, row, column, code, message))
        else:
            self.result.errors_not_listed += 1

    def unit(self, code: str, period: Period) -> AdministrativeUnit | None:
        key = (code, period.year, period.through_month)
        if key not in self._units:
            try:
                self._units[key] = unit_on(code, period.end, level="province")
            except (AdministrativeUnit.DoesNotExist, ValueError):
                self._units[key] = None
        return self._units[key]

    def rows(self, sheet: str, rows: list[list[Any]], columns: list[str]):
        if not rows:
            self.error(sheet, 1, "", "empty_sheet", _("The sheet is empty."))
            return
        start, header = _header(rows)
        missing = [c for c in columns if c not in header]
        if missing:
            for column in missing:
                self.error(
                    sheet,
                    1,
                    column,
                    "missing_column",
                    _("The column “%(column)s” (%(code)s) is missing.")
                    % {"column": COLUMN_LABELS[column], "code": column},
                )
            return
        index = {c: header.index(c) for c in columns}
        for number, row in enumerate(rows[start:], start=start + 1):
            if all(v is None or str(v).strip() == "" for v in row):
                continue
            yield number, {c: (row[i] if i < len(row) else None) for c, i in index.items()}

    def key(self, sheet: str, number: int, cells: dict[str, Any]) -> tuple[int, int, int] | None:
        ok = True
        try:
            year = _int(cells["year"])
            if not 2000 <= year <= 2100:
                raise ValueError(year)
        except ValueError:
            self.error(sheet, number, "year", "invalid_year", _("A year such as 2025."))
            ok = False
        try:
            month = _int(cells["through_month"])
            if not 1 <= month <= 12:
                raise ValueError(month)
        except ValueError:
            self.error(sheet, number, "through_month", "invalid_month", _("A month from 1 to 12."))
            ok = False
        if not ok:
            return None
        code = str(cells["unit_code"] or "").strip()
        if code.endswith(".0"):
            code = code[:-2]
        unit = self.unit(code, Period(year, month)) if code.isdigit() else None
        if unit is None:
            self.error(
                sheet,
                number,
                "unit_code",
                "unknown_unit",
                _("No province had the code “%(code)s” at the end of %(month)s/%(year)s.")
                % {"code": code, "month": month, "year": year},
            )
            return None
        return (unit.pk, year, month)

    def figures(self, rows: list[list[Any]]) -> None:
        seen: set[tuple] = set()
        for number, cells in self.rows("figures", rows, FIGURE_COLUMNS):
            key = self.key("figures", number, cells)
            source = SOURCES.get(str(cells["source"] or "").strip().upper().replace("Đ", "D"))
            if source is None:
                self.error("figures", number, "source", "invalid_source", _("KCQG or KCDP."))
            group = str(cells["content_group"] or "").strip()
            if group and group not in self.groups:
                self.error(
                    "figures",
                    number,
                    "content_group",
                    "unknown_group",
                    _("Not a content-group code of the catalogue."),
                )
            amounts = {}
            for column in ("plan_dong", "executed_dong"):
                try:
                    amounts[column] = _int(cells[column], money=True)
                    if amounts[column] < 0:
                        raise ValueError("negative")
                except ValueError:
                    self.error(
                        "figures",
                        number,
                        column,
                        "invalid_amount",
                        _("Could not read “%(value)s” as a whole number of đồng.") % {"value": cells[column]},
                    )
            if key is None or source is None or len(amounts) < 2:
                continue
            if (key, source, group) in seen:
                self.error(
                    "figures",
                    number,
                    "source",
                    "duplicate_row",
                    _("The same province, period, source and group twice."),
                )
                continue
            seen.add((key, source, group))
            self.result.figures.setdefault(key, []).append(
                {"source": source, "content_group": group, **amounts}
            )

    def indicator_rows(self, rows: list[list[Any]]) -> None:
        seen: set[tuple] = set()
        for number, cells in self.rows("indicators", rows, INDICATOR_COLUMNS):
            key = self.key("indicators", number, cells)
            code = str(cells["indicator_code"] or "").strip()
            if code not in self.indicators:
                self.error(
                    "indicators",
                    number,
                    "indicator_code",
                    "unknown_indicator",
                    _("Not an indicator code of the catalogue."),
                )
            values: dict[str, int | None] = {}
            for column in ("planned", "achieved"):
                if cells[column] is None or str(cells[column]).strip() == "":
                    values[column] = None
                    continue
                try:
                    values[column] = _int(cells[column])
                    if values[column] < 0:  # type: ignore[operator]
                        raise ValueError("negative")
                except ValueError:
                    self.error("indicators", number, column, "invalid_count", _("A whole number, 0 or more."))
            if key is None or code not in self.indicators or len(values) < 2:
                continue
            if (key, code) in seen:
                self.error(
                    "indicators", number, "indicator_code", "duplicate_row", _("The same indicator twice.")
                )
                continue
            seen.add((key, code))
            self.result.indicators.setdefault(key, []).append({"indicator_code": code, **values})


# what opening a file that is neither UTF-8 CSV nor a valid XLSX raises (a corrupt workbook starts with
# PK and fails inside the zip reader)
UNREADABLE = (
    UnicodeDecodeError,
    ValueError,
    KeyError,
    OSError,
    csv.Error,
    zipfile.BadZipFile,
    InvalidFileException,
)


def read_file(name: str, content: bytes, limits: ImportLimits | None = None) -> ParsedFile:
    reader = _Reader(limits or ImportLimits.from_settings())
    if kind := file_kind(name, content):
        reader.error(
            "",
            0,
            "",
            "wrong_file_type",
            _(
                "Wrong file type (%(kind)s); expected XLSX or CSV: download the template, fill it in and "
                "upload it."
            )
            % {"kind": kind},
        )
        return reader.result
    try:
        sheets = _sheets(name, content, reader.limits)
    except FileTooLarge as exc:
        reader.result.errors.append(exc.error)
        return reader.result
    except UNREADABLE as exc:
        # a corrupt workbook (it starts with PK, but is no valid XLSX) is one clear error, not a 500
        reader.error(
            "",
            0,
            "",
            "unreadable_file",
            _("The file is neither CSV (UTF-8) nor XLSX: %(error)s") % {"error": exc},
        )
        return reader.result
    if "figures" not in sheets and "indicators" not in sheets:
        reader.error("", 0, "", "missing_sheet", _("The file has no sheet named “figures”."))
    if "figures" in sheets:
        reader.figures(sheets["figures"])
    if "indicators" in sheets:
        reader.indicator_rows(sheets["indicators"])
    orphans = set(reader.result.indicators) - set(reader.result.figures)
    if orphans and "figures" in sheets:
        reader.error(
            "indicators",
            0,
            "unit_code",
            "no_figures",
            _("Indicators for a province and period without figures."),
        )
    return reader.result

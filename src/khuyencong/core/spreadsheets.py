"""Reading a spreadsheet someone sends, safely: an XLSX workbook or a UTF-8 CSV file, bounded before
it is read (`ImportLimits`, from settings: a workbook's members by their uncompressed size — a 400 KB
XLSX can hold a 400 MB sheet —, each sheet by its rows, columns and cell length), told apart from the
files people send instead (`file_kind`: a PDF, a Word document…), with the header read as column codes
(`header_of`: the template's names row over a hidden codes row, codes alone, or names alone) and every
problem a `CellError` naming its sheet, row and column. Each kind of import (reporting.imports for the
provinces' figures) reads its rows through these."""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException
from python_calamine import CalamineError, CalamineWorkbook

from .formatting import MoneyParseError, parse_vnd
from .text import fold


@dataclass
class CellError:
    sheet: str
    row: int  # as the user sees it: the header is row 1
    column: str
    code: str
    message: str
    value: str = ""  # the cell's content as read, when it is the cell that is wrong

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            **({"value": self.value} if self.value else {}),
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


class FileTooLarge(Exception):
    """A file beyond the import's limits: refused before it is read further."""

    def __init__(self, error: CellError) -> None:
        super().__init__(error.message)
        self.error = error


def _workbook_sheets(
    content: bytes, limits: ImportLimits, names: Mapping[str, str]
) -> dict[str, list[list[Any]]]:
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
        # and reading every member through zipfile proves it: a member that unpacks to more than it
        # declares, or is damaged, stops here (BadZipFile) before the workbook reader sees it
        for member in archive.infolist():
            with archive.open(member) as part:
                while part.read(1 << 20):
                    pass
    # python-calamine (Rust) reads the cells' values — a formula's as Excel saved it — many times faster
    # than openpyxl; whole numbers come as floats and are given back as int
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    try:
        sheets = {}
        for title in workbook.sheet_names:
            code = names.get(_fold(title))
            if code is not None:  # the template's other sheets (examples, lists, help) are not read
                rows = workbook.get_sheet_by_name(title).iter_rows()
                sheets[code] = bounded(code, (list(map(_cell_value, row)) for row in rows), limits)
        return sheets
    finally:
        workbook.close()


def _cell_value(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def bounded(sheet: str, rows: Any, limits: ImportLimits) -> list[list[Any]]:
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


def _fold(text: Any) -> str:
    return fold(str(text or "").strip()).lower()


def header_of(rows: list[list[Any]], labels: Mapping[str, Any]) -> tuple[int, list[str]]:
    """Where a sheet's data starts and the column code of each cell of its header: codes in the first
    row; or the template's layout, names in the first row and codes in the (hidden) second; or names
    only (in Vietnamese or English). `labels`: each column code's name (a lazy translation)."""
    if not rows:
        return 1, []
    first = [str(c or "").strip().lower() for c in rows[0]]
    if set(first) & set(labels):
        return 1, first
    if len(rows) > 1:
        second = [str(c or "").strip().lower() for c in rows[1]]
        if set(second) & set(labels):
            return 2, second
    names = {}
    for code, label in labels.items():
        names[_fold(label)] = code
        with translation.override("en"):
            names[_fold(str(label))] = code
    return 1, [names.get(_fold(c), _fold(c)) for c in rows[0]]


def whole_number(value: Any, *, money: bool = False) -> int:
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
    CalamineError,
)


def read_sheets(
    content: bytes, limits: ImportLimits, names: tuple[str, ...] | Mapping[str, str], csv_sheet: Any
) -> dict[str, list[list[Any]]]:
    """The file's sheets named `names` as rows of cell values. `names` may map each title a sheet may
    have (compared without case or diacritics) to the sheet's code. A CSV file is one sheet:
    `csv_sheet` names it from its header's column codes. Raises FileTooLarge, or one of UNREADABLE."""
    titles = (
        {_fold(n): n for n in names} if isinstance(names, tuple) else {_fold(k): v for k, v in names.items()}
    )
    if content[:2] == b"PK":
        return _workbook_sheets(content, limits, titles)
    text = content.decode("utf-8-sig")
    rows = bounded(next(iter(titles.values())), csv.reader(io.StringIO(text)), limits)
    sheet = csv_sheet(header_of_any(rows))
    return {sheet: rows}


def header_of_any(rows: list[list[Any]]) -> list[str]:
    """The first rows' cells, folded, to tell which sheet a CSV file is."""
    return [str(c or "").strip().lower() for row in rows[:2] for c in row]


# An encrypted (password-protected) OOXML workbook is an OLE compound file holding this stream.
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def password_protected(content: bytes) -> bool:
    return content.startswith(b"\xd0\xcf\x11\xe0") and _ENCRYPTED in content[:1_000_000]


_SHEET_RE = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL_RE = re.compile(
    rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"|<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"'
)
_MERGE_RE = re.compile(rb'<mergeCell\b[^>]*?ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
# a formula cell without its last computed value: <c r="B3"…><f>…</f></c>
_UNCOMPUTED_RE = re.compile(
    rb'<c\b[^>]*?r="([A-Z]+[0-9]+)"[^>]*><f\b[^>]*?(?:/>|>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>'
)


@dataclass
class SheetShape:
    """What a worksheet's XML holds that reading its values hides: merged ranges (their value is in
    the first cell only) and formulas never computed (no value saved with them)."""

    merged: list[str]
    uncomputed: list[str]


def sheet_shapes(content: bytes, names: Mapping[str, str]) -> dict[str, SheetShape]:
    """The shape of each of the workbook's sheets named in `names` (title folded → code)."""
    from html import unescape

    titles = {_fold(k): v for k, v in names.items()}
    shapes: dict[str, SheetShape] = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        try:
            book = archive.read("xl/workbook.xml")
            rels = archive.read("xl/_rels/workbook.xml.rels")
        except KeyError:
            return shapes
        targets = {}
        for match in _REL_RE.finditer(rels):
            rid, target = (
                (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
            )
            targets[rid.decode()] = target.decode()
        for name, rid in _SHEET_RE.findall(book):
            code = titles.get(_fold(unescape(name.decode("utf-8"))))
            target = targets.get(rid.decode())
            if code is None or target is None:
                continue
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            try:
                xml = archive.read(part)
            except KeyError:
                continue
            shapes[code] = SheetShape(
                merged=[m.decode() for m in _MERGE_RE.findall(xml)],
                uncomputed=[c.decode() for c in _UNCOMPUTED_RE.findall(xml)],
            )
    return shapes


def cell_reference(reference: str) -> tuple[int, int]:
    """'C12' → (row 12, column 3)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(reference)
    return row, column_index_from_string(letters)


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_RE = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?\s*$")


def date_value(value: Any) -> dt.date:
    """A date from a cell: a date or a whole-day datetime (what a date cell reads as), an Excel serial
    number (a date cell read without its format), or text dd/mm/yyyy (also with . or -) or
    yyyy-mm-dd. Raises ValueError."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time():
            raise ValueError("time")
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise ValueError("bool")
    if isinstance(value, int | float):
        if not float(value).is_integer() or not 1 <= value <= 2958465:
            raise ValueError("serial")
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = str(value or "")
    if match := _DATE_RE.match(text):
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    if match := _ISO_RE.match(text):
        year, month, day = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    raise ValueError(text)

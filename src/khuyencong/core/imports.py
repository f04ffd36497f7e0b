"""Bringing records in from spreadsheets: one layout, one dry run, one all-or-nothing write for every
kind of record (issue 15).

A kind of record (`ImportKind`, registered by its app: `establishments.imports`…) is one sheet of a
workbook, or one CSV file. Its columns (`Column`) have a Vietnamese name (the template's first row),
a code (the hidden second row, what the reader goes by), a hint and, where the values are codes, a
drop-down list. The kind checks all its rows at once with the same rules as its services (`check`,
nothing written: each row is "new", "unchanged" or "will update" named fields, or has errors naming
its sheet, row, column and value) and writes them in bulk (`write`) with their audit entries.

    checked = check_file(actor, content)              # the dry run
    run = import_upload(actor=…, name=…, content=…)   # the same, kept as an ImportRun
    import_confirm(actor=…, run=run)                  # checks again, then writes everything or nothing

The template (`template_workbook`) is the same layout filled with example rows on another sheet, a
sheet explaining each column and the lists the drop-downs offer; a list page's "for editing" export
is the same layout filled with the list's rows (`ImportKind.export_rows`), so an unchanged export
imports as "unchanged" throughout.
"""

import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import IO, Any, ClassVar

from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import audit_record, importing
from .errors import DomainError
from .models import ImportRun, ImportStatus
from .money import whole_dong
from .spreadsheets import (
    UNREADABLE,
    CellError,
    FileTooLarge,
    ImportLimits,
    cell_reference,
    date_value,
    file_kind,
    header_of,
    password_protected,
    read_sheets,
    sheet_shapes,
    whole_number,
)
from .text import fold

OUTCOMES = ("new", "unchanged", "update")
UPDATES_SHOWN = 200  # the rows that will update, with their fields, the preview lists


@dataclass(frozen=True)
class Column:
    code: str
    label: Any  # a lazy translation: the template's column name
    hint: Any = ""
    required: bool = False
    example: Any = ""
    width: int = 18


@dataclass
class Outcome:
    """What importing one row would do."""

    row: int
    outcome: str  # one of OUTCOMES
    data: dict[str, Any]
    existing: Any = None  # the matched record (its id, or what the kind keeps of it)
    changed: list[str] = field(default_factory=list)


class Errors:
    """The errors of a file, the first `limit` kept, all counted (per sheet and per row)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: list[CellError] = []
        self.count = 0
        self.rows: dict[str, set[int]] = {}

    def add(self, sheet: str, row: int, column: str, code: str, message: Any, value: Any = None) -> None:
        self.count += 1
        self.rows.setdefault(sheet, set()).add(row)
        if len(self.items) < self.limit:
            shown = "" if value is None else str(value)[:200]
            self.items.append(CellError(sheet, row, column, code, str(message), shown))

    def __bool__(self) -> bool:
        return self.count > 0


class ImportKind:
    """One kind of record a file may bring in; subclasses are registered with `register`."""

    code: ClassVar[str]  # the sheet's code
    title: ClassVar[Any]  # the sheet's title in the template (≤ 31 characters)
    columns: ClassVar[tuple[Column, ...]]
    order: ClassVar[int] = 100  # sheets are checked and written in this order (references first)
    model: ClassVar[Any] = None  # the records it writes, and the URL name of their page
    url_name: ClassVar[str] = ""
    # True: `check` takes each row through the services the pages use, one row at a time, and so
    # writes it (the dry run is rolled back); `write` has nothing left to do. The sheets before such
    # a kind in the file are written as soon as they are checked: the services find their records.
    applies: ClassVar[bool] = False

    def allowed(self, actor: Any) -> bool:
        raise NotImplementedError

    def choices(self, actor: Any) -> dict[str, list[str]]:
        """The drop-down list of each column that has one, for this actor."""
        return {}

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        """Every row checked (errors added to `errors` under this kind's code); nothing written.
        `rows` (row number, cells by column code) is the kind's to consume: clearing it once read
        keeps a 100,000-row file's memory to its checked values."""
        raise NotImplementedError

    def write(self, actor: Any, outcomes: list[Outcome], run: ImportRun, context: dict[str, Any]) -> None:
        """Write the checked rows (inside the import's transaction) with their audit entries."""
        raise NotImplementedError

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        """A list's rows in the layout the reader takes back (column code → value)."""
        raise NotImplementedError

    def export_sheets(self, rows: Any, actor: Any) -> dict[str, Iterable[dict[str, Any]]]:
        """The sheets a list's "for editing" export holds (by kind): its rows, and the rows that go
        with them that `actor` may see (a training's trainees, a national fair's booths of their
        province)."""
        return {self.code: self.export_rows(rows)}

    # --- derived -----------------------------------------------------------------------------------

    def labels(self) -> dict[str, Any]:
        return {column.code: column.label for column in self.columns}

    def required(self) -> list[str]:
        return [column.code for column in self.columns if column.required]


KINDS: dict[str, ImportKind] = {}


def register(kind: type[ImportKind]) -> type[ImportKind]:
    KINDS[kind.code] = kind()
    return kind


def kinds_for(actor: Any, code: str = "") -> list[ImportKind]:
    """The kinds the actor may import (only `code` when given), in their order."""
    chosen = [KINDS[code]] if code else list(KINDS.values())
    return sorted((k for k in chosen if k.allowed(actor)), key=lambda k: (k.order, k.code))


def _sheet_names(kinds: list[ImportKind]) -> dict[str, str]:
    """Each title a kind's sheet may have (its code, its title in any language) → its code."""
    names = {}
    for kind in kinds:
        names[kind.code] = kind.code
        names[str(kind.title)] = kind.code
        with translation.override("en"):
            names[str(kind.title)] = kind.code
        with translation.override("vi"):
            names[str(kind.title)] = kind.code
    return names


def _csv_kind(kinds: list[ImportKind]) -> Callable[[list[str]], str]:
    """The kind a CSV file is, told by the column codes or names of its header."""

    def tell(header: list[str]) -> str:
        folded = {fold(h).lower() for h in header}

        def score(kind: ImportKind) -> int:
            return sum(1 for c in kind.columns if c.code in folded or fold(str(c.label)).lower() in folded)

        return max(kinds, key=score).code

    return tell


@dataclass
class Checked:
    """The dry run of a file."""

    outcomes: dict[str, list[Outcome]]
    errors: Errors
    layout: dict[str, dict[str, Any]]
    rows: int = 0
    written: set[str] = field(default_factory=set)  # the kinds written while checking (`applies`)

    def counts(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for sheet in self.layout:
            numbers = dict.fromkeys(OUTCOMES, 0)
            for outcome in self.outcomes.get(sheet, []):
                numbers[outcome.outcome] += 1
            numbers["errors"] = len(self.errors.rows.get(sheet, ()))
            counts[sheet] = numbers
        return counts


def coded(value: Any) -> str:
    """The code of a drop-down entry "26734 – Phường Phan Rang" (or the code typed alone)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    for separator in (" – ", " - "):
        if separator in text:
            return text.split(separator, 1)[0].strip()
    return text


def in_chunks(values: Iterable[Any], size: int = 900) -> Iterator[list[Any]]:
    """`values` in lists of `size`: the ids of an IN (…) that SQLite takes (999 parameters at most)."""
    chunk: list[Any] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def choice_names(pairs: Iterable[tuple[Any, Any]], words: dict[str, Any] | None = None) -> dict[str, Any]:
    """A choice by its code or its label in Vietnamese or English, folded (without diacritics, any
    case), or by one of `words` (what officers write besides the list's labels)."""
    pairs = list(pairs)
    names: dict[str, Any] = {fold(word): value for word, value in (words or {}).items()}
    for language in ("vi", "en"):
        with translation.override(language):
            for value, label in pairs:
                names[fold(str(value))] = value
                names[fold(str(label))] = value
    return names


class RowErrors:
    """The errors of one sheet's rows, for a kind that checks a row through its services: a service's
    `DomainError` becomes the row's error on the column its field is read from (one per field of an
    `invalid_fields`), with the cell's value."""

    def __init__(self, errors: Errors, sheet: str, columns: dict[str, str], default: str) -> None:
        self.errors = errors
        self.sheet = sheet
        self.columns = columns  # a service's field → the column it is read from
        self.default = default  # the column of an error that names no field

    def add(self, number: int, column: str, code: str, message: Any, value: Any = None) -> None:
        self.errors.add(self.sheet, number, column, code, message, value)

    def domain(self, number: int, cells: dict[str, Any], exc: DomainError, default: str = "") -> None:
        """`exc` as the row's errors; `default`: the column of an error that names no field known here."""
        fields = exc.details.get("errors") or {}
        if not fields:
            fields = {str(exc.details.get("field") or ""): exc.message}
        for name, message in fields.items():
            column = self.columns.get(name.split(":", 1)[0], default or self.default)
            self.add(number, column, exc.code, message, cells.get(column))

    def run(self, number: int, cells: dict[str, Any], do: Callable[[], Any]) -> Any:
        """`do()` (the row's service calls) in its own savepoint: its value, or None with its error
        added and what it wrote undone (the other rows are still checked). `do` raises `Refused` once
        it has added its own errors."""
        try:
            with transaction.atomic():
                return do()
        except DomainError as exc:
            self.domain(number, cells, exc)
        except Refused:
            pass
        return None


class Refused(Exception):
    """Rows refused by a kind that checks through its services, their errors added: what their
    savepoint wrote is undone (`RowErrors.run`)."""


def import_reason(run: ImportRun) -> str:
    """The reason an import's audit entries give."""
    return _("imported from %(file)s") % {"file": run.file_name}


def text_of(value: Any) -> str:
    """A cell as text, spaces collapsed ("" for an empty cell)."""
    return "" if value is None else " ".join(str(value).split())


class Cells:
    """One row's cells read into values, each error added under the row and its column (`ok` False
    once one is wrong)."""

    def __init__(self, sheet: str, number: int, value: dict[str, Any], errors: Errors):
        self.sheet, self.row, self.value, self.errors = sheet, number, value, errors
        self.ok = True

    def error(self, column: str, code: str, message: Any) -> None:
        self.errors.add(self.sheet, self.row, column, code, message, self.value.get(column))
        self.ok = False

    def text(self, column: str, limit: int, required: Any = None) -> str:
        text = text_of(self.value.get(column))
        if not text and required:
            self.error(column, "required", required)
        elif len(text) > limit:
            self.error(column, "too_long", _("At most %(limit)s characters.") % {"limit": limit})
        return text

    def choice(self, column: str, names: dict[str, str]) -> str:
        found = names.get(fold(text_of(self.value.get(column))))
        if found is None:
            self.error(column, "invalid_choice", _("Choose a value from the list."))
        return found or ""

    def date(self, column: str, required: bool = True) -> dt.date | None:
        raw = self.value.get(column)
        if raw is None or text_of(raw) == "":
            if required:
                self.error(column, "required", _("Enter a date (dd/mm/yyyy)."))
            return None
        try:
            return date_value(raw)
        except (ValueError, TypeError):
            self.error(column, "invalid_date", _("Enter a date as dd/mm/yyyy, e.g. 22/08/2023."))
            return None

    def number(self, column: str, minimum: int = 0, maximum: int | None = None) -> int | None:
        raw = self.value.get(column)
        if raw is None or text_of(raw) == "":
            return None
        try:
            number = whole_number(raw)
        except ValueError:
            number = -1
        if number < minimum or (maximum is not None and number > maximum):
            self.error(
                column, "invalid_number", _("Enter a whole number, %(min)s or more.") % {"min": minimum}
            )
            return None
        return number

    def money(self, column: str, required: bool = True) -> int | None:
        """Whole đồng: 150000000, 150.000.000, "1,5 tỷ" (nothing that loses đồng)."""
        raw = self.value.get(column)
        if raw is None or text_of(raw) == "":
            if required:
                self.error(column, "required", _("Enter the amount in whole đồng."))
            return None
        try:
            return whole_dong(whole_number(raw, money=True))
        except ValueError:
            self.error(
                column,
                "invalid_amount",
                _("Enter the amount in whole đồng (150000000, 150.000.000 or 0,15 tỷ)."),
            )
        except DomainError as exc:
            self.error(column, exc.code, exc.message)
        return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_file(
    actor: Any,
    content: bytes,
    *,
    kind: str = "",
    limits: ImportLimits | None = None,
    progress: Callable[[int], None] | None = None,
    lock: bool = False,
    run: ImportRun | None = None,
) -> Checked:
    """Read and check a file: every sheet of a kind the actor may import, every row (nothing written).
    `lock`: inside the transaction that will write the rows (`import_confirm`), the kinds lock what
    they check against, and what they write while checking (`ImportKind.applies`) is kept; otherwise
    it is rolled back."""
    limits = limits or ImportLimits.from_settings()
    errors = Errors(limits.errors)
    checked = Checked({}, errors, {})
    kinds = kinds_for(actor, kind)
    if not kinds:
        errors.add("", 0, "", "not_allowed", _("Your role may not import these records."))
        return checked
    if password_protected(content):
        errors.add(
            "",
            0,
            "",
            "password_protected",
            _("The workbook is protected by a password: remove the password in Excel and send it again."),
        )
        return checked
    if what := file_kind("", content):
        errors.add(
            "",
            0,
            "",
            "wrong_file_type",
            _("Wrong file type (%(kind)s); expected XLSX or CSV.") % {"kind": what},
        )
        return checked
    names = _sheet_names(kinds)
    try:
        sheets = read_sheets(content, limits, names, _csv_kind(kinds))
        shapes = sheet_shapes(content, names) if content[:2] == b"PK" else {}
    except FileTooLarge as exc:
        error = exc.error
        errors.add(error.sheet, error.row, error.column, error.code, error.message)
        return checked
    except UNREADABLE as exc:
        errors.add(
            "",
            0,
            "",
            "unreadable_file",
            _("The file is neither CSV (UTF-8) nor XLSX: %(error)s") % {"error": exc},
        )
        return checked
    if not any(sheets.get(k.code) for k in kinds):
        errors.add(
            "",
            0,
            "",
            "missing_sheet",
            _("The file has no sheet of records to import; name the sheet as in the template: %(names)s.")
            % {"names": ", ".join(f"“{k.title}”" for k in kinds)},
        )
        return checked
    present = [k for k in kinds if sheets.get(k.code)]
    # A kind that checks by writing (`applies`) writes inside a transaction, rolled back on a dry run;
    # a file of other kinds reads only (on SQLite a transaction would hold the write lock meanwhile).
    writes = lock or any(k.applies for k in present)
    try:
        with transaction.atomic() if writes else nullcontext(), importing(run):
            _check_sheets(actor, present, sheets, shapes, checked, lock, run, progress)
            if writes and not lock:
                raise _DryRun()
    except _DryRun:
        pass
    # as a reader goes through the file: sheet by sheet, row by row (a kind finds some errors in a
    # later pass: a key already in the registry, a contract's balance)
    order = {k.code: i for i, k in enumerate(present)}
    errors.items.sort(key=lambda e: (order.get(e.sheet, -1), e.row))
    return checked


class _DryRun(Exception):
    pass


def _check_sheets(
    actor: Any,
    present: list[ImportKind],
    sheets: dict[str, list],
    shapes: dict[str, Any],
    checked: Checked,
    lock: bool,
    run: ImportRun | None,
    progress: Callable[[int], None] | None,
) -> None:
    errors = checked.errors
    context: dict[str, Any] = {"lock": lock, "run": run}
    for position, kind_ in enumerate(present):
        rows = sheets[kind_.code]
        start, header = header_of(rows, kind_.labels())
        checked.layout[kind_.code] = {"start": start, "header": header}
        shape = shapes.get(kind_.code)
        if shape and (shape.merged or shape.uncomputed):
            _shape_errors(errors, kind_, header, shape)
            continue
        missing = [c for c in kind_.required() if c not in header]
        for code in missing:
            errors.add(
                kind_.code,
                1,
                code,
                "missing_column",
                _("The column “%(column)s” (%(code)s) is missing.")
                % {"column": kind_.labels()[code], "code": code},
            )
        if missing:
            continue
        index = [(code, i) for i, code in enumerate(header) if code in kind_.labels()]
        numbered = []
        for number, cells in enumerate(rows[start:], start=start + 1):
            if all(_blank(v) for v in cells):
                continue
            numbered.append((number, {code: cells[i] if i < len(cells) else None for code, i in index}))
        sheets[kind_.code] = rows = []  # the cells as read are no longer needed: half the memory
        checked.rows += len(numbered)
        checked.outcomes[kind_.code] = kind_.check(actor, numbered, errors, context)
        if kind_.applies:
            checked.written.add(kind_.code)
        elif any(k.applies for k in present[position + 1 :]):
            # a later sheet goes through the services, which look for this sheet's records
            outcomes = [o for o in checked.outcomes[kind_.code] if o.outcome != "unchanged"]
            kind_.write(actor, outcomes, run or ImportRun(file_name="", requested_by=actor), context)
            checked.written.add(kind_.code)
        if progress:
            progress(round((position + 1) * 100 / len(present)))


def _shape_errors(errors: Errors, kind: ImportKind, header: list[str], shape: Any) -> None:
    def column(reference: str) -> tuple[int, str]:
        row, col = cell_reference(reference)
        return row, header[col - 1] if col <= len(header) else ""

    for merged in shape.merged:
        row, code = column(merged.split(":")[0])
        errors.add(
            kind.code,
            row,
            code,
            "merged_cells",
            _("The cells %(range)s are merged: unmerge them and fill in each row's own value.")
            % {"range": merged},
        )
    for reference in shape.uncomputed:
        row, code = column(reference)
        errors.add(
            kind.code,
            row,
            code,
            "formula_without_value",
            _(
                "The cell %(cell)s holds a formula whose value was never computed. Formulas are read by "
                "the value Excel saved with them: open the file in Excel, save it and send it again, or "
                "paste the values."
            )
            % {"cell": reference},
        )


# --- the services ----------------------------------------------------------------------------------


class ImportInvalid(DomainError):
    code = "import_invalid"
    status = 422
    default_message = gettext_lazy("The file has errors: nothing was imported.")


def _record_check(run: ImportRun, checked: Checked) -> None:
    run.counts = checked.counts()
    run.errors = [e.as_dict() for e in checked.errors.items]
    run.error_count = checked.errors.count
    run.layout = checked.layout
    for sheet, outcomes in checked.outcomes.items():  # what the preview lists row by row
        updates = [[o.row, o.changed] for o in outcomes if o.outcome == "update"][:UPDATES_SHOWN]
        if updates and sheet in run.layout:
            run.layout[sheet]["updates"] = updates
    run.rows_total = checked.rows
    run.checked_at = timezone.now()
    run.progress = 100
    run.status = ImportStatus.INVALID if checked.errors else ImportStatus.CHECKED


def import_upload(*, actor: Any, name: str, content: bytes, kind: str = "", check: bool = True) -> ImportRun:
    """Keep an uploaded file as an import and (unless `check` is False: the worker will) check it."""
    run = ImportRun.objects.create(
        requested_by=actor,
        file_name=(name or "").rsplit("/", 1)[-1][:255] or "tep",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        kind=kind,
        language=translation.get_language() or "",
    )
    if check:
        import_check(run)
    return run


def import_check(run: ImportRun, progress: Callable[[int], None] | None = None) -> ImportRun:
    """The dry run of a kept file; the outcome saved on the run."""
    checked = check_file(run.requested_by, bytes(run.content), kind=run.kind, progress=progress, run=run)
    _record_check(run, checked)
    run.save()
    return run


def import_confirm(*, actor: Any, run: ImportRun) -> ImportRun:
    """Check the file again (records may have changed since the dry run) and, when it has no error,
    write every row in one transaction; with an error, nothing is written and the run says why."""
    if run.requested_by_id != actor.pk:
        raise DomainError(_("Only the officer who uploaded the file may import it."), code="not_your_import")
    if run.status == ImportStatus.DONE:
        raise DomainError(_("This file is already imported."), code="already_imported")
    try:
        # checked again inside the transaction that writes: the kinds lock what their rows change
        # (the projects whose ledger they add to) so that nothing changes between check and write
        with transaction.atomic():
            checked = check_file(actor, bytes(run.content), kind=run.kind, lock=True, run=run)
            _record_check(run, checked)
            if checked.errors:
                raise _Invalid()
            _write(actor, run, checked)
    except _Invalid:
        run.save()
        raise ImportInvalid(
            errors=[e.as_dict() for e in checked.errors.items], count=checked.errors.count
        ) from None
    return run


class _Invalid(Exception):
    pass


def _write(actor: Any, run: ImportRun, checked: "Checked") -> None:
    """Every kind's rows written (inside the import's transaction) and the import marked done."""
    context: dict[str, Any] = {}
    for kind in kinds_for(actor, run.kind):
        if kind.code in checked.written or kind.code not in checked.outcomes:
            continue
        outcomes = [o for o in checked.outcomes.get(kind.code, []) if o.outcome != "unchanged"]
        kind.write(actor, outcomes, run, context)
    run.status = ImportStatus.DONE
    run.imported_at = timezone.now()
    run.save()
    audit_record(
        actor=actor,
        action="import.confirm",
        obj=run,
        after={"file": run.file_name, "sha256": run.sha256, "counts": run.counts},
        import_run=run,
    )


# --- the workbooks ---------------------------------------------------------------------------------

MARK = {"bg_color": "#F8D7DA", "border": 1, "border_color": "#DC3545"}


def _book(target: IO[bytes]) -> Any:
    import tempfile

    import xlsxwriter

    return xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )


def _cell(sheet: Any, row: int, col: int, value: Any, formats: dict[str, Any], style: Any = None) -> None:
    if value is None or value == "":
        if style is not None:
            sheet.write_blank(row, col, None, style)
        return
    if isinstance(value, bool):
        sheet.write_string(row, col, "x" if value else "", style)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, style or formats["number"])
    elif isinstance(value, dt.datetime | dt.date):
        sheet.write_datetime(
            row,
            col,
            dt.datetime.combine(value, dt.time()) if not isinstance(value, dt.datetime) else value,
            style or formats["date"],
        )
    else:
        sheet.write_string(row, col, str(value), style)


def _formats(book: Any) -> dict[str, Any]:
    return {
        "header": book.add_format(
            {"bold": True, "bg_color": "#E9ECEF", "text_wrap": True, "valign": "top", "border": 1}
        ),
        "required": book.add_format(
            {"bold": True, "bg_color": "#FFF3CD", "text_wrap": True, "valign": "top", "border": 1}
        ),
        "codes": book.add_format({"font_color": "#6C757D", "italic": True}),
        "number": book.add_format({"num_format": "0"}),
        "date": book.add_format({"num_format": "dd/mm/yyyy"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "mark": book.add_format(MARK),
    }


def _header(sheet: Any, kind: ImportKind, formats: dict[str, Any]) -> None:
    # rows are set before they are written: in constant memory a row is gone once the next is written
    sheet.set_row(0, 32)
    sheet.set_row(1, None, None, {"hidden": True})
    for col, column in enumerate(kind.columns):
        label = capfirst(str(column.label)) + (" *" if column.required else "")
        sheet.write_string(0, col, label, formats["required" if column.required else "header"])
        sheet.write_string(1, col, column.code, formats["codes"])
        sheet.set_column(col, col, column.width)
    sheet.freeze_panes(2, 0)


def template_workbook(
    actor: Any,
    target: IO[bytes],
    kinds: list[ImportKind],
    rows: dict[str, Iterable[dict[str, Any]]] | None = None,
) -> None:
    """The import layout of `kinds`: a sheet per kind (its rows when given: the list's "for editing"
    export), then the examples, the explanation of each column and the drop-down lists (hidden)."""
    from xlsxwriter.utility import xl_col_to_name

    rows = rows or {}
    book = _book(target)
    formats = _formats(book)
    lists = {kind.code: kind.choices(actor) for kind in kinds}
    data_sheets = {kind.code: book.add_worksheet(str(kind.title)[:31]) for kind in kinds}
    example_sheet = book.add_worksheet(str(_("Examples"))[:31])
    help_sheet = book.add_worksheet(str(_("Column guide"))[:31])
    list_sheet = book.add_worksheet("danh_muc")
    list_sheet.hide()
    # the lists first (constant memory writes rows in order): one column per (kind, column)
    list_columns: list[tuple[str, str, list[str]]] = [
        (kind.code, code, values) for kind in kinds for code, values in lists[kind.code].items()
    ]
    ranges: dict[tuple[str, str], str] = {}
    longest = max((len(values) for *_x, values in list_columns), default=0)
    for col, (kind_code, code, values) in enumerate(list_columns):
        letter = xl_col_to_name(col)
        ranges[(kind_code, code)] = f"=danh_muc!${letter}$2:${letter}${len(values) + 1}"
    for col, (kind_code, code, _values) in enumerate(list_columns):
        list_sheet.write_string(0, col, f"{kind_code}.{code}")
    for row in range(longest):
        for col, (*_x, values) in enumerate(list_columns):
            if row < len(values):
                list_sheet.write_string(row + 1, col, values[row])
    for kind in kinds:
        sheet = data_sheets[kind.code]
        _header(sheet, kind, formats)
        last = 2
        for last, values in enumerate(rows.get(kind.code, ()), start=2):
            for col, column in enumerate(kind.columns):
                _cell(sheet, last, col, values.get(column.code), formats)
        end = max(last + 1, 2) + 1000
        for col, column in enumerate(kind.columns):
            options: dict[str, Any] = {}
            if column.hint:
                options.update(
                    {
                        "input_title": str(capfirst(str(column.label)))[:32],
                        "input_message": str(column.hint)[:255],
                    }
                )
            if (kind.code, column.code) in ranges:
                options.update(
                    {
                        "validate": "list",
                        "source": ranges[(kind.code, column.code)],
                        "error_type": "warning",
                        "error_message": str(_("Choose a value from the list."))[:255],
                    }
                )
            elif options:
                options["validate"] = "any"
            if options:
                sheet.data_validation(2, col, end, col, options)
    # examples: each kind's example row under its own header
    row = 0
    for kind in kinds:
        example_sheet.write_string(row, 0, str(kind.title), formats["header"])
        row += 1
        for col, column in enumerate(kind.columns):
            example_sheet.write_string(row, col, capfirst(str(column.label)), formats["header"])
            example_sheet.set_column(col, col, column.width)
        row += 1
        for col, column in enumerate(kind.columns):
            _cell(example_sheet, row, col, column.example, formats)
        row += 2
    # the guide: one line per column
    help_sheet.set_column(0, 0, 22)
    help_sheet.set_column(1, 1, 32)
    help_sheet.set_column(2, 2, 22)
    help_sheet.set_column(3, 3, 10)
    help_sheet.set_column(4, 4, 80)
    for col, title in enumerate((_("Sheet"), _("Column"), _("Code"), _("Required"), _("What to enter"))):
        help_sheet.write_string(0, col, str(title), formats["header"])
    line = 1
    for kind in kinds:
        for column in kind.columns:
            help_sheet.write_string(line, 0, str(kind.title))
            help_sheet.write_string(line, 1, capfirst(str(column.label)))
            help_sheet.write_string(line, 2, column.code)
            help_sheet.write_string(line, 3, str(_("yes")) if column.required else "")
            help_sheet.write_string(line, 4, str(column.hint), formats["wrap"])
            line += 1
    help_sheet.write_string(
        line + 1,
        0,
        str(
            _(
                "Fill in the sheets from the third row (the second row, hidden, holds the column codes). "
                "Dates as dd/mm/yyyy; amounts in whole đồng (1.500.000.000) or as “1,5 tỷ”. Formulas are "
                "read by the value Excel saved with them. Do not merge cells."
            )
        ),
    )
    book.close()


def marked_copy(run: ImportRun, target: IO[bytes]) -> None:
    """The file sent, its bad cells filled red with a comment saying what is wrong, and a sheet listing
    every error kept."""
    limits = ImportLimits.from_settings()
    kinds = kinds_for(run.requested_by, run.kind)
    sheets = read_sheets(bytes(run.content), limits, _sheet_names(kinds), _csv_kind(kinds))
    marks: dict[tuple[str, int, int], list[str]] = {}
    for error in run.errors:
        layout = run.layout.get(error["sheet"], {})
        header = layout.get("header", [])
        col = header.index(error["column"]) if error["column"] in header else 0
        marks.setdefault((error["sheet"], error["row"], col), []).append(error["message"])
    book = _book(target)
    formats = _formats(book)
    titles = {k.code: str(k.title) for k in kinds}
    for code, rows in sheets.items():
        sheet = book.add_worksheet(titles.get(code, code)[:31])
        start = run.layout.get(code, {}).get("start", 1)
        if start == 2:
            sheet.set_row(1, None, None, {"hidden": True})
        sheet.freeze_panes(start, 0)
        for r, cells in enumerate(rows):
            width = max(
                len(cells), max((c + 1 for (s, n, c) in marks if s == code and n == r + 1), default=0)
            )
            for c in range(width):
                value = cells[c] if c < len(cells) else None
                message = marks.get((code, r + 1, c))
                style = formats["mark"] if message else (formats["header"] if r < start and r == 0 else None)
                _cell(sheet, r, c, value, formats, style)
                if message:
                    sheet.write_comment(r, c, "\n".join(message), {"x_scale": 2, "y_scale": 1.5})
    listing = book.add_worksheet(str(_("Errors"))[:31])
    for col, title in enumerate((_("Sheet"), _("Row"), _("Column"), _("Value"), _("What is wrong"))):
        listing.write_string(0, col, str(title), formats["header"])
    listing.set_column(4, 4, 90)
    for line, error in enumerate(run.errors, start=1):
        listing.write_string(line, 0, titles.get(error["sheet"], error["sheet"]))
        listing.write_number(line, 1, error["row"])
        listing.write_string(line, 2, error["column"])
        listing.write_string(line, 3, error.get("value", ""))
        listing.write_string(line, 4, error["message"])
    book.close()


def workbook_bytes(write: Callable[[IO[bytes]], None]) -> bytes:
    buffer = io.BytesIO()
    write(buffer)
    return buffer.getvalue()

"""Workbooks for the import tests (core.imports): sheets named by their kind's code, the first row the
column codes, as the reader takes them; the errors and outcomes of a dry run as comparable tuples."""

import io
from typing import Any

import openpyxl

from khuyencong.core.imports import import_confirm, import_upload


def workbook(headers: dict[str, list[str]], sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for code, rows in sheets.items():
        sheet = book.create_sheet(code)
        sheet.append(headers[code])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cell_errors(checked: Any) -> list[tuple[str, int, str, str]]:
    """(sheet, row, column, code) of each error kept."""
    return [(e.sheet, e.row, e.column, e.code) for e in checked.errors.items]


def outcomes_of(checked: Any, sheet: str) -> list[tuple[int, str]]:
    return [(o.row, o.outcome) for o in checked.outcomes.get(sheet, [])]


def confirmed(actor: Any, content: bytes, name: str = "nhap.xlsx") -> Any:
    """The file uploaded and imported (ImportInvalid when it has an error)."""
    return import_confirm(actor=actor, run=import_upload(actor=actor, name=name, content=content))

"""Reading back what a list exported, CSV or XLSX, as rows of cells (the header first)."""

import csv
import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook


def content_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def read_rows(data: bytes, fmt: str) -> list[list[Any]]:
    """CSV cells as text; XLSX cells as the workbook holds them (numbers, dates, text)."""
    if fmt == "csv":
        text = data.decode("utf-8")
        assert text.startswith("\ufeff"), "CSV for Excel starts with a byte-order mark"
        return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    book = load_workbook(io.BytesIO(data), read_only=True)
    sheet = book.worksheets[0]
    rows = [
        [cell.date() if isinstance(cell, dt.datetime) else cell for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    book.close()
    return rows


def exported(response: Any, fmt: str) -> list[list[Any]]:
    assert response.status_code == 200, response.status_code
    return read_rows(content_of(response), fmt)


def column(rows: list[list[Any]], header: str) -> list[Any]:
    """The values under `header`, one per data row."""
    index = [str(h) for h in rows[0]].index(header)
    return [row[index] for row in rows[1:]]

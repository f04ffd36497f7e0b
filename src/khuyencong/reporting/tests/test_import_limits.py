"""A file is bounded before it is read: a workbook by what it unpacks to (a 400 KB XLSX can hold a
400 MB sheet), each sheet by rows, columns and cell length, the errors listed by a maximum with a count
of the rest — each refused with its code, within bounded memory, and nothing written."""

import io
import tracemalloc
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook

from khuyencong.accounts.choices import Role
from khuyencong.reporting.imports import FIGURE_COLUMNS, ImportLimits, read_file
from khuyencong.reporting.models import Submission

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
LIMITS = ImportLimits(uncompressed=50 * MB, rows=101, columns=20, cell=1000, errors=5)
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
)
SHEET_END = b"</t></is></c></row></sheetData></worksheet>"


def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "figures"
    sheet.append(FIGURE_COLUMNS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_one_cell_of(megabytes: int) -> bytes:
    """A valid workbook whose figures sheet is one inline string of that many megabytes, compressed
    into a few hundred kilobytes."""
    source = zipfile.ZipFile(io.BytesIO(_workbook([])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, source.read(item.filename))
                continue
            with bomb.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(SHEET_START)
                chunk = b"A" * MB
                for _ in range(megabytes):
                    sheet.write(chunk)
                sheet.write(SHEET_END)
    return out.getvalue()


def _peak_mb(call) -> tuple[object, float]:
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def test_a_zip_bomb_is_refused_by_its_unpacked_size_within_bounded_memory(client, world):
    bomb = _with_one_cell_of(400)
    assert len(bomb) < MB  # 400 MB of sheet in a file well under the 5 MB upload limit
    upload = io.BytesIO(bomb)
    upload.name = "so-lieu.xlsx"
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    response, peak = _peak_mb(
        lambda: client.post(reverse("api:submission_import") + "?dry_run=true", {"file": upload})
    )
    assert response.status_code == 400
    errors = response.json()["details"]["errors"]
    assert [e["code"] for e in errors] == ["workbook_too_large"]
    assert "400 MB" in errors[0]["message"]
    assert peak < 20, peak  # the file itself and the request: nothing was unpacked
    assert not Submission.objects.exists()


def test_the_largest_workbook_allowed_stays_within_200_mb(world):
    near_limit = _with_one_cell_of(45)  # below the 50 MB unpacked: opened, then refused by its cell
    parsed, peak = _peak_mb(lambda: read_file("so-lieu.xlsx", near_limit))
    assert [(e.sheet, e.row, e.column, e.code) for e in parsed.errors] == [
        ("figures", 1, "A", "cell_too_long")
    ]
    assert peak < 200, peak


def test_rows_columns_and_cells_beyond_the_limits_are_refused_where_they_are(world):
    good = [2025, 9, "56", "KCQG", "", 1, 1]
    rows = read_file("a.xlsx", _workbook([good] * 100 + [good]), LIMITS)
    assert [(e.row, e.code) for e in rows.errors] == [(102, "too_many_rows")]
    assert "too_many_rows" not in {
        e.code for e in read_file("a.xlsx", _workbook([good] * 100), LIMITS).errors
    }
    wide = read_file("a.xlsx", _workbook([good, [*good, *range(20)]]), LIMITS)
    assert [(e.row, e.code) for e in wide.errors] == [(3, "too_many_columns")]
    long_cell = read_file("a.xlsx", _workbook([[2025, 9, "56", "K" * 1001, "", 1, 1]]), LIMITS)
    assert [(e.sheet, e.row, e.column, e.code) for e in long_cell.errors] == [
        ("figures", 2, "D", "cell_too_long")
    ]
    csv = (",".join(FIGURE_COLUMNS) + "\n" + "2025,9,56,KCQG,,1,1\n" * 101).encode()
    assert [e.code for e in read_file("a.csv", csv, LIMITS).errors] == ["too_many_rows"]


def test_a_csv_cell_past_what_csv_can_read_is_one_clear_error(world):
    content = (",".join(FIGURE_COLUMNS) + "\n2025,9,56," + "K" * 200_000 + ",,1,1\n").encode()
    assert [e.code for e in read_file("a.csv", content).errors] in (["cell_too_long"], ["unreadable_file"])


def test_errors_are_listed_up_to_the_maximum_with_a_count_of_the_rest(client, world, settings):
    settings.KHUYENCONG_IMPORT_LIMITS = {**settings.KHUYENCONG_IMPORT_LIMITS, "errors": 5}
    bad = [[2025, 9, "56", "KCQG", "", "nhiều", 1] for _ in range(12)]  # one error per row
    upload = io.BytesIO(_workbook(bad))
    upload.name = "so-lieu.xlsx"
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    response = client.post(reverse("api:submission_import") + "?dry_run=true", {"file": upload})
    assert response.status_code == 400
    body = response.json()
    codes = [e["code"] for e in body["details"]["errors"]]
    assert codes == ["invalid_amount"] * 5 + ["more_errors"]
    assert "7" in body["details"]["errors"][-1]["message"]
    assert "12" in body["message"]

"""Exports: in CSV what a spreadsheet could run as a formula is quoted, numbers stay numbers; in XLSX
text is always text, numbers and dates keep their type and get Vietnamese-readable formats."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.text import capfirst
from openpyxl import load_workbook

from khuyencong.core.exporters import (
    DATE,
    MONEY,
    PERCENT,
    TEXT,
    Column,
    Exporter,
    looks_like_formula,
    safe_cell,
)
from khuyencong.testing.exports import read_rows


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+84 912 345 678",
        "-5",
        "-A1",
        "@SUM(A1:A2)",
        ' =HYPERLINK("http://x")',  # a space before the formula
        "   +1",
        "\n=1+1",  # a line break before it
        "\r\n@SUM(A1)",
        "\t=1+1",
        "\u00a0=1+1",  # no-break space
        "\u3000=1+1",  # ideographic space
        "\u200b=1+1",  # zero-width space
        "\ufeff-1",  # byte-order mark
        "\uff1d1+1",  # full-width ＝
        "\uff0b1",  # ＋
        "\uff0d1",  # －
        "\uff20SUM(A1)",  # ＠
        "\t",
        "\r",
        "\nplain text after a line break",
        "\tplain text after a tab",
    ],
)
def test_formula_like_text_is_quoted(text):
    assert looks_like_formula(text)
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Cơ sở nước mắm Cà Ná",
        "Biên bản = 2 bản",  # a sign inside the text is harmless
        "a-b",
        "'=already quoted",
        "0912 345 678",
        "12/05/2026",
        "—",
        "(+84) 912",
    ],
)
def test_plain_text_is_kept(text):
    assert not looks_like_formula(text)
    assert safe_cell(text) == text


@pytest.mark.parametrize("number", [0, 5, -5, -9_062_500, 1.5, -0.25, Decimal("-12.50")])
def test_numbers_stay_numbers(number):
    assert safe_cell(number) == number
    assert type(safe_cell(number)) is type(number)


def test_other_values():
    assert safe_cell(None) == ""
    assert safe_cell(True) == "x"
    assert safe_cell(False) == ""


class _Sample(Exporter):
    def header(self):
        return ["=Tên", "Số tiền"]

    def rows(self):
        yield (' =HYPERLINK("http://x")', -9_062_500)
        yield ("\n@SUM(A1)", 0)
        yield ("Cà Ná", 1.5)


def test_csv_lines_are_neutralised():
    text = "".join(_Sample().csv_lines("vi"))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [
        ["'=Tên", "Số tiền"],
        ['\' =HYPERLINK("http://x")', "-9062500"],
        ["'\n@SUM(A1)", "0"],
        ["Cà Ná", "1.5"],
    ]


# --- XLSX ------------------------------------------------------------------------------------------


class _Typed(Exporter):
    sheet = "Mẫu"

    def header(self):
        return ["Tên", "Số tiền", "Ngày", "Tỷ lệ"]

    def kinds(self):
        return [TEXT, MONEY, DATE, PERCENT]

    def rows(self):
        yield ("=1+1", 57_615_300_000, dt.date(2025, 9, 30), Decimal("0.8412"))
        yield ('@HYPERLINK("http://x")', -9_062_500, None, 0)
        yield ("Cà Ná", 0, dt.date(2024, 1, 2), None)


def test_xlsx_keeps_numbers_and_dates_and_never_writes_a_formula():
    target = io.BytesIO()
    assert _Typed().write_xlsx(target) == 3
    book = load_workbook(io.BytesIO(target.getvalue()))
    sheet = book["Mẫu"]
    assert [c.value for c in sheet[1]] == ["Tên", "Số tiền", "Ngày", "Tỷ lệ"]
    formula, money, day, rate = sheet[2]
    assert formula.value == "=1+1"
    assert formula.data_type == "s"
    assert sheet["A3"].value == '@HYPERLINK("http://x")'
    assert sheet["A3"].data_type == "s"
    assert money.value == 57_615_300_000
    assert money.number_format == "#,##0"
    assert sheet["B3"].value == -9_062_500
    assert day.value == dt.datetime(2025, 9, 30)
    assert day.number_format == "dd/mm/yyyy"
    assert rate.value == pytest.approx(0.8412)
    assert rate.number_format == "0.00%"
    assert sheet["C3"].value is None
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D4"


def test_declared_columns_read_values_and_write_choice_labels(db):
    from khuyencong.accounts.choices import Role
    from khuyencong.accounts.models import User, UserRole

    for name, role in (("a-exp", Role.MINISTRY_OFFICER), ("b-exp", Role.AUDITOR)):
        user = User.objects.create_user(name, email=f"{name[0]}@example.vn")
        UserRole.objects.create(user=user, role=role)

    class Roles(Exporter):
        filename = "vai-tro"
        columns = [
            Column("Tên đăng nhập", "user__username"),
            Column("Vai trò", "role", choices=Role),
            Column("Thư", get=lambda row: row["user__email"].upper(), needs=("user__email",)),
        ]

    rows = Roles(UserRole.objects.filter(user__username__endswith="-exp").order_by("user__username"))
    with translation.override("vi"):
        csv_rows = read_rows("".join(rows.csv_lines("vi")).encode(), "csv")
        target = io.BytesIO()
        rows.write_xlsx(target)
    xlsx_rows = read_rows(target.getvalue(), "xlsx")
    with translation.override("vi"):
        labels = [capfirst(str(Role.MINISTRY_OFFICER.label)), capfirst(str(Role.AUDITOR.label))]
    expected = [
        ["Tên đăng nhập", "Vai trò", "Thư"],
        ["a-exp", labels[0], "A@EXAMPLE.VN"],
        ["b-exp", labels[1], "B@EXAMPLE.VN"],
    ]
    assert csv_rows == expected
    assert xlsx_rows == expected

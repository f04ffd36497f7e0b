"""CSV exports: what a spreadsheet could run as a formula is quoted, numbers stay numbers."""

import csv
import io
from decimal import Decimal

import pytest

from khuyencong.core.exporters import Exporter, looks_like_formula, safe_cell


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

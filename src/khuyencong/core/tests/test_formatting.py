"""Money, percentages and dates as Vietnamese officers read them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.formatting import (
    MoneyParseError,
    format_date,
    format_number,
    format_percent,
    format_vnd,
    parse_vnd,
    ratio,
)


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def test_money_in_the_units_of_the_reports():
    assert format_vnd(78_700_000_000, "ty") == "78,7 tỷ đồng"
    assert format_vnd(57_615_300_000, "trieu") == "57.615,3 triệu đồng"
    assert format_vnd(1_234_567_890) == "1.234.567.890 đ"
    assert format_vnd(23_308_200_000, "ty", decimals=2) == "23,31 tỷ đồng"
    assert format_vnd(-5_000_000, "trieu") == "-5,0 triệu đồng"
    assert format_vnd(None) == "—"


def test_auto_scale():
    assert format_vnd(2_500_000_000, "auto") == "2,5 tỷ đồng"
    assert format_vnd(35_000_000, "auto") == "35,0 triệu đồng"
    assert format_vnd(950_000, "auto") == "950.000 đ"


def test_rounding_is_half_up():
    assert format_vnd(1_050_000, "trieu", decimals=1) == "1,1 triệu đồng"
    assert format_vnd(1_250_000, "trieu", decimals=1) == "1,3 triệu đồng"  # banker's rounding would give 1,2
    assert format_number(Decimal("0.125"), 2) == "0,13"


def test_money_must_be_integer_dong():
    with pytest.raises(TypeError):
        format_vnd(1.5)  # type: ignore[arg-type]


def test_percentages_from_the_seed_reports():
    assert format_percent(ratio(57_615_300_000, 68_495_100_000)) == "84,12%"
    assert format_percent(ratio(3_540, 29_210)) == "12,12%"
    assert format_percent(ratio(28_400, 78_700), 1) == "36,1%"
    assert format_percent(ratio(1, 0)) == "—"


def test_english_separators():
    with translation.override("en"):
        assert format_vnd(57_615_300_000, "trieu") == "57,615.3 million VND"
        assert format_percent(Decimal("0.8412")) == "84.12%"


def test_dates():
    assert format_date(dt.date(2023, 8, 22)) == "22/08/2023"
    assert format_date(None) == "—"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.500.000.000", 1_500_000_000),
        ("1500000000", 1_500_000_000),
        ("1.500.000.000 đ", 1_500_000_000),
        ("1,5 tỷ", 1_500_000_000),
        ("1,5 tỷ đồng", 1_500_000_000),
        ("57.615,3 triệu", 57_615_300_000),
        ("200 triệu đồng", 200_000_000),
        ("35 tr", 35_000_000),
        ("  12.000  ", 12_000),
    ],
)
def test_parse_money(text, amount):
    assert parse_vnd(text) == amount


@pytest.mark.parametrize("text", ["", "abc", "1,5", "1.5.0", "1,0000001 triệu", "12 USD", "1.50.000"])
def test_parse_money_refuses_what_is_not_whole_dong(text):
    with pytest.raises(MoneyParseError):
        parse_vnd(text)


@given(st.integers(min_value=0, max_value=10**15))
def test_formatted_dong_parses_back(amount):
    with translation.override("vi"):
        assert parse_vnd(format_vnd(amount)) == amount


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=9))
def test_trieu_with_one_decimal_parses_back(whole, tenth):
    amount = whole * 1_000_000 + tenth * 100_000
    with translation.override("vi"):
        assert parse_vnd(format_vnd(amount, "trieu")) == amount

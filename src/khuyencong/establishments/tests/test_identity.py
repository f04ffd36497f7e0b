import pytest

from khuyencong.establishments.identity import (
    comparable_name,
    normalize_tax_code,
    tax_check_digit,
    tax_code_error,
)


@pytest.mark.parametrize("code", ["0100109106", "0100109106-001", "0301442379"])
def test_valid_tax_codes(code):
    assert tax_code_error(code) is None


def test_wrong_check_digit():
    assert "0100109107" in tax_code_error("0100109107")


@pytest.mark.parametrize("code", ["12345", "01001091061", "010010910A", "0100109106-01"])
def test_badly_formed_tax_codes(code):
    assert tax_code_error(code)


def test_normalize_tax_code():
    assert normalize_tax_code(" 0100 109 106 ") == "0100109106"
    assert normalize_tax_code("0100109106001") == "0100109106-001"
    assert normalize_tax_code("0100109106-001") == "0100109106-001"


def test_check_digit_that_cannot_exist():
    # Some nine-digit prefixes have no valid tenth digit (the remainder would need a 10).
    impossible = next(f"{n:09d}" for n in range(10**6) if tax_check_digit(f"{n:09d}") is None)
    assert all(tax_code_error(impossible + str(d)) for d in range(10))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Công ty TNHH Hạt điều Tân Phú", "cty tnhh hat dieu  tan phu"),
        ("HTX Mây tre đan Phú Vinh", "Hợp tác xã mây tre đan Phú Vinh"),
        ("Cơ sở bánh tráng Tư Hương", "BÁNH TRÁNG TƯ HƯƠNG"),
        ("Công ty cổ phần Gốm Đồng Nai", "Gốm Đồng Nai"),
    ],
)
def test_comparable_names(a, b):
    assert comparable_name(a) == comparable_name(b)


def test_different_names_stay_different():
    assert comparable_name("HTX Gốm Biên Hòa") != comparable_name("HTX Gốm Tân Vạn")

import pytest

from khuyencong.core.errors import ValidationFailed
from khuyencong.core.money import whole_dong


def test_whole_dong_accepts_non_negative_integers():
    assert whole_dong(0) == 0
    assert whole_dong(78_700_000_000) == 78_700_000_000


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (1.0, "not_integer_dong"),
        ("5", "not_integer_dong"),
        (True, "not_integer_dong"),
        (-1, "negative_amount"),
        (100_000_000_000_001, "amount_too_large"),  # past 100.000 tỷ đồng
        (9_200_000_000_000_000_000, "amount_too_large"),
    ],
)
def test_whole_dong_refuses(value, code):
    with pytest.raises(ValidationFailed) as error:
        whole_dong(value, field="cap")
    assert error.value.code == code
    assert error.value.details["field"] == "cap"


def test_the_ceiling_is_a_setting(settings):
    assert whole_dong(100_000_000_000_000) == 100_000_000_000_000
    settings.KHUYENCONG_MONEY_MAX = 1_000
    assert whole_dong(1_000) == 1_000
    with pytest.raises(ValidationFailed):
        whole_dong(1_001)

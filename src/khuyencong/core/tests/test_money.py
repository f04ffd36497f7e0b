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
    ],
)
def test_whole_dong_refuses(value, code):
    with pytest.raises(ValidationFailed) as error:
        whole_dong(value, field="cap")
    assert error.value.code == code
    assert error.value.details["field"] == "cap"

"""Shared form fields: money typed as officers type it, dates as dd/mm/yyyy, Bootstrap widgets."""

import datetime as dt

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.forms import KcForm, MoneyField, VnDateField


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(
    ("text", "dong"),
    [
        ("1.500.000.000", 1_500_000_000),
        ("1500000000", 1_500_000_000),
        ("1,5 tỷ", 1_500_000_000),
        ("200 triệu", 200_000_000),
        ("200 triệu đồng", 200_000_000),
        ("57.615,3 triệu", 57_615_300_000),
        ("  35.000.000 đ ", 35_000_000),
        ("0", 0),
    ],
)
def test_money_field_reads_what_officers_type(text, dong):
    value = MoneyField().clean(text)
    assert value == dong
    assert type(value) is int


@pytest.mark.parametrize("text", ["ba trăm triệu", "1,5", "1.5 tỷ", "12 USD", "1,0000000001 tỷ", "1.50.000"])
def test_money_field_refuses_what_is_not_whole_dong(text):
    with pytest.raises(ValidationError) as error:
        MoneyField().clean(text)
    assert error.value.code == "invalid_money"
    assert error.value.messages == ["Nhập số tiền bằng đồng, ví dụ 1.500.000.000 hoặc 1,5 tỷ."]


def test_money_field_message_in_english():
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            MoneyField().clean("abc")
        assert error.value.messages == ["Enter an amount in đồng, e.g. 1.500.000.000 or 1,5 tỷ."]


def test_money_field_required_and_optional():
    with pytest.raises(ValidationError) as error:
        MoneyField().clean("  ")
    assert error.value.code == "required"
    assert MoneyField(required=False).clean("") is None


def test_money_field_min_value():
    assert MoneyField(min_value=0).clean("0") == 0
    with pytest.raises(ValidationError) as error:
        MoneyField(min_value=0).clean("-5 triệu")
    assert error.value.code == "negative"
    assert MoneyField().clean("-5 triệu") == -5_000_000  # recoveries may be negative where allowed
    with pytest.raises(ValidationError) as error:
        MoneyField(min_value=1_000_000).clean("999.999")
    assert error.value.code == "min_value"
    assert "1.000.000 đ" in error.value.messages[0]


def test_money_field_shows_an_initial_amount_with_vietnamese_separators():
    class Form(forms.Form):
        amount = MoneyField()

    html = str(Form(initial={"amount": 1_500_000_000})["amount"])
    assert 'value="1.500.000.000"' in html
    with translation.override("en"):
        assert 'value="1.500.000.000"' in str(Form(initial={"amount": 1_500_000_000})["amount"])
    bound = Form({"amount": "1,5 tỷ"})
    assert bound.is_valid()
    assert bound.cleaned_data["amount"] == 1_500_000_000
    assert 'value="1,5 tỷ"' in str(bound["amount"])  # what was typed is shown back


@given(st.integers(min_value=0, max_value=10**15))
def test_money_field_reads_back_what_it_shows(amount):
    field = MoneyField()
    assert field.clean(field.prepare_value(amount)) == amount


def test_date_field_is_day_month_year_in_both_languages():
    assert VnDateField().clean("05/03/2026") == dt.date(2026, 3, 5)
    assert VnDateField().clean("2026-03-05") == dt.date(2026, 3, 5)
    with translation.override("en"):
        assert VnDateField().clean("05/03/2026") == dt.date(2026, 3, 5)
    with pytest.raises(ValidationError) as error:
        VnDateField().clean("31/02/2026")
    assert error.value.code == "invalid"
    assert error.value.messages == ["Nhập ngày theo dạng dd/mm/yyyy, ví dụ 22/08/2023."]


def test_kc_form_widgets_get_bootstrap_classes_and_invalid_marks():
    class Form(KcForm):
        amount = MoneyField()
        kind = forms.ChoiceField(choices=[("a", "A")])
        flag = forms.BooleanField(required=False)

    form = Form({"amount": "nope", "kind": "a"})
    assert not form.is_valid()
    amount = str(form["amount"])
    assert 'class="form-control is-invalid"' in amount
    assert 'aria-invalid="true"' in amount
    assert 'class="form-select"' in str(form["kind"])
    assert 'class="form-check-input"' in str(form["flag"])

    class Small(Form):
        control_size = "sm"

    assert 'class="form-select form-select-sm"' in str(Small()["kind"])


def test_a_select_without_its_own_empty_label_offers_choose_in_vietnamese(db):
    from django import forms
    from django.contrib.contenttypes.models import ContentType
    from django.utils import translation

    from khuyencong.core.forms import KcForm

    class Picker(KcForm):
        kind = forms.ModelChoiceField(queryset=ContentType.objects.all(), required=False)
        own = forms.ModelChoiceField(queryset=ContentType.objects.all(), empty_label="tất cả")

    with translation.override("vi"):
        form = Picker()
        kind, own = str(form["kind"]), str(form["own"])
    assert "— chọn —" in kind
    assert "Select an option" not in kind
    assert "tất cả" in own

"""Form pieces shared by every app: money typed the way officers type it, dates as dd/mm/yyyy in both
languages, and a form base that gives widgets their Bootstrap classes and marks invalid fields.

    class PaymentForm(KcForm):
        amount = MoneyField(label=_("Amount"), min_value=1)   # "1.500.000.000", "1,5 tỷ" → 1500000000
        paid_on = VnDateField(label=_("Paid on"))              # "22/08/2023" → date(2023, 8, 22)
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from .api_types import DATE_MAX, DATE_MIN
from .formatting import MoneyParseError, format_number, format_vnd, parse_vnd

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# The empty option of every select whose form does not name its own (Django's "- Select an option -"
# has no Vietnamese translation): CoreConfig.ready makes it Django's default.
EMPTY_CHOICE = _("— choose —")


class MoneyField(forms.CharField):
    """Integer đồng from text: '1.500.000.000', '1500000000 đ', '1,5 tỷ', '200 triệu', '57.615,3 triệu'.

    `clean()` returns an int (None when empty and not required); an initial int is shown with
    Vietnamese thousands separators so that it reads back to the same amount in either language.
    """

    default_error_messages = {
        "invalid_money": _("Enter an amount in đồng, e.g. 1.500.000.000 or 1,5 tỷ."),
        "negative": _("The amount cannot be negative."),
        "min_value": _("Enter at least %(limit)s."),
    }

    def __init__(self, *, min_value: int | None = None, **kwargs: Any) -> None:
        self.min_value = min_value
        kwargs.pop("max_length", None)  # the cleaned value is an int: no length validator on it
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs.update({"maxlength": "40", "autocomplete": "off", "spellcheck": "false"})
        return attrs

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return format_number(value, 0, locale="vi")
        return value

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_vnd(text)
        except MoneyParseError as exc:
            raise ValidationError(self.error_messages["invalid_money"], code="invalid_money") from exc

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None or self.min_value is None or value >= self.min_value:
            return
        if self.min_value == 0:
            raise ValidationError(self.error_messages["negative"], code="negative")
        raise ValidationError(
            self.error_messages["min_value"], code="min_value", params={"limit": format_vnd(self.min_value)}
        )


class VnDateField(forms.DateField):
    """A date typed as dd/mm/yyyy (or ISO yyyy-mm-dd) whatever the interface language, within the
    years any record of the programme can bear (the API's bounds, `core.api_types`)."""

    default_error_messages = {
        "invalid": _("Enter a date as dd/mm/yyyy, e.g. 22/08/2023."),
        "implausible": _("Enter a date between %(start)s and %(end)s."),
    }

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            raise ValidationError(
                self.error_messages["implausible"],
                code="implausible",
                params={"start": DATE_MIN.strftime("%d/%m/%Y"), "end": DATE_MAX.strftime("%d/%m/%Y")},
            )

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(format="%d/%m/%Y"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs.update({"placeholder": _("dd/mm/yyyy"), "autocomplete": "off", "inputmode": "numeric"})
        return attrs


class KcBoundField(BoundField):
    """Adds Bootstrap's classes to the widget, and `is-invalid` when the field has errors."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, forms.CheckboxInput):
            base = "form-check-input"
        elif isinstance(widget, forms.Select):
            base = "form-select"
        else:
            base = "form-control"
        size = getattr(self.form, "control_size", "")
        classes = [*str(widget.attrs.get("class", "")).split(), *str(attrs.get("class", "")).split(), base]
        if size and base != "form-check-input":
            classes.append(f"{base}-{size}")
        if self.errors and not widget.is_hidden:
            classes.append("is-invalid")
        attrs["class"] = " ".join(dict.fromkeys(classes))
        return attrs


class KcForm(forms.Form):
    """Base form of the project's pages: Bootstrap widgets; `control_size = "sm"` for filter panels."""

    bound_field_class = KcBoundField
    control_size = ""
    empty_choice = EMPTY_CHOICE

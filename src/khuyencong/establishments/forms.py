"""Forms of the establishment pages. Field names are the keyword arguments of the services, so that a
valid form's `service_data()` goes straight to `establishment_create` / `establishment_update`; the
rules themselves (tax-code check digit, jurisdiction, duplicates) stay in services.py, whose errors the
views put back on these fields."""

from typing import Any, cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import KcForm
from khuyencong.core.pickers import PickerField

from .choices import EDITABLE_FLAGS, LegalForm
from .identity import normalize_tax_code, tax_code_error
from .models import Establishment, Industry
from .services import EDITABLE_FIELDS


def _label(name: str) -> Any:
    return capfirst(getattr(Establishment._meta.get_field(name), "verbose_name", name))


def legal_form_choices(empty_label: Any) -> list[tuple[str, Any]]:
    return [("", empty_label), *((value, capfirst(label)) for value, label in LegalForm.choices)]


def industry_choices(empty_label: Any) -> list[tuple[Any, Any]]:
    """VSIC sections as groups, each offering the whole section and then its divisions."""
    sections: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    for industry in Industry.objects.order_by("code"):
        if industry.parent_id is None:
            names[industry.code] = str(industry)
            sections.setdefault(industry.code, []).insert(0, (industry.code, str(industry)))
        else:
            sections.setdefault(industry.section, []).append((industry.code, str(industry)))
    return [("", empty_label), *((names.get(code, code), options) for code, options in sections.items())]


class EstablishmentForm(KcForm):
    legal_form = forms.ChoiceField(label=_label("legal_form"), choices=[])
    name = forms.CharField(
        label=_label("name"),
        max_length=300,
        help_text=_("As registered, e.g. “Hợp tác xã gốm Bàu Trúc” or “Cơ sở bánh tráng Tư Hương”."),
    )
    tax_code = forms.CharField(
        label=_label("tax_code"),
        max_length=20,
        required=False,
        help_text=Establishment._meta.get_field("tax_code").help_text,
    )
    household_registration_no = forms.CharField(
        label=_label("household_registration_no"), max_length=40, required=False
    )
    address = forms.CharField(label=_label("address"), max_length=300, required=False)
    commune = PickerField(
        "communes",
        label=_label("commune"),
        help_text=_(
            "Communes in your jurisdiction; those before 1/7/2025 are marked with the date they ended. "
            "Type in the search box to find one by name."
        ),
    )
    main_products = forms.CharField(label=_label("main_products"), max_length=500, required=False)
    industry = forms.ModelChoiceField(
        label=_label("industry"), queryset=Industry.objects.all(), to_field_name="code", required=False
    )
    workers = forms.IntegerField(label=_label("workers"), required=False, min_value=0)
    founded_year = forms.IntegerField(label=_label("founded_year"), required=False)
    representative = forms.CharField(label=_label("representative"), max_length=150, required=False)
    phone = forms.CharField(label=_label("phone"), max_length=30, required=False)
    email = forms.EmailField(label=_label("email"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm_duplicate = forms.BooleanField(
        label=_("I have checked: this is a different establishment"), required=False
    )

    def __init__(self, *args: Any, user: Any, instance: Establishment | None = None, **kwargs: Any) -> None:
        if instance is not None:
            initial = {
                name: getattr(instance, name)
                for name in EDITABLE_FIELDS
                if name not in ("commune", "industry")
            }
            initial.update(
                commune=instance.commune_id,
                industry=instance.industry.code if instance.industry else None,
                version=instance.version,
            )
            kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.instance = instance
        for flag, label in EDITABLE_FLAGS:
            self.fields[flag] = forms.BooleanField(label=capfirst(label), required=False)
        cast(forms.ChoiceField, self.fields["legal_form"]).choices = legal_form_choices(
            _("Choose a legal form…")
        )
        industry = cast(forms.ModelChoiceField, self.fields["industry"])
        industry.choices = industry_choices(_("Not recorded"))
        industry.help_text = _("VSIC 2018: a division (two digits) or, if unsure, the whole section.")
        cast(PickerField, self.fields["commune"]).bind(user)

    @property
    def flag_fields(self) -> list[forms.BoundField]:
        return [self[flag] for flag, _label in EDITABLE_FLAGS]

    def add_tax_code_hint(self) -> None:
        """When the form has other errors, check the tax code too, so that every mistake shows at once."""
        if "tax_code" not in self.errors:
            message = tax_code_error(normalize_tax_code(str(self.data.get(self.add_prefix("tax_code"), ""))))
            if message:
                self.add_error("tax_code", message)

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class MergeForm(KcForm):
    control_size = "sm"

    duplicate = forms.IntegerField(
        label=_("Record number of the duplicate"),
        min_value=1,
        help_text=_("The record number shown on the duplicate's page."),
    )
    reason = forms.CharField(
        label=_("Why are they the same establishment?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

"""The filter of the establishment list: the side panel, the CSV and XLSX exports and the API's query
parameters share it. Every filter lives in the URL, so a filtered list can be shared as a link and
exported exactly as shown."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.filters import ProvinceFilter
from khuyencong.core.filters import ChoiceFilter, FilterForm, ListFilter

from .choices import PRIORITY_FLAGS, LegalForm
from .forms import industry_choices
from .selectors import eligibility_rule_on, establishment_search, establishments_eligible_q

# sort key in the URL -> field; ties are broken by name and id so that pages never overlap, and empty
# values sort first going up and last going down, on SQLite and PostgreSQL alike.
SORTS: dict[str, str] = {
    "name": "search_name",
    "tax_code": "tax_code",
    "legal_form": "legal_form",
    "commune": "commune__name",
    "province": "commune__current_province__name",
    "workers": "workers",
    "updated": "updated_at",
}
DEFAULT_SORT = "name"


class EstablishmentFilterForm(FilterForm):
    """The panel's form: the filters' fields and the list's sort, kept in the URL with them."""

    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or DEFAULT_SORT
        return sort if sort.lstrip("-") in SORTS else DEFAULT_SORT


def _industries() -> list[tuple[Any, Any]]:
    return industry_choices(None)[1:]


class EstablishmentFilter(ListFilter):
    q = django_filters.CharFilter(
        label=_("Name or tax code"),
        method="search",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. banh trang, 0100109106"), "type": "search"}),
    )
    province = ProvinceFilter(
        "commune__current_province", label=_("Province (today)"), empty_label=_("All in your jurisdiction")
    )
    legal_form = ChoiceFilter(
        label=_("Legal form"),
        choices=[(value, capfirst(label)) for value, label in LegalForm.choices],
        empty_label=_("All legal forms"),
    )
    industry = ChoiceFilter(
        label=_("Industry (VSIC)"), choices=_industries, empty_label=_("All industries"), method="by_industry"
    )
    flags = django_filters.MultipleChoiceFilter(
        label=_("Priority groups"),
        choices=[(flag, capfirst(label)) for flag, label in PRIORITY_FLAGS],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Establishments with every ticked mark."),
        method="by_flags",
    )
    eligible = ChoiceFilter(
        label=_("Eligible for support today"),
        choices=[("yes", _("Eligible")), ("no", _("Not eligible"))],
        empty_label=_("Eligible or not"),
        method="by_eligibility",
    )

    class Meta:
        form = EstablishmentFilterForm

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return establishment_search(qs, value)

    def by_industry(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(industry__section=value) if value.isalpha() else qs.filter(industry__code=value)

    def by_flags(self, qs: QuerySet, name: str, value: list[str]) -> QuerySet:
        for flag in value or []:
            qs = qs.filter(**{flag: True})
        return qs

    def by_eligibility(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        condition = establishments_eligible_q(eligibility_rule_on(timezone.localdate()))
        return qs.filter(condition) if value == "yes" else qs.exclude(condition)

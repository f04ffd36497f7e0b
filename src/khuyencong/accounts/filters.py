"""The filters of the reference lists: administrative units and agencies (page, export, API)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.core.filters import ChoiceFilter, ListFilter, SearchFilter
from khuyencong.core.forms import DATE_INPUT_FORMATS
from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit

from .choices import AgencyKind
from .selectors import current_provinces_visible


class ProvinceFilter(django_filters.ModelChoiceFilter):
    """Today's province, among those the user sees, on the path `field_name` (a project's
    "location__current_province"). The panel offers it only to users who see more than one province;
    the API takes it from anyone (a province outside the jurisdiction is refused as invalid)."""

    def __init__(self, field_name: str, **kwargs) -> None:
        kwargs.setdefault("label", _("Province"))
        kwargs.setdefault("empty_label", _("all"))
        super().__init__(field_name=field_name, queryset=AdministrativeUnit.objects.none(), **kwargs)

    def bind(self, filterset: ListFilter) -> None:
        self.queryset = current_provinces_visible(filterset.user)
        self.shown = self.queryset.count() > 1


class UnitFilter(ListFilter):
    q = django_filters.CharFilter(
        label=_("Name or code"),
        method="search",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Phan Rang"), "type": "search"}),
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province (today)"),
        field_name="current_province",
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("All in your jurisdiction"),
    )
    level = ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("All levels"))
    generation = ChoiceFilter(
        label=_("Boundaries"),
        choices=[("current", _("In force since 1/7/2025")), ("legacy", _("Before 1/7/2025"))],
        method="by_generation",
        empty_label=_("Before and after 1/7/2025"),
    )
    on = django_filters.DateFilter(
        label=_("In force on (dd/mm/yyyy)"),
        method="in_force_on",
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.TextInput(attrs={"placeholder": _("dd/mm/yyyy")}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["province"].queryset = current_provinces_visible(self.user)

    def search(self, qs, name, value):
        return qs.search(value)

    def by_generation(self, qs, name, value):
        return qs.filter(valid_to__isnull=value == "current")

    def in_force_on(self, qs, name, value):
        return qs.valid_on(value)


class AgencyFilter(ListFilter):
    q = SearchFilter(label=_("Name or code"), fields=("name", "code", "names__name"), distinct=True)
    kind = ChoiceFilter(label=_("Kind"), choices=AgencyKind.choices, empty_label=_("All kinds"))

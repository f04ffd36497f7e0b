"""The filter of the project list: the side panel, the CSV and XLSX exports and the API's parameters."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.filters import ProvinceFilter
from khuyencong.catalog.models import Activity
from khuyencong.core.filters import ChoiceFilter, ListFilter, YearFilter
from khuyencong.core.search import folded_search
from khuyencong.plans.choices import FundingSource

from .choices import ProjectKind, ProjectState
from .selectors import overdue_in, projects_visible


class TickedOrAbsent(forms.CheckboxInput):
    """A tick box that filters when ticked and not at all when absent (not "false")."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name not in data:
            return None
        return super().value_from_datadict(data, files, name)


class ProjectFilter(ListFilter):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", max_length=100, help_text=_("Code or title")
    )
    year = YearFilter(field_name="year")
    state = ChoiceFilter(label=_("State"), choices=ProjectState.choices, empty_label=_("all"))
    source = ChoiceFilter(
        label=_("Funding source"),
        field_name="plan_line__plan__source",
        choices=[(FundingSource.NATIONAL, "KCQG"), (FundingSource.LOCAL, "KCĐP")],
        empty_label=_("all"),
    )
    province = ProvinceFilter("location__current_province")
    kind = ChoiceFilter(label=_("Kind"), choices=ProjectKind.choices, empty_label=_("all"))
    activity = django_filters.ModelChoiceFilter(
        label=_("Activity"),
        field_name="plan_line__activity",
        to_field_name="code",
        queryset=Activity.objects.order_by("name"),
        empty_label=_("all"),
    )
    plan_line = django_filters.NumberFilter(
        label=_("Plan line"),
        field_name="plan_line",
        widget=forms.HiddenInput,
        help_text=_("The projects of one plan line (its link on the plan page)"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Only overdue"),
        method="by_overdue",
        widget=TickedOrAbsent,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = projects_visible(self.user).order_by("-year").values_list("year", flat=True).distinct()
        # any year is a valid filter (the API asks for years without projects); the page offers its own
        self.filters["year"].extra["widget"] = forms.Select(
            choices=[("", _("all")), *((y, y) for y in years)]
        )

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return folded_search(qs, ("code", "title"), value)

    def by_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        late = overdue_in(qs)
        return qs.filter(pk__in=late) if value else qs.exclude(pk__in=late)

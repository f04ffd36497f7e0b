"""The ledger list's filter (`selectors.ledger_filtered` is the one definition of its criteria): the
page's panel, its exports, the API's query parameters, and the links behind every executed amount of
the home page and the report (reporting.presenters.ledger_query) all fill it in."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import restrict, scope_of
from khuyencong.catalog.models import ContentGroup
from khuyencong.core.filters import ChoiceFilter, DateFilter, ListFilter, YearFilter
from khuyencong.geo.models import AdministrativeUnit, Region
from khuyencong.plans.choices import FundingSource

from .choices import EntryKind
from .selectors import ledger_filtered


class LedgerFilter(ListFilter):
    q = django_filters.CharFilter(
        label=_("Search"), max_length=100, help_text=_("Project code or document reference")
    )
    year = YearFilter(
        label=_("Plan year"),
        min_value=1990,
        help_text=_("The year of the projects' plan, whatever the value date"),
    )
    kind = ChoiceFilter(label=_("Kind"), choices=EntryKind.choices, empty_label=_("all"))
    source = ChoiceFilter(
        label=_("Funding source"),
        choices=[(FundingSource.NATIONAL, "KCQG"), (FundingSource.LOCAL, "KCĐP")],
        empty_label=_("all"),
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), queryset=AdministrativeUnit.objects.none(), empty_label=_("all")
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), to_field_name="code", empty_label=_("all")
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Content group"),
        queryset=ContentGroup.objects.select_related("programme").order_by("programme__code", "number"),
        to_field_name="code",
        empty_label=_("all"),
    )
    boundaries = ChoiceFilter(
        label=_("Boundaries"),
        choices=[("current", _("current boundaries")), ("historical", _("historical boundaries"))],
        empty_label=None,
        help_text=_("Historical: only the places the province held in its own time"),
    )
    start = DateFilter(label=_("Value date from"))
    end = DateFilter(label=_("Value date to"))
    project = django_filters.NumberFilter(
        label=_("Project"), widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = restrict(AdministrativeUnit.objects.provinces(), self.user)
        self.filters["province"].queryset = provinces.order_by("valid_to", "name")

    def adjust_form(self, form: forms.Form) -> None:
        form.fields["province"].label_from_instance = lambda unit: unit.label
        form.fields["group"].label_from_instance = lambda group: f"{group.programme}: {group.name}"
        scope = scope_of(self.user)
        if not scope.nation and len(scope.provinces) < 2:
            del form.fields["region"]  # one province: a region would say nothing more

    def criteria(self) -> dict[str, Any]:
        """The keyword arguments of `selectors.ledger_filtered` for the valid form."""
        data = dict(self.form.cleaned_data)
        data["group"] = data["group"].code if data.get("group") else ""
        data["project"] = int(data["project"]) if data.get("project") else None
        data["boundaries"] = data.get("boundaries") or "current"
        return {key: value for key, value in data.items() if value not in (None, "")}

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return ledger_filtered(queryset, **self.criteria())

    @property
    def qs(self) -> QuerySet:
        """Invalid criteria list no entry rather than all of them (the form says why): a total read
        from this list is never the total of something else."""
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

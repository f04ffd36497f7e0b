"""The filter of the plan list: the side panel, its exports and the API's parameters."""

from typing import Any

import django_filters
from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.filters import ProvinceFilter
from khuyencong.core.filters import ChoiceFilter, ListFilter, YearFilter

from .choices import FundingSource, PlanStatus


class PlanFilter(ListFilter):
    year = YearFilter(field_name="year")
    source = ChoiceFilter(label=_("Funding source"), choices=FundingSource.choices)
    status = ChoiceFilter(label=_("Status"), choices=PlanStatus.choices)
    province = ProvinceFilter("unit__current_province")
    late = django_filters.BooleanFilter(
        label=_("Registered late only"), method="registered_late", widget=forms.CheckboxInput
    )

    def registered_late(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        """Submitted after the registration deadline (`Plan.submitted_late`), on the local date."""
        if not value:
            return qs
        return qs.filter(
            submitted_at__isnull=False,
            registration_deadline__isnull=False,
            submitted_at__date__gt=F("registration_deadline"),
        )

"""What every list's filter is built from (django-filter), and how the same filter becomes the API's
query parameters.

A list's filter is written once, in `<app>/filters.py`, as a `ListFilter`. The page renders its form, the
page's export reads exactly its rows, and the API declares its parameters with `query_schema()`:

    class FairFilter(ListFilter):
        year = YearFilter(field_name="start_date__year")
        q = SearchFilter(fields=("name", "place"))
        level = ChoiceFilter(choices=FairLevel.choices)

    def event_fair_list(request, filters: Query[query_schema(FairFilter)]):
        return apply_filter(FairFilter, filters, fairs_visible(request.user), request)
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import Field, create_model

from .errors import InvalidInput
from .forms import KcForm, VnDateField
from .search import folded_search


class FilterForm(KcForm):
    control_size = "sm"


class ListFilter(django_filters.FilterSet):
    """A FilterSet whose form has the pages' look. `request` is the request (or None in a background
    export, where `user` is given instead), so that a filter may offer only what the user may see."""

    def __init__(self, data: Any = None, queryset: QuerySet | None = None, *, request: Any = None, **kw: Any):
        self.user = kw.pop("user", None) or getattr(request, "user", None)
        super().__init__(data, queryset=queryset, request=request, **kw)
        for item in self.filters.values():
            if callable(bind := getattr(item, "bind", None)):
                bind(self)  # a filter that offers what this user sees (accounts.filters.ProvinceFilter)

    class Meta:
        form = FilterForm

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Each valid filter in turn; the form may hold fields that are not filters (a list's sort)."""
        for name, value in self.form.cleaned_data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            for name, item in self.filters.items():
                if not getattr(item, "shown", True) and name in form.fields:
                    # it would say nothing to this user: not offered, still validated (the API's 422)
                    form.fields[name].widget = forms.HiddenInput()
            self.adjust_form(form)
        return self._form

    def adjust_form(self, form: forms.Form) -> None:
        """Fit the panel's form to the user, once, when it is built (drop a filter that would say
        nothing, label choices)."""

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list (fields of the form that are not filters, such as the
        list's sort, do not)."""
        if not self.is_bound or not self.form.is_valid():
            return False
        return any(self.form.cleaned_data.get(name) for name in self.filters)


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Year"))
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


class SearchFilter(django_filters.CharFilter):
    """A text found in any of `fields`, ignoring case and Vietnamese diacritics (`core.search`)."""

    def __init__(self, *args: Any, fields: tuple[str, ...], **kwargs: Any) -> None:
        self.search_fields = fields
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        qs = folded_search(qs, self.search_fields, value)
        return qs.distinct() if self.distinct else qs


class DateFilter(django_filters.DateFilter):
    """A date typed dd/mm/yyyy (or yyyy-mm-dd) in either language."""

    field_class = VnDateField


class ChoiceFilter(django_filters.ChoiceFilter):
    """A choice with “All” as its empty option."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("All"))
        super().__init__(*args, **kwargs)


def _python_type(item: django_filters.Filter) -> Any:
    field_class = item.field_class
    if isinstance(item, django_filters.MultipleChoiceFilter):
        return list[str]
    if isinstance(item, django_filters.ModelChoiceFilter):
        return str if item.extra.get("to_field_name") else int
    if issubclass(field_class, forms.IntegerField):
        return int
    if issubclass(field_class, forms.DecimalField):
        return float
    if issubclass(field_class, forms.DateField):
        return str  # dd/mm/yyyy or yyyy-mm-dd, read by the filter's own field
    if isinstance(item, django_filters.BooleanFilter):
        return bool
    return str


_schemas: dict[type, type] = {}


def query_schema(filterset_class: type[ListFilter]) -> type:
    """The API's query parameters of a list filter: one optional parameter per filter, typed, with the
    filter's label (in English) as its description."""
    if filterset_class not in _schemas:
        fields: dict[str, Any] = {}
        for name, item in filterset_class.base_filters.items():
            description = str(item.label or name)
            if isinstance(item, (django_filters.ChoiceFilter, django_filters.MultipleChoiceFilter)):
                choices = item.extra.get("choices")
                # choices read from the database (a callable) are not listed: this runs at import
                values = [] if callable(choices) else [str(v) for v, _label in choices or []]
                if values:
                    description = f"{description}: {', '.join(values)}"
            bounds = {
                key: item.extra[limit]
                for key, limit in (("ge", "min_value"), ("le", "max_value"))
                if item.extra.get(limit) is not None
            }
            fields[name] = (_python_type(item) | None, Field(None, description=description, **bounds))
        name = filterset_class.__name__.removesuffix("Filter") + "Query"
        _schemas[filterset_class] = create_model(name, __base__=Schema, **fields)
    return _schemas[filterset_class]


def apply_filter(
    filterset_class: type[ListFilter], params: Any, queryset: QuerySet, request: Any
) -> QuerySet:
    """The rows of `queryset` that the API's query `params` select; a value the filter refuses is a 422
    `invalid_filter` naming the parameter."""
    data = {k: v for k, v in params.dict().items() if v is not None} if hasattr(params, "dict") else params
    filterset = filterset_class(data, queryset=queryset, request=request)
    if not filterset.is_valid():
        errors = {field: " ".join(messages) for field, messages in filterset.errors.items()}
        raise InvalidInput(_("A filter value is not valid."), code="invalid_filter", errors=errors)
    return filterset.qs

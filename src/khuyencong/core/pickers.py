"""Search pickers: a select of establishments, communes or projects with a search box above it.

A picker is named (`register`) by the app that owns the rows: what a user may choose from it
(`choices(user, context)`, scoped to the jurisdiction), how typed text finds rows (accent-insensitive)
and how a row reads. A form field (`PickerField`) takes its queryset from the same `choices`, so that
what the search offers and what the form accepts are one definition.

The select opens with every choice when there are few (`OPTION_LIMIT`), otherwise with the chosen one
only; typing in the search box (htmx, `ui:picker`) replaces its options with the matching rows and
keeps the chosen one. `context` carries what narrows the choices (a plan, a kind of event) as plain
strings, in the search URL as in the form.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode

# Few enough choices to list them all when the page opens; above, the search box fills the select.
OPTION_LIMIT = 300
# Matches shown for a search (the select says when there are more).
SEARCH_LIMIT = 50


@dataclass(frozen=True)
class Picker:
    name: str
    choices: Callable[[Any, Mapping[str, str]], QuerySet]
    search: Callable[[QuerySet, str], QuerySet]
    label: Callable[[Any], str]
    placeholder: Any = ""
    empty_label: Any = "---------"
    context: tuple[str, ...] = field(default=())


_PICKERS: dict[str, Picker] = {}


def register(picker: Picker) -> Picker:
    _PICKERS[picker.name] = picker
    return picker


def picker_named(name: str) -> Picker:
    try:
        return _PICKERS[name]
    except KeyError:
        raise Http404(name) from None


class PickerSelect(forms.Select):
    template_name = "core/widgets/picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.picker: Picker | None = None
        self.context: dict[str, str] = {}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        if self.picker is not None:
            query = {**self.context, "field": name}
            context["widget"].update(
                search_url=f"{reverse('ui:picker', args=[self.picker.name])}?{urlencode(query)}",
                placeholder=self.picker.placeholder,
                complete=self._complete,
            )
        return context

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> Any:
        """The options the page opens with: all of them when they are few, else the chosen ones."""
        iterator = self.choices
        queryset = getattr(iterator, "queryset", None)
        if queryset is None:
            self._complete = True
            return super().optgroups(name, value, attrs)
        rows = list(queryset[: OPTION_LIMIT + 1])
        self._complete = len(rows) <= OPTION_LIMIT
        if not self._complete:
            chosen = [v for v in value if str(v).isdigit()]
            rows = list(queryset.filter(pk__in=chosen)) if chosen else []
        empty = [("", iterator.field.empty_label)] if iterator.field.empty_label is not None else []
        self.choices = [*empty, *(iterator.choice(row) for row in rows)]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator


class PickerField(forms.ModelChoiceField):
    """A choice of one row from the picker `name`; `bind(user, **context)` before use."""

    widget = PickerSelect

    def __init__(self, picker: str, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", None)
        super().__init__(**kwargs)
        self.picker_name = picker

    def bind(self, user: Any, **context: Any) -> None:
        picker = picker_named(self.picker_name)
        values = {key: str(value) for key, value in context.items() if value is not None}
        self.queryset = picker.choices(user, values)
        widget: PickerSelect = self.widget  # type: ignore[assignment]
        widget.picker, widget.context = picker, values
        if self.empty_label is not None and self.empty_label == "---------":
            self.empty_label = picker.empty_label

    def label_from_instance(self, obj: Any) -> str:
        return picker_named(self.picker_name).label(obj)

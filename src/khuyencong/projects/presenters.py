"""How a project's recorded changes read on its page: field names, states, dates, amounts and
references in words, never the codes and ISO dates stored in the audit trail and adjustments."""

import datetime as dt
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_date
from django.utils.text import capfirst

from khuyencong.core.formatting import format_vnd

from .choices import ProjectState
from .models import Project

MONEY_FIELDS = {"support_amount", "counterpart_amount", "other_amount", "final_value", "value"}


def state_label(code: Any) -> str:
    try:
        return str(ProjectState(code).label)
    except ValueError:
        return str(code or "")


def field_label(name: str) -> str:
    try:
        return str(capfirst(Project._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name.replace("_", " ")


def value_text(name: str, value: Any) -> str:
    """A stored value of the project's field `name` as the pages write it."""
    if value in (None, ""):
        return "—"
    if name in MONEY_FIELDS and isinstance(value, int):
        return format_vnd(value)
    try:
        field = Project._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if isinstance(field, models.DateField):
        day = value if isinstance(value, dt.date) else parse_date(str(value))
        return day.strftime("%d/%m/%Y") if day else str(value)
    if field.choices:
        return str(capfirst(dict(field.flatchoices).get(value, value)))
    if isinstance(field, models.ForeignKey):
        related = field.related_model._default_manager.filter(pk=value).first()
        return getattr(related, "label", None) or str(related or value)
    return str(value)


def change_rows(changes: dict[str, Any], before: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """(field, before, after) of an adjustment, readable."""
    before = before or {}
    return [
        (field_label(name), value_text(name, before.get(name)), value_text(name, value))
        for name, value in (changes or {}).items()
    ]

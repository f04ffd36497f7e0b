"""The audit trail: services call `audit_record` inside their transaction, with the record's values
before and after as JSON (`snapshot`, `jsonable`)."""

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .bulk import insert_rows
from .models import AuditEntry

PLAIN = {str, int, bool, float}
# the import whose rows the services are writing (core.imports): their entries name it
_IMPORT_RUN: ContextVar[Any] = ContextVar("import_run", default=None)


@contextmanager
def importing(run: Any) -> Iterator[None]:
    """The audit entries written inside name `run`: an import that writes through the services."""
    token = _IMPORT_RUN.set(run if getattr(run, "pk", None) else None)
    try:
        yield
    finally:
        _IMPORT_RUN.reset(token)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    import_run: Any = None,
) -> AuditEntry:
    import_run = import_run if import_run is not None else _IMPORT_RUN.get()
    return AuditEntry.objects.create(**_entry(actor, action, obj, before, after, reason, import_run))


def _entry(
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str,
    import_run: Any,
) -> dict[str, Any]:
    return {
        "actor": actor if getattr(actor, "pk", None) else None,
        "action": action,
        "content_type": ContentType.objects.get_for_model(obj, for_concrete_model=False),
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:300],
        "before": before,
        "after": after,
        "reason": reason,
        "import_run": import_run,
    }


def audit_rows(
    *,
    actor: Any,
    action: str,
    model: type[models.Model],
    changes: Iterable[tuple[Any, str, dict[str, Any] | None, dict[str, Any] | None]],
    reason: str = "",
    import_run: Any = None,
) -> int:
    """The audit entries of many records of one model written at once (an import), in multi-row
    INSERTs (core.bulk). `changes`: (id, text, before, after) for each record. Returns how many."""
    common = {
        "actor": actor.pk if getattr(actor, "pk", None) else None,
        "action": action,
        "content_type": ContentType.objects.get_for_model(model, for_concrete_model=False).pk,
        "reason": reason,
        "import_run": import_run.pk if import_run is not None else None,
    }
    rows = [
        {**common, "object_id": str(pk), "object_repr": text[:300], "before": before, "after": after}
        for pk, text, before, after in changes
    ]
    return len(insert_rows(AuditEntry, rows))


def as_json(value: Any) -> Any:
    """A value as the audit stores it: dates ISO, decimals as text, records by id."""
    if value is None or type(value) in PLAIN:
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str | int | bool | float):
        return value
    return str(value)


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {name: as_json(value) for name, value in values.items()}


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The record's fields (all its own, or those named) as the audit stores them; a foreign key by
    its id, under the field's name."""
    meta = obj._meta
    names = [f.name for f in meta.concrete_fields if not f.primary_key] if fields is None else fields
    return {name: as_json(getattr(obj, meta.get_field(name).attname)) for name in names}


def audit_for(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).select_related("actor")

"""Optimistic locking. A record that officers edit carries `version`; a write names the version its
writer read, and a record changed since is refused (`StaleWrite`, 409) instead of overwritten. Every
write bumps the version."""

from collections.abc import Iterable
from typing import Any

from .errors import StaleWrite


def check_version(record: Any, version: int | None) -> None:
    """Refuse the write when the record is no longer at `version` (None: the caller read no version)."""
    if version is not None and record.version != version:
        raise StaleWrite()


def save_new_version(record: Any, *, update_fields: Iterable[str] | None = None) -> None:
    """Save the record as its next version (only `update_fields`, and the version, when given)."""
    record.version += 1
    record.save(update_fields=None if update_fields is None else [*update_fields, "version"])

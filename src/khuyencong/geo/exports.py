"""Export columns of administrative units, written as the pages write them (`AdministrativeUnit.label`)."""

from typing import Any

from django.utils.translation import gettext as _

from khuyencong.core.exporters import Column

from .choices import Level


def unit_label(name: str, level: str, province: str | None, valid_to: Any) -> str:
    parts = [name]
    if level != Level.PROVINCE and province:
        parts.append(province)
    text = ", ".join(parts)
    if valid_to:
        text += f" ({_('until')} {valid_to:%d/%m/%Y})"
    return text


def unit_column(header: Any, path: str) -> Column:
    """The unit at `path` (a foreign key's name, "location", "commune"…) as its label."""
    fields = (f"{path}__name", f"{path}__level", f"{path}__province__name", f"{path}__valid_to")

    def get(row: dict[str, Any]) -> str:
        if row[fields[0]] is None:
            return ""
        return unit_label(*(row[f] for f in fields))

    return Column(header, get=get, needs=fields)

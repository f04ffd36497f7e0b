"""What a report request names — scope, year, period, boundaries, source, report date — in one flat,
JSON-ready shape shared by the report page, the API and the export jobs (`ExportJob.params`):

    {"scope": "unit:56", "year": 2025, "through_month": 9, "boundaries": "current",
     "source": "live", "include_unapproved": false, "as_of": "2025-09-30"}

The period is exactly one of `through_month` (cumulative from 1 January), `quarter`, `half` or
`programme` (a programme's whole period); none means the whole year. Which kinds exist is what
`live.Period` offers: a kind it lacks is refused with the code `invalid_period`.
"""

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from khuyencong.core.errors import ValidationFailed

from .live import Period

BOUNDARIES = ("current", "historical")
SOURCES = ("live", "submitted")
PERIOD_KINDS = ("through_month", "quarter", "half", "programme")
_CONSTRUCTORS = {"quarter": "quarter", "half": "half", "programme": "programme"}


def supported_period_kinds() -> tuple[str, ...]:
    """The period kinds `Period` can build (the month is always there)."""
    return tuple(
        kind for kind in PERIOD_KINDS if kind == "through_month" or hasattr(Period, _CONSTRUCTORS[kind])
    )


def _invalid_period(message: Any, field: str = "period") -> ValidationFailed:
    return ValidationFailed(message, code="invalid_period", field=field)


@dataclass(frozen=True)
class ReportParams:
    scope: str
    year: int
    through_month: int | None = None
    quarter: int | None = None
    half: int | None = None
    programme: str | None = None
    boundaries: str = "current"
    source: str = "live"
    include_unapproved: bool = False
    as_of: dt.date | None = None

    def __post_init__(self) -> None:
        named = [kind for kind in PERIOD_KINDS if getattr(self, kind) not in (None, "")]
        if len(named) > 1:
            raise _invalid_period(
                _("Name one period: a month, a quarter, a half-year or a programme."), field=named[1]
            )
        if named and named[0] not in supported_period_kinds():
            raise _invalid_period(_("This kind of period is not available yet."), field=named[0])
        if self.boundaries not in BOUNDARIES:
            raise ValidationFailed(
                _("Boundaries are current or historical."), code="invalid_boundaries", field="boundaries"
            )
        if self.source not in SOURCES:
            raise ValidationFailed(
                _("The source is live or submitted."), code="invalid_source", field="source"
            )

    def period(self) -> Period:
        """The `Period` named; ValidationFailed (`invalid_period`) when it cannot exist."""
        try:
            if self.quarter is not None:
                return Period.quarter(self.year, self.quarter)  # type: ignore[attr-defined]
            if self.half is not None:
                return Period.half(self.year, self.half)  # type: ignore[attr-defined]
            if self.programme:
                return Period.programme(self.programme)  # type: ignore[attr-defined]
            return Period(self.year, 12 if self.through_month is None else self.through_month)
        except ValidationFailed as exc:
            raise _invalid_period(exc.message, field=exc.details.get("field", "period")) from exc
        except (ValueError, LookupError) as exc:
            raise _invalid_period(_("This period does not exist.")) from exc

    def report_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of `report.build_report` besides scope and period."""
        return {
            "as_of": self.as_of,
            "boundaries": self.boundaries,
            "source": self.source,
            "include_unapproved": self.include_unapproved,
        }

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        return {key: value for key, value in data.items() if value is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ReportParams":
        values = {key: data.get(key) for key in cls.__dataclass_fields__ if data.get(key) is not None}
        if isinstance(values.get("as_of"), str):
            values["as_of"] = dt.date.fromisoformat(values["as_of"])
        return cls(**values)

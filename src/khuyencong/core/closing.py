"""Closed periods — the port the writers of figures ask through (docs/report-schema.md, "Closed
periods").

Once a province's report for a period is approved, the figures it states are closed: a ledger entry,
plan revision, deliverable or event of that province and plan year dated within the period is refused
(`period_closed`, HTTP 409) and nothing is written. A *post-close correction* — the same write with a
written reason, by the ministry's officers or the province's approver — is let through, audited, and
marks the approved reports it changes "changed after approval" so that the province resubmits.

The rule lives with the reports (`reporting.closing`), above the apps that write figures; those apps
call `require_open` here, and reporting binds the port when it loads (`ReportingConfig.ready`).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from .errors import DomainError, PermissionDenied


class PeriodClosed(DomainError):
    code = "period_closed"
    status = 409


@dataclass(frozen=True)
class Closure:
    """The approved reports a write would change: their ids and the period, in words."""

    submissions: tuple[int, ...]
    label: str  # e.g. "9 tháng đầu năm 2025 của Tỉnh Khánh Hòa"


class Port(Protocol):
    def closure(self, *, units: Iterable[int], year: int, day: dt.date | None) -> Closure | None:
        """The approved reports of province(s) `units` for plan year `year` whose period holds `day`
        (None: an undated figure of the year — a deliverable's count —, held by the annual report)."""
        ...

    def closures(self, *, units: Iterable[int], year: int) -> Callable[[dt.date | None], Closure | None]:
        """`closure` for many days of the same province(s) and year, the approved reports read once."""
        ...

    def may_correct(self, user: Any, units: Iterable[int]) -> bool: ...

    def mark_changed(self, *, actor: Any, closure: Closure, reason: str, what: dict[str, Any]) -> None: ...


_port: Port | None = None


def bind(port: Port) -> None:
    global _port
    _port = port


def units_of(place: Any) -> list[int | None]:
    """The provinces an administrative unit's figures are reported under: the province of its time and
    today's (a legacy Ninh Thuận commune: Ninh Thuận and Khánh Hòa)."""
    return [place.province_id, place.current_province_id]


def closures(units: Iterable[int | None], year: int) -> Callable[[dt.date | None], Closure | None]:
    """The approved reports a write dated `day` would change (`require_open`'s question), asked for
    many writes of the same province(s) and year with one query (an import)."""
    if _port is None:
        return lambda day: None
    return _port.closures(units=[unit for unit in units if unit is not None], year=year)


def closed_error(closure: Closure, *, year: int, day: dt.date | None) -> PeriodClosed:
    return PeriodClosed(
        _(
            "The report %(period)s is approved: its figures are closed and nothing dated "
            "%(date)s can be added to them. A correction after approval needs a written reason "
            "(the ministry's officers or the province's approver)."
        )
        % {"period": closure.label, "date": day.strftime("%d/%m/%Y") if day else str(year)},
        submissions=list(closure.submissions),
    )


def require_open(
    *,
    actor: Any,
    units: Iterable[int | None],
    year: int,
    day: dt.date | None,
    correction_reason: str = "",
    what: dict[str, Any],
) -> Closure | None:
    """Refuse a write dated `day` (None: an undated figure of the year) into a closed period of the
    province(s) `units` (the place's province in its time and today) for plan year `year` — unless it
    is a post-close correction: a reason given by a user who may correct, which is recorded on the
    reports it changes. Returns the closure the correction went through (None when the period is
    open)."""
    if _port is None:
        return None
    ids = [unit for unit in units if unit is not None]
    closure = _port.closure(units=ids, year=year, day=day)
    if closure is None:
        return None
    reason = (correction_reason or "").strip()
    if not reason:
        raise closed_error(closure, year=year, day=day)
    if not _port.may_correct(actor, ids):
        raise PermissionDenied(
            _("Only the ministry's officers or the province's approver correct an approved period."),
            code="correction_denied",
        )
    _port.mark_changed(actor=actor, closure=closure, reason=reason, what=what)
    return closure

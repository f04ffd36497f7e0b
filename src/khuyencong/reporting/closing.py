"""The closed-period rule (`core.closing`): a province's approved report closes its figures of that
plan year up to the end of its period — the whole year's, adjustment January included, once the annual
report is approved (`Period.executed_until`). Bound as the port in `ReportingConfig.ready`."""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from khuyencong.accounts.jurisdiction import Action, allows, scope_of
from khuyencong.core.audit import audit_record
from khuyencong.core.closing import Closure
from khuyencong.geo.models import AdministrativeUnit

from .choices import SubmissionStatus
from .periods import Period

# A province's report covers the units within it: the province of the place's time and today's both
# name it (a submission of today's Khánh Hòa holds legacy Ninh Thuận's figures).


def _approved(units: Iterable[int], year: int):
    from .models import Submission

    return Submission.objects.filter(unit_id__in=list(units), year=year, status=SubmissionStatus.APPROVED)


def _holds(through_month: int, year: int, day: dt.date | None) -> bool:
    """Does the approved report through `through_month` hold what is dated `day`? The annual one holds
    the adjustment January too — not later payments of projects extended into the next year, which
    keep going (and show as a difference against the approved figures in the live report's checks) —
    and the year's undated figures (`day` None: deliverables' counts)."""
    if day is None:
        return through_month == 12
    until = Period(year, through_month).executed_until or dt.date(year + 1, 1, 31)
    return day <= until


class ReportingClosing:
    def closures(self, *, units: Iterable[int], year: int) -> Callable[[dt.date | None], Closure | None]:
        approved = list(_approved(units, year).select_related("unit").order_by("through_month"))

        def closure(day: dt.date | None) -> Closure | None:
            closed = [s for s in approved if _holds(s.through_month, year, day)]
            if not closed:
                return None
            widest = closed[-1]
            label = f"{Period(year, widest.through_month).label} của {widest.unit.name}"
            return Closure(submissions=tuple(s.pk for s in closed), label=label)

        return closure

    def closure(self, *, units: Iterable[int], year: int, day: dt.date | None) -> Closure | None:
        return self.closures(units=units, year=year)(day)

    def may_correct(self, user: Any, units: Iterable[int]) -> bool:
        """The ministry's officers (the whole country) and the approvers of the province itself."""
        if not allows(user, Action.APPROVE):
            return False
        jurisdiction = scope_of(user)
        if jurisdiction.nation:
            return True
        provinces = AdministrativeUnit.objects.filter(pk__in=list(units)).values_list(
            "current_province_id", flat=True
        )
        return any(p in jurisdiction.provinces for p in provinces if p is not None)

    def mark_changed(self, *, actor: Any, closure: Closure, reason: str, what: dict[str, Any]) -> None:
        from .models import Submission

        for submission in Submission.objects.filter(pk__in=closure.submissions).select_for_update():
            first = not submission.changed_after_approval
            submission.changed_after_approval = True
            submission.save(update_fields=["changed_after_approval"])
            audit_record(
                actor=actor,
                action="submission.changed_after_approval",
                obj=submission,
                before={"changed_after_approval": not first} if first else None,
                after={"changed_after_approval": True, **what},
                reason=reason,
            )

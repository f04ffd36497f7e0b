"""Reads of plans: "the plan as of a date" and its totals by source, content group and unit."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from khuyencong.accounts.jurisdiction import Action, restrict

from .choices import IN_FORCE_STATUSES, RevisionStatus
from .models import Plan, PlanLine


def plans_visible(user: Any, action: Action = Action.VIEW) -> QuerySet[Plan]:
    return restrict(Plan.objects.select_related("agency", "unit", "programme"), user, action)


def lines_in_force_q(on: dt.date) -> Q:
    """Lines of approved plans that are in force on `on`, after the revisions approved by then."""
    plan_in_force = Q(plan__status__in=IN_FORCE_STATUSES, plan__decision_date__lte=on)
    added = Q(added_by__isnull=True) | Q(
        added_by__status=RevisionStatus.APPROVED, added_by__decision_date__lte=on
    )
    not_removed = (
        Q(removed_by__isnull=True)
        | ~Q(removed_by__status=RevisionStatus.APPROVED)
        | Q(removed_by__decision_date__gt=on)
    )
    return plan_in_force & added & not_removed


def plan_lines_as_of(plans: QuerySet[Plan], on: dt.date) -> QuerySet[PlanLine]:
    return (
        PlanLine.objects.filter(plan__in=plans)
        .filter(lines_in_force_q(on))
        .select_related("plan", "plan__unit", "activity", "unit")
        .prefetch_related("activity__groups", "targets__indicator")
    )


@dataclass
class PlanTotals:
    total: int = 0
    by_source: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_group: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_unit: dict[int | None, int] = field(default_factory=lambda: defaultdict(int))
    targets: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def plan_as_of(
    user: Any, *, year: int, on: dt.date, source: str | None = None, plans: QuerySet[Plan] | None = None
) -> PlanTotals:
    """Totals of the plans the user may see for `year` (optionally one source) as approved on `on`:
    by funding source, by content group of the plan's programme (group code), by the plans' current
    province, and indicator targets (indicator code)."""
    qs = plans if plans is not None else plans_visible(user)
    qs = qs.filter(year=year)
    if source:
        qs = qs.filter(source=source)
    totals = PlanTotals()
    for line in plan_lines_as_of(qs, on):
        totals.total += line.amount
        totals.by_source[line.plan.source] += line.amount
        group = next(
            (g for g in line.activity.groups.all() if g.programme_id == line.plan.programme_id), None
        )
        totals.by_group[group.code if group else ""] += line.amount
        totals.by_unit[line.plan.unit.current_province_id if line.plan.unit else None] += line.amount
        for target in line.targets.all():
            totals.targets[target.indicator.code] += target.planned
    return totals

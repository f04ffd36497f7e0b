"""Reads of projects: the visible list, deadlines and what is overdue."""

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from khuyencong.accounts.jurisdiction import Action, restrict

from .choices import DeadlineKind, ProjectState
from .models import DeadlineRule, ProgressReport, Project


def projects_visible(user: Any, action: Action = Action.VIEW) -> QuerySet[Project]:
    return restrict(
        Project.objects.select_related(
            "plan_line__plan",
            "plan_line__activity",
            "managing_agency",
            "location",
            "implementer_establishment",
        ),
        user,
        action,
    )


class DeadlineRules:
    """The deadline rules, read once: picking the rule in force on a day for many projects costs no
    query per project."""

    def __init__(self) -> None:
        self._by_kind: dict[str, list[DeadlineRule]] = defaultdict(list)
        rules = sorted(DeadlineRule.objects.all(), key=lambda r: r.valid_from or dt.date.min, reverse=True)
        for rule in rules:
            self._by_kind[rule.kind].append(rule)
        self._found: dict[tuple[str, dt.date], DeadlineRule | None] = {}

    def on(self, kind: str, day: dt.date) -> DeadlineRule | None:
        """The rule of `kind` in force on `day` (the latest that took effect)."""
        if (kind, day) not in self._found:  # thousands of projects share a few hundred days
            self._found[kind, day] = next((r for r in self._by_kind[kind] if r.is_valid_on(day)), None)
        return self._found[kind, day]


def deadline_rule(kind: str, on: dt.date, rules: DeadlineRules | None = None) -> DeadlineRule | None:
    return (rules or DeadlineRules()).on(kind, on)


def settlement_due(project: Project, rules: DeadlineRules | None = None) -> dt.date | None:
    """The settlement dossier is due `days` after the (last) acceptance."""
    return _settlement_due(project.accepted_on, rules or DeadlineRules())


def _settlement_due(accepted_on: dt.date | None, rules: DeadlineRules) -> dt.date | None:
    if accepted_on is None:
        return None
    rule = rules.on(DeadlineKind.SETTLEMENT, accepted_on)
    return accepted_on + dt.timedelta(days=rule.days) if rule and rule.days is not None else None


def liquidation_due(project: Project, rules: DeadlineRules | None = None) -> dt.date | None:
    """Contracts are liquidated by the rule's day and month of the year after the project ends."""
    return _liquidation_due(project.year, project.end_date, rules or DeadlineRules())


def _liquidation_due(project_year: int, end_date: dt.date, rules: DeadlineRules) -> dt.date | None:
    year = max(project_year, end_date.year) + 1
    rule = rules.on(DeadlineKind.LIQUIDATION, dt.date(year, 1, 1))
    return dt.date(year, rule.month, rule.day) if rule and rule.month and rule.day else None


def progress_due(on: dt.date, rules: DeadlineRules | None = None) -> dt.date | None:
    """This month's progress report is due on the rule's day of the month (its last day when the month
    is shorter)."""
    rule = deadline_rule(DeadlineKind.PROGRESS, on, rules)
    if not rule or not rule.day:
        return None
    return on.replace(day=min(rule.day, calendar.monthrange(on.year, on.month)[1]))


@dataclass(frozen=True)
class Overdue:
    project: Project
    kind: str  # DeadlineKind
    due: dt.date
    on: dt.date | None = None  # the day it was found overdue on (None: today)

    @property
    def label(self) -> str:
        return str(DeadlineKind(self.kind).label)

    @property
    def days_late(self) -> int:
        return ((self.on or timezone.localdate()) - self.due).days


@dataclass(frozen=True)
class _Pending:
    """The projects that may be overdue on a day, by deadline, and the rules to date them."""

    rules: DeadlineRules
    settling: QuerySet[Project]  # accepted or liquidated: the settlement dossier is due
    unliquidated: QuerySet[Project]  # contracts not yet liquidated after the project's year
    unreported: QuerySet[Project] | None  # under way, no progress report this month, past its day
    progress_due: dt.date | None


def _pending(qs: QuerySet[Project], on: dt.date) -> _Pending:
    rules = DeadlineRules()
    due = progress_due(on, rules)
    unreported = None
    if due and due < on:
        reported = ProgressReport.objects.filter(project=OuterRef("pk"), month=on.replace(day=1))
        unreported = qs.filter(state=ProjectState.IN_PROGRESS).exclude(Exists(reported))
    return _Pending(
        rules,
        qs.filter(state__in=[ProjectState.ACCEPTED, ProjectState.LIQUIDATED]),
        qs.filter(
            state__in=[ProjectState.CONTRACTED, ProjectState.IN_PROGRESS, ProjectState.ACCEPTED],
            year__lt=on.year,
        ),
        unreported,
        due,
    )


def _overdue(qs: QuerySet[Project], on: dt.date) -> list[tuple[int, str, dt.date]]:
    """(project id, deadline kind, due date) of what is overdue on `on`, read as plain values: no model
    objects for the thousands of projects a national list goes through."""
    pending = _pending(qs, on)
    found: list[tuple[int, str, dt.date]] = []
    for pk, accepted_on in pending.settling.values_list("pk", "accepted_on"):
        due = _settlement_due(accepted_on, pending.rules)
        if due and due < on:
            found.append((pk, DeadlineKind.SETTLEMENT, due))
    for pk, year, end_date in pending.unliquidated.values_list("pk", "year", "end_date"):
        due = _liquidation_due(year, end_date, pending.rules)
        if due and due < on:
            found.append((pk, DeadlineKind.LIQUIDATION, due))
    if pending.unreported is not None and pending.progress_due:
        due = pending.progress_due
        found += [(pk, DeadlineKind.PROGRESS, due) for pk in pending.unreported.values_list("pk", flat=True)]
    return found


def overdue_items(
    user: Any, *, on: dt.date | None = None, projects: QuerySet[Project] | None = None
) -> list[Overdue]:
    """What is overdue on `on` among the projects the user may see, oldest first:
    - settlement dossier: accepted or liquidated, and `days` after acceptance has passed;
    - liquidation: contracted, in progress or accepted after the liquidation date of the next year;
    - progress report: under way, past this month's day, and no report for this month."""
    on = on or timezone.localdate()
    qs = projects if projects is not None else projects_visible(user)
    found = _overdue(qs, on)
    objects = qs.in_bulk({pk for pk, _kind, _due in found})
    items = [Overdue(objects[pk], kind, due, on) for pk, kind, due in found]
    items.sort(key=lambda o: (o.due, o.project.code))
    return items


def overdue_counts(projects: QuerySet[Project], *, on: dt.date | None = None) -> dict[str, int]:
    """How many deadlines of each kind are overdue on `on` among `projects`: the same as counting
    `overdue_items`, with the projects counted by date in the database (a national count goes through
    thousands of projects but a few hundred dates)."""
    on = on or timezone.localdate()
    pending = _pending(projects, on)
    counts: dict[str, int] = defaultdict(int)
    for accepted_on, n in pending.settling.values_list("accepted_on").annotate(n=Count("pk")).order_by():
        due = _settlement_due(accepted_on, pending.rules)
        if due and due < on:
            counts[str(DeadlineKind.SETTLEMENT)] += n
    unliquidated = pending.unliquidated.values_list("year", "end_date").annotate(n=Count("pk")).order_by()
    for year, end_date, n in unliquidated:
        due = _liquidation_due(year, end_date, pending.rules)
        if due and due < on:
            counts[str(DeadlineKind.LIQUIDATION)] += n
    if pending.unreported is not None:
        unreported = pending.unreported.count()
        if unreported:
            counts[str(DeadlineKind.PROGRESS)] += unreported
    return dict(counts)


def overdue_ids(user: Any, *, on: dt.date | None = None) -> set[int]:
    return {item.project.pk for item in overdue_items(user, on=on)}

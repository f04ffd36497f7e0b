"""Reads of projects: the visible list, deadlines and what is overdue."""

import calendar
import datetime as dt
import operator
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db.models import Case, Count, DateField, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import ExtractYear, Greatest
from django.utils import timezone

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.establishments.selectors import linked_representative, represented_by
from khuyencong.plans.services import approvable_sources

from .choices import DeadlineKind, ProjectState
from .models import Adjustment, DeadlineRule, Participant, ProgressReport, Project


def projects_visible(user: Any, action: Action = Action.VIEW) -> QuerySet[Project]:
    """The projects in the user's jurisdiction; for an establishment's representative, those their
    establishments carry out or take part in."""
    qs = Project.objects.all()
    if linked_representative(user):
        theirs = represented_by(user)
        qs = qs.filter(
            Q(implementer_establishment__in=theirs)
            | Q(pk__in=Participant.objects.filter(establishment__in=theirs).values("project"))
        )
    return restrict(
        qs.select_related(
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


def overdue_in(qs: QuerySet[Project], on: dt.date | None = None) -> set[int]:
    """The ids of the projects of `qs` that have something overdue on `on` (today)."""
    return {pk for pk, _kind, _due in _overdue(qs, on or timezone.localdate())}


def overdue_by_project(qs: QuerySet[Project], on: dt.date | None = None) -> dict[int, list[Overdue]]:
    """What is overdue among `qs` (a page of a list, say), by project id, oldest first."""
    late: dict[int, list[Overdue]] = {}
    for item in overdue_items(None, on=on, projects=qs):
        late.setdefault(item.project.pk, []).append(item)
    return late


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
    items.sort(key=lambda o: (o.due, o.project.code, o.project.pk, o.kind))
    return items


@dataclass(frozen=True)
class _Group:
    """Projects of one kind of deadline that share a due date: `match` selects them from the kind's
    queryset (annotated with `last_year` for liquidation)."""

    kind: str
    due: dt.date
    n: int
    match: Q


def _overdue_groups(pending: _Pending, on: dt.date) -> list[_Group]:
    """What is overdue on `on`, counted in the database by the dates deadlines follow from: a national
    count goes through thousands of projects but a few hundred dates."""
    groups: list[_Group] = []
    for accepted_on, n in pending.settling.values_list("accepted_on").annotate(n=Count("*")).order_by():
        due = _settlement_due(accepted_on, pending.rules)
        if due and due < on:
            groups.append(_Group(DeadlineKind.SETTLEMENT, due, n, Q(accepted_on=accepted_on)))
    unliquidated = _with_last_year(pending.unliquidated).values_list("last_year").annotate(n=Count("*"))
    for last_year, n in unliquidated.order_by():
        due = _liquidation_due(last_year, dt.date(last_year, 1, 1), pending.rules)
        if due and due < on:
            groups.append(_Group(DeadlineKind.LIQUIDATION, due, n, Q(last_year=last_year)))
    if pending.unreported is not None and pending.progress_due and (n := pending.unreported.count()):
        in_progress = Q(state=ProjectState.IN_PROGRESS)  # all of `unreported`
        groups.append(_Group(DeadlineKind.PROGRESS, pending.progress_due, n, in_progress))
    return groups


def _with_last_year(qs: QuerySet[Project]) -> QuerySet[Any]:
    """The last year a project runs in (its year or its end date's), which its liquidation follows."""
    return qs.annotate(last_year=Greatest("year", ExtractYear("end_date")))


def overdue_counts(projects: QuerySet[Project], *, on: dt.date | None = None) -> dict[str, int]:
    """How many deadlines of each kind are overdue on `on` among `projects`: the same as counting
    `overdue_items`, without reading the projects."""
    on = on or timezone.localdate()
    counts: dict[str, int] = defaultdict(int)
    for group in _overdue_groups(_pending(projects, on), on):
        counts[str(group.kind)] += group.n
    return dict(counts)


def overdue_first(
    user: Any, *, limit: int = 10, on: dt.date | None = None, projects: QuerySet[Project] | None = None
) -> tuple[list[Overdue], int]:
    """The `limit` oldest of `overdue_items` and how many there are in all, read for those only: the
    home page of the ministry shows ten of the nation's thousands."""
    on = on or timezone.localdate()
    qs = projects if projects is not None else projects_visible(user)
    pending = _pending(qs, on)
    groups = sorted(_overdue_groups(pending, on), key=lambda g: g.due)
    total = sum(g.n for g in groups)
    if not groups or limit <= 0:
        return [], total
    # Every item among the first `limit` is due no later than the due date where the count reaches it.
    running, cutoff = 0, groups[-1].due
    for group in groups:
        running += group.n
        if running >= limit:
            cutoff = group.due
            break
    sources = {
        DeadlineKind.SETTLEMENT: pending.settling,
        DeadlineKind.LIQUIDATION: _with_last_year(pending.unliquidated),
        DeadlineKind.PROGRESS: pending.unreported,
    }
    candidates = []  # per kind, its projects of the groups due by the cutoff, with their due date
    for kind, source in sources.items():
        taken = [g for g in groups if g.kind == kind and g.due <= cutoff]
        if not taken or source is None:
            continue
        due = Case(*(When(g.match, then=Value(g.due)) for g in taken), output_field=DateField())
        candidates.append(
            source.filter(reduce(operator.or_, (g.match for g in taken)))
            .annotate(due=due, deadline=Value(str(kind)))
            .order_by()
            .values_list("due", "code", "pk", "deadline")
        )
    first = candidates[0].union(*candidates[1:], all=True) if len(candidates) > 1 else candidates[0]
    found = list(first.order_by("due", "code", "pk", "deadline")[:limit])
    objects = qs.in_bulk([pk for _due, _code, pk, _kind in found])
    return [Overdue(objects[pk], kind, due, on) for due, _code, pk, kind in found], total


def overdue_ids(user: Any, *, on: dt.date | None = None) -> set[int]:
    return {item.project.pk for item in overdue_items(user, on=on)}


def projects_to_approve(user: Any) -> QuerySet[Project]:
    """Appraised projects whose approval is this user's: in the jurisdiction, of a plan whose source
    the user approves (`plans.services.can_approve`)."""
    sources = approvable_sources(user)
    return projects_visible(user, Action.APPROVE).filter(
        state=ProjectState.APPRAISED, plan_line__plan__source__in=sources
    )


def adjustments_to_decide(user: Any) -> list:
    """Requested adjustments of the projects in the jurisdiction that this user may decide."""
    from .services import adjustment_approver  # services read these selectors
    from .workflow import may

    if not allows(user, Action.APPROVE):
        return []
    pending = (
        Adjustment.objects.filter(status="requested", project__in=projects_visible(user, Action.APPROVE))
        .select_related("project", "project__plan_line__plan")
        .order_by("requested_at", "pk")
    )
    return [a for a in pending if may(user, adjustment_approver(a), a.project)[0]]

"""Reads of contracts and the ledger: a project's balance and statement, executed (disbursed) amounts
by value date for any scope, outstanding advances, and what an establishment received."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from khuyencong.accounts.jurisdiction import Action, restrict, scope_of
from khuyencong.core.search import folded_search
from khuyencong.establishments.models import Establishment
from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit, Region
from khuyencong.geo.selectors import containment_q, province_field, region_q
from khuyencong.plans.selectors import group_codes
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Participant, Project
from khuyencong.projects.ports import Balance

from .choices import EntryKind
from .models import Contract, DisbursedMonth, LedgerEntry


def ledger_visible(user: Any, action: Action = Action.VIEW) -> QuerySet[LedgerEntry]:
    return restrict(LedgerEntry.objects.select_related("project", "contract", "recorded_by"), user, action)


def ledger_filtered(
    entries: QuerySet[LedgerEntry],
    *,
    q: str = "",
    kind: str = "",
    source: str = "",
    year: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    project: int | None = None,
    province: AdministrativeUnit | None = None,
    region: Region | None = None,
    group: str = "",
    boundaries: str = "current",
) -> QuerySet[LedgerEntry]:
    """The entries that the ledger list, its export and the API show for these criteria — and the rows
    behind every executed amount (docs/report-schema.md): `year` is the projects' plan year, `province`
    a province whose projects count (every unit within it across the 2025 reform; under historical
    boundaries only the places it held in its own time), `region` the provinces that belonged to it
    in `year` (this year's membership without one), `group` a content group code of the plans'
    programmes."""
    if q := (q or "").strip():
        entries = folded_search(entries, ("project__code", "reference"), q)
    if kind:
        entries = entries.filter(kind=kind)
    if source:
        entries = entries.filter(project__plan_line__plan__source=source)
    if year:
        entries = entries.filter(project__year=year)
    if start:
        entries = entries.filter(value_date__gte=start)
    if end:
        entries = entries.filter(value_date__lte=end)
    if project:
        entries = entries.filter(project_id=project)
    if province is not None:
        if boundaries == "historical":
            entries = entries.filter(Q(project__location__province=province) | Q(project__location=province))
        else:
            entries = entries.filter(containment_q(province, "project__location__"))
    if region is not None:
        entries = entries.filter(region_q(region, year or timezone.localdate().year, "project__location__"))
    if group:
        pairs = [pair for pair, code in group_codes(first=False).items() if code == group]
        entries = entries.filter(
            reduce(
                or_,
                (Q(project__plan_line__activity=a, project__plan_line__plan__programme=p) for a, p in pairs),
                Q(pk__in=[]),
            )
        )
    return entries


def _sums(entries: QuerySet[LedgerEntry]) -> dict[str, int]:
    row = entries.aggregate(
        committed=Sum("committed_delta"),
        disbursed=Sum("disbursed_delta"),
        advanced=Sum("disbursed_delta", filter=Q(kind=EntryKind.ADVANCE)),
        paid=Sum("disbursed_delta", filter=Q(kind=EntryKind.PAYMENT)),
        recovered=Sum("disbursed_delta", filter=Q(kind=EntryKind.RECOVERY)),
    )
    return {k: (v or 0) for k, v in row.items()}


def project_balance(project: Project) -> Balance:
    sums = _sums(LedgerEntry.objects.filter(project=project))
    contracted = Contract.objects.filter(project=project).aggregate(s=Sum("value"))["s"] or 0
    return Balance(
        contracted=contracted,
        committed=sums["committed"],
        advanced=sums["advanced"],
        paid=sums["paid"],
        recovered=-sums["recovered"],
        disbursed=sums["disbursed"],
    )


def contract_balance(contract: Contract) -> Balance:
    sums = _sums(LedgerEntry.objects.filter(contract=contract))
    return Balance(
        contracted=contract.value,
        committed=sums["committed"],
        advanced=sums["advanced"],
        paid=sums["paid"],
        recovered=-sums["recovered"],
        disbursed=sums["disbursed"],
    )


def disbursed_by_project(projects: QuerySet[Project], *, until: dt.date | None = None) -> dict[int, int]:
    entries = LedgerEntry.objects.filter(project__in=projects)
    if until is not None:
        entries = entries.filter(value_date__lte=until)
    return dict(entries.values("project").annotate(s=Sum("disbursed_delta")).values_list("project", "s"))


def disbursed_total(projects: QuerySet[Project]) -> int:
    """The sum of `disbursed_by_project` over `projects`, in one aggregate."""
    entries = LedgerEntry.objects.filter(project__in=projects.order_by().values("pk"))
    return int(entries.aggregate(s=Sum("disbursed_delta"))["s"] or 0)


@dataclass
class StatementRow:
    entry: LedgerEntry
    committed: int  # running balance of the commitment
    disbursed: int  # running disbursed total
    remaining: int  # committed − disbursed after the entry

    @property
    def reversible(self) -> int:
        """What is left of the entry to reverse (0 for a reversal or one reversed in full)."""
        if self.entry.reverses_id is not None:
            return 0
        return self.entry.amount - sum(r.amount for r in self.entry.reversals.all())


def project_statement(project: Project) -> list[StatementRow]:
    """The project's ledger in value-date order with running balances."""
    rows: list[StatementRow] = []
    committed = disbursed = 0
    entries = (
        LedgerEntry.objects.filter(project=project)
        .select_related("project", "contract", "recorded_by", "reverses")
        .prefetch_related("reversals")
        .order_by("value_date", "pk")
    )
    for entry in entries:
        committed += entry.committed_delta
        disbursed += entry.disbursed_delta
        rows.append(StatementRow(entry, committed, disbursed, committed - disbursed))
    return rows


@dataclass
class ExecutedTotals:
    total: int = 0
    by_source: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_group: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_unit: dict[int | None, int] = field(default_factory=lambda: defaultdict(int))


_BREAKDOWN = ("plan_line__plan__source", "plan_line__plan__programme", "plan_line__activity")

# (source, programme, activity, province, amount)
Row = tuple[str, int, int, int | None, int | None]


def _totals(rows: Iterable[Row]) -> ExecutedTotals:
    """Sums by source, programme, activity and province, added up by source, content group and
    province."""
    groups = group_codes(first=False)
    totals = ExecutedTotals()
    for source, programme, activity, unit, amount in rows:
        if amount is None:  # no entry in the period: not a row of the ledger's totals
            continue
        totals.total += amount
        totals.by_source[source] += amount
        totals.by_group[groups.get((activity, programme), "")] += amount
        totals.by_unit[unit] += amount
    return totals


def _disbursed_between(start: dt.date, end: dt.date | None) -> QuerySet[Any, Any]:
    """Each project's disbursed sum from `start` to `end` (None: no end; a subquery on the outer
    project)."""
    entries = LedgerEntry.objects.filter(project=OuterRef("pk"), value_date__gte=start)
    if end is not None:
        entries = entries.filter(value_date__lte=end)
    return entries.order_by().values("project").annotate(s=Sum("disbursed_delta")).values("s")


def executed(
    user: Any,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    year: int | None = None,
    source: str | None = None,
    projects: QuerySet[Project] | None = None,
    boundaries: str = "current",
) -> ExecutedTotals:
    """Disbursed (advances + payments − recoveries) with value dates from `start` to `end`, over the
    projects the user may see (or `projects`): total, by funding source, by content group of the plan's
    programme (group code) and by province of the project's location — the province it lies in today
    (`boundaries="current"`) or the one it lay in when the unit was in force (`"historical"`).

    The two figures of docs/report-schema.md: with `year`, the execution of that year's plan — only
    the projects of plan year `year`, from 1 January of `year` with no end unless `end` is given (the
    adjustment period of the next January included); without it, the money disbursed in the dates
    given whatever the projects' year ("disbursed in the calendar year" when they span one year)."""
    qs = projects if projects is not None else restrict(Project.objects.all(), user)
    scoped = qs  # filtered through single-valued relations (location, plan line): one row per project
    if year is not None:
        scoped = scoped.filter(year=year)
        start = start or dt.date(year, 1, 1)
    if start is None:
        raise ValueError("executed() needs a start date or a plan year")
    if source:
        scoped = scoped.filter(plan_line__plan__source=source)
    # Each project's disbursed sum (one index lookup per project), then summed by source, programme,
    # activity and province: the joins run once per project instead of once per ledger entry.
    disbursed = _disbursed_between(start, end)
    unit_field = f"location__{province_field(boundaries)}"
    rows = (
        scoped.order_by()
        .annotate(disbursed=Subquery(disbursed))
        .values_list(*_BREAKDOWN, unit_field)
        .annotate(s=Sum("disbursed"))
        .order_by()
    )
    return _totals(rows)


def executed_in_months(
    where: Q,
    *,
    start: dt.date,
    end: dt.date | None,
    source: str | None = None,
    boundaries: str = "current",
    breakdown: bool = True,
) -> ExecutedTotals:
    """What was disbursed in the whole months from `start` to `end` (None: no end), read from the
    disbursed-by-month aggregate (`finance.rollup`) rather than the ledger: the same sums as
    `executed` for the projects whose year, plan line and province `where` selects (a Q on
    `DisbursedMonth`: `year`, `province__…`, `plan_line__…`). Without `breakdown`, only the total and
    the split by source."""
    if start.day != 1 or (end is not None and (end + dt.timedelta(days=1)).day != 1):
        raise ValueError(f"the aggregate holds whole months, not {start}–{end}")
    # a month left at 0 (a project moved away, a payment reversed) is no row of the sums
    months = DisbursedMonth.objects.filter(where, month__gte=start)
    if end is not None:
        months = months.filter(month__lte=end)
    months = months.exclude(amount=0)
    if source:
        months = months.filter(source=source)
    if not breakdown:
        totals = ExecutedTotals()
        for line_source, amount in months.values_list("source").annotate(s=Sum("amount")).order_by():
            totals.total += amount
            totals.by_source[line_source] += amount
        return totals
    sums = months.values_list("source", "programme", "activity", "province").annotate(s=Sum("amount"))
    if boundaries == "historical":
        return _totals(sums.order_by())
    # today's province of each province of its time, read once rather than joined to every row
    current = dict(
        AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("pk", "current_province")
    )
    return _totals(
        (source, programme, activity, current[province], amount)
        for source, programme, activity, province, amount in sums.order_by()
    )


def disbursed_in_dates(user: Any, *, start: dt.date, end: dt.date) -> int:
    """What the projects the user may see disbursed with value dates from `start` to `end`, whatever their
    plan year: `executed(user, start=start, end=end).total`, the total of the ledger list for those dates.
    For the whole nation the whole months are read from the disbursed-by-month aggregate and only the
    days around them from the ledger (the ministry's home page would otherwise sum every project)."""
    if not scope_of(user).nation:
        return executed(user, start=start, end=end).total
    first = start if start.day == 1 else _next_month(start)
    last = (
        end if _next_month(end) == end + dt.timedelta(days=1) else end.replace(day=1) - dt.timedelta(days=1)
    )
    if first > last:
        return _ledger_sum(start, end)
    total = executed_in_months(Q(), start=first, end=last, breakdown=False).total
    if start < first:
        total += _ledger_sum(start, first - dt.timedelta(days=1))
    if last < end:
        total += _ledger_sum(last + dt.timedelta(days=1), end)
    return total


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _ledger_sum(start: dt.date, end: dt.date) -> int:
    entries = LedgerEntry.objects.filter(value_date__gte=start, value_date__lte=end)
    return entries.aggregate(s=Sum("disbursed_delta"))["s"] or 0


def outstanding_advances(user: Any, *, on: dt.date | None = None) -> list[tuple[Project, int]]:
    """Projects not yet accepted that hold advances (net of recoveries), largest first."""
    entries = LedgerEntry.objects.filter(
        project__in=restrict(Project.objects.all(), user),
        project__state__in=[ProjectState.CONTRACTED, ProjectState.IN_PROGRESS, ProjectState.APPROVED],
        kind__in=[EntryKind.ADVANCE, EntryKind.RECOVERY],
    )
    if on is not None:
        entries = entries.filter(value_date__lte=on)
    amounts = dict(
        entries.values("project")
        .annotate(s=Sum("disbursed_delta"))
        .filter(s__gt=0)
        .values_list("project", "s")
    )
    projects = Project.objects.in_bulk(list(amounts))
    return sorted(((projects[pk], amounts[pk]) for pk in amounts), key=lambda pa: -pa[1])


@dataclass
class SupportRow:
    project: Project
    role: str  # "implementer" | "participant"
    support: int  # the support planned for this establishment
    disbursed: int | None  # what the project disbursed (whole project; None for a participant share)
    machine: str


def establishment_support(user: Any, establishment: Establishment) -> list[SupportRow]:
    """Every project that supports the establishment, across years and sources, newest first."""
    visible = restrict(Project.objects.all(), user).select_related(
        "plan_line__plan", "plan_line__activity", "managing_agency"
    )
    own = list(visible.filter(implementer_establishment=establishment))
    parts = list(
        Participant.objects.filter(establishment=establishment, project__in=visible).select_related(
            "project__plan_line__plan", "project__plan_line__activity", "project__managing_agency"
        )
    )
    disbursed = disbursed_by_project(Project.objects.filter(pk__in=[p.pk for p in own]))
    rows = [
        SupportRow(p, "implementer", p.support_amount, disbursed.get(p.pk, 0), p.machine_name) for p in own
    ]
    rows += [SupportRow(x.project, "participant", x.support_amount, None, x.machine_name) for x in parts]
    rows.sort(key=lambda r: (-r.project.year, r.project.code))
    return rows


MACHINERY_ACTIVITY = "may-moc-thiet-bi"


def machinery_repeats(
    rows: list[SupportRow], *, years: int | None = None
) -> list[tuple[SupportRow, SupportRow]]:
    """Pairs of machinery supports to the same establishment less than `years` apart (stopped projects
    do not count)."""
    years = years if years is not None else settings.KHUYENCONG_MACHINERY_REPEAT_YEARS
    machinery = [
        r
        for r in rows
        if r.project.plan_line.activity.code == MACHINERY_ACTIVITY and r.project.state != ProjectState.STOPPED
    ]
    machinery.sort(key=lambda r: r.project.year)
    return [
        (a, b)
        for i, a in enumerate(machinery)
        for b in machinery[i + 1 :]
        if b.project.year - a.project.year < years
    ]

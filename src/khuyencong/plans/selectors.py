"""Reads of plans: "the plan as of a date" and its totals by source, content group and unit."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BigIntegerField, Case, OuterRef, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import Coalesce

from khuyencong.accounts.jurisdiction import Action, restrict
from khuyencong.geo.selectors import province_field

from .choices import IN_FORCE_STATUSES, RevisionStatus
from .models import LineTarget, Plan, PlanLine


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
    user: Any,
    *,
    year: int,
    on: dt.date,
    source: str | None = None,
    plans: QuerySet[Plan] | None = None,
    boundaries: str = "current",
    breakdown: bool = True,
) -> PlanTotals:
    """Totals of the plans the user may see for `year` (optionally one source) as approved on `on`:
    by funding source, by content group of the plan's programme (group code), by the province of the
    plan's unit — today's (`boundaries="current"`) or the one of its time (`"historical"`) — and
    indicator targets (indicator code). Without `breakdown`, only the total and the split by source."""
    unit_field = f"plan__unit__{province_field(boundaries)}"
    qs = plans if plans is not None else plans_visible(user)
    qs = qs.filter(year=year)
    if source:
        qs = qs.filter(source=source)
    # Summed in the database (one row per source, programme, activity and province; one per indicator)
    # rather than line by line: the same totals as iterating plan_lines_as_of, without loading every line.
    lines = PlanLine.objects.filter(plan__in=qs).filter(lines_in_force_q(on)).order_by()
    totals = PlanTotals()
    if not breakdown:
        for source, amount in lines.values_list("plan__source").annotate(s=Sum("amount")):
            totals.total += amount or 0
            totals.by_source[source] += amount or 0
        return totals
    rows = lines.values("plan__source", "plan__programme", "activity", unit_field).annotate(s=Sum("amount"))
    groups: dict[tuple[int, int], str] | None = None
    for row in rows:
        if groups is None:
            groups = group_codes()
        amount = row["s"] or 0
        totals.total += amount
        totals.by_source[row["plan__source"]] += amount
        totals.by_group[groups.get((row["activity"], row["plan__programme"]), "")] += amount
        totals.by_unit[row[unit_field]] += amount
    targets = (
        LineTarget.objects.filter(line__in=lines.values("pk"))
        .values("indicator__code")
        .annotate(n=Sum("planned"))
        .order_by()
    )
    for code, planned in targets.values_list("indicator__code", "n"):
        totals.targets[code] += planned or 0
    return totals


def group_codes(*, first: bool = True) -> dict[tuple[int, int], str]:
    """(activity, programme) → the code of the activity's content group in that programme: the first by
    code (`first=True`) or the last, should an activity sit in two groups of one programme. One query."""
    from khuyencong.catalog.models import Activity

    codes: dict[tuple[int, int], str] = {}
    rows = Activity.groups.through.objects.order_by("contentgroup__code", "pk").values_list(
        "activity_id", "contentgroup__programme_id", "contentgroup__code"
    )
    for activity, programme, code in rows:
        if first:
            codes.setdefault((activity, programme), code)
        else:
            codes[(activity, programme)] = code
    return codes


def with_amount_in_force(plans: QuerySet[Plan], on: dt.date) -> QuerySet[Plan]:
    """`plans` annotated with `total_now`, the plan's amount as it stands on `on`: the lines in force
    after the revisions approved by then for an approved plan, the registered lines for one not yet
    approved. Two subqueries, so that a page, its totals row and its export read the same figure."""
    lines = PlanLine.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
    in_force = lines.filter(lines_in_force_q(on)).annotate(total=Sum("amount")).values("total")
    registered = lines.filter(added_by__isnull=True).annotate(total=Sum("amount")).values("total")
    return plans.annotate(
        total_now=Case(
            When(status__in=IN_FORCE_STATUSES, then=Coalesce(Subquery(in_force), 0)),
            default=Coalesce(Subquery(registered), 0),
            output_field=BigIntegerField(),
        )
    )

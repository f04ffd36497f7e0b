"""A province's period figures as rows (the snapshot a submission freezes), and the consistency rules a
submission is checked against: its own rows (checks.check_rows), the live figures of the system, and the
province's earlier approved report of the same year (a plan that changed without a revision)."""

from typing import Any

from django.db.models import Q

from khuyencong.finance.selectors import executed_in_months
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.choices import RevisionStatus
from khuyencong.plans.models import Plan, PlanRevision
from khuyencong.plans.selectors import plan_as_of

from .checks import Violation, check_rows
from .choices import SOURCE_OF, SubmissionStatus
from .live import Period, Scope, live_figures
from .models import Submission

SOURCES = tuple(SOURCE_OF.items())

Rows = list[dict[str, Any]]


def province_scope(unit: AdministrativeUnit) -> Scope:
    return Scope("unit", unit.code, unit.name, unit=unit)


def province_snapshot(unit: AdministrativeUnit, period: Period) -> tuple[Rows, Rows]:
    """The province's figure rows (a total row per source, then one per content group) and indicator
    rows, from the plans as approved at the end of the period, the ledger and the deliverables."""
    scope = province_scope(unit)
    plans = Plan.objects.filter(year=period.year).filter(scope.units_q(period.year, "unit__"))
    in_province = Q(year=period.year) & scope.units_q(period.year, "province__")
    figures: Rows = []
    for key, source in SOURCES:
        plan = plan_as_of(None, year=period.year, on=period.end, source=source, plans=plans)
        done = executed_in_months(in_province, start=period.start, end=period.executed_until, source=source)
        figures.append(
            {"source": key, "content_group": "", "plan_dong": plan.total, "executed_dong": done.total}
        )
        for group in sorted((set(plan.by_group) | set(done.by_group)) - {""}):
            figures.append(
                {
                    "source": key,
                    "content_group": group,
                    "plan_dong": plan.by_group.get(group, 0),
                    "executed_dong": done.by_group.get(group, 0),
                }
            )
    live = live_figures(scope, period)
    codes = sorted(set(live.plan.targets) | set(live.achieved))
    indicators: Rows = [
        {
            "indicator_code": code,
            "planned": live.plan.targets.get(code),
            "achieved": live.achieved.get(code),
        }
        for code in codes
    ]
    return figures, indicators


def source_totals(figures: Rows) -> dict[str, tuple[int, int]]:
    """(plan, executed) per source, from the total rows or, without one, the sum of the group rows."""
    out: dict[str, tuple[int, int]] = {}
    for key, _source in SOURCES:
        rows = [r for r in figures if r["source"] == key]
        total = [r for r in rows if not r["content_group"]] or rows
        out[key] = (sum(r["plan_dong"] for r in total), sum(r["executed_dong"] for r in total))
    return out


def _differs_from_live(unit: AdministrativeUnit, period: Period, figures: Rows) -> list[Violation]:
    live_rows, _indicators = province_snapshot(unit, period)
    live = source_totals(live_rows)
    if not any(plan or done for plan, done in live.values()):
        return []  # the province keeps no figures in the system: nothing to compare with
    stated = source_totals(figures)
    out = []
    for key, _source in SOURCES:
        if stated[key] != live[key]:
            out.append(
                Violation(
                    "differs_from_live",
                    f"{key}: submitted plan {stated[key][0]} đ / executed {stated[key][1]} đ, "
                    f"the system holds {live[key][0]} đ / {live[key][1]} đ",
                    {
                        "source": key,
                        "submitted_plan": stated[key][0],
                        "submitted_executed": stated[key][1],
                        "live_plan": live[key][0],
                        "live_executed": live[key][1],
                    },
                )
            )
    return out


def _plan_changed_without_revision(
    unit: AdministrativeUnit, period: Period, figures: Rows
) -> list[Violation]:
    earlier = (
        Submission.objects.filter(
            unit=unit,
            year=period.year,
            through_month__lt=period.through_month,
            status=SubmissionStatus.APPROVED,
        )
        .order_by("-through_month", "-version")
        .prefetch_related("figures")
        .first()
    )
    if earlier is None:
        return []
    before = source_totals([figure_row(f) for f in earlier.figures.all()])
    now = source_totals(figures)
    since = Period(period.year, earlier.through_month).end
    out = []
    for key, source in SOURCES:
        if before[key][0] == now[key][0]:
            continue
        revised = PlanRevision.objects.filter(
            plan__year=period.year,
            plan__source=source,
            status=RevisionStatus.APPROVED,
            decision_date__gt=since,
            decision_date__lte=period.end,
        ).filter(province_scope(unit).units_q(period.year, "plan__unit__"))
        if not revised.exists():
            out.append(
                Violation(
                    "plan_changed_without_revision",
                    f"{key}: the plan was {before[key][0]} đ in the report through month "
                    f"{earlier.through_month} and is {now[key][0]} đ now, with no approved revision between",
                    {
                        "source": key,
                        "earlier_through_month": earlier.through_month,
                        "earlier_plan": before[key][0],
                        "plan": now[key][0],
                    },
                )
            )
    return out


def figure_row(figure: Any) -> dict[str, Any]:
    return {
        "source": figure.source,
        "content_group": figure.content_group,
        "plan_dong": figure.plan_dong,
        "executed_dong": figure.executed_dong,
    }


def submission_violations(
    unit: AdministrativeUnit, period: Period, figures: Rows, *, compare_live: bool = True
) -> list[dict[str, Any]]:
    """Every rule the figures break, as JSON-ready dicts (rule, message, figures)."""
    violations = check_rows(figures) + _plan_changed_without_revision(unit, period, figures)
    if compare_live:
        violations += _differs_from_live(unit, period, figures)
    return [{"rule": v.rule, "message": v.message, "figures": v.figures} for v in violations]


def changes_since_approval(submission: Submission) -> list[dict[str, Any]]:
    """Where today's figures of the submission's province and period differ from what it states
    (rows by source and content group): the difference a post-close correction made
    (`reporting.closing`). Empty when nothing moved."""
    live_rows, _indicators = province_snapshot(
        submission.unit, Period(submission.year, submission.through_month)
    )
    live = {(r["source"], r["content_group"]): r for r in live_rows}
    stated = {(f.source, f.content_group): figure_row(f) for f in submission.figures.all()}
    out = []
    for key in sorted(set(live) | set(stated), key=lambda k: (k[0], k[1] != "", k[1])):
        was, now = stated.get(key), live.get(key)
        before = (was["plan_dong"], was["executed_dong"]) if was else (0, 0)
        after = (now["plan_dong"], now["executed_dong"]) if now else (0, 0)
        if before != after:
            out.append(
                {
                    "source": key[0],
                    "content_group": key[1],
                    "approved_plan": before[0],
                    "live_plan": after[0],
                    "approved_executed": before[1],
                    "live_executed": after[1],
                    "executed_difference": after[1] - before[1],
                    "plan_difference": after[0] - before[0],
                }
            )
    return out

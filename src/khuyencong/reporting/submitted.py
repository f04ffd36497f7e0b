"""Submitted figures: a scope's report built from the provinces' latest approved submissions for the
period (optionally the latest submitted ones), with completeness — which provinces have not submitted.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, QuerySet
from django.utils import timezone

from khuyencong.finance.selectors import ExecutedTotals
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import provinces_on, region_provinces
from khuyencong.plans.selectors import PlanTotals

from .choices import SOURCE_OF, SubmissionStatus
from .live import NATION, LiveFigures, Period, Scope, figures_of
from .models import ReportDeadline, Submission


def scope_provinces(scope: Scope, period: Period) -> list[AdministrativeUnit]:
    """The provinces expected to report for the scope: those in force at the end of the period."""
    if scope.kind == "nation":
        return list(provinces_on(period.end).order_by("code"))
    if scope.region is not None:
        in_force = set(provinces_on(period.end).values_list("pk", flat=True))
        return [p for p in region_provinces(scope.region, period.year).order_by("code") if p.pk in in_force]
    if scope.unit is None:
        return []
    # the unit itself when in force; else the provinces of the time within it (today's Khánh Hòa in 2022:
    # the legacy Khánh Hòa and Ninh Thuận)
    return list(provinces_on(period.end).filter(scope.units_q(period.year, "")).order_by("code"))


def latest_submissions(
    provinces: list[AdministrativeUnit], period: Period, *, include_unapproved: bool = False
) -> dict[int, Submission]:
    statuses = [SubmissionStatus.APPROVED]
    if include_unapproved:
        statuses.append(SubmissionStatus.SUBMITTED)
    qs: QuerySet[Submission] = Submission.objects.filter(
        unit__in=provinces, year=period.year, through_month=period.through_month, status__in=statuses
    ).order_by("unit_id", "-version")
    latest: dict[int, Submission] = {}
    for submission in qs.prefetch_related("figures", "indicators"):
        latest.setdefault(submission.unit_id, submission)
    return latest


@dataclass
class Completeness:
    expected: list[AdministrativeUnit]
    submitted: dict[int, Submission] = field(default_factory=dict)
    period: Period | None = None

    def as_dict(self) -> dict[str, Any]:
        missing = [p for p in self.expected if p.pk not in self.submitted]
        due = ReportDeadline.due(self.period.year, self.period.through_month) if self.period else None
        first = self._first_submitted()
        late = [p for p in self.expected if ReportDeadline.missed(due, first.get(p.pk))]
        return {
            "expected": len(self.expected),
            "submitted": len(self.submitted),
            "missing": [{"code": p.code, "name": p.name} for p in missing],
            "due_on": due.isoformat() if due else None,
            "late": [
                {
                    "code": p.code,
                    "name": p.name,
                    "first_submitted": timezone.localdate(first[p.pk]).isoformat() if p.pk in first else None,
                }
                for p in late
            ],
            "versions": [
                {"code": s.unit.code, "version": s.version, "status": s.status}
                for s in self.submitted.values()
            ],
        }

    def _first_submitted(self) -> dict[int, dt.datetime]:
        """When each expected province first sent its report for the period up (lateness counts from
        there: a report returned and sent again is not late for that; one still at its Department is)."""
        if self.period is None:
            return {}
        return dict(
            Submission.objects.filter(
                unit__in=self.expected,
                year=self.period.year,
                through_month=self.period.through_month,
                sent_at__isnull=False,
            )
            .values("unit_id")
            .annotate(first=Min("sent_at"))
            .values_list("unit_id", "first")
        )


def _totals(
    submissions: dict[int, Submission], boundaries: str = "current"
) -> tuple[PlanTotals, ExecutedTotals, dict[str, int]]:
    plan, done = PlanTotals(), ExecutedTotals()
    achieved: dict[str, int] = defaultdict(int)
    for submission in submissions.values():
        rows = list(submission.figures.all())
        # Rows broken down by content group make the source's total when no total row is given.
        totals = {r.source for r in rows if not r.content_group}
        unit = submission.unit_id
        if boundaries == "current":
            unit = submission.unit.current_province_id or unit
        for row in rows:
            source = SOURCE_OF[row.source]
            if row.content_group:
                plan.by_group[row.content_group] += row.plan_dong
                done.by_group[row.content_group] += row.executed_dong
                if row.source in totals:
                    continue
            plan.total += row.plan_dong
            plan.by_source[source] += row.plan_dong
            plan.by_unit[unit] += row.plan_dong
            done.total += row.executed_dong
            done.by_source[source] += row.executed_dong
            done.by_unit[unit] += row.executed_dong
        for indicator in submission.indicators.all():
            if indicator.planned is not None:
                plan.targets[indicator.indicator_code] += indicator.planned
            if indicator.achieved is not None:
                achieved[indicator.indicator_code] += indicator.achieved
    return plan, done, dict(achieved)


def submitted_figures(
    scope: Scope, period: Period, *, include_unapproved: bool = False, boundaries: str = "current"
) -> tuple[LiveFigures, Completeness]:
    def one(s: Scope, p: Period) -> tuple[PlanTotals, ExecutedTotals, dict[str, int], Completeness]:
        provinces = scope_provinces(s, p)
        latest = latest_submissions(provinces, p, include_unapproved=include_unapproved)
        plan, done, achieved = _totals(latest, boundaries)
        return plan, done, achieved, Completeness(provinces, latest, p)

    plan, done, achieved, completeness = one(scope, period)
    previous_plan, previous_done, _a, _c = one(scope, period.previous())
    national_plan, national_done = (plan, done) if scope.kind == "nation" else one(NATION, period)[:2]
    figures = figures_of(
        (plan, done), previous=(previous_plan, previous_done), national=(national_plan, national_done)
    )
    return LiveFigures(figures, plan, done, achieved), completeness

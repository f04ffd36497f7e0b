"""Live figures: a scope's plan (as of a date), executed amounts (ledger, by value date) and indicators
(deliverables), read straight from the plans, finance and projects apps.

A scope is the nation, a region (its provinces in each year of the period) or an administrative unit
with everything within it, across the 2025 reform (legacy units roll up into today's provinces; see
`Scope.in_boundaries`). The period (`periods.Period`) is part of a year or a range of years.
"""

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from khuyencong.catalog.models import Indicator
from khuyencong.core.errors import ValidationFailed
from khuyencong.finance.selectors import ExecutedTotals, executed_in_months
from khuyencong.geo.models import AdministrativeUnit, Region
from khuyencong.geo.selectors import BOUNDARIES, containment_q, region_q, unit_on
from khuyencong.plans.choices import FundingSource
from khuyencong.plans.models import Plan
from khuyencong.plans.selectors import PlanTotals, plan_as_of
from khuyencong.projects.models import Deliverable, Project

from .metrics import Figures, Split
from .periods import Period, years_earlier


@dataclass(frozen=True)
class Scope:
    kind: str  # "nation" | "region" | "unit"
    code: str
    label: str
    region: Region | None = None
    unit: AdministrativeUnit | None = None

    @property
    def key(self) -> str:
        return self.kind if self.kind == "nation" else f"{self.kind}:{self.code}"

    def units_q(self, year: int, prefix: str) -> Q:
        """Rows whose unit (at lookup `prefix`, e.g. "unit__") lies in the scope in `year`."""
        if self.kind == "nation":
            return Q()
        if self.region is not None:
            return region_q(self.region, year, prefix)
        if self.unit is None:
            raise ValueError(f"scope {self.key} names no unit")
        return containment_q(self.unit, prefix)

    def in_boundaries(self, boundaries: str) -> "Scope":
        """The scope under `boundaries`. `historical`: the unit as it was (unit:58 for 2022 is Ninh
        Thuận alone). `current`: a unit no longer in force gives way to the 2025 province it rolled up
        into (unit:56 for 2022 is today's Khánh Hòa, Ninh Thuận included; so is unit:58)."""
        if boundaries not in BOUNDARIES:
            raise ValidationFailed(
                _("Boundaries are current or historical."), code="invalid_boundaries", field="boundaries"
            )
        if boundaries == "historical" or self.unit is None or self.unit.is_current:
            return self
        today = self.unit.current_province
        if today is None:
            return self
        return Scope("unit", today.code, today.name, unit=today)


NATION = Scope("nation", "", str(_("the whole country")))


def parse_scope(text: str, year: int) -> Scope:
    """ "nation", "region:CODE" or "unit:GSO_CODE" (the unit in force at the end of `year`)."""
    text = (text or "").strip()
    if text == "nation":
        return NATION
    kind, _sep, code = text.partition(":")
    if kind == "region" and code:
        region = Region.objects.filter(code=code).first()
        if region is not None:
            return Scope("region", code, str(region), region=region)
    if kind == "unit" and code:
        try:
            unit = unit_on(code, dt.date(year, 12, 31), level="province")
        except AdministrativeUnit.DoesNotExist:
            unit = None
        if unit is not None:
            return Scope("unit", code, unit.name, unit=unit)
    raise ValidationFailed(
        _("Unknown scope “%(scope)s”: use nation, region:CODE or unit:GSO_CODE.") % {"scope": text},
        code="invalid_scope",
        field="scope",
    )


def _years_q(scope: Scope, years: list[int], prefix: str, year_field: str = "year") -> Q:
    """Rows of `years` (at `year_field`) whose unit (at `prefix`) lies in the scope in their own year."""
    return reduce(or_, (Q(**{year_field: year}) & scope.units_q(year, prefix) for year in years))


def _plans(scope: Scope, years: list[int]) -> QuerySet[Plan]:
    return Plan.objects.filter(_years_q(scope, years, "unit__"))


def scope_plans(scope: Scope, period: Period) -> QuerySet[Plan]:
    """The plans of the period's year(s) whose unit lies in the scope."""
    return _plans(scope, period.all_years)


def scope_projects(scope: Scope, period: Period) -> QuerySet[Project]:
    """The projects of the period's year(s) located in the scope."""
    return Project.objects.filter(_years_q(scope, period.all_years, "location__"))


def _split(by_source: dict[str, int]) -> Split:
    return Split(KCQG=by_source.get(FundingSource.NATIONAL, 0), KCDP=by_source.get(FundingSource.LOCAL, 0))


Year = tuple[PlanTotals, ExecutedTotals]


def figures_of(year: Year, *, previous: Year, national: Year) -> Figures:
    """The metrics' input from plan and executed totals of the year, the previous year (same period)
    and the nation; no previous year when it had neither plan nor execution."""
    (plan, done), (previous_plan, previous_done), (national_plan, national_done) = year, previous, national
    has_previous = bool(previous_plan.total or previous_done.total)
    return Figures(
        plan=_split(plan.by_source),
        executed=_split(done.by_source),
        previous_plan=_split(previous_plan.by_source) if previous_plan.total else None,
        previous_executed=_split(previous_done.by_source) if has_previous else None,
        national_plan=_split(national_plan.by_source),
        national_executed=_split(national_done.by_source),
    )


@dataclass
class LiveFigures:
    figures: Figures
    plan: PlanTotals
    executed: ExecutedTotals
    achieved: dict[str, int]


def _add(into: dict, more: dict) -> None:
    for key, amount in more.items():
        into[key] = into.get(key, 0) + amount


def add_plans(totals: list[PlanTotals]) -> PlanTotals:
    """The sum of several years' plan totals."""
    out = PlanTotals()
    for one in totals:
        out.total += one.total
        _add(out.by_source, one.by_source)
        _add(out.by_group, one.by_group)
        _add(out.by_unit, one.by_unit)
        _add(out.targets, one.targets)
    return out


def period_totals(
    scope: Scope,
    period: Period,
    as_of: dt.date | None = None,
    *,
    boundaries: str = "current",
    breakdown: bool = True,
) -> tuple[PlanTotals, ExecutedTotals]:
    """The scope's annual plans of the period's years (each as approved on `Period.plan_day`), added
    up, and what its projects of the period's years disbursed with value dates in the period (a period
    ending with December: up to the next year's adjustment period — `Period.executed_until`), from
    the disbursed-by-month aggregate. Without `breakdown`, plan and executed amounts are only split by
    source (comparisons need no more)."""
    plans = [
        plan_as_of(
            None,
            year=year,
            on=period.plan_day(year, as_of),
            plans=_plans(scope, [year]),
            boundaries=boundaries,
            breakdown=breakdown,
        )
        for year in period.all_years
    ]
    done = executed_in_months(
        _years_q(scope, period.all_years, "province__"),
        start=period.start,
        end=period.executed_until,
        boundaries=boundaries,
        breakdown=breakdown,
    )
    return (plans[0] if len(plans) == 1 else add_plans(plans)), done


def live_figures(
    scope: Scope, period: Period, as_of: dt.date | None = None, *, boundaries: str = "current"
) -> LiveFigures:
    """The scope's figures for the period, the previous period (plans as of the same day a year — or a
    range — earlier when `as_of` is given) and the nation, and the indicators its projects achieved."""
    plan, done = period_totals(scope, period, as_of, boundaries=boundaries)
    earlier = years_earlier(as_of, period.span) if as_of else None
    previous_plan, previous_done = period_totals(
        scope, period.previous(), earlier, boundaries=boundaries, breakdown=False
    )
    national = (
        (plan, done) if scope.kind == "nation" else period_totals(NATION, period, as_of, breakdown=False)
    )
    achieved = _achieved(scope, period)
    figures = figures_of((plan, done), previous=(previous_plan, previous_done), national=national)
    return LiveFigures(figures, plan, done, achieved)


def _achieved(scope: Scope, period: Period) -> dict[str, int]:
    """What the scope's projects of the period's years achieved, by indicator code (deliverables)."""
    in_scope = _years_q(scope, period.all_years, "project__location__", year_field="year")
    return dict(
        Deliverable.objects.filter(in_scope, achieved__isnull=False)
        .values("indicator__code")
        .annotate(n=Sum("achieved"))
        .order_by()
        .values_list("indicator__code", "n")
    )


def indicator_rows(live: LiveFigures) -> list[dict[str, Any]]:
    codes = set(live.plan.targets) | set(live.achieved)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    return [
        {
            "code": code,
            "name": indicators[code].name if code in indicators else code,
            "unit": indicators[code].unit if code in indicators else "",
            "planned": live.plan.targets.get(code),
            "achieved": live.achieved.get(code),
        }
        for code in sorted(codes)
    ]

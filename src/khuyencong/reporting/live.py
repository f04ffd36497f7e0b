"""Live figures: a scope's plan (as of a date), executed amounts (ledger, by value date) and indicators
(deliverables), read straight from the plans, finance and projects apps.

A scope is the nation, a region (its provinces in the report's year) or an administrative unit with
everything within it, across the 2025 reform (legacy units roll up into today's provinces).
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from khuyencong.catalog.models import Indicator
from khuyencong.core.errors import ValidationFailed
from khuyencong.finance.selectors import ExecutedTotals, executed
from khuyencong.geo.models import AdministrativeUnit, Region
from khuyencong.geo.selectors import containment_q, region_provinces, unit_on
from khuyencong.plans.choices import FundingSource
from khuyencong.plans.models import Plan
from khuyencong.plans.selectors import PlanTotals, plan_as_of
from khuyencong.projects.models import Deliverable, Project

from .metrics import Figures, Split


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
            provinces = list(region_provinces(self.region, year))
            if not provinces:
                return Q(pk__in=[])
            return reduce(or_, (containment_q(p, prefix) for p in provinces))
        if self.unit is None:
            raise ValueError(f"scope {self.key} names no unit")
        return containment_q(self.unit, prefix)


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


@dataclass(frozen=True)
class Period:
    year: int
    through_month: int = 12

    def __post_init__(self) -> None:
        if not 1 <= self.through_month <= 12:
            raise ValidationFailed(_("A month is 1 to 12."), code="invalid_period", field="through_month")

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.through_month, calendar.monthrange(self.year, self.through_month)[1])

    def previous(self) -> "Period":
        return Period(self.year - 1, self.through_month)


def _plans(scope: Scope, year: int) -> QuerySet[Plan]:
    plans = Plan.objects.filter(year=year)
    return plans if scope.kind == "nation" else plans.filter(scope.units_q(year, "unit__"))


def _projects(scope: Scope, year: int) -> QuerySet[Project]:
    projects = Project.objects.filter(year=year)
    return projects if scope.kind == "nation" else projects.filter(scope.units_q(year, "location__"))


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


def _one_year(scope: Scope, period: Period, as_of: dt.date) -> tuple[PlanTotals, ExecutedTotals]:
    plan = plan_as_of(None, year=period.year, on=as_of, plans=_plans(scope, period.year))
    done = executed(None, start=period.start, end=period.end, projects=_projects(scope, period.year))
    return plan, done


def _year_earlier(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1, day=min(day.day, calendar.monthrange(day.year - 1, day.month)[1]))


def live_figures(scope: Scope, period: Period, as_of: dt.date | None = None) -> LiveFigures:
    as_of = as_of or period.end
    plan, done = _one_year(scope, period, as_of)
    previous_plan, previous_done = _one_year(scope, period.previous(), _year_earlier(as_of))
    national_plan, national_done = (
        (plan, done) if scope.kind == "nation" else _one_year(NATION, period, as_of)
    )
    achieved = dict(
        Deliverable.objects.filter(project__in=_projects(scope, period.year), achieved__isnull=False)
        .values("indicator__code")
        .annotate(n=Sum("achieved"))
        .values_list("indicator__code", "n")
    )
    figures = figures_of(
        (plan, done), previous=(previous_plan, previous_done), national=(national_plan, national_done)
    )
    return LiveFigures(figures, plan, done, achieved)


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

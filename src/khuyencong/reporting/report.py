"""The period report as a JSON-ready dict (live figures). Money in đồng as integers, percentages as
numbers rounded to 2 decimals, null where a value cannot be computed."""

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from khuyencong.catalog.models import ContentGroup
from khuyencong.core.formatting import format_percent, format_vnd
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.choices import FundingSource

from .checks import check_not_above
from .live import LiveFigures, Period, Scope, indicator_rows, live_figures
from .metrics import SOURCES, Split, metrics

SOURCE_KEYS = {FundingSource.NATIONAL: "KCQG", FundingSource.LOCAL: "KCDP"}


def _amounts(split: Split, by_group: dict[str, int], by_unit: dict[int | None, int]) -> dict[str, Any]:
    units = AdministrativeUnit.objects.in_bulk([pk for pk in by_unit if pk is not None])
    return {
        "total": split.total,
        "KCQG": split.KCQG,
        "KCDP": split.KCDP,
        "by_group": {code or "": amount for code, amount in sorted(by_group.items())},
        "by_unit": [
            {
                "code": units[pk].code if pk in units else None,
                "name": units[pk].name if pk in units else None,
                "amount": amount,
            }
            for pk, amount in sorted(
                by_unit.items(), key=lambda kv: units[kv[0]].code if kv[0] in units else ""
            )
        ],
    }


def _checks(live: LiveFigures) -> list[dict[str, Any]]:
    out = []
    for key in ("total", *SOURCES):
        violation = check_not_above(live.figures.executed[key], live.figures.plan[key], label=key)
        if violation is not None and live.figures.plan[key]:
            out.append({"rule": violation.rule, "message": violation.message, "figures": violation.figures})
    return out


def _narrative(scope: Scope, period: Period, live: LiveFigures, derived: dict[str, Any]) -> str:
    figures = live.figures
    with translation.override("vi"):
        context = {
            "scope": scope,
            "period": period,
            "plan_total": format_vnd(figures.plan.total, "ty", 2),
            "plan_kcqg": format_vnd(figures.plan.KCQG, "ty", 2),
            "plan_kcdp": format_vnd(figures.plan.KCDP, "ty", 2),
            "executed_total": format_vnd(figures.executed.total, "ty", 2),
            "executed_kcqg": format_vnd(figures.executed.KCQG, "ty", 2),
            "executed_kcdp": format_vnd(figures.executed.KCDP, "ty", 2),
            "rate": _pct_text(derived["execution_rate_pct"]["total"]),
            "rate_kcqg": _pct_text(derived["execution_rate_pct"]["KCQG"]),
            "rate_kcdp": _pct_text(derived["execution_rate_pct"]["KCDP"]),
            "yoy": derived["executed_yoy_pct"],
            "yoy_abs": _pct_text(abs(derived["executed_yoy_pct"]))
            if derived["executed_yoy_pct"] is not None
            else "",
            "growth": derived["plan_growth_pct"],
            "growth_abs": _pct_text(abs(derived["plan_growth_pct"]))
            if derived["plan_growth_pct"] is not None
            else "",
        }
        return render_to_string("reporting/narrative_vi.txt", context).strip()


def _pct_text(value: float | None) -> str:
    return format_percent(None if value is None else value / 100)


def build_report(
    scope: Scope,
    period: Period,
    *,
    as_of: dt.date | None = None,
    boundaries: str = "current",
    source: str = "live",
    include_unapproved: bool = False,
) -> dict:
    """The report from live figures, or (`source="submitted"`) from the provinces' latest approved
    submissions (with `include_unapproved`, the latest submitted ones too), with completeness."""
    as_of = as_of or period.end
    completeness = None
    if source == "submitted":
        from .submitted import submitted_figures

        live, expected = submitted_figures(scope, period, include_unapproved=include_unapproved)
        completeness = expected.as_dict()
    else:
        live = live_figures(scope, period, as_of)
    derived = metrics(live.figures)
    groups = {g.code: g for g in ContentGroup.objects.all()}
    report = {
        "schema": "khuyencong.report/1",
        "scope": {"kind": scope.kind, "code": scope.code or None, "label": scope.label},
        "period": {
            "year": period.year,
            "through_month": period.through_month,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "as_of": as_of.isoformat(),
        "boundaries": boundaries,
        "source": source,
        "plan": _amounts(live.figures.plan, live.plan.by_group, live.plan.by_unit),
        "executed": _amounts(live.figures.executed, live.executed.by_group, live.executed.by_unit),
        **derived,
        "groups": {code: group.name for code, group in groups.items() if code in live.plan.by_group},
        "indicators": indicator_rows(live),
        "completeness": completeness,
        "checks": _checks(live),
    }
    report["narrative_vi"] = _narrative(scope, period, live, derived)
    return report

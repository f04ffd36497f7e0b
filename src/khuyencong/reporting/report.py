"""The period report as a JSON-ready dict (docs/report-schema.md). Money in đồng as integers,
percentages as numbers rounded to 2 decimals, null where a value cannot be computed."""

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.catalog.models import ContentGroup
from khuyencong.core.errors import ValidationFailed
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.models import Plan
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import overdue_counts

from .checks import check_not_above
from .choices import SOURCE_KEYS
from .live import LiveFigures, Period, Scope, indicator_rows, live_figures, scope_plans, scope_projects
from .metrics import SOURCES, Split, metrics
from .narrative import render_narrative

REPORT_SOURCES = ("live", "submitted")


def _amounts(
    split: Split,
    by_group: dict[str, int],
    by_unit: dict[int | None, int],
    units: dict[int, AdministrativeUnit],
) -> dict[str, Any]:
    return {
        "total": split.total,
        "KCQG": split.KCQG,
        "KCDP": split.KCDP,
        "by_group": {code or "": amount for code, amount in sorted(by_group.items())},
        "by_unit": [
            {
                "code": units[pk].code if pk in units else None,
                "name": units[pk].name if pk in units else None,
                "valid_to": _iso(units[pk].valid_to) if pk in units else None,
                "amount": amount,
            }
            for pk, amount in sorted(
                by_unit.items(), key=lambda kv: units[kv[0]].code if kv[0] in units else ""
            )
        ],
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _checks(live: LiveFigures, submissions: list | None = None) -> list[dict[str, Any]]:
    """The rules the report's own figures break, then those each submission it adds up broke when it
    was submitted (named by province and version)."""
    out = []
    for key in ("total", *SOURCES):
        violation = check_not_above(live.figures.executed[key], live.figures.plan[key], label=key)
        if violation is not None and live.figures.plan[key]:
            out.append({"rule": violation.rule, "message": violation.message, "figures": violation.figures})
    for submission in submissions or []:
        for check in submission.checks:
            where = {"unit": submission.unit.code, "version": submission.version}
            out.append(
                {
                    **check,
                    "message": f"{submission.unit.name}: {check['message']}",
                    "figures": {**where, **check["figures"]},
                }
            )
    return out


def project_counts(projects: QuerySet[Project]) -> dict[str, int]:
    """How many of the projects are in each state (every state, zeros included)."""
    counts = dict(projects.values("state").annotate(n=Count("pk")).order_by().values_list("state", "n"))
    return {state: counts.get(state, 0) for state in ProjectState.values}


def overdue_summary(projects: QuerySet[Project], on: dt.date | None = None) -> dict[str, Any]:
    """What is overdue today (settlement dossiers, liquidations, progress reports) among the projects."""
    on = on or timezone.localdate()
    by_kind = overdue_counts(projects, on=on)
    return {"on": on.isoformat(), "count": sum(by_kind.values()), "by_kind": by_kind}


def plans_registered_late(plans: QuerySet[Plan]) -> list[dict[str, Any]]:
    """Plans sent for approval after their registration deadline ("đăng ký kế hoạch chậm")."""
    candidates = plans.filter(submitted_at__isnull=False, registration_deadline__isnull=False).select_related(
        "agency"
    )
    return [
        {
            "agency": plan.agency.name,
            "year": plan.year,
            "source": SOURCE_KEYS[plan.source],
            "deadline": plan.registration_deadline.isoformat(),
            "submitted": timezone.localdate(plan.submitted_at).isoformat(),
        }
        for plan in candidates.order_by("year", "agency__name", "source")
        if plan.submitted_late
    ]


def _check_options(period: Period, boundaries: str, source: str) -> None:
    if source not in REPORT_SOURCES:
        raise ValidationFailed(_("The source is live or submitted."), code="invalid_source", field="source")
    if source == "submitted" and not period.submittable:
        raise ValidationFailed(
            _(
                "Provinces submit figures from 1 January to the end of a month only: a report on "
                "%(period)s cannot be built from submitted figures. Use live figures."
            )
            % {"period": period.label},
            code="period_not_submitted",
            field="source",
        )


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
    submissions (with `include_unapproved`, the latest submitted ones too), with completeness.

    `boundaries="current"` rolls a unit scope that no longer exists into today's province and lists
    amounts by today's provinces; `"historical"` keeps the units as they were (Scope.in_boundaries)."""
    _check_options(period, boundaries, source)
    scope = scope.in_boundaries(boundaries)
    completeness, used = None, []
    if source == "submitted":
        from .submitted import submitted_figures

        live, expected = submitted_figures(
            scope, period, include_unapproved=include_unapproved, boundaries=boundaries
        )
        completeness = expected.as_dict()
        used = list(expected.submitted.values())
    else:
        live = live_figures(scope, period, as_of, boundaries=boundaries)
    derived = metrics(live.figures)
    groups = {g.code: g for g in ContentGroup.objects.all()}
    projects = scope_projects(scope, period)
    units = AdministrativeUnit.objects.in_bulk({*live.plan.by_unit, *live.executed.by_unit} - {None})
    report = {
        "schema": "khuyencong.report/1",
        "scope": {"kind": scope.kind, "code": scope.code or None, "label": scope.label},
        "period": period.as_dict(),
        "as_of": (as_of or period.end).isoformat(),
        "boundaries": boundaries,
        "source": source,
        "plan": _amounts(live.figures.plan, live.plan.by_group, live.plan.by_unit, units),
        "executed": _amounts(live.figures.executed, live.executed.by_group, live.executed.by_unit, units),
        **derived,
        "groups": {code: group.name for code, group in groups.items() if code in live.plan.by_group},
        "indicators": indicator_rows(live),
        "project_counts": project_counts(projects),
        "overdue": overdue_summary(projects),
        "plans_registered_late": plans_registered_late(scope_plans(scope, period)),
        "completeness": completeness,
        "checks": _checks(live, used),
    }
    report["narrative_vi"] = render_narrative(scope, period, live, derived, report["indicators"])
    return report

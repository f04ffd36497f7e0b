"""The period report as a JSON-ready dict (docs/report-schema.md). Money in đồng as integers,
percentages as numbers rounded to 2 decimals, null where a value cannot be computed."""

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.catalog.models import ContentGroup
from khuyencong.core.errors import ValidationFailed
from khuyencong.core.formatting import format_vnd
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.models import Plan
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import overdue_counts

from .checks import check_not_above
from .choices import SOURCE_KEYS, SubmissionStatus
from .live import LiveFigures, Period, Scope, indicator_rows, live_figures, scope_plans, scope_projects
from .metrics import SOURCES, Split, metrics
from .narrative import render_narrative
from .periods import THROUGH, YEAR
from .validation import figure_row, source_totals

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
                "id": pk if pk in units else None,
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


def _without_plan(live: LiveFigures, groups: dict[str, Any]) -> list[dict[str, Any]]:
    """Money disbursed in a content group (or a source) that the scope's plan in force holds nothing
    for: a disbursement no plan line of the period accounts for."""
    out = []
    for key in SOURCES:
        if live.figures.executed[key] and not live.figures.plan[key]:
            out.append(
                {
                    "rule": "executed_without_plan",
                    "message": f"{key}: giải ngân {format_vnd(live.figures.executed[key])} "
                    "nhưng không có kế hoạch nguồn này",
                    "figures": {"source": key, "executed": live.figures.executed[key], "plan": 0},
                }
            )
    for code, amount in sorted(live.executed.by_group.items()):
        if amount and not live.plan.by_group.get(code):
            name = groups[code].name if code in groups else (code or "không thuộc nhóm nội dung nào")
            out.append(
                {
                    "rule": "executed_without_plan",
                    "message": f"Nhóm nội dung “{name}”: giải ngân {format_vnd(amount)} "
                    "không thuộc dòng kế hoạch nào đang có hiệu lực",
                    "figures": {"group": code, "executed": amount, "plan": 0},
                }
            )
    return out


def _changed_after_approval(scope: Scope, period: Period, live: LiveFigures) -> list[dict[str, Any]]:
    """A live report of a period that provinces of the scope had approved: where today's figures
    differ from the approved ones (a province: by source; a region or the nation: the provinces whose
    approved report was corrected after approval)."""
    if period.kind not in (THROUGH, YEAR):
        return []
    from .models import Submission
    from .submitted import scope_provinces

    approved = Submission.objects.filter(
        year=period.year, through_month=period.through_month, status=SubmissionStatus.APPROVED
    ).select_related("unit")
    out = []
    if scope.kind == "unit" and scope.unit is not None:
        submission = approved.filter(unit=scope.unit).order_by("-version").prefetch_related("figures").first()
        if submission is None:
            return []
        approved_totals = source_totals([figure_row(f) for f in submission.figures.all()])
        for key in SOURCES:
            stated = approved_totals[key]
            now = (live.figures.plan[key], live.figures.executed[key])
            if stated != now:
                out.append(
                    {
                        "rule": "changed_after_approval",
                        "message": f"{key}: báo cáo đã duyệt (phiên bản {submission.version}) ghi kế hoạch "
                        f"{format_vnd(stated[0])}, giải ngân {format_vnd(stated[1])}; số liệu hiện nay "
                        f"{format_vnd(now[0])}, {format_vnd(now[1])}",
                        "figures": {
                            "unit": submission.unit.code,
                            "version": submission.version,
                            "source": key,
                            "approved_plan": stated[0],
                            "approved_executed": stated[1],
                            "plan": now[0],
                            "executed": now[1],
                        },
                    }
                )
        return out
    provinces = [p.pk for p in scope_provinces(scope, period)]
    for submission in approved.filter(unit__in=provinces, changed_after_approval=True).order_by("unit__code"):
        out.append(
            {
                "rule": "changed_after_approval",
                "message": f"{submission.unit.name}: số liệu đã thay đổi sau khi báo cáo "
                f"(phiên bản {submission.version}) được duyệt",
                "figures": {"unit": submission.unit.code, "version": submission.version},
            }
        )
    return out


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
        "scope": {
            "kind": scope.kind,
            "code": scope.code or None,
            "id": scope.unit.pk if scope.unit is not None else None,
            "label": scope.label,
        },
        "period": period.as_dict(),
        "as_of": (as_of or period.end).isoformat(),
        "boundaries": boundaries,
        "source": source,
        "plan": _amounts(live.figures.plan, live.plan.by_group, live.plan.by_unit, units),
        "executed": _amounts(live.figures.executed, live.executed.by_group, live.executed.by_unit, units),
        **derived,
        "groups": {
            code: group.name
            for code, group in groups.items()
            if code in live.plan.by_group or code in live.executed.by_group
        },
        "indicators": indicator_rows(live),
        "project_counts": project_counts(projects),
        "overdue": overdue_summary(projects),
        "plans_registered_late": plans_registered_late(scope_plans(scope, period)),
        "completeness": completeness,
        "checks": _checks(live, used),
    }
    if source == "live":
        report["checks"] += _without_plan(live, groups) + _changed_after_approval(scope, period, live)
    report["narrative_vi"] = render_narrative(
        scope, period, live, derived, report["indicators"], completeness
    )
    return report

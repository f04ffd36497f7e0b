"""The report dict (docs/report-schema.md) arranged for reading: table rows by source, content group,
unit and indicator, the execution-rate chart's data, and the checks. Nothing is recomputed that the
report states; rates the report does not carry (a group's or a unit's) use the same `metrics.pct`."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.errors import DomainError
from khuyencong.core.formatting import format_date, format_vnd

from .choices import SOURCE_OF
from .exports.text import unit_rows as export_unit_rows
from .live import parse_scope
from .metrics import pct
from .params import ReportParams

SOURCE_LABELS = {"KCQG": "KCQG", "KCDP": "KCĐP"}


def ledger_query(report: dict[str, Any], **row: Any) -> dict[str, Any] | None:
    """The ledger list's filter (finance `ledger_filtered`) whose entries make up one executed amount
    of a live report: the projects of the period's year, value dates in the period, the report's scope
    and the row's `source`, `group` or `province`. None where no list adds up to the amount (submitted
    figures, a range of years)."""
    period = report["period"]
    if report["source"] != "live" or period["kind"] == "programme":
        return None
    query: dict[str, Any] = {"year": period["year"], "start": _dmy(period["start"])}
    if period.get("executed_until"):
        query["end"] = _dmy(period["end"])
    scope = report["scope"]
    if scope["kind"] == "region":
        query["region"] = scope["code"]
    elif scope["kind"] == "unit" and "province" not in row:  # a province row lies within the scope
        query["province"] = scope["id"]
    if "province" in row and report["boundaries"] == "historical":
        query["boundaries"] = "historical"
    return {**query, **row}


def _dmy(iso: str) -> str:
    return format_date(dt.date.fromisoformat(iso))


def source_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """KCQG, KCĐP and the total: plan, executed, executed against its own plan, executed against the
    total plan, and the plan's share of the total plan."""
    plan, done = report["plan"], report["executed"]
    rows = [
        {
            "key": key,
            "label": SOURCE_LABELS[key],
            "plan": plan[key],
            "executed": done[key],
            "rate": report["execution_rate_pct"][key],
            "share_of_total_plan": report["executed_share_of_total_plan_pct"][key],
            "plan_share": report["plan_share_pct"][key],
            "ledger": ledger_query(report, source=SOURCE_OF[key].value),
        }
        for key in ("KCQG", "KCDP")
    ]
    rows.append(
        {
            "key": "total",
            "label": _("Total"),
            "plan": plan["total"],
            "executed": done["total"],
            "rate": report["execution_rate_pct"]["total"],
            "share_of_total_plan": report["execution_rate_pct"]["total"],
            "plan_share": pct(plan["total"], plan["total"]),
            "ledger": ledger_query(report),
            "is_total": True,
        }
    )
    return rows


def group_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    plan, done = report["plan"]["by_group"], report["executed"]["by_group"]
    names = report.get("groups", {})
    return [
        {
            "code": code,
            "name": names.get(code) or code or _("Not broken down by content group"),
            "plan": plan.get(code, 0),
            "executed": done.get(code, 0),
            "rate": pct(done.get(code, 0), plan.get(code, 0)),
            "ledger": ledger_query(report, group=code) if code else None,
        }
        for code in sorted(set(plan) | set(done), key=lambda c: (c == "", c))
    ]


def unit_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The exports' rows by unit (one per unit, a legacy province with the day it ended), each with
    the link to the ledger entries behind its executed amount."""
    return [
        {**row, "ledger": ledger_query(report, province=row["id"]) if row.get("id") else None}
        for row in export_unit_rows(report)
    ]


def indicator_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**row, "rate": pct(row["achieved"], row["planned"])} for row in report.get("indicators", [])]


def chart_data(report: dict[str, Any], units: list[dict[str, Any]]) -> dict[str, Any]:
    """Execution rate (executed against own plan) by unit; for one province, by source."""
    if report["scope"]["kind"] == "unit" or len(units) <= 1:
        rows = [
            (SOURCE_LABELS.get(key, key) if key != "total" else _("Total"), report["execution_rate_pct"][key])
            for key in ("KCQG", "KCDP", "total")
        ]
        title = _("Execution rate by source, against its own plan")
    else:
        rows = [(row["name"], row["rate"]) for row in units]
        title = _("Execution rate by province, against its plan")
    return {
        "title": title,
        "labels": [label for label, _rate in rows],
        "values": [rate for _label, rate in rows],
        "unit": "%",
        "empty": _("No plan yet: no rate to draw."),
    }


FIGURE_LABELS = {"executed": gettext_lazy("Executed"), "plan": gettext_lazy("Plan")}
RULE_LABELS = {
    "executed_above_plan": gettext_lazy("Executed above the plan"),
    "executed_without_plan": gettext_lazy("Disbursed without a plan line"),
    "changed_after_approval": gettext_lazy("Changed after approval"),
}


def check_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for check in report.get("checks", []):
        figures = [
            (
                str(FIGURE_LABELS[key]) if key in FIGURE_LABELS else key,
                format_vnd(value) if isinstance(value, int) and not isinstance(value, bool) else value,
            )
            for key, value in (check.get("figures") or {}).items()
        ]
        rule = check.get("rule", "")
        out.append(
            {
                "rule": str(RULE_LABELS[rule]) if rule in RULE_LABELS else rule,
                "message": check.get("message", ""),
                "figures": figures,
            }
        )
    return out


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").split("\n\n") if p.strip()]


def _date(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def completeness(report: dict[str, Any]) -> dict[str, Any] | None:
    """The submitted reports' completeness with its dates as dates."""
    found = report.get("completeness")
    if not found:
        return None
    return {
        **found,
        "due_on": _date(found.get("due_on")),
        "late": [{**p, "first_submitted": _date(p.get("first_submitted"))} for p in found.get("late", [])],
    }


def report_page(report: dict[str, Any]) -> dict[str, Any]:
    """Everything the report page shows besides the form."""
    units = unit_rows(report)
    return {
        "report": report,
        "sources": source_rows(report),
        "groups": group_rows(report),
        "units": units,
        "indicators": indicator_rows(report),
        "checks": check_rows(report),
        "narrative": paragraphs(report.get("narrative_vi", "")),
        "chart": chart_data(report, units),
        "completeness": completeness(report),
        "ledger": ledger_query(report),
        "dates": {
            "start": _date(report["period"]["start"]),
            "end": _date(report["period"]["end"]),
            "executed_until": _date(report["period"].get("executed_until")),
            "as_of": _date(report["as_of"]),
        },
    }


SOURCE_CHOICE_LABELS = {
    "live": gettext_lazy("live figures"),
    "submitted": gettext_lazy("submitted reports"),
}


def describe(params: dict[str, Any]) -> dict[str, str]:
    """An export job's parameters in words: scope, period, figures, report date."""
    about = {"scope": str(params.get("scope", "")), "period": "", "source": "", "as_of": ""}
    try:
        request = ReportParams.from_json(params)
        about["scope"] = parse_scope(request.scope, request.year).label
        about["period"] = request.period().label
    except (DomainError, TypeError, ValueError):
        return about
    about["source"] = str(SOURCE_CHOICE_LABELS.get(request.source, request.source))
    if request.source == "submitted" and request.include_unapproved:
        about["source"] += " " + _("(including reports not yet approved)")
    about["as_of"] = format_date(request.as_of) if request.as_of else ""
    return about

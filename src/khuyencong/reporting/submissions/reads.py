"""Reads shared by the submission pages and the submission API: who may reach which submission or
province (404 outside the jurisdiction, 403 inside it when the role or level may not), the figure and
check tables of a submission, and the dry-run preview of an import file. Nothing here writes: the
workflow is `services.submission_submit`, `submission_decide` and `submissions_import`."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NoReturn

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.jurisdiction import Action, allows, scope_of
from khuyencong.catalog.models import ContentGroup, Indicator
from khuyencong.core.errors import NotInJurisdiction, PermissionDenied
from khuyencong.core.formatting import format_vnd, ratio
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import provinces_on

from ..access import covers_province, may_submit
from ..imports import raise_import_invalid, read_file
from ..live import Period
from ..models import ReportDeadline, Submission
from ..selectors import submissions_visible
from ..services import content_key  # the key the import compares with: the same figures, the same key

SOURCE_LABELS = {
    "KCQG": gettext_lazy("National khuyến công (KCQG)"),
    "KCDP": gettext_lazy("Local khuyến công (KCĐP)"),
}
RULE_LABELS = {
    "executed_above_plan": gettext_lazy("Executed above the plan"),
    "groups_total": gettext_lazy("Content groups do not add up to the total"),
    "differs_from_live": gettext_lazy("Differs from the figures held in the system"),
    "plan_changed_without_revision": gettext_lazy("Plan changed without an approved revision"),
}
FIGURE_LABELS = {
    "source": gettext_lazy("source"),
    "plan": gettext_lazy("plan"),
    "executed": gettext_lazy("executed"),
    "parts": gettext_lazy("parts"),
    "computed": gettext_lazy("sum of the parts"),
    "stated": gettext_lazy("stated total"),
    "submitted_plan": gettext_lazy("submitted plan"),
    "submitted_executed": gettext_lazy("submitted executed"),
    "live_plan": gettext_lazy("plan in the system"),
    "live_executed": gettext_lazy("executed in the system"),
    "earlier_through_month": gettext_lazy("earlier report through month"),
    "earlier_plan": gettext_lazy("plan in the earlier report"),
}
NOT_MONEY = {"source", "earlier_through_month", "stated_pct", "computed_pct"}
IMPORT_MAX_BYTES = 5 * 1024 * 1024


# --- who reaches what ---------------------------------------------------------------------------


def inside_province(user: Any, unit: AdministrativeUnit) -> bool:
    """Does the user's jurisdiction lie inside the province (a commune's officers)? Their province's
    report is not theirs to read, but its existence is no secret to them: 403 rather than 404."""
    units = scope_of(user).units
    province = unit.current_province_id or unit.pk
    return (
        bool(units) and AdministrativeUnit.objects.filter(pk__in=units, current_province_id=province).exists()
    )


def refuse_province(user: Any, unit: AdministrativeUnit | None) -> NoReturn:
    """Raise the refusal for a province the user's jurisdiction does not cover."""
    if unit is not None and inside_province(user, unit):
        raise PermissionDenied(_("A province's report is read by the province, its region and the ministry."))
    raise NotInJurisdiction()


def visible_submission(user: Any, pk: int) -> Submission:
    """The submission if the user may read it; NotInJurisdiction (404) or PermissionDenied (403)."""
    submission = submissions_visible(user).filter(pk=pk).first()
    if submission is not None:
        return submission
    other = Submission.objects.select_related("unit").filter(pk=pk).first()
    refuse_province(user, other.unit if other else None)


def current_province(code: str) -> AdministrativeUnit | None:
    return provinces_on(timezone.localdate()).filter(code=(code or "").strip()).first()


def province_to_submit(user: Any, code: str) -> AdministrativeUnit:
    """The province in force with GSO code `code`, if the user may submit its report: 404 out of the
    jurisdiction, 403 when the role may not submit."""
    unit = current_province(code)
    if unit is None or not covers_province(user, unit):
        refuse_province(user, unit)
    if not allows(user, Action.CHANGE):
        raise PermissionDenied()
    return unit  # type: ignore[return-value]


def submit_provinces(user: Any) -> list[AdministrativeUnit]:
    """The provinces in force whose report the user may submit (their own; the nation's: every one)."""
    if not allows(user, Action.CHANGE):
        return []
    provinces = provinces_on(timezone.localdate()).order_by("name")
    return [p for p in provinces if may_submit(user, p)]


def may_import(user: Any) -> bool:
    """Import is for those who may submit some province's report."""
    scope = scope_of(user)
    return allows(user, Action.CHANGE) and (scope.nation or bool(scope.provinces))


def require_import(user: Any) -> None:
    if not may_import(user):
        raise PermissionDenied(_("Only the province's officers and the ministry import report files."))


def default_period(today: dt.date | None = None) -> tuple[int, int]:
    """The period most likely reported now: the latest that has a report deadline and has ended (the
    9-month report from October to December, the annual one in January); without deadlines, through
    the last month that has ended."""
    today = today or timezone.localdate()
    months = sorted(set(ReportDeadline.objects.values_list("through_month", flat=True)), reverse=True)
    for year in (today.year, today.year - 1):
        for month in months:
            if Period(year, month).end < today:
                return year, month
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def period_label(year: int, through_month: int) -> str:
    """ "9 tháng đầu năm 2025", "năm 2025"."""
    return Period(year, through_month).label


# --- what a submission holds ----------------------------------------------------------------------


@dataclass
class FigureLine:
    source: str
    group: str
    label: str
    plan: int
    executed: int
    total: bool = False

    @property
    def rate(self):
        return ratio(self.executed, self.plan)


@dataclass
class SourceTable:
    source: str
    label: str
    total: FigureLine
    groups: list[FigureLine] = field(default_factory=list)
    summed: bool = False  # no total row was submitted: the total is the sum of the groups


def figure_tables(figures: list[Any]) -> list[SourceTable]:
    """The figure rows by source: the source's total row and its content groups."""
    names = {g.code: f"{g.number}. {g.name}" for g in ContentGroup.objects.all()}
    tables = []
    for source in ("KCQG", "KCDP"):
        rows = [f for f in figures if f.source == source]
        if not rows:
            continue
        groups = [
            FigureLine(
                source,
                r.content_group,
                names.get(r.content_group, r.content_group),
                r.plan_dong,
                r.executed_dong,
            )
            for r in sorted(rows, key=lambda r: r.content_group)
            if r.content_group
        ]
        stated = next((r for r in rows if not r.content_group), None)
        label = str(SOURCE_LABELS[source])
        if stated is not None:
            total = FigureLine(source, "", label, stated.plan_dong, stated.executed_dong, total=True)
        else:
            total = FigureLine(
                source, "", label, sum(g.plan for g in groups), sum(g.executed for g in groups), total=True
            )
        tables.append(SourceTable(source, label, total, groups, summed=stated is None))
    return tables


def grand_total(tables: list[SourceTable]) -> FigureLine:
    return FigureLine(
        "",
        "",
        _("Total"),
        sum(t.total.plan for t in tables),
        sum(t.total.executed for t in tables),
        total=True,
    )


def indicator_lines(indicators: list[Any]) -> list[dict[str, Any]]:
    names = {i.code: (i.name, i.unit) for i in Indicator.objects.all()}
    return [
        {
            "code": row.indicator_code,
            "name": names.get(row.indicator_code, (row.indicator_code, ""))[0],
            "unit": names.get(row.indicator_code, ("", ""))[1],
            "planned": row.planned,
            "achieved": row.achieved,
            "rate": ratio(row.achieved, row.planned) if row.planned and row.achieved is not None else None,
        }
        for row in sorted(indicators, key=lambda r: r.indicator_code)
    ]


def _figure_value(key: str, value: Any) -> str:
    if key in NOT_MONEY:
        return f"{value}%" if key.endswith("_pct") else str(value)
    if isinstance(value, list):
        return " + ".join(_figure_value("", v) for v in value)
    try:
        return format_vnd(int(str(value)), "trieu")
    except ValueError:
        return str(value)


def check_items(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The consistency checks a submission failed, with a label and their figures formatted."""
    return [
        {
            "rule": check.get("rule", ""),
            "label": RULE_LABELS.get(check.get("rule", ""), check.get("rule", "")),
            "message": check.get("message", ""),
            "figures": [
                (FIGURE_LABELS.get(key, key.replace("_", " ")), _figure_value(key, value))
                for key, value in (check.get("figures") or {}).items()
            ],
        }
        for check in checks or []
    ]


# --- an import file, before anything is written ---------------------------------------------------


@dataclass
class PreviewGroup:
    unit: AdministrativeUnit
    year: int
    through_month: int
    figures: int
    indicators: int
    plan: int
    executed: int
    outcome: str  # "new", "new_version", "unchanged"
    version: int  # the version it would create (or the latest, when unchanged)
    latest: Submission | None

    @property
    def period_label(self) -> str:
        return period_label(self.year, self.through_month)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_code": self.unit.code,
            "unit_name": self.unit.name,
            "year": self.year,
            "through_month": self.through_month,
            "period_label": self.period_label,
            "figure_rows": self.figures,
            "indicator_rows": self.indicators,
            "plan_dong": self.plan,
            "executed_dong": self.executed,
            "outcome": self.outcome,
            "version": self.version,
        }


@dataclass
class Preview:
    groups: list[PreviewGroup] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    errors_not_listed: int = 0

    @property
    def writes(self) -> int:
        return sum(1 for g in self.groups if g.outcome != "unchanged")

    @property
    def error_count(self) -> int:
        return len(self.errors) - (1 if self.errors_not_listed else 0) + self.errors_not_listed

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise_import_invalid(self.errors, self.error_count)


def _totals(rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Plan and executed of all sources: each source's total row, or the sum of its groups."""
    plan = executed = 0
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_source[row["source"]].append(row)
    for source_rows in by_source.values():
        totals = [r for r in source_rows if not r["content_group"]] or source_rows
        plan += sum(r["plan_dong"] for r in totals)
        executed += sum(r["executed_dong"] for r in totals)
    return plan, executed


def import_preview(user: Any, name: str, content: bytes) -> Preview:
    """What importing the file would do, without writing: each (province, year, month) with its
    totals and whether it makes a new submission, a new version or changes nothing; or every error
    by sheet, row and column (including provinces outside the user's jurisdiction)."""
    if len(content) > IMPORT_MAX_BYTES:
        return Preview(errors=[too_large_error()])
    parsed = read_file(name, content)
    if parsed.errors:
        return Preview(errors=parsed.error_dicts(), errors_not_listed=parsed.errors_not_listed)
    units = AdministrativeUnit.objects.in_bulk([key[0] for key in parsed.figures])
    preview = Preview()
    for key in sorted(parsed.figures, key=lambda k: (k[1], k[2], units[k[0]].code)):
        unit_id, year, month = key
        unit = units[unit_id]
        figures, indicators = parsed.figures[key], parsed.indicators.get(key, [])
        if not may_submit(user, unit):
            preview.errors.append(
                {
                    "sheet": "figures",
                    "row": 0,
                    "column": "unit_code",
                    "code": "not_in_jurisdiction",
                    "message": _(
                        "%(province)s (%(code)s) is outside your jurisdiction: you may not submit its figures"
                        "."
                    )
                    % {"province": unit.name, "code": unit.code},
                }
            )
            continue
        latest = (
            Submission.objects.filter(unit_id=unit_id, year=year, through_month=month)
            .order_by("-version")
            .first()
        )
        if latest is None:
            outcome, version = "new", 1
        elif latest.content_key == content_key(figures, indicators):
            outcome, version = "unchanged", latest.version
        else:
            outcome, version = "new_version", latest.version + 1
        plan, executed = _totals(figures)
        preview.groups.append(
            PreviewGroup(
                unit, year, month, len(figures), len(indicators), plan, executed, outcome, version, latest
            )
        )
    return preview


def too_large_error() -> dict[str, Any]:
    return {
        "sheet": "",
        "row": 0,
        "column": "",
        "code": "file_too_large",
        "message": _("The file is larger than %(mb)s MB; split it by year or by province.")
        % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)},
    }

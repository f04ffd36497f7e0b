"""Plans with their lines and targets from a spreadsheet (core.imports): the sheet "Kế hoạch".

A row is a line of a plan, as a plan's table is laid out in its decision; every row names its plan by
the agency (code), the year and the funding source (and the budget level for a KCĐP plan of a
commune): the plan's natural key. The rows of one plan are taken together through the services the
plan pages use (`applies`): `plan_create` and `plan_line_add` for a new plan; when the rows give the
day it was sent, `plan_submit`; when they give the decision that approved it, `plan_submit` and
`plan_approve`, which only the plan's approver may do (a province approver for KCĐP, the ministry for
KCQG) — an officer leaves the decision empty and sends the plan for approval.

A recorded plan whose lines as decided (before any revision) are the rows' is "unchanged"; a draft or
returned one whose lines differ is updated (lines missing from the file deleted, new ones added, as
on the plan's page); a submitted or approved plan whose lines differ is an error: after submission a
plan changes only by a revision approved by decision.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.accounts.models import Agency
from khuyencong.accounts.selectors import agencies_visible
from khuyencong.catalog.models import Activity, Indicator
from khuyencong.core.errors import DomainError
from khuyencong.core.imports import (
    KINDS,
    Cells,
    Column,
    Errors,
    ImportKind,
    Outcome,
    Refused,
    RowErrors,
    choice_names,
    coded,
    in_chunks,
    register,
    text_of,
)
from khuyencong.core.text import fold
from khuyencong.geo.choices import Level
from khuyencong.geo.imports import UnitCodes
from khuyencong.geo.models import AdministrativeUnit

from .choices import EDITABLE_STATUSES, IN_FORCE_STATUSES, BudgetLevel, FundingSource, PlanStatus
from .models import LineTarget, Plan, PlanLine
from .services import (
    can_approve,
    plan_approve,
    plan_create,
    plan_line_add,
    plan_line_delete,
    plan_submit,
)

SHEET = "plans"
SOURCE_WORDS = {"KCQG": FundingSource.NATIONAL, "KCĐP": FundingSource.LOCAL}
SOURCE_SHORT = {value: short for short, value in SOURCE_WORDS.items()}
# the column a service's error on a field points at
COLUMNS = {
    "agency": "agency_code",
    "year": "year",
    "source": "source",
    "activity": "activity_code",
    "amount": "amount",
    "unit": "commune_code",
    "target": "targets",
    "submitted_on": "submitted_on",
    "decision_number": "decision_number",
    "decision_date": "decision_date",
}
PLAN_COLUMNS = ("submitted_on", "decision_number", "decision_date")


@dataclass
class Line:
    number: int
    cells: dict[str, Any]
    activity: Activity
    unit: int | None
    amount: int
    note: str
    targets: dict[str, int]

    def key(self) -> tuple:
        return (self.activity.pk, self.unit, self.amount, self.note, tuple(sorted(self.targets.items())))


@dataclass
class PlanRows:
    """The rows of one plan in the file."""

    agency: Agency
    year: int
    source: str
    budget_level: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    given: dict[str, tuple[int, Any]] = field(default_factory=dict)  # plan column → (row, value)
    ok: bool = True

    def value(self, column: str) -> Any:
        return self.given.get(column, (0, None))[1]

    def row_of(self, column: str) -> int:
        return self.given.get(column, (self.rows[0][0], None))[0]


def _targets_text(targets: dict[str, int]) -> str:
    return "; ".join(f"{code}: {planned}" for code, planned in sorted(targets.items()))


def _level_for(agency: Agency, source: str, given: str) -> str:
    """The plan's budget level as `plan_create` decides it."""
    if source == FundingSource.NATIONAL:
        return BudgetLevel.NATIONAL
    if given in (BudgetLevel.PROVINCE, BudgetLevel.COMMUNE):
        return given
    unit = agency.jurisdiction_unit
    return BudgetLevel.COMMUNE if unit is not None and unit.level == Level.COMMUNE else BudgetLevel.PROVINCE


class PlanReferences:
    """What a plan's row names, loaded once: the agencies (and those the officer may change), the
    activities, indicators and units."""

    def __init__(self, actor: Any) -> None:
        self.agencies = {a.code: a for a in Agency.objects.select_related("jurisdiction_unit")}
        self.mine = set(agencies_visible(actor, Action.CHANGE).values_list("pk", flat=True))
        self.activities = {a.code: a for a in Activity.objects.all()}
        self.indicators = set(Indicator.objects.values_list("code", flat=True))
        self.units = _units(actor)
        self.sources = choice_names(FundingSource.choices, SOURCE_WORDS)
        self.levels = choice_names(
            (v, label) for v, label in BudgetLevel.choices if v != BudgetLevel.NATIONAL
        )

    def plan_key(self, cells: Cells) -> tuple[Agency, int, str, str] | None:
        """The plan the row names: agency, year, source and budget level (None, errors added)."""
        agency = None
        code = coded(cells.value.get("agency_code"))
        if not code:
            cells.error("agency_code", "required", _("Choose the agency from the list."))
        elif code not in self.agencies:
            cells.error("agency_code", "unknown_agency", _("No agency has this code."))
        elif self.agencies[code].pk not in self.mine:
            cells.error("agency_code", "not_in_jurisdiction", _("This agency is outside your jurisdiction."))
        else:
            agency = self.agencies[code]
        year = cells.number("year", minimum=2000, maximum=2100)
        if year is None and text_of(cells.value.get("year")) == "":
            cells.error("year", "required", _("Enter the plan year."))
        source = cells.choice("source", self.sources)
        level = ""
        if text_of(cells.value.get("budget_level")):
            level = cells.choice("budget_level", self.levels)
        if agency is None or year is None or not source or not cells.ok:
            return None
        return agency, year, source, _level_for(agency, source, level)

    def line(self, cells: Cells, year: int) -> Line | None:
        """A line's activity, commune (of the plan's year), amount, targets and note."""
        activity = self.activities.get(coded(cells.value.get("activity_code")))
        if activity is None:
            cells.error("activity_code", "unknown_activity", _("No activity has this code."))
        unit = None
        if code := coded(cells.value.get("commune_code")):
            found = self.units.find(code, year=year)
            if found.pk is None:
                cells.error("commune_code", found.code, found.message)
            unit = found.pk
        amount = cells.money("amount")
        targets: dict[str, int] = {}
        for part in text_of(cells.value.get("targets")).replace("\n", ";").split(";"):
            if not part.strip():
                continue
            name, _sep, planned = part.replace("=", ":").partition(":")
            name = name.strip().lower()
            try:
                count = int(planned.strip().replace(".", ""))
            except ValueError:
                count = -1
            if name not in self.indicators:
                cells.error(
                    "targets",
                    "unknown_indicator",
                    _("No indicator has the code “%(code)s”.") % {"code": name},
                )
            elif count < 0:
                cells.error(
                    "targets",
                    "invalid_target",
                    _("Write each target as code: number (hoc-vien: 120); “%(part)s” is not.")
                    % {"part": part.strip()},
                )
            elif name in targets:
                cells.error("targets", "duplicate_target", _("“%(code)s” is given twice.") % {"code": name})
            else:
                targets[name] = count
        note = cells.text("note", 500)
        if activity is None or amount is None or not cells.ok:
            return None
        return Line(cells.row, cells.value, activity, unit, amount, note, targets)


@register
class PlanImport(ImportKind):
    code = SHEET
    title = gettext_lazy("Plans")
    order = 20
    model = Plan
    url_name = "plans:detail"
    applies = True
    columns = (
        Column(
            "agency_code",
            gettext_lazy("Agency"),
            gettext_lazy(
                "Choose from the list: the agency whose plan it is, the agency of the plan's year "
                "(before 1/7/2025 the old province's)."
            ),
            required=True,
            example="ttkc-56",
            width=30,
        ),
        Column(
            "year", gettext_lazy("Year"), gettext_lazy("The plan year."), required=True, example=2026, width=8
        ),
        Column(
            "source",
            gettext_lazy("Funding source"),
            gettext_lazy("KCQG (national) or KCĐP (local)."),
            required=True,
            example="KCĐP",
            width=10,
        ),
        Column(
            "budget_level",
            gettext_lazy("Budget level"),
            gettext_lazy("For KCĐP: the province's or a commune's budget; empty: the agency's own."),
            width=16,
        ),
        Column(
            "activity_code",
            gettext_lazy("Activity"),
            gettext_lazy("Choose from the list: the activity of the line (code – name)."),
            example="mo-hinh-trinh-dien",
            width=30,
        ),
        Column(
            "commune_code",
            gettext_lazy("Commune"),
            gettext_lazy(
                "The commune the line is for, if any (GSO code – name), as it was in the plan's year."
            ),
            width=24,
        ),
        Column(
            "amount",
            gettext_lazy("Amount (đồng)"),
            gettext_lazy("Whole đồng: 1500000000, 1.500.000.000 or 1,5 tỷ."),
            example=1_500_000_000,
        ),
        Column(
            "targets",
            gettext_lazy("Targets"),
            gettext_lazy("Indicator code and planned number, separated by “;”: hoc-vien: 120; gian-hang: 5."),
            example="mo-hinh-trinh-dien: 2",
            width=30,
        ),
        Column("note", gettext_lazy("Note"), width=30),
        Column(
            "submitted_on",
            gettext_lazy("Sent for approval on"),
            gettext_lazy("dd/mm/yyyy: the day the plan was sent; empty: not sent (a draft)."),
            width=12,
        ),
        Column(
            "decision_number",
            gettext_lazy("Decision number"),
            gettext_lazy(
                "The decision that approved the plan. Only the plan's approver imports an approved plan; "
                "leave it empty to send the plan for approval."
            ),
            example="123/QĐ-UBND",
            width=18,
        ),
        Column("decision_date", gettext_lazy("Decision date"), gettext_lazy("dd/mm/yyyy"), width=12),
    )

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def choices(self, actor: Any) -> dict[str, list[str]]:
        agencies = agencies_visible(actor, Action.CHANGE).order_by("code").values_list("code", "name")
        return {
            "agency_code": [f"{code} – {name}" for code, name in agencies],
            "source": list(SOURCE_WORDS),
            "budget_level": [str(BudgetLevel.PROVINCE.label), str(BudgetLevel.COMMUNE.label)],
            "activity_code": [
                f"{code} – {name}"
                for code, name in Activity.objects.order_by("code").values_list("code", "name")
            ],
            "commune_code": _units(actor).choices(),
        }

    # --- checking -----------------------------------------------------------------------------------

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        plans = self._read(actor, rows, errors)
        rows.clear()
        report = RowErrors(errors, SHEET, COLUMNS, "agency_code")
        outcomes: list[Outcome] = []
        for group in plans.values():
            if group.ok:
                outcomes.extend(self._apply(actor, group, report))
        return outcomes

    def _read(self, actor: Any, rows: list, errors: Errors) -> dict[tuple, PlanRows]:
        """The rows read and grouped by plan; each line's cells checked on their own."""
        refs = PlanReferences(actor)
        plans: dict[tuple, PlanRows] = {}
        for number, value in rows:
            cells = Cells(SHEET, number, value, errors)
            key = refs.plan_key(cells)
            if key is None:
                continue
            agency, year, source, level = key
            group = plans.setdefault((agency.pk, year, source, level), PlanRows(agency, year, source, level))
            group.rows.append((number, value))
            for column in PLAN_COLUMNS:
                self._plan_value(group, cells, column)
            if text_of(value.get("activity_code")):
                line = refs.line(cells, year)
                if line is not None:
                    group.lines.append(line)
            elif any(text_of(value.get(c)) for c in ("commune_code", "amount", "targets")):
                cells.error("activity_code", "required", _("Choose the line's activity from the list."))
            group.ok = group.ok and cells.ok
        return plans

    def _plan_value(self, group: PlanRows, cells: Cells, column: str) -> None:
        """A value of the plan itself: the same on every row that gives it."""
        if not text_of(cells.value.get(column)):
            return
        value = cells.date(column) if column != "decision_number" else text_of(cells.value.get(column))
        if value is None:
            return
        if column in group.given and group.given[column][1] != value:
            cells.error(
                column,
                "plan_values_differ",
                _("Row %(row)s gives this plan another value: the rows of one plan give the same.")
                % {"row": group.given[column][0]},
            )
            return
        group.given.setdefault(column, (cells.row, value))

    def _apply(self, actor: Any, group: PlanRows, report: RowErrors) -> list[Outcome]:
        """The plan's rows through the services, in one savepoint: their outcomes (none on an error)."""
        plan = Plan.objects.filter(
            agency=group.agency, year=group.year, source=group.source, budget_level=group.budget_level
        ).first()
        created = plan is None

        def apply() -> tuple[Plan, list[str]]:
            recorded = plan or plan_create(
                actor=actor,
                agency=group.agency,
                year=group.year,
                source=group.source,
                budget_level=group.budget_level,
            )
            changed = self._lines(actor, recorded, group, report)
            changed += self._status(actor, recorded, group, report)
            return recorded, changed

        number, cells = group.rows[0]
        done = report.run(number, cells, apply)
        if done is None:
            return []
        recorded, changed = done
        outcome = "new" if created else ("update" if changed else "unchanged")
        return [
            Outcome(row, outcome, {"plan": recorded.pk}, recorded.pk, changed if outcome == "update" else [])
            for row, _value in group.rows
        ]

    def _lines(self, actor: Any, plan: Plan, group: PlanRows, report: RowErrors) -> list[str]:
        """The plan's lines as decided made the file's (a draft's: lines deleted and added, as on its
        page): ["lines"] when they changed; `Refused` when they differ and the plan is submitted."""
        recorded = list(
            plan.lines.filter(added_by__isnull=True)
            .select_related("activity")
            .prefetch_related("targets__indicator")
        )
        have = Counter(_recorded_key(line) for line in recorded)
        wanted = Counter(line.key() for line in group.lines)
        missing = [line for line in group.lines if _taken(have, line.key())]
        extra = [line for line in recorded if _taken(wanted, _recorded_key(line))]
        if not missing and not extra:
            return []
        if plan.status not in EDITABLE_STATUSES:
            number, cells = (missing[0].number, missing[0].cells) if missing else group.rows[0]
            report.add(
                number,
                "activity_code",
                "plan_not_editable",
                _(
                    "The plan is %(status)s and its lines are not the file's: after submission a plan "
                    "changes only by a revision approved by decision."
                )
                % {"status": plan.get_status_display()},
                cells.get("activity_code"),
            )
            raise Refused()
        for line in extra:
            plan_line_delete(actor=actor, line=line)
        indicators = Indicator.objects.in_bulk(
            {c for line in missing for c in line.targets}, field_name="code"
        )
        units = AdministrativeUnit.objects.in_bulk({line.unit for line in missing} - {None})
        added = [
            report.run(
                line.number,
                line.cells,
                lambda line=line: plan_line_add(
                    actor=actor,
                    plan=plan,
                    activity=line.activity,
                    amount=line.amount,
                    unit=units.get(line.unit),
                    note=line.note,
                    targets={indicators[c]: n for c, n in line.targets.items()},
                ),
            )
            for line in missing
        ]
        if any(line is None for line in added):
            raise Refused()
        return ["lines"]

    def _status(self, actor: Any, plan: Plan, group: PlanRows, report: RowErrors) -> list[str]:
        """The plan sent and approved as the rows say: the fields changed (`Refused` on an error)."""
        number, sent, day = (group.value(c) for c in ("decision_number", "submitted_on", "decision_date"))
        plan.refresh_from_db()
        if plan.status in IN_FORCE_STATUSES:
            if number and (fold(number) != fold(plan.decision_number) or (day and day != plan.decision_date)):
                report.add(
                    group.row_of("decision_number"),
                    "decision_number",
                    "record_differs",
                    _("The plan is already approved by decision %(number)s of %(date)s.")
                    % {"number": plan.decision_number, "date": plan.decision_date.strftime("%d/%m/%Y")},
                    number,
                )
                raise Refused()
            return []
        if bool(number) != bool(day):
            report.add(
                group.row_of("decision_number" if number else "decision_date"),
                "decision_date" if number else "decision_number",
                "required",
                _("Give both the decision's number and its date, or neither."),
            )
            raise Refused()
        if number:
            allowed, reason = can_approve(actor, plan)
            if not allowed:
                report.add(
                    group.row_of("decision_number"),
                    "decision_number",
                    "not_plan_approver",
                    _("%(reason)s Leave the decision empty to import the plan and send it for approval.")
                    % {"reason": reason},
                    number,
                )
                raise Refused()
        changed: list[str] = []
        try:
            if (sent or number) and plan.status in EDITABLE_STATUSES:
                row = group.row_of("submitted_on" if sent else "decision_date")
                plan = plan_submit(actor=actor, plan=plan, version=plan.version, submitted_on=sent or day)
                changed.append("status")
            if number and plan.status == PlanStatus.SUBMITTED:
                row = group.row_of("decision_number")
                plan_approve(actor=actor, plan=plan, decision_number=number, decision_date=day)
                changed.append("decision_number")
        except DomainError as exc:
            report.domain(row, dict(group.rows[0][1]) | _given(group), exc)
            raise Refused() from None
        return changed

    # --- the list's export ----------------------------------------------------------------------------

    def export_sheets(self, rows: Any, actor: Any) -> dict[str, Any]:
        """The plans as decided and their approved revisions (revision_imports, by its code)."""
        return {SHEET: self.export_rows(rows), "plan_revisions": KINDS["plan_revisions"].export_rows(rows)}

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        """The plans `rows`, a row per line as decided (a plan without lines on one row of its own)."""
        levels = dict(BudgetLevel.choices)
        plan_ids = list(rows.order_by().values_list("pk", flat=True))
        for chunk in in_chunks(plan_ids, 500):
            plans = {
                p["pk"]: p
                for p in Plan.objects.filter(pk__in=chunk).values(
                    "pk",
                    "agency__code",
                    "year",
                    "source",
                    "budget_level",
                    "submitted_at",
                    "decision_number",
                    "decision_date",
                )
            }
            lines: dict[int, list[dict]] = {pk: [] for pk in plans}
            targets: dict[int, dict[str, int]] = {}
            for line in (
                PlanLine.objects.filter(plan__in=chunk, added_by__isnull=True)
                .order_by("plan", "pk")
                .values("pk", "plan", "activity__code", "unit__code", "amount", "note")
            ):
                lines[line["plan"]].append(line)
            for line, code, planned in LineTarget.objects.filter(
                line__plan__in=chunk, line__added_by__isnull=True
            ).values_list("line", "indicator__code", "planned"):
                targets.setdefault(line, {})[code] = planned
            for pk in sorted(plans, key=lambda p: (plans[p]["year"], plans[p]["agency__code"], p)):
                plan = plans[pk]
                base = {
                    "agency_code": plan["agency__code"],
                    "year": plan["year"],
                    "source": SOURCE_SHORT[plan["source"]],
                    "budget_level": ""
                    if plan["source"] == FundingSource.NATIONAL
                    else str(levels[plan["budget_level"]]),
                    "submitted_on": _local_date(plan["submitted_at"]),
                    "decision_number": plan["decision_number"],
                    "decision_date": plan["decision_date"],
                }
                for line in lines[pk] or [None]:
                    if line is None:
                        yield base
                        continue
                    yield {
                        **base,
                        "activity_code": line["activity__code"],
                        "commune_code": line["unit__code"] or "",
                        "amount": line["amount"],
                        "targets": _targets_text(targets.get(line["pk"], {})),
                        "note": line["note"],
                    }


def _taken(counts: Counter, key: tuple) -> bool:
    """False when `counts` still holds `key` (one taken off), True when it is missing."""
    if counts[key] > 0:
        counts[key] -= 1
        return False
    return True


def _given(group: PlanRows) -> dict[str, Any]:
    return {column: value for column, (_row, value) in group.given.items()}


def _recorded_key(line: PlanLine) -> tuple:
    targets = tuple(sorted((t.indicator.code, t.planned) for t in line.targets.all()))
    return (line.activity_id, line.unit_id, line.amount, line.note, targets)


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    from django.utils import timezone

    return timezone.localtime(moment).date() if moment else None


def _units(actor: Any) -> UnitCodes:
    return UnitCodes(
        restrict(AdministrativeUnit.objects.all(), actor, Action.CHANGE),
        levels=(Level.DISTRICT, Level.COMMUNE),
    )

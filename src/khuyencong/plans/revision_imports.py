"""Plan revisions from a spreadsheet (core.imports): the sheet "Điều chỉnh kế hoạch".

A row is one change of a revision: a line added, a line taken out, or a line's amount changed. The
plan is named as on the plans sheet (agency, year, source); the revision by its decision (number and
date) — its natural key with the plan — and its reason, the same on each of its rows. A line taken
out or changed is named by its activity, commune and amount among the plan's lines in force.

The rows of one revision go through the services of the plan page (`applies`): `revision_create`,
then `revision_add_line`, `revision_remove_line` or `revision_change_line` per row, then
`revision_approve` by its decision — for the plan's approver only; rows without a decision leave the
revision as a draft for the approver. A recorded revision with the same decision and the same
changes is "unchanged"; with other changes an error: an approved revision is not edited, a further
revision changes the plan again.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.jurisdiction import Action, allows
from khuyencong.catalog.models import Indicator
from khuyencong.core.errors import DomainError
from khuyencong.core.imports import (
    Cells,
    Column,
    Errors,
    ImportKind,
    Outcome,
    Refused,
    RowErrors,
    choice_names,
    in_chunks,
    register,
)
from khuyencong.core.text import fold
from khuyencong.geo.models import AdministrativeUnit

from .choices import IN_FORCE_STATUSES, BudgetLevel, FundingSource, RevisionStatus
from .imports import SOURCE_SHORT, Line, PlanImport, PlanReferences, _targets_text
from .models import Plan, PlanLine, PlanRevision
from .services import (
    can_approve,
    revision_add_line,
    revision_approve,
    revision_change_line,
    revision_create,
    revision_remove_line,
)

SHEET = "plan_revisions"
ADD, REMOVE, CHANGE = "add", "remove", "change"
CHANGES = (
    (ADD, gettext_lazy("add a line")),
    (REMOVE, gettext_lazy("take out a line")),
    (CHANGE, gettext_lazy("change the amount")),
)
# what officers write besides the list's labels
CHANGE_WORDS = {
    "thêm": ADD,
    "thêm dòng": ADD,
    "bổ sung": ADD,
    "bỏ": REMOVE,
    "bỏ dòng": REMOVE,
    "điều chỉnh": CHANGE,
    "điều chỉnh kinh phí": CHANGE,
    "đổi kinh phí": CHANGE,
}
COLUMNS = {
    "reason": "reason",
    "decision_number": "decision_number",
    "decision_date": "decision_date",
    "activity": "activity_code",
    "amount": "amount",
    "unit": "commune_code",
    "target": "targets",
    "line": "amount",
}


@dataclass
class Change:
    number: int
    cells: dict[str, Any]
    change: str
    line: Line  # for a removal or a change: the line named (its amount: the current one)
    new_amount: int | None = None

    def key(self) -> tuple:
        return (self.change, self.line.key() if self.change == ADD else self.line.key()[:3], self.new_amount)


@dataclass
class RevisionRows:
    plan: tuple
    decision_number: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    given: dict[str, tuple[int, Any]] = field(default_factory=dict)
    ok: bool = True


@register
class RevisionImport(ImportKind):
    code = SHEET
    title = gettext_lazy("Plan revisions")
    order = 25
    model = PlanRevision
    applies = True
    columns = (
        *[c for c in PlanImport.columns if c.code in ("agency_code", "year", "source", "budget_level")],
        Column(
            "decision_number",
            gettext_lazy("Revision decision number"),
            gettext_lazy(
                "The decision approving the revision (with the plan it identifies the revision); empty: a "
                "revision prepared for the approver."
            ),
            example="88/QĐ-UBND",
            width=18,
        ),
        Column("decision_date", gettext_lazy("Revision decision date"), gettext_lazy("dd/mm/yyyy"), width=12),
        Column(
            "reason",
            gettext_lazy("Reason"),
            gettext_lazy("Why the plan changes; the same on every row of the revision."),
            required=True,
            example="Bổ sung kinh phí đề án máy móc",
            width=30,
        ),
        Column(
            "change",
            gettext_lazy("Change"),
            gettext_lazy("Add a line, take out a line, or change a line's amount."),
            required=True,
            example=gettext_lazy("change the amount"),
            width=16,
        ),
        *[c for c in PlanImport.columns if c.code in ("activity_code", "commune_code")],
        Column(
            "amount",
            gettext_lazy("Amount (đồng)"),
            gettext_lazy("A new line's amount; for a line taken out or changed, its amount now."),
            required=True,
            example=1_500_000_000,
        ),
        Column(
            "new_amount",
            gettext_lazy("New amount (đồng)"),
            gettext_lazy("For a change of the amount: the line's amount after the revision."),
            example=1_800_000_000,
        ),
        *[c for c in PlanImport.columns if c.code in ("targets", "note")],
    )

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def choices(self, actor: Any) -> dict[str, list[str]]:
        plans = PlanImport().choices(actor)
        return {
            **{
                code: plans[code]
                for code in ("agency_code", "source", "budget_level", "activity_code", "commune_code")
            },
            "change": [str(label) for _v, label in CHANGES],
        }

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        refs = PlanReferences(actor)
        kinds = choice_names(CHANGES, CHANGE_WORDS)
        revisions: dict[tuple, RevisionRows] = {}
        for number, value in rows:
            cells = Cells(SHEET, number, value, errors)
            key = refs.plan_key(cells)
            change = cells.choice("change", kinds)
            reason = cells.text("reason", 2000, required=_("Say why the plan changes."))
            decision = cells.text("decision_number", 60)
            day = cells.date("decision_date", required=False)
            if key is None or not change:
                continue
            line = refs.line(cells, key[1])
            new_amount = cells.money("new_amount", required=change == CHANGE) if change == CHANGE else None
            group = revisions.setdefault((key, fold(decision)), RevisionRows(key, decision))
            group.rows.append((number, value))
            for column, given in (("reason", reason), ("decision_date", day)):
                if given and column in group.given and group.given[column][1] != given:
                    cells.error(
                        column,
                        "revision_values_differ",
                        _("Row %(row)s gives this revision another value: its rows give the same.")
                        % {"row": group.given[column][0]},
                    )
                elif given:
                    group.given.setdefault(column, (number, given))
            if line is not None and cells.ok:
                group.changes.append(Change(number, value, change, line, new_amount))
            group.ok = group.ok and cells.ok
        rows.clear()
        report = RowErrors(errors, SHEET, COLUMNS, "change")
        outcomes: list[Outcome] = []
        for group in revisions.values():
            if group.ok:
                outcomes.extend(self._apply(actor, group, report))
        return outcomes

    def _apply(self, actor: Any, group: RevisionRows, report: RowErrors) -> list[Outcome]:
        agency, year, source, level = group.plan
        number, cells = group.rows[0]
        plan = Plan.objects.filter(agency=agency, year=year, source=source, budget_level=level).first()
        if plan is None or plan.status not in IN_FORCE_STATUSES:
            report.add(
                number,
                "agency_code",
                "plan_not_approved",
                _(
                    "No approved plan of this agency for %(year)s from this source: "
                    "a revision changes an approved plan."
                )
                % {"year": year},
                cells.get("agency_code"),
            )
            return []
        recorded = (
            plan.revisions.filter(
                status=RevisionStatus.APPROVED, decision_number__iexact=group.decision_number
            ).first()
            if group.decision_number
            else None
        )
        if recorded is not None:
            if Counter(_recorded_changes(recorded)) != Counter(c.key() for c in group.changes):
                report.add(
                    number,
                    "decision_number",
                    "record_differs",
                    _(
                        "Revision %(number)s of the plan is recorded with other changes: an approved "
                        "revision is not edited; a further revision changes the plan again."
                    )
                    % {"number": recorded.number},
                    group.decision_number,
                )
                return []
            return [Outcome(row, "unchanged", {}, recorded.pk) for row, _v in group.rows]

        def apply() -> PlanRevision:
            revision = revision_create(actor=actor, plan=plan, reason=group.given["reason"][1])
            results = [
                report.run(c.number, c.cells, lambda c=c: self._change(actor, revision, c))
                for c in group.changes
            ]
            if any(result is None for result in results):
                raise Refused()
            if group.decision_number:
                allowed, why = can_approve(actor, plan)
                if not allowed:
                    report.add(
                        number,
                        "decision_number",
                        "not_plan_approver",
                        _("%(reason)s Leave the decision empty to prepare the revision for approval.")
                        % {"reason": why},
                        group.decision_number,
                    )
                    raise Refused()
                try:
                    revision_approve(
                        actor=actor,
                        revision=revision,
                        decision_number=group.decision_number,
                        decision_date=group.given.get("decision_date", (0, None))[1],
                    )
                except DomainError as exc:
                    report.domain(
                        group.given.get("decision_date", (number, None))[0],
                        cells,
                        exc,
                        default="decision_date",
                    )
                    raise Refused() from None
            return revision

        revision = report.run(number, cells, apply)
        if revision is None:
            return []
        return [Outcome(row, "new", {}, revision.pk) for row, _v in group.rows]

    def _change(self, actor: Any, revision: PlanRevision, change: Change) -> PlanLine:
        line = change.line
        unit = AdministrativeUnit.objects.filter(pk=line.unit).first() if line.unit else None
        if change.change == ADD:
            indicators = Indicator.objects.in_bulk(list(line.targets), field_name="code")
            return revision_add_line(
                actor=actor,
                revision=revision,
                activity=line.activity,
                amount=line.amount,
                unit=unit,
                note=line.note,
                targets={indicators[c]: n for c, n in line.targets.items()},
            )
        found = (
            revision.plan.lines.filter(
                activity=line.activity, unit=unit, amount=line.amount, removed_by__isnull=True
            )
            .order_by("pk")
            .first()
        )
        if found is None:
            raise DomainError(
                _("The plan has no line in force of this activity, commune and amount.")
                if unit
                else _("The plan has no line in force of this activity and amount without a commune."),
                code="unknown_line",
                field="line",
            )
        if change.change == REMOVE:
            return revision_remove_line(actor=actor, revision=revision, line=found)
        return revision_change_line(actor=actor, revision=revision, line=found, amount=change.new_amount)

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        """The approved revisions of the plans `rows`, a row per change."""
        levels = dict(BudgetLevel.choices)
        labels = dict(CHANGES)
        plan_ids = list(rows.order_by().values_list("pk", flat=True))
        for chunk in in_chunks(plan_ids, 500):
            revisions = (
                PlanRevision.objects.filter(plan__in=chunk, status=RevisionStatus.APPROVED)
                .select_related("plan__agency")
                .prefetch_related(
                    "added_lines__targets__indicator",
                    "added_lines__replaces",
                    "removed_lines",
                    "added_lines__activity",
                    "removed_lines__activity",
                    "added_lines__unit",
                    "removed_lines__unit",
                )
                .order_by("plan__year", "plan__agency__code", "plan_id", "number")
            )
            for revision in revisions:
                plan = revision.plan
                base = {
                    "agency_code": plan.agency.code,
                    "year": plan.year,
                    "source": SOURCE_SHORT[plan.source],
                    "budget_level": ""
                    if plan.source == FundingSource.NATIONAL
                    else str(levels[plan.budget_level]),
                    "decision_number": revision.decision_number,
                    "decision_date": revision.decision_date,
                    "reason": revision.reason,
                }
                for change, line, new_amount in _changes(revision):
                    yield {
                        **base,
                        "change": str(labels[change]),
                        "activity_code": line.activity.code,
                        "commune_code": line.unit.code if line.unit_id else "",
                        "amount": line.amount,
                        "new_amount": new_amount,
                        "targets": _targets_text({t.indicator.code: t.planned for t in line.targets.all()})
                        if change == ADD
                        else "",
                        "note": line.note if change == ADD else "",
                    }


def _changes(revision: PlanRevision) -> Iterator[tuple[str, PlanLine, int | None]]:
    """A revision's changes: a line added in place of one it took out is a change of the amount."""
    replaced = {line.replaces_id for line in revision.added_lines.all() if line.replaces_id}
    for line in revision.removed_lines.all():
        if line.pk not in replaced:
            yield REMOVE, line, None
    for line in revision.added_lines.all():
        if line.replaces_id:
            yield CHANGE, line.replaces, line.amount
        else:
            yield ADD, line, None


def _recorded_changes(revision: PlanRevision) -> list[tuple]:
    keys = []
    for change, line, new_amount in _changes(revision):
        targets = tuple(sorted((t.indicator.code, t.planned) for t in line.targets.all()))
        full = (line.activity_id, line.unit_id, line.amount, line.note, targets)
        keys.append((change, full if change == ADD else full[:3], new_amount))
    return keys

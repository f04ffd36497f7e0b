"""Ledger entries from a spreadsheet (core.imports): the sheet "Sổ cái" of the import workbook —
advances, payments and recoveries, and reversals of earlier entries by their document reference.

Every row is checked by the ledger's own rules (services: the project's state, the contract, the
plan year's window, the contract's balance and the advance share, approved periods), all rows at
once against what is loaded once: the projects named (within the officer's jurisdiction, locked
while an import is confirmed), their contracts, each contract's balance, the entries already
recorded, the advance and deadline rules, the approved reports of each province and year. Rows are
taken in the order of their value dates, each contract's balance running, as if recorded one after
the other.

A row's natural key is the project and the document reference (with the kind): a row that matches a
recorded entry with the same amount and date is "unchanged"; one that matches with other figures is
an error — entries are never edited, a mistake is reversed. New entries are written in bulk with
their deltas, their months in the disbursed-by-month aggregate and an audit entry each on their
project's trail, as `entry_record` and `entry_reverse` write them.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.core import closing
from khuyencong.core.audit import audit_rows
from khuyencong.core.bulk import insert_rows
from khuyencong.core.errors import DomainError, ValidationFailed
from khuyencong.core.formatting import format_date, format_vnd
from khuyencong.core.imports import (
    Column,
    Errors,
    ImportKind,
    Outcome,
    choice_names,
    import_reason,
    in_chunks,
    register,
    text_of,
)
from khuyencong.core.money import whole_dong
from khuyencong.core.spreadsheets import date_value, whole_number
from khuyencong.core.text import fold
from khuyencong.projects.imports import PROJECT_REFERENCE
from khuyencong.projects.models import Project
from khuyencong.projects.ports import Balance
from khuyencong.projects.selectors import DeadlineRules

from .choices import EntryKind
from .models import Contract, LedgerEntry
from .rollup import rollup_add_many
from .services.core import AdvanceRules, LedgerRefused, _require_in_window, entry_deltas
from .services.ledger import ENTRY_KINDS, _entry_input, _require_reversible, _require_room_on_contract

SHEET = "ledger"
YES = {"x", "co", "yes", "1", "true", "dao", "ghi dao"}
# the column a service's error on a field points at
COLUMN = {
    "kind": "kind",
    "amount": "amount",
    "value_date": "value_date",
    "reference": "reference",
    "contract": "contract_number",
    "reason": "note",
}


def _codes_of_references(actor: Any, rows: list, error: Any) -> None:
    """The rows that name their project by its own reference (a project of the workbook's projects
    sheet, which has no code yet for the officer) given its code, found in the actor's jurisdiction."""
    named = {text_of(v.get("project_reference")) for _n, v in rows if not text_of(v.get("project_code"))} - {
        ""
    }
    codes: dict[str, set[str]] = defaultdict(set)
    scope = restrict(Project.objects.all(), actor, Action.CHANGE)
    for chunk in in_chunks(sorted(named)):
        for reference, code in scope.filter(external_reference__in=chunk).values_list(
            "external_reference", "code"
        ):
            codes[reference].add(code)
    for number, value in rows:
        reference = text_of(value.get("project_reference"))
        if text_of(value.get("project_code")) or not reference:
            continue
        found = codes.get(reference, set())
        if len(found) == 1:
            value["project_code"] = next(iter(found))
        elif found:
            error(
                number,
                "project_reference",
                "ambiguous_reference",
                _("Several projects of your jurisdiction have this own reference: give the project's code."),
                reference,
            )
        else:
            error(
                number,
                "project_reference",
                "unknown_reference",
                _("No project of your jurisdiction has this own reference."),
                reference,
            )


def _key(project: int, kind: str, reference: str) -> tuple[int, str, str]:
    return project, kind, fold(reference).strip().lower()


@dataclass
class Row:
    """A row read and checked on its own, waiting for its turn against its contract's balance."""

    number: int
    project: Project
    contract: Contract
    kind: str
    reversal: bool
    amount: int
    value_date: dt.date
    reference: str
    note: str
    reverses: "Recorded | None" = None  # for a reversal: the entry it takes back


@dataclass
class Recorded:
    """An entry of the ledger, recorded or new in the file: what reversals may still take back."""

    pk: int | None  # None: new in this file (its row's)
    row: int | None
    amount: int
    value_date: dt.date
    contract: int | None
    left: int  # not yet reversed
    reversals: list[tuple[int, dt.date]] = field(default_factory=list)  # recorded (amount, date)
    claimed: bool = False  # matched by an unchanged row of the file


@dataclass
class Running:
    """A contract's balance while the rows are taken in turn."""

    value: int
    committed: int = 0
    advanced: int = 0
    paid: int = 0
    recovered: int = 0
    disbursed: int = 0

    def balance(self) -> Balance:
        return Balance(
            contracted=self.value,
            committed=self.committed,
            advanced=self.advanced,
            paid=self.paid,
            recovered=self.recovered,
            disbursed=self.disbursed,
        )

    def add(self, kind: str, disbursed: int) -> None:
        self.disbursed += disbursed
        if kind == EntryKind.ADVANCE:
            self.advanced += disbursed
        elif kind == EntryKind.PAYMENT:
            self.paid += disbursed
        elif kind == EntryKind.RECOVERY:
            self.recovered -= disbursed


@register
class LedgerKind(ImportKind):
    code = SHEET
    title = gettext_lazy("Ledger")
    order = 60
    model = LedgerEntry
    url_name = ""
    columns = (
        Column(
            "project_code",
            gettext_lazy("Project code"),
            gettext_lazy(
                "The project's national code, as on its page; or leave it empty and give its own reference."
            ),
            example="56-KCĐP-2025-001",
            width=22,
        ),
        PROJECT_REFERENCE,
        Column(
            "contract_number",
            gettext_lazy("Contract number"),
            gettext_lazy("Leave empty when the project has one contract."),
            example="12/2025/HĐ-KC",
        ),
        Column(
            "kind",
            gettext_lazy("Kind"),
            gettext_lazy("Choose from the list: advance, payment or recovery."),
            required=True,
            example=gettext_lazy("payment"),
            width=14,
        ),
        Column(
            "reversal",
            gettext_lazy("Reversal"),
            gettext_lazy(
                "“x” when the row takes back (part of) an entry recorded earlier with the same document "
                "reference; say why in the note."
            ),
            example="",
            width=10,
        ),
        Column(
            "amount",
            gettext_lazy("Amount (đồng)"),
            gettext_lazy("Whole đồng: 150000000, 150.000.000 or 0,15 tỷ."),
            required=True,
            example=150_000_000,
        ),
        Column(
            "value_date",
            gettext_lazy("Value date"),
            gettext_lazy("The day the money moved (dd/mm/yyyy), within the project's plan year."),
            required=True,
            example="15/03/2025",
            width=12,
        ),
        Column(
            "reference",
            gettext_lazy("Document reference"),
            gettext_lazy("The payment order or receipt number. With the project it identifies the entry."),
            required=True,
            example="UNC 045/2025",
            width=20,
        ),
        Column("note", gettext_lazy("Note"), example="", width=30),
    )

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def choices(self, actor: Any) -> dict[str, list[str]]:
        return {"kind": [str(kind.label) for kind in ENTRY_KINDS], "reversal": ["x"]}

    # --- checking -----------------------------------------------------------------------------------

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        def error(number: int, column: str, code: str, message: Any, value: Any = None) -> None:
            errors.add(SHEET, number, column, code, message, value)

        _codes_of_references(actor, rows, error)
        projects = self._projects(actor, rows, error, lock=bool(context.get("lock")))
        contracts: dict[int, list[Contract]] = defaultdict(list)
        for chunk in in_chunks(sorted(p.pk for p in projects.values())):
            for contract in Contract.objects.filter(project_id__in=chunk).order_by("signed_on", "pk"):
                contracts[contract.project_id].append(contract)
        kinds = choice_names((kind, kind.label) for kind in ENTRY_KINDS)
        parsed: list[Row] = []
        for number, value in rows:
            row = self._parsed(number, value, projects, contracts, kinds, error)
            if row is not None:
                parsed.append(row)
        rows.clear()  # read: only the checked values are needed now
        return self._in_turn(actor, parsed, contracts, error)

    def _projects(self, actor: Any, rows: list, error: Any, *, lock: bool) -> dict[str, Project]:
        """The projects the rows name that the actor may change (by code), locked when confirming."""
        codes = sorted({str(v.get("project_code") or "").strip() for _n, v in rows} - {""})
        known: set[str] = set()
        found: dict[str, Project] = {}
        for chunk in in_chunks(codes):
            known.update(Project.objects.filter(code__in=chunk).values_list("code", flat=True))
            mine = list(
                restrict(Project.objects.filter(code__in=chunk), actor, Action.CHANGE).values_list(
                    "pk", flat=True
                )
            )
            records = (
                Project.objects.filter(pk__in=mine).select_related("location", "plan_line").order_by("pk")
            )
            if lock:  # as entry_record locks its project: nobody else's entry slips in before the write
                list(Project.objects.select_for_update().filter(pk__in=mine).order_by("pk").values_list("pk"))
            found.update((p.code, p) for p in records)
        for number, value in rows:
            code = str(value.get("project_code") or "").strip()
            if not code and text_of(value.get("project_reference")):
                continue  # an unknown reference: said by _codes_of_references
            if not code:
                error(number, "project_code", "required", _("Enter the project's code or its own reference."))
            elif code not in known:
                error(number, "project_code", "unknown_project", _("No project has this code."), code)
            elif code not in found:
                error(
                    number,
                    "project_code",
                    "not_in_jurisdiction",
                    _("This project is outside your jurisdiction."),
                    code,
                )
        return found

    def _parsed(
        self,
        number: int,
        value: dict[str, Any],
        projects: dict[str, Project],
        contracts: dict[int, list[Contract]],
        kinds: dict[str, str],
        error: Any,
    ) -> Row | None:
        """The row's cells as values, each checked on its own; None (errors added) when one is wrong."""
        project = projects.get(str(value.get("project_code") or "").strip())
        ok = project is not None
        kind = kinds.get(fold(str(value.get("kind") or "")).strip().lower())
        if kind is None:
            error(
                number,
                "kind",
                "invalid_kind",
                _("Choose an advance, a payment or a recovery."),
                value.get("kind"),
            )
            ok = False
        reversal = fold(str(value.get("reversal") or "")).strip().lower() in YES
        amount = 0
        raw = value.get("amount")
        try:
            amount = whole_dong(whole_number(raw, money=True))
        except ValueError:
            error(
                number,
                "amount",
                "invalid_amount",
                _("Enter the amount in whole đồng (150000000, 150.000.000 or 0,15 tỷ)."),
                raw,
            )
            ok = False
        except ValidationFailed as exc:
            error(number, "amount", exc.code, exc.message, raw)
            ok = False
        day = None
        raw = value.get("value_date")
        try:
            day = date_value(raw)
        except (ValueError, TypeError):
            error(number, "value_date", "invalid_date", _("Enter a date (dd/mm/yyyy)."), raw)
            ok = False
        reference = str(value.get("reference") or "").strip()
        note = str(value.get("note") or "").strip()
        if not ok or project is None or kind is None or day is None:
            return None
        try:
            _entry_input(project, kind, amount, day, reference)
            if reversal and not note:
                raise ValidationFailed(
                    _("Say what was wrong with the entry."), code="reason_required", field="reason"
                )
        except DomainError as exc:
            column = COLUMN.get(str(exc.details.get("field") or ""), "kind")
            error(number, column, exc.code, exc.message, value.get(column))
            return None
        number_given = str(value.get("contract_number") or "").strip()
        own = contracts.get(project.pk, [])
        if not own:
            error(
                number,
                "contract_number",
                "no_contract",
                _("No payment before a contract: record the signed contract first."),
                number_given,
            )
            return None
        if number_given:
            contract = next((c for c in own if fold(c.number).lower() == fold(number_given).lower()), None)
        else:
            contract = own[0] if len(own) == 1 else None
        if contract is None:
            error(
                number,
                "contract_number",
                "invalid_contract",
                _("Choose the project's contract: %(numbers)s.")
                % {"numbers": ", ".join(c.number for c in own)},
                number_given,
            )
            return None
        return Row(number, project, contract, kind, reversal, amount, day, reference, note)

    def _in_turn(
        self, actor: Any, parsed: list[Row], contracts: dict[int, list[Contract]], error: Any
    ) -> list[Outcome]:
        """The rows in the order of their value dates against the ledger as it stands and as the rows
        before them leave it: unchanged, new, or refused with the service's reason."""
        project_ids = sorted({row.project.pk for row in parsed})
        contract_ids = [c.pk for own in contracts.values() for c in own]
        running = {c.pk: Running(c.value) for own in contracts.values() for c in own}
        for chunk in in_chunks(contract_ids):
            for contract, kind, committed, disbursed in (
                LedgerEntry.objects.filter(contract_id__in=chunk)
                .values_list("contract", "kind")
                .order_by()
                .annotate(c=Sum("committed_delta"), d=Sum("disbursed_delta"))
            ):
                running[contract].committed += committed or 0
                running[contract].add(kind, disbursed or 0)
        originals: dict[tuple, list[Recorded]] = defaultdict(list)
        by_pk: dict[int, Recorded] = {}
        reversals = []
        for chunk in in_chunks(project_ids):
            for pk, project, kind, reference, amount, day, contract, reverses in (
                LedgerEntry.objects.filter(project_id__in=chunk, kind__in=ENTRY_KINDS)
                .values_list(
                    "pk", "project", "kind", "reference", "amount", "value_date", "contract", "reverses"
                )
                .order_by("pk")
            ):
                if reverses is None:
                    recorded = Recorded(pk, None, amount, day, contract, amount)
                    originals[_key(project, kind, reference)].append(recorded)
                    by_pk[pk] = recorded
                else:
                    reversals.append((reverses, amount, day))
        for reverses, amount, day in reversals:
            if (original := by_pk.get(reverses)) is not None:
                original.left -= amount
                original.reversals.append((amount, day))
        rules = AdvanceRules()
        deadlines = DeadlineRules()
        closures: dict[tuple, Any] = {}
        twins: dict[tuple, int] = {}
        outcomes: list[Outcome] = []
        for row in sorted(parsed, key=lambda r: (r.value_date, r.reversal, r.number)):
            key = _key(row.project.pk, row.kind, row.reference)
            recorded = originals.get(key, [])
            if row.reversal:
                outcome = self._reversal(row, recorded, running, closures, error)
            else:
                outcome = self._entry(row, key, recorded, running, rules, deadlines, closures, twins, error)
            if outcome is not None:
                outcomes.append(outcome)
                if outcome.outcome == "new" and not row.reversal:
                    originals[key].append(
                        Recorded(None, row.number, row.amount, row.value_date, row.contract.pk, row.amount)
                    )
        return sorted(outcomes, key=lambda o: o.row)

    def _entry(
        self,
        row: Row,
        key: tuple,
        recorded: list[Recorded],
        running: dict[int, Running],
        rules: AdvanceRules,
        deadlines: DeadlineRules,
        closures: dict,
        twins: dict,
        error: Any,
    ) -> Outcome | None:
        same = next(
            (
                r
                for r in recorded
                if r.pk is not None
                and not r.claimed
                and r.amount == row.amount
                and r.value_date == row.value_date
                and r.contract == row.contract.pk
            ),
            None,
        )
        if same is not None:
            same.claimed = True
            return Outcome(row.number, "unchanged", {}, same.pk)
        stored = [r for r in recorded if r.pk is not None and not r.claimed]
        if stored:
            first = stored[0]
            error(
                row.number,
                "reference",
                "entry_differs",
                _(
                    "An entry with this document is recorded with other figures (%(amount)s on "
                    "%(date)s): entries are never edited — reverse it and record the right one."
                )
                % {
                    "amount": format_vnd(first.amount),
                    "date": format_date(first.value_date),
                },
                row.reference,
            )
            return None
        twin = (*key, row.amount, row.value_date)
        if twin in twins:
            error(
                row.number,
                "reference",
                "duplicate_in_file",
                _("The same entry as row %(row)s.") % {"row": twins[twin]},
                row.reference,
            )
            return None
        balance = running[row.contract.pk]
        try:
            _require_in_window(row.project, row.value_date, kind=row.kind, rules=deadlines)
            if row.value_date < row.contract.signed_on:
                raise LedgerRefused(
                    _("No payment before the contract: it was signed on %(date)s.")
                    % {"date": format_date(row.contract.signed_on)},
                    code="before_contract",
                    field="value_date",
                )
            _require_room_on_contract(
                row.project,
                row.contract,
                row.kind,
                row.amount,
                row.value_date,
                balance=balance.balance(),
                rules=rules,
            )
            _committed, disbursed = entry_deltas(row.kind, row.amount, reversal=False)
            self._require_open(row, closures)
        except DomainError as exc:
            self._refused(row, exc, error)
            return None
        twins[twin] = row.number
        balance.add(row.kind, disbursed)
        return Outcome(row.number, "new", {"row": row, "disbursed": disbursed})

    def _reversal(
        self, row: Row, recorded: list[Recorded], running: dict[int, Running], closures: dict, error: Any
    ) -> Outcome | None:
        same = next(
            (
                r
                for r in recorded
                if r.contract == row.contract.pk
                and (row.amount, row.value_date) in r.reversals
                and r.pk is not None
            ),
            None,
        )
        if same is not None:
            same.reversals.remove((row.amount, row.value_date))
            return Outcome(row.number, "unchanged", {}, same.pk)
        original = next(
            (
                r
                for r in recorded
                if r.contract == row.contract.pk and r.left >= row.amount and r.value_date <= row.value_date
            ),
            None,
        )
        try:
            if original is None:
                left = max((r.left for r in recorded), default=0)
                raise LedgerRefused(
                    _(
                        "No entry of this kind with this document has this amount left to reverse "
                        "(%(left)s left)."
                    )
                    % {"left": format_vnd(left)}
                    if recorded
                    else _("No entry of this kind with this document to reverse."),
                    code="nothing_to_reverse",
                    field="reference",
                )
            balance = running[row.contract.pk]
            _require_reversible(row.kind, row.contract, row.amount, balance.balance())
            _committed, disbursed = entry_deltas(row.kind, row.amount, reversal=True)
            self._require_open(row, closures)
        except DomainError as exc:
            self._refused(row, exc, error)
            return None
        original.left -= row.amount
        balance.add(row.kind, disbursed)
        row.reverses = original
        return Outcome(row.number, "new", {"row": row, "disbursed": disbursed})

    def _require_open(self, row: Row, closures: dict) -> None:
        """The period the entry falls in is not closed by an approved report (no post-close
        corrections by import: they take a reason, one entry at a time, on the project's page)."""
        place = row.project.location
        units = tuple(closing.units_of(place))
        if (units, row.project.year) not in closures:
            closures[units, row.project.year] = closing.closures(units, row.project.year)
        if (closure := closures[units, row.project.year](row.value_date)) is not None:
            refusal = closing.closed_error(closure, year=row.project.year, day=row.value_date)
            refusal.details["field"] = "value_date"
            raise refusal

    def _refused(self, row: Row, exc: DomainError, error: Any) -> None:
        column = COLUMN.get(str(exc.details.get("field") or ""), "amount")
        value = {
            "amount": row.amount,
            "value_date": format_date(row.value_date),
            "reference": row.reference,
            "kind": row.kind,
            "contract_number": row.contract.number,
        }.get(column)
        error(row.number, column, exc.code, exc.message, value)

    # --- writing ------------------------------------------------------------------------------------

    def write(self, actor: Any, outcomes: list[Outcome], run: Any, context: dict[str, Any]) -> None:
        new = [o.data["row"] for o in outcomes if o.outcome == "new"]
        ids: dict[int, int] = {}  # row number → entry id
        for reversal in (False, True):  # reversals after the entries of the file they take back
            rows = [r for r in new if r.reversal is reversal]
            values = []
            for row in rows:
                committed, disbursed = entry_deltas(row.kind, row.amount, reversal=reversal)
                reverses = None
                if row.reverses is not None:
                    reverses = row.reverses.pk if row.reverses.pk is not None else ids[row.reverses.row]
                values.append(
                    {
                        "project": row.project.pk,
                        "contract": row.contract.pk,
                        "kind": row.kind,
                        "amount": row.amount,
                        "committed_delta": committed,
                        "disbursed_delta": disbursed,
                        "value_date": row.value_date,
                        "reference": row.reference,
                        "note": row.note,
                        "reverses": reverses,
                        "recorded_by": actor.pk,
                    }
                )
            written = insert_rows(LedgerEntry, values)
            ids.update((row.number, pk) for row, pk in zip(rows, written, strict=True))
            rollup_add_many(
                (
                    row.project.plan_line_id,
                    row.project.location_id,
                    row.project.location.province_id or row.project.location_id,
                    row.value_date,
                    value["disbursed_delta"],
                )
                for row, value in zip(rows, values, strict=True)
            )
            audit_rows(
                actor=actor,
                action="finance.reversal" if reversal else "finance.entry",
                model=Project,
                changes=[
                    (
                        row.project.pk,
                        str(row.project),
                        None,
                        {
                            "entry": pk,
                            "kind": row.kind,
                            "amount": row.amount,
                            "value_date": row.value_date.isoformat(),
                            "reference": row.reference,
                            "contract": row.contract.number,
                            "reverses": value["reverses"],
                        },
                    )
                    for row, pk, value in zip(rows, written, values, strict=True)
                ],
                reason=import_reason(run),
                import_run=run,
            )

    # --- the list's rows, for editing ---------------------------------------------------------------

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        labels = dict(EntryKind.choices)
        for row in (
            rows.filter(kind__in=ENTRY_KINDS)
            .order_by("value_date", "pk")
            .values(
                "project__code",
                "project__external_reference",
                "contract__number",
                "kind",
                "reverses",
                "amount",
                "value_date",
                "reference",
                "note",
            )
            .iterator(chunk_size=2000)
        ):
            yield {
                "project_code": row["project__code"],
                "project_reference": row["project__external_reference"],
                "contract_number": row["contract__number"] or "",
                "kind": str(labels.get(row["kind"], row["kind"])),
                "reversal": "x" if row["reverses"] else "",
                "amount": row["amount"],
                "value_date": row["value_date"],
                "reference": row["reference"],
                "note": row["note"],
            }

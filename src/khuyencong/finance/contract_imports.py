"""Contracts, and the close of projects, from a spreadsheet (core.imports).

Two sheets around the ledger's, each row taken through the services of the project page
(`applies`), so that a workbook can carry a project's history from its plan to its settlement:

- **Contracts** ("Hợp đồng", before the ledger): natural key the project and the contract number.
  A new contract is recorded by `contract_sign` (its value committed in the ledger; an approved
  project becomes contracted); "x" under "started" then starts the implementation.
- **Acceptance and settlement** ("Nghiệm thu, quyết toán", after the ledger): a project's acceptance,
  liquidation (with its liquidated value) and settlement dates, each taken by `lifecycle_take` as far
  as the row says — acceptance needs the deliverables achieved, liquidation every payment recorded,
  settlement a balanced ledger: the sheets before it give them.

A row that matches what is recorded is "unchanged"; a recorded contract or date with other values is
an error: they are not edited (a contract's mistake is corrected by an adjustment, a ledger entry by
its reversal).
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.jurisdiction import Action, allows
from khuyencong.core.errors import DomainError
from khuyencong.core.imports import (
    Cells,
    Column,
    Errors,
    ImportKind,
    Outcome,
    Refused,
    RowErrors,
    register,
    text_of,
)
from khuyencong.core.text import fold
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.imports import PROJECT_CODE, PROJECT_REFERENCE, Projects, duplicate
from khuyencong.projects.models import Project
from khuyencong.projects.services import lifecycle_take

from .models import Contract
from .services import contract_sign

CONTRACTS, CLOSING = "contracts", "project_closing"
YES = {"x", "co", "yes", "1", "true"}
CONTRACT_FIELDS = {
    "number": "number",
    "signed_on": "signed_on",
    "party_a": "party_a",
    "party_b": "party_b",
    "value": "value",
}
LATER = {
    ProjectState.CONTRACTED: 0,
    ProjectState.IN_PROGRESS: 1,
    ProjectState.ACCEPTED: 2,
    ProjectState.LIQUIDATED: 3,
    ProjectState.SETTLED: 4,
}


def _reached(project: Project, state: str) -> bool:
    return LATER.get(project.state, -1) >= LATER[state]


@register
class ContractImport(ImportKind):
    code = CONTRACTS
    title = gettext_lazy("Contracts")
    order = 50
    model = Contract
    applies = True
    columns = (
        PROJECT_CODE,
        PROJECT_REFERENCE,
        Column("number", gettext_lazy("Contract number"), required=True, example="12/2026/HĐ-KC", width=18),
        Column(
            "signed_on",
            gettext_lazy("Signed on"),
            gettext_lazy("dd/mm/yyyy"),
            required=True,
            example="01/03/2026",
        ),
        Column(
            "party_a",
            gettext_lazy("Party A (paying)"),
            required=True,
            example="Trung tâm Khuyến công Khánh Hòa",
        ),
        Column("party_b", gettext_lazy("Party B (receiving)"), required=True, example="HTX Dệt Mỹ Nghiệp"),
        Column(
            "value",
            gettext_lazy("Value (đồng)"),
            gettext_lazy("Whole đồng; committed in the ledger."),
            required=True,
            example=150_000_000,
        ),
        Column(
            "started",
            gettext_lazy("Implementation started"),
            gettext_lazy(
                "“x” when the project's implementation has started (monthly progress reports fall due)."
            ),
            width=10,
        ),
    )

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def choices(self, actor: Any) -> dict[str, list[str]]:
        return {"started": ["x"]}

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        projects = Projects(actor)
        report = RowErrors(errors, CONTRACTS, CONTRACT_FIELDS, "number")
        seen: dict[tuple, int] = {}
        outcomes = []
        for number, value in rows:
            cells = Cells(CONTRACTS, number, value, errors)
            project = projects.find(cells)
            data = {
                "number": cells.text("number", 60, required=_("Enter the contract number.")),
                "signed_on": cells.date("signed_on"),
                "party_a": cells.text("party_a", 300, required=_("Name party A.")),
                "party_b": cells.text("party_b", 300, required=_("Name party B.")),
                "value": cells.money("value"),
            }
            started = fold(text_of(value.get("started"))) in YES
            if project is None or not cells.ok:
                continue
            if duplicate(cells, seen, (project.pk, fold(data["number"])), "number"):
                continue
            done = report.run(
                number,
                value,
                lambda project=project, data=data, started=started, cells=cells: self._apply(
                    actor, project, data, started, cells, report
                ),
            )
            if done is not None:
                outcomes.append(done)
        rows.clear()
        return outcomes

    def _apply(
        self, actor: Any, project: Project, data: dict, started: bool, cells: Cells, report: RowErrors
    ) -> Outcome:
        recorded = next((c for c in project.contracts.all() if fold(c.number) == fold(data["number"])), None)
        outcome, changed = "unchanged", []
        if recorded is None:
            contract = contract_sign(actor=actor, project=project, **data)
            outcome = "new"
        else:
            contract = recorded
            differs = [name for name, v in data.items() if getattr(recorded, name) != v]
            if differs:
                report.add(
                    cells.row,
                    differs[0],
                    "record_differs",
                    _(
                        "The contract is recorded with other values (%(fields)s); "
                        "a contract is changed by an adjustment."
                    )
                    % {"fields": ", ".join(str(Contract._meta.get_field(n).verbose_name) for n in differs)},
                    cells.value.get(differs[0]),
                )
                raise Refused()
        project.refresh_from_db()
        if started and project.state == ProjectState.CONTRACTED:
            try:
                lifecycle_take(actor=actor, project=project, action="start", version=None)
            except DomainError as exc:
                report.domain(cells.row, cells.value, exc, default="started")
                raise Refused() from None
            if outcome == "unchanged":
                outcome, changed = "update", ["started"]
        return Outcome(cells.row, outcome, {"contract": contract.pk}, contract.pk, changed)

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        """The contracts of the projects `rows` (a projects list)."""
        started = {ProjectState.IN_PROGRESS, *[s for s in LATER if LATER[s] >= 1]}
        for row in (
            Contract.objects.filter(project__in=rows.order_by().values("pk"))
            .order_by("project__year", "project__code", "signed_on", "pk")
            .values(
                "project__code",
                "project__external_reference",
                "project__state",
                "number",
                "signed_on",
                "party_a",
                "party_b",
                "value",
            )
            .iterator(chunk_size=2000)
        ):
            yield {
                **row,
                "project_code": row["project__code"],
                "project_reference": row["project__external_reference"],
                "started": "x" if row["project__state"] in started else "",
            }


@register
class ClosingImport(ImportKind):
    code = CLOSING
    title = gettext_lazy("Acceptance and settlement")
    order = 65
    model = Project
    url_name = "projects:detail"
    applies = True
    columns = (
        PROJECT_CODE,
        PROJECT_REFERENCE,
        Column(
            "accepted_on",
            gettext_lazy("Accepted on"),
            gettext_lazy("dd/mm/yyyy: the acceptance; the deliverables' achieved values are needed first."),
            example="30/09/2026",
            width=12,
        ),
        Column(
            "final_value",
            gettext_lazy("Liquidated value (đồng)"),
            gettext_lazy("With the liquidation date: every payment is recorded and equals it."),
            example=150_000_000,
        ),
        Column("liquidated_on", gettext_lazy("Liquidated on"), gettext_lazy("dd/mm/yyyy"), width=12),
        Column(
            "settled_on",
            gettext_lazy("Settled on"),
            gettext_lazy("dd/mm/yyyy: the accounts settled by the managing department; closes the ledger."),
            width=12,
        ),
    )

    def allowed(self, actor: Any) -> bool:
        return allows(actor, Action.CHANGE)

    def check(
        self, actor: Any, rows: list[tuple[int, dict[str, Any]]], errors: Errors, context: dict[str, Any]
    ) -> list[Outcome]:
        projects = Projects(actor)
        report = RowErrors(errors, CLOSING, {"final_value": "final_value"}, "accepted_on")
        seen: dict[tuple, int] = {}
        outcomes = []
        for number, value in rows:
            cells = Cells(CLOSING, number, value, errors)
            project = projects.find(cells)
            steps = [
                (
                    "accept",
                    ProjectState.ACCEPTED,
                    "accepted_on",
                    cells.date("accepted_on", required=False),
                    {},
                ),
                (
                    "liquidate",
                    ProjectState.LIQUIDATED,
                    "liquidated_on",
                    cells.date("liquidated_on", required=False),
                    {"final_value": cells.money("final_value", required=False)},
                ),
                ("settle", ProjectState.SETTLED, "settled_on", cells.date("settled_on", required=False), {}),
            ]
            if project is None or not cells.ok:
                continue
            if duplicate(cells, seen, (project.pk,), "project_code"):
                continue
            done = report.run(
                number,
                value,
                lambda project=project, steps=steps, cells=cells: self._apply(
                    actor, project, steps, cells, report
                ),
            )
            if done is not None:
                outcomes.append(done)
        rows.clear()
        return outcomes

    def _apply(self, actor: Any, project: Project, steps: list, cells: Cells, report: RowErrors) -> Outcome:
        taken: list[str] = []
        for action, state, column, day, fields in steps:
            if day is None:
                if fields.get("final_value") is not None:
                    report.add(
                        cells.row, column, "required", _("Give the liquidation's date with its value.")
                    )
                    raise Refused()
                break  # the later steps wait for this one
            if _reached(project, state):
                recorded = getattr(project, column)
                if recorded != day or any(
                    getattr(project, k) != v for k, v in fields.items() if v is not None
                ):
                    report.add(
                        cells.row,
                        column,
                        "record_differs",
                        _("The project is recorded %(state)s on %(date)s with other values.")
                        % {"state": project.get_state_display(), "date": _date(recorded)},
                        cells.value.get(column),
                    )
                    raise Refused()
                continue
            try:
                project = lifecycle_take(
                    actor=actor, project=project, action=action, version=None, on=day, **fields
                )
            except DomainError as exc:
                report.domain(cells.row, cells.value, exc, default=column)
                raise Refused() from None
            taken.append(column)
        return Outcome(cells.row, "update" if taken else "unchanged", {}, project.pk, taken)

    def export_rows(self, rows: Any) -> Iterator[dict[str, Any]]:
        """The accepted projects among `rows` (a projects list)."""
        for row in (
            rows.filter(accepted_on__isnull=False)
            .order_by("year", "code")
            .values("code", "external_reference", "accepted_on", "final_value", "liquidated_on", "settled_on")
            .iterator(chunk_size=2000)
        ):
            yield {**row, "project_code": row["code"], "project_reference": row["external_reference"]}


def _date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"

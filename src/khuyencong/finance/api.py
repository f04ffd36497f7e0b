"""HTTP API of contracts and the append-only ledger: a project's contracts and statement, recording
advances, payments and recoveries, reversing entries, the scoped ledger, executed amounts by value
date and outstanding advances.

The ledger is append-only: there is no endpoint that edits or deletes an entry; a mistake is corrected
by a reversing entry (`POST /ledger/{entry_id}/reversal`). Amounts are integer đồng. Refusals carry a
stable `code`: `no_contract`, `before_contract`, `above_contract_balance`, `advance_share_exceeded`,
`recovery_above_disbursed`, `ledger_closed`, `reversal_too_large`…
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from khuyencong.accounts.jurisdiction import Action, get_in_scope
from khuyencong.core.api_types import Date, Year
from khuyencong.core.errors import ValidationFailed
from khuyencong.core.filters import apply_filter, query_schema
from khuyencong.core.pagination import Paginated
from khuyencong.projects.api.lookups import project_in_scope
from khuyencong.projects.api.schemas import BalanceOut, balance_out

from .filters import LedgerFilter
from .models import Contract, LedgerEntry
from .selectors import (
    contract_balance,
    executed,
    ledger_visible,
    outstanding_advances,
    project_balance,
    project_statement,
)
from .services import entry_record, entry_reverse

router = Router(tags=["finance"])


class ContractOut(Schema):
    id: int
    number: str
    signed_on: dt.date
    party_a: str
    party_b: str
    value: int
    document_id: int | None
    balance: BalanceOut

    @staticmethod
    def resolve_balance(obj: Contract) -> dict[str, int]:
        return balance_out(contract_balance(obj))


class LedgerEntryOut(Schema):
    id: int
    project_id: int
    project_code: str
    contract_id: int | None
    contract_number: str | None
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    amount: int = Field(..., description="always positive; a reversal takes it back (see the deltas)")
    committed_delta: int
    disbursed_delta: int
    value_date: dt.date
    reference: str
    note: str
    reverses_id: int | None
    recorded_by: str
    recorded_at: dt.datetime

    @staticmethod
    def resolve_project_code(obj: LedgerEntry) -> str:
        return obj.project.code

    @staticmethod
    def resolve_contract_number(obj: LedgerEntry) -> str | None:
        return obj.contract.number if obj.contract else None

    @staticmethod
    def resolve_recorded_by(obj: LedgerEntry) -> str:
        return str(obj.recorded_by)


class StatementRowOut(Schema):
    entry: LedgerEntryOut
    committed: int = Field(..., description="running balance of the commitment")
    disbursed: int = Field(..., description="running disbursed total")
    remaining: int = Field(..., description="committed − disbursed after the entry")


class StatementOut(Schema):
    project_id: int
    project_code: str
    balance: BalanceOut
    rows: list[StatementRowOut]


@router.get(
    "/projects/{project_id}/contracts",
    response=list[ContractOut],
    summary="A project's contracts with what was disbursed on each",
)
def finance_contracts(request, project_id: int):
    return list(project_in_scope(request, project_id).contracts.order_by("signed_on", "pk"))


@router.get(
    "/projects/{project_id}/statement",
    response=StatementOut,
    summary="A project's ledger in value-date order with running balances",
)
def finance_statement(request, project_id: int):
    project = project_in_scope(request, project_id)
    return {
        "project_id": project.pk,
        "project_code": project.code,
        "balance": balance_out(project_balance(project)),
        "rows": project_statement(project),
    }


class CorrectionIn(Schema):
    correction_reason: str = Field(
        "",
        max_length=500,
        description="a post-close correction: why an entry goes into a period whose report is approved "
        "(ministry officers, the province's approver); without it such an entry is refused with "
        "period_closed (409)",
    )


class LedgerEntryIn(CorrectionIn):
    kind: str = Field(..., description="advance, payment or recovery")
    amount: StrictInt = Field(..., description="đồng, more than 0")
    value_date: Date
    reference: str = Field(..., max_length=100, description="the document the money moved on")
    contract: int | None = Field(None, description="contract id; may be left out when there is one")
    note: str = Field("", max_length=500)
    confirm_duplicate: bool = Field(
        False,
        description="record it although an entry of the same kind, amount, value date and reference exists "
        "(otherwise 409 duplicate_entry)",
    )


@router.post(
    "/projects/{project_id}/ledger",
    response={201: LedgerEntryOut},
    summary="Record an advance, a payment or a recovery",
)
def finance_entry_record(request, project_id: int, payload: LedgerEntryIn):
    project = project_in_scope(request, project_id, Action.CHANGE)
    values = payload.dict()
    contract_id = values.pop("contract")
    contract = None
    if contract_id is not None:
        contract = project.contracts.filter(pk=contract_id).first()
        if contract is None:
            raise ValidationFailed(
                _("Choose the project's contract."), code="invalid_contract", field="contract"
            )
    entry = entry_record(actor=request.user, project=project, contract=contract, **values)
    return Status(201, entry)


class ReversalIn(CorrectionIn):
    reason: str = Field(..., max_length=500)
    value_date: Date | None = Field(None, description="default: today")
    amount: StrictInt | None = Field(None, description="default: all that is left to reverse")


@router.post(
    "/ledger/{entry_id}/reversal",
    response={201: LedgerEntryOut},
    summary="Correct an entry with a reversing entry (entries are never edited or deleted)",
)
def finance_entry_reverse(request, entry_id: int, payload: ReversalIn):
    entry = get_in_scope(ledger_visible(request.user), request.user, Action.CHANGE, pk=entry_id)
    return Status(201, entry_reverse(actor=request.user, entry=entry, **payload.dict()))


@router.get("/ledger", response=list[LedgerEntryOut], summary="Ledger entries in your jurisdiction")
@paginate(Paginated)
def finance_ledger(request, filters: Query[query_schema(LedgerFilter)]):
    return apply_filter(LedgerFilter, filters, ledger_visible(request.user), request).order_by(
        "value_date", "pk"
    )


class ExecutedOut(Schema):
    measure: str = Field(
        ...,
        description="plan_year: the execution of year's plan (projects of that plan year); "
        "disbursed: money disbursed between the dates whatever the projects' year "
        "(docs/report-schema.md)",
    )
    year: int | None = Field(None, ge=1990, le=2100, description="the plan year (measure plan_year)")
    start: dt.date
    end: dt.date | None = Field(..., description="last value date counted; null: no end")
    source: str | None
    total: int
    by_source: dict[str, int]
    by_group: dict[str, int] = Field(..., description="by content group code of the plan's programme")
    by_province: dict[str, int] = Field(..., description="by id of the current province")


@router.get(
    "/finance/executed",
    response=ExecutedOut,
    summary="Executed amounts (advances + payments − recoveries) in your jurisdiction",
    description="With `year`: the execution of that year's plan — the projects of plan year `year`, "
    "value dates from 1 January (or `start`) with no end (or `end`): the adjustment period of the "
    "next January belongs to the year. Without it: what was disbursed from `start` to `end` "
    "(default: this calendar year up to today) on projects of any year.",
)
def finance_executed(
    request,
    start: dt.date | None = None,
    end: dt.date | None = None,
    source: str | None = None,
    year: Year | None = None,
):
    if year is not None and not 1990 <= year <= 2100:
        raise ValidationFailed(_("The year is 1990 to 2100."), code="invalid_year", field="year")
    if year is None:
        end = end or timezone.localdate()
        start = start or end.replace(month=1, day=1)
    else:
        start = start or dt.date(year, 1, 1)
    totals = executed(request.user, start=start, end=end, year=year, source=source)
    return {
        "measure": "disbursed" if year is None else "plan_year",
        "year": year,
        "start": start,
        "end": end,
        "source": source,
        "total": totals.total,
        "by_source": dict(totals.by_source),
        "by_group": dict(totals.by_group),
        "by_province": {str(k or ""): v for k, v in totals.by_unit.items()},
    }


class ProjectRef(Schema):
    id: int
    code: str
    title: str
    state: str


class OutstandingOut(Schema):
    project: ProjectRef
    amount: int = Field(..., description="advances less recoveries, đồng")


@router.get(
    "/finance/outstanding-advances",
    response=list[OutstandingOut],
    summary="Projects not yet accepted that hold advances, largest first",
)
def finance_outstanding_advances(request, on: Date | None = None):
    return [{"project": p, "amount": amount} for p, amount in outstanding_advances(request.user, on=on)]

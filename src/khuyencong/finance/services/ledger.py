"""Finance writers: contracts, ledger entries and their reversals."""

import datetime as dt
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.audit import audit_record
from khuyencong.core.errors import ValidationFailed
from khuyencong.core.formatting import format_date, format_vnd
from khuyencong.core.money import whole_dong
from khuyencong.core.versioning import check_version
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Document, Project
from khuyencong.projects.ports import Balance
from khuyencong.projects.services import (
    WrongState,
    project_for_change,
    run_transition,
)

from ..choices import DISBURSING, EntryKind
from ..models import Contract, LedgerEntry
from ..selectors import contract_balance
from .core import (
    AdvanceRules,
    LedgerRefused,
    _date,
    _entry,
    _require_in_window,
    _require_not_duplicate,
    window_refusal,
)

# --- contracts -------------------------------------------------------------------------------------


def _contract_errors(
    project: Project,
    number: str,
    signed_on: Any,
    party_a: str,
    party_b: str,
    value: Any,
    document: Document | None,
) -> tuple[dict[str, str], int]:
    """What is wrong with a contract's fields, field by field, and its value in whole đồng."""
    errors: dict[str, str] = {}
    if not (number or "").strip():
        errors["number"] = str(_("Enter the contract number."))
    elif project.contracts.filter(number=number.strip()).exists():
        errors["number"] = str(_("This project already has a contract with that number."))
    if not isinstance(signed_on, dt.date):
        errors["signed_on"] = str(_("Enter a date (dd/mm/yyyy)."))
    elif signed_on > timezone.localdate():
        errors["signed_on"] = str(_("The date cannot be in the future."))
    elif project.decision_date and signed_on < project.decision_date:
        errors["signed_on"] = str(
            _("A contract is signed after the approval decision (%(date)s).")
            % {"date": format_date(project.decision_date)}
        )
    elif (refusal := window_refusal(project, signed_on, kind=EntryKind.COMMITMENT)) is not None:
        errors["signed_on"] = refusal
    for name, text in (("party_a", party_a), ("party_b", party_b)):
        if not (text or "").strip():
            errors[name] = str(_("Name the party."))
    try:
        value = whole_dong(value, field="value")
        if value <= 0:
            errors["value"] = str(_("The value must be more than 0 đồng."))
    except ValidationFailed as exc:
        errors["value"] = str(exc.message)
    if "value" not in errors:
        contracted = project.contracts.aggregate(s=Sum("value"))["s"] or 0
        if contracted + value > project.support_amount:
            errors["value"] = str(
                _("The contracts would exceed the project's support: %(left)s left of %(support)s.")
                % {
                    "left": format_vnd(project.support_amount - contracted),
                    "support": format_vnd(project.support_amount),
                }
            )
    if document is not None and document.project_id != project.pk:
        errors["document"] = str(_("The document belongs to another project."))
    return errors, value


@transaction.atomic
def contract_sign(
    *,
    actor: Any,
    project: Project,
    number: str,
    signed_on: dt.date,
    party_a: str,
    party_b: str,
    value: int,
    document: Document | None = None,
    version: int | None = None,
) -> Contract:
    """Record a signed contract and commit its value in the ledger. On an approved project this is
    the lifecycle action "contract"; later (contracted or in progress) it adds a further contract."""
    project = project_for_change(actor, project)
    check_version(project, version)  # also when adding a further contract
    if project.state not in (ProjectState.APPROVED, ProjectState.CONTRACTED, ProjectState.IN_PROGRESS):
        raise WrongState(
            _("A contract is signed once the project is approved; the project is %(state)s.")
            % {"state": project.get_state_display()}
        )
    errors, value = _contract_errors(project, number, signed_on, party_a, party_b, value, document)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), code="invalid_fields", errors=errors)
    contract = Contract.objects.create(
        project=project,
        number=number.strip(),
        signed_on=signed_on,
        party_a=party_a.strip(),
        party_b=party_b.strip(),
        value=value,
        document=document,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="finance.contract",
        obj=project,
        after={"contract": contract.number, "value": value, "signed_on": signed_on.isoformat()},
    )
    _entry(project, contract, EntryKind.COMMITMENT, value, signed_on, actor=actor, reference=contract.number)
    if project.state == ProjectState.APPROVED:
        run_transition(
            actor=actor,
            project=project,
            action="contract",
            version=version,
            params={"contract": contract.number},
            effect=lambda a, p, params: "",
        )
    return contract


# --- ledger entries --------------------------------------------------------------------------------

ENTRY_KINDS = (EntryKind.ADVANCE, EntryKind.PAYMENT, EntryKind.RECOVERY)


def _entry_input(
    project: Project, kind: str, amount: int, value_date: Any, reference: str
) -> tuple[int, dt.date]:
    """The entry's kind, amount, date and reference, checked against the project's state."""
    if kind not in ENTRY_KINDS:
        raise ValidationFailed(
            _("Choose an advance, a payment or a recovery."), code="invalid_kind", field="kind"
        )
    if project.state == ProjectState.SETTLED:
        raise LedgerRefused(_("The project is settled: its ledger is closed."), code="ledger_closed")
    if project.state == ProjectState.STOPPED and kind != EntryKind.RECOVERY:
        raise LedgerRefused(
            _("The project is stopped: only recoveries may be recorded."), code="ledger_closed"
        )
    amount = whole_dong(amount)
    if amount <= 0:
        raise ValidationFailed(
            _("The amount must be more than 0 đồng."), code="invalid_amount", field="amount"
        )
    value_date = _date(value_date, "value_date")
    if not (reference or "").strip():
        raise ValidationFailed(
            _("Enter the document the money moved on (e.g. the payment order number)."),
            code="required",
            field="reference",
        )
    return amount, value_date


def _entry_contract(project: Project, contract: Contract | None) -> Contract:
    """The contract the money moves on: the one given, or the project's only one."""
    contracts = list(project.contracts.all())
    if contract is None and len(contracts) == 1:
        contract = contracts[0]
    if not contracts:
        raise LedgerRefused(
            _("No payment before a contract: record the signed contract first."), code="no_contract"
        )
    if contract is None or contract.project_id != project.pk:
        raise ValidationFailed(_("Choose the project's contract."), code="invalid_contract", field="contract")
    return contract


def _require_room_on_contract(
    project: Project,
    contract: Contract,
    kind: str,
    amount: int,
    value_date: dt.date,
    *,
    balance: Balance | None = None,
    rules: AdvanceRules | None = None,
) -> None:
    """Disbursed money stays within what the contract commits, advances within their share, recoveries
    within what was disbursed. `balance`, `rules`: the contract's balance and the advance rules when
    known (an import keeps a running balance of each contract instead of a query per row)."""
    balance = balance or contract_balance(contract)
    if kind in DISBURSING:
        # What is still committed: the contract's value until liquidation or a stop releases the rest.
        ceiling = min(contract.value, balance.committed)
        if balance.disbursed + amount > ceiling:
            raise LedgerRefused(
                _("This exceeds the contract: %(left)s left to disburse of %(value)s.")
                % {
                    "left": format_vnd(max(ceiling - balance.disbursed, 0)),
                    "value": format_vnd(ceiling),
                },
                code="above_contract_balance",
                field="amount",
            )
        if project.state == ProjectState.APPROVED:
            raise WrongState(_("This action is not possible in the project's current state."))
    if kind == EntryKind.ADVANCE:
        if project.state not in (ProjectState.CONTRACTED, ProjectState.IN_PROGRESS):
            raise LedgerRefused(_("Advances are paid before acceptance."), code="advance_after_acceptance")
        share, rule = (rules or AdvanceRules()).share(project.plan_line.activity_id, value_date)
        limit = int((Decimal(contract.value) * share).to_integral_value(rounding=ROUND_FLOOR))
        if balance.advanced + amount > limit:
            raise LedgerRefused(
                _("Advances may reach %(share)s%% of the contract (%(limit)s); %(left)s left.")
                % {
                    "share": f"{share * 100:.0f}",
                    "limit": format_vnd(limit),
                    "left": format_vnd(max(limit - balance.advanced, 0)),
                },
                code="advance_share_exceeded",
                field="amount",
                rule=rule.pk if rule else None,
            )
    if kind == EntryKind.RECOVERY and amount > balance.disbursed:
        raise LedgerRefused(
            _("A recovery cannot exceed what was disbursed on the contract (%(disbursed)s).")
            % {"disbursed": format_vnd(balance.disbursed)},
            code="recovery_above_disbursed",
            field="amount",
        )


@transaction.atomic
def entry_record(
    *,
    actor: Any,
    project: Project,
    kind: str,
    amount: int,
    value_date: dt.date,
    reference: str,
    contract: Contract | None = None,
    note: str = "",
    correction_reason: str = "",
    confirm_duplicate: bool = False,
) -> LedgerEntry:
    """Record an advance, a payment or a recovery (commitments are written with the contract). Into a
    period whose report is approved only as a post-close correction: `correction_reason` given by
    the ministry or the province's approver (`core.closing`). The same entry twice is refused
    (`duplicate_entry`) unless `confirm_duplicate`."""
    project = project_for_change(actor, project)
    amount, value_date = _entry_input(project, kind, amount, value_date, reference)
    contract = _entry_contract(project, contract)
    if not confirm_duplicate:
        _require_not_duplicate(project, kind, amount, value_date, reference.strip())
    _require_in_window(project, value_date, kind=kind)
    if value_date < contract.signed_on:
        raise LedgerRefused(
            _("No payment before the contract: it was signed on %(date)s.")
            % {"date": format_date(contract.signed_on)},
            code="before_contract",
            field="value_date",
        )
    _require_room_on_contract(project, contract, kind, amount, value_date)
    return _entry(
        project,
        contract,
        kind,
        amount,
        value_date,
        actor=actor,
        reference=reference.strip(),
        note=(note or "").strip(),
        correction_reason=correction_reason,
    )


@transaction.atomic
def entry_reverse(
    *,
    actor: Any,
    entry: LedgerEntry,
    reason: str,
    value_date: dt.date | None = None,
    amount: int | None = None,
    correction_reason: str = "",
) -> LedgerEntry:
    """Correct a mistake: a new entry of the same kind that takes back `amount` (all of it by default).
    Dated in an approved report's period only as a post-close correction (`entry_record`)."""
    project = project_for_change(actor, entry.project)
    if project.state == ProjectState.SETTLED:
        raise LedgerRefused(_("The project is settled: its ledger is closed."), code="ledger_closed")
    if entry.reverses_id is not None:
        raise LedgerRefused(
            _("A reversing entry cannot itself be reversed; record a new entry."), code="reverse_reversal"
        )
    if not (reason or "").strip():
        raise ValidationFailed(
            _("Say what was wrong with the entry."), code="reason_required", field="reason"
        )
    reversed_already = entry.reversals.aggregate(s=Sum("amount"))["s"] or 0
    left = entry.amount - reversed_already
    amount = left if amount is None else whole_dong(amount)
    if amount <= 0 or amount > left:
        raise LedgerRefused(
            _("At most %(left)s of this entry is left to reverse.") % {"left": format_vnd(left)},
            code="reversal_too_large",
            field="amount",
        )
    value_date = _date(value_date or timezone.localdate(), "value_date")
    if value_date < entry.value_date:
        raise ValidationFailed(
            _("A reversal cannot be dated before the entry."), code="invalid_date", field="value_date"
        )
    if entry.contract is not None:
        _require_reversible(entry.kind, entry.contract, amount, contract_balance(entry.contract))
    return _entry(
        project,
        entry.contract,
        entry.kind,
        amount,
        value_date,
        actor=actor,
        reference=entry.reference,
        note=reason.strip(),
        reverses=entry,
        correction_reason=correction_reason,
    )


def _require_reversible(kind: str, contract: Contract, amount: int, balance: Balance) -> None:
    """Taking `amount` of an entry of `kind` back keeps the contract's balance possible."""
    if kind == EntryKind.RECOVERY and balance.disbursed + amount > min(contract.value, balance.committed):
        raise LedgerRefused(
            _("Reversing this recovery would disburse more than the contract."),
            code="above_contract_balance",
        )
    if kind == EntryKind.COMMITMENT and balance.committed - amount < balance.disbursed:
        raise LedgerRefused(
            _("The commitment cannot fall below what is disbursed on the contract (%(disbursed)s).")
            % {"disbursed": format_vnd(balance.disbursed)},
            code="below_disbursed",
            field="amount",
        )
    if kind in DISBURSING and balance.disbursed - amount < 0:
        raise LedgerRefused(_("The disbursed amount cannot become negative."), code="negative_disbursed")


def _release_commitments(actor: Any, project: Project, on: dt.date, why: str) -> int:
    """Release, contract by contract, what is committed and will not be disbursed."""
    released = 0
    for contract in project.contracts.all():
        balance = contract_balance(contract)
        free = balance.committed - balance.disbursed
        if free > 0:
            original = contract.entries.filter(kind=EntryKind.COMMITMENT, reverses__isnull=True).first()
            _entry(
                project,
                contract,
                EntryKind.COMMITMENT,
                free,
                on,
                actor=actor,
                reference=contract.number,
                note=why,
                reverses=original,
            )
            released += free
    return released

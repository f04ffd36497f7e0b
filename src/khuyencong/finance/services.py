"""Finance writers: contracts, ledger entries and their reversals, and the lifecycle actions that move
money (contract, liquidation, stop). Every writer locks the project row first, so two officers paying
or approving the same project at the same moment are serialised: the second sees the first's entry
and is refused if the invariants no longer hold.

Invariants (checked here, on every entry):
- amounts are whole đồng, more than 0; value dates not in the future;
- no advance or payment without a contract, or dated before it was signed;
- on each contract: advances + payments − recoveries ≤ the contract's value, and ≥ 0;
- advances ≤ the advance share of the contract's value for the project's activity (AdvanceRule);
- no entry after settlement; after a stop only recoveries.
"""

import datetime as dt
import json
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.catalog.models import Activity
from khuyencong.core import closing
from khuyencong.core.audit import audit_record
from khuyencong.core.errors import DomainError, StaleWrite, ValidationFailed
from khuyencong.core.formatting import format_date, format_vnd
from khuyencong.core.money import whole_dong
from khuyencong.core.reference import LoadReport
from khuyencong.projects.choices import COMMITTED_STATES, ProjectState, StopDestination
from khuyencong.projects.models import Document, Project
from khuyencong.projects.selectors import liquidation_due
from khuyencong.projects.services import (
    WrongState,
    project_for_change,
    project_receive,
    require_transition_permission,
    run_transition,
)

from .choices import DISBURSING, EntryKind
from .models import AdvanceRule, Contract, LedgerEntry
from .rollup import rollup_add
from .selectors import contract_balance, project_balance

RULES_FILE = Path(__file__).parent / "reference" / "advance_rules.json"


class LedgerRefused(DomainError):
    code = "ledger_refused"
    status = 409
    default_message = _("The ledger refuses this entry.")


def _require_not_duplicate(
    project: Project, kind: str, amount: int, value_date: dt.date, reference: str
) -> None:
    """The same money twice (the same project, kind, amount, value date and document, not reversed) is
    almost always a double click or a re-sent request: refused unless the user confirms it is another
    entry. Called with the project locked, so two identical requests at once cannot both pass."""
    twin = (
        LedgerEntry.objects.filter(
            project=project,
            kind=kind,
            amount=amount,
            value_date=value_date,
            reference__iexact=reference,
            reverses__isnull=True,
            reversals__isnull=True,
        )
        .select_related("recorded_by")
        .order_by("pk")
        .first()
    )
    if twin is None:
        return
    raise LedgerRefused(
        _(
            "This looks like an entry already recorded: %(kind)s of %(amount)s on %(date)s, document "
            "%(reference)s (recorded %(at)s by %(by)s). If it is a second, separate entry, tick "
            "“Record it although it looks like a duplicate” and record it again."
        )
        % {
            "kind": EntryKind(kind).label,
            "amount": format_vnd(amount),
            "date": format_date(value_date),
            "reference": twin.reference,
            "at": format_date(timezone.localtime(twin.recorded_at).date()),
            "by": twin.recorded_by,
        },
        code="duplicate_entry",
        field="reference",
        entry=twin.pk,
    )


@transaction.atomic
def advance_rules_load(*, report: LoadReport | None = None) -> LoadReport:
    report = report or LoadReport()
    data = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    for item in data["rules"]:
        activity = Activity.objects.filter(code=item["activity"]).first() if item["activity"] else None
        if item["activity"] and activity is None:
            continue
        _rule, created = AdvanceRule.objects.get_or_create(
            activity=activity,
            valid_from=dt.date.fromisoformat(item["valid_from"]),
            defaults={"max_share": Decimal(item["max_share"]), "condition": item["condition"]},
        )
        report.created["advance rules"] += int(created)
    return report


def advance_share(activity: Activity, on: dt.date) -> tuple[Decimal, AdvanceRule | None]:
    """The largest advance, as a share of a contract, for `activity` on `on` (1 when no rule applies)."""
    rules = AdvanceRule.objects.valid_on(on).order_by(F("valid_from").desc(nulls_last=True), "-pk")
    rule = rules.filter(activity=activity).first() or rules.filter(activity__isnull=True).first()
    return (rule.max_share if rule else Decimal(1)), rule


def _date(value: Any, field: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationFailed(_("Enter a date (dd/mm/yyyy)."), code="invalid_date", field=field)
    if value > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), code="future_date", field=field)
    return value


def ledger_window(project: Project) -> tuple[dt.date, dt.date | None]:
    """The value dates a year's project may commit and disburse on: from 1 January of its plan year to
    the liquidation deadline of its contracts (by default 22 January after the year, or after the
    year the project ends in) — the window the execution of a year's plan counts
    (docs/report-schema.md). None: no liquidation rule in force, no end."""
    return dt.date(project.year, 1, 1), liquidation_due(project)


def window_refusal(project: Project, day: dt.date, *, kind: str) -> str | None:
    """Why money cannot move on `day` for the project, if it cannot. Advances, payments and
    commitments lie in the plan year's window (`ledger_window`); recoveries and reversals (money
    coming back, corrections) may come later, never before the plan year."""
    start, end = ledger_window(project)
    late = end is not None and day > end and kind not in (EntryKind.RECOVERY, "reversal")
    if day >= start and not late:
        return None
    extend = (
        " "
        + str(
            _("To pay later, extend the project into the next year by an adjustment (the plan's approver).")
        )
        if late
        else ""
    )
    return (
        str(
            _(
                "The project belongs to the %(year)s plan: its money moves from %(start)s to the "
                "liquidation deadline %(end)s, not on %(date)s."
            )
            % {
                "year": project.year,
                "start": format_date(start),
                "end": format_date(end) if end else "—",
                "date": format_date(day),
            }
        )
        + extend
    )


def _require_in_window(project: Project, day: dt.date, *, kind: str) -> None:
    if (refusal := window_refusal(project, day, kind=kind)) is not None:
        raise LedgerRefused(refusal, code="outside_plan_year", field="value_date")


def _entry(
    project: Project,
    contract: Contract | None,
    kind: str,
    amount: int,
    value_date: dt.date,
    *,
    actor: Any,
    reference: str,
    note: str = "",
    reverses: LedgerEntry | None = None,
    correction_reason: str = "",
) -> LedgerEntry:
    sign = -1 if reverses is not None else 1
    committed = sign * amount if kind == EntryKind.COMMITMENT else 0
    if kind in DISBURSING:
        disbursed = sign * amount
    elif kind == EntryKind.RECOVERY:
        disbursed = -sign * amount
    else:
        disbursed = 0
    correction = None
    if disbursed:  # money that changes the executed figures: not into an approved report's period
        correction = closing.require_open(
            actor=actor,
            units=closing.units_of(project.location),
            year=project.year,
            day=value_date,
            correction_reason=correction_reason,
            what={
                "project": project.code,
                "kind": kind,
                "disbursed": disbursed,
                "value_date": value_date.isoformat(),
            },
        )
    entry = LedgerEntry.objects.create(
        project=project,
        contract=contract,
        kind=kind,
        amount=amount,
        committed_delta=committed,
        disbursed_delta=disbursed,
        value_date=value_date,
        reference=reference,
        note=note,
        reverses=reverses,
        recorded_by=actor,
    )
    rollup_add(project, value_date, disbursed)
    audit_record(
        actor=actor,
        action="finance.reversal" if reverses else "finance.entry",
        obj=project,
        after={
            "entry": entry.pk,
            "kind": kind,
            "amount": amount,
            "value_date": value_date.isoformat(),
            "reference": reference,
            "contract": contract.number if contract else None,
            "reverses": reverses.pk if reverses else None,
            **({"correction_after_approval": list(correction.submissions)} if correction else {}),
        },
        reason=correction_reason.strip() if correction else note,
    )
    return entry


# --- contracts -------------------------------------------------------------------------------------


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
    if version is not None and project.version != version:  # also when adding a further contract
        raise StaleWrite()
    if project.state not in (ProjectState.APPROVED, ProjectState.CONTRACTED, ProjectState.IN_PROGRESS):
        raise WrongState(
            _("A contract is signed once the project is approved; the project is %(state)s.")
            % {"state": project.get_state_display()}
        )
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
    contracts = list(project.contracts.all())
    if contract is None and len(contracts) == 1:
        contract = contracts[0]
    if not contracts:
        raise LedgerRefused(
            _("No payment before a contract: record the signed contract first."), code="no_contract"
        )
    if contract is None or contract.project_id != project.pk:
        raise ValidationFailed(_("Choose the project's contract."), code="invalid_contract", field="contract")
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
    balance = contract_balance(contract)
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
            raise WrongState()
    if kind == EntryKind.ADVANCE:
        if project.state not in (ProjectState.CONTRACTED, ProjectState.IN_PROGRESS):
            raise LedgerRefused(_("Advances are paid before acceptance."), code="advance_after_acceptance")
        share, rule = advance_share(project.plan_line.activity, value_date)
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
    if entry.kind == EntryKind.RECOVERY and entry.contract is not None:
        balance = contract_balance(entry.contract)
        if balance.disbursed + amount > min(entry.contract.value, balance.committed):
            raise LedgerRefused(
                _("Reversing this recovery would disburse more than the contract."),
                code="above_contract_balance",
            )
    if entry.kind == EntryKind.COMMITMENT and entry.contract is not None:
        balance = contract_balance(entry.contract)
        if balance.committed - amount < balance.disbursed:
            raise LedgerRefused(
                _("The commitment cannot fall below what is disbursed on the contract (%(disbursed)s).")
                % {"disbursed": format_vnd(balance.disbursed)},
                code="below_disbursed",
                field="amount",
            )
    if (
        entry.kind in DISBURSING
        and entry.contract is not None
        and contract_balance(entry.contract).disbursed - amount < 0
    ):
        raise LedgerRefused(_("The disbursed amount cannot become negative."), code="negative_disbursed")
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


# --- lifecycle actions that move money -----------------------------------------------------------


@transaction.atomic
def project_liquidate(
    *, actor: Any, project: Project, on: dt.date, final_value: int, version: int | None = None
) -> Project:
    def effect(actor: Any, project: Project, params: dict[str, Any]) -> str:
        on = _date(params["on"], "on")
        if project.accepted_on and on < project.accepted_on:
            raise ValidationFailed(
                _("Liquidation cannot come before acceptance."), code="invalid_date", field="on"
            )
        value = whole_dong(params["final_value"], field="final_value")
        balance = project_balance(project)
        if value > balance.contracted:
            raise ValidationFailed(
                _("The liquidated value cannot exceed the contracts (%(value)s).")
                % {"value": format_vnd(balance.contracted)},
                code="above_contract_balance",
                field="final_value",
            )
        if balance.disbursed != value:
            raise LedgerRefused(
                _("Record every payment first: %(disbursed)s disbursed, the liquidated value is %(value)s.")
                % {"disbursed": format_vnd(balance.disbursed), "value": format_vnd(value)},
                code="payments_missing",
                field="final_value",
            )
        project.liquidated_on, project.final_value = on, value
        _release_commitments(actor, project, on, str(_("liquidation")))
        return ""

    return run_transition(
        actor=actor,
        project=project,
        action="liquidate",
        version=version,
        params={"on": on, "final_value": final_value},
        effect=effect,
    )


@transaction.atomic
def project_stop(
    *,
    actor: Any,
    project: Project,
    on: dt.date,
    reason: str,
    destination: str,
    target: Project | None = None,
    version: int | None = None,
) -> Project:
    """Stop a project; what it did not disburse goes back to its plan line or to `target`."""
    require_transition_permission(actor, project, "stop")
    if destination not in StopDestination.values:
        raise ValidationFailed(
            _("Say where the remaining money goes."), code="invalid_destination", field="destination"
        )
    if destination == StopDestination.PROJECT:
        if target is None:
            raise ValidationFailed(
                _("Choose the project that receives the money."), code="required", field="target"
            )
        if target.pk == project.pk:
            raise ValidationFailed(
                _("A project cannot receive its own money."), code="invalid_target", field="target"
            )
        project_for_change(actor, target)  # the receiving project must be in the user's jurisdiction too
    released: dict[str, int] = {}

    def effect(actor: Any, project: Project, params: dict[str, Any]) -> str:
        on = _date(params["on"], "on")
        why = (params.get("reason") or "").strip()
        if not why:
            raise ValidationFailed(_("Say why the project stops."), code="reason_required", field="reason")
        last = LedgerEntry.objects.filter(project=project).order_by("-value_date").first()
        if last is not None and on < last.value_date:  # the release may not come before the money moved
            raise ValidationFailed(
                _("The stop cannot be dated before the last ledger entry (%(date)s).")
                % {"date": format_date(last.value_date)},
                code="invalid_date",
                field="on",
            )
        balance = project_balance(project)
        # Only an approved project holds money of the line; a proposal has none to give back or on.
        committed = project.state in COMMITTED_STATES
        released["amount"] = max(project.support_amount - balance.disbursed, 0) if committed else 0
        _release_commitments(actor, project, on, why)
        project.stopped_on, project.stop_reason = on, why
        project.stop_destination = destination
        project.stop_target = target if destination == StopDestination.PROJECT else None
        project.released_amount = released["amount"]
        return why

    project = run_transition(
        actor=actor,
        project=project,
        action="stop",
        version=version,
        params={"on": on, "reason": reason, "destination": destination, "target": target},
        effect=effect,
    )
    if destination == StopDestination.PROJECT and target is not None and released["amount"]:
        project_receive(actor=actor, project=target, amount=released["amount"], source=project, on=on)
    return project

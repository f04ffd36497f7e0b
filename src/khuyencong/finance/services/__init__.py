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

- `core`: the ledger's one writer (`_entry`), the dates a project's ledger accepts, advance rules;
- `ledger`: contracts, entries and reversals;
- `lifecycle`: liquidation and stop, which release what will not be paid."""

from .core import (
    RULES_FILE,
    LedgerRefused,
    advance_rules_load,
    advance_share,
    ledger_window,
    window_refusal,
)
from .ledger import (
    ENTRY_KINDS,
    contract_sign,
    entry_record,
    entry_reverse,
)
from .lifecycle import (
    project_liquidate,
    project_stop,
)

__all__ = [
    "ENTRY_KINDS",
    "RULES_FILE",
    "LedgerRefused",
    "advance_rules_load",
    "advance_share",
    "contract_sign",
    "entry_record",
    "entry_reverse",
    "ledger_window",
    "project_liquidate",
    "project_stop",
    "window_refusal",
]

"""Property-based: random sequences of ledger operations on a project with two contracts.

A small model, written here independently of the services, says which operation the rules accept and
what the balances must then be. After every step the services must have agreed with the model (an
accepted operation wrote one entry, a refused one wrote nothing) and the invariants must hold:
0 ≤ disbursed ≤ committed ≤ contract value per contract, advances within the advance share, and
committed / disbursed from `project_balance` equal to the sums of the accepted operations.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from khuyencong.accounts.choices import Role
from khuyencong.core.errors import DomainError
from khuyencong.finance.choices import EntryKind
from khuyencong.finance.models import LedgerEntry
from khuyencong.finance.rollup import rollup_check
from khuyencong.finance.selectors import contract_balance, project_balance, project_statement
from khuyencong.finance.services import contract_sign, entry_record, entry_reverse
from khuyencong.projects.choices import ProjectState
from khuyencong.testing.projects import YEAR, make_project, plan_line

K = EntryKind
SIGNED = dt.date(YEAR, 3, 1)
VALUES = (100_000_000, 50_000_000)  # the two contracts
SHARE = Decimal("0.70")  # may-moc-thiet-bi, from the reference advance rules
DATES = (
    SIGNED - dt.timedelta(days=1),  # before the contracts: refused
    SIGNED,
    dt.date(YEAR, 5, 20),
    dt.date(YEAR, 9, 1),
    None,  # tomorrow: in the future, refused
)
AMOUNTS = st.one_of(
    st.sampled_from([-1, 0, 1, 15_000_000, 35_000_000, 50_000_000, 70_000_000, 100_000_000]),
    st.integers(min_value=1, max_value=110_000_000),
)


class Rollback(Exception):
    pass


@dataclass
class Entry:
    pk: int
    kind: str
    contract: int
    amount: int
    date: dt.date
    is_reversal: bool
    reversed: int = 0


@dataclass
class Model:
    """What the ledger must hold, contract by contract."""

    committed: list[int] = field(default_factory=lambda: list(VALUES))
    disbursed: list[int] = field(default_factory=lambda: [0, 0])
    advanced: list[int] = field(default_factory=lambda: [0, 0])
    entries: list[Entry] = field(default_factory=list)

    def limit(self, c: int) -> int:
        return int((Decimal(VALUES[c]) * SHARE).to_integral_value(rounding=ROUND_FLOOR))

    def entry_refusals(self, kind: str, c: int, amount: int, date: dt.date) -> set[str]:
        """The codes the rules refuse a new entry with (empty: accepted)."""
        if amount < 0:
            return {"negative_amount"}
        if amount == 0:
            return {"invalid_amount"}
        if date > timezone.localdate():
            return {"future_date"}
        if date < SIGNED:
            return {"before_contract"}
        codes = set()
        if kind in (K.ADVANCE, K.PAYMENT) and self.disbursed[c] + amount > min(VALUES[c], self.committed[c]):
            codes.add("above_contract_balance")
        if kind == K.ADVANCE and self.advanced[c] + amount > self.limit(c):
            codes.add("advance_share_exceeded")
        if kind == K.RECOVERY and amount > self.disbursed[c]:
            codes.add("recovery_above_disbursed")
        return codes

    def reversal_refusals(self, e: Entry, amount: int | None, date: dt.date) -> set[str]:
        if e.is_reversal:
            return {"reverse_reversal"}
        left = e.amount - e.reversed
        amount = left if amount is None else amount
        if amount < 0:
            return {"negative_amount"}
        if amount == 0 or amount > left:
            return {"reversal_too_large"}
        if date > timezone.localdate():
            return {"future_date"}
        if date < e.date:
            return {"invalid_date"}
        c = e.contract
        if e.kind == K.RECOVERY and self.disbursed[c] + amount > min(VALUES[c], self.committed[c]):
            return {"above_contract_balance"}
        if e.kind in (K.ADVANCE, K.PAYMENT) and self.disbursed[c] - amount < 0:
            return {"negative_disbursed"}
        if e.kind == K.COMMITMENT and self.committed[c] - amount < self.disbursed[c]:
            return {"below_disbursed"}
        return set()

    def apply(self, kind: str, c: int, amount: int, sign: int) -> None:
        if kind == K.COMMITMENT:
            self.committed[c] += sign * amount
        elif kind in (K.ADVANCE, K.PAYMENT):
            self.disbursed[c] += sign * amount
            if kind == K.ADVANCE:
                self.advanced[c] += sign * amount
        else:
            self.disbursed[c] -= sign * amount


operation = st.one_of(
    st.tuples(
        st.just("entry"),
        st.sampled_from([K.ADVANCE, K.PAYMENT, K.RECOVERY]),
        st.integers(0, 1),
        AMOUNTS,
        st.sampled_from(DATES),
    ),
    st.tuples(
        st.just("reverse"),
        st.integers(0, 50),  # which entry (modulo how many there are)
        st.one_of(st.none(), AMOUNTS),
        st.sampled_from(DATES),
    ),
)


def _check(project, contracts, model: Model) -> None:
    for c, contract in enumerate(contracts):
        balance = contract_balance(contract)
        assert (balance.committed, balance.disbursed, balance.advanced) == (
            model.committed[c],
            model.disbursed[c],
            model.advanced[c],
        )
        assert 0 <= balance.disbursed <= balance.committed <= contract.value
        assert balance.advanced <= model.limit(c)
    total = project_balance(project)
    assert total.committed == sum(model.committed)
    assert total.disbursed == sum(model.disbursed)
    assert total.advanced == sum(model.advanced)
    assert total.contracted == sum(VALUES)
    statement = project_statement(project)
    assert len(statement) == len(model.entries)
    assert (statement[-1].committed, statement[-1].disbursed) == (total.committed, total.disbursed)
    assert rollup_check() == []  # the disbursed-by-month aggregate moved with the accepted entries


def _try_entry(op, date, number, officer, project, contracts, model) -> tuple[set[str], DomainError | None]:
    """Record the entry `op` names; the rules' refusals for it and the service's own, if any."""
    _, kind, c, amount, _date = op
    expected = model.entry_refusals(kind, c, amount, date)
    try:
        entry = entry_record(
            actor=officer,
            project=project,
            kind=kind,
            amount=amount,
            value_date=date,
            reference=f"UNC-{number}",  # each its own document (no duplicate_entry)
            contract=contracts[c],
        )
    except DomainError as exc:
        return expected, exc
    model.apply(kind, c, amount, +1)
    model.entries.append(Entry(entry.pk, kind, c, amount, date, False))
    return expected, None


def _try_reversal(
    op, date, number, officer, project, contracts, model
) -> tuple[set[str], DomainError | None]:
    """Reverse the entry `op` points at; the rules' refusals for it and the service's own, if any."""
    _, index, amount, _date = op
    target = model.entries[index % len(model.entries)]
    expected = model.reversal_refusals(target, amount, date)
    try:
        reversal = entry_reverse(
            actor=officer,
            entry=LedgerEntry.objects.get(pk=target.pk),
            reason="Sửa sai",
            value_date=date,
            amount=amount,
        )
    except DomainError as exc:
        return expected, exc
    assert reversal.reverses_id == target.pk
    assert reversal.amount == (target.amount - target.reversed if amount is None else amount)
    target.reversed += reversal.amount
    model.apply(target.kind, target.contract, reversal.amount, -1)
    model.entries.append(Entry(reversal.pk, target.kind, target.contract, reversal.amount, date, True))
    return expected, None


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=14))
def test_random_ledger_operations_keep_the_invariants(world, operations):
    admin = world.user(Role.SYSTEM_ADMIN)
    officer = world.user(Role.PROVINCE_OFFICER)
    plan_line(world)  # the approved plan, outside the example's savepoint
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    try:
        with transaction.atomic():
            project = make_project(world, state=ProjectState.APPROVED)
            contracts = [
                contract_sign(
                    actor=admin,
                    project=project,
                    number=f"HĐ-{n}",
                    signed_on=SIGNED,
                    party_a="Trung tâm",
                    party_b="Cơ sở",
                    value=value,
                )
                for n, value in enumerate(VALUES)
            ]
            model = Model()
            for c, contract in enumerate(contracts):
                commitment = contract.entries.get()
                model.entries.append(Entry(commitment.pk, K.COMMITMENT, c, VALUES[c], SIGNED, False))
            _check(project, contracts, model)

            for number, op in enumerate(operations):
                count = LedgerEntry.objects.count()
                date = op[-1] or tomorrow
                run = _try_entry if op[0] == "entry" else _try_reversal
                expected, refusal = run(op, date, number, officer, project, contracts, model)
                if refusal is None:
                    assert not expected, f"{op} was accepted, but the rules refuse it: {expected}"
                else:
                    assert expected, f"{op} was refused ({refusal.code}), but the rules allow it"
                    assert refusal.code in expected, (op, refusal.code, expected)
                    assert LedgerEntry.objects.count() == count  # a refusal writes nothing
                _check(project, contracts, model)
            raise Rollback
    except Rollback:
        pass

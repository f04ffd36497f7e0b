"""The trigger that keeps the ledger append-only whatever the client (PostgreSQL only), and races between
two users acting at the same moment, each on its own database connection (both databases: PostgreSQL
locks the rows, SQLite's write transactions begin IMMEDIATE and wait for each other).

The race tests are transactional (they commit, so two connections see each other's work); the
database is flushed after each, so each starts by building the test world again (the `world` fixture).
"""

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from khuyencong.accounts.choices import Role
from khuyencong.accounts.models import User
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import DomainError
from khuyencong.finance.models import DisbursedMonth, LedgerEntry
from khuyencong.finance.rollup import rollup_check
from khuyencong.finance.selectors import project_balance
from khuyencong.finance.services import entry_record
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Project
from khuyencong.projects.services import line_room, project_transition
from khuyencong.testing.projects import LINE_AMOUNT, YEAR, D, make_project

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the append-only trigger exists only there; run with DATABASE_URL=postgres://…",
)


# --- the trigger --------------------------------------------------------------------------------------


@postgresql_only
@pytest.mark.django_db
def test_the_database_refuses_to_change_or_delete_a_ledger_row(world):
    project = make_project(world, state=ProjectState.IN_PROGRESS)
    entry = project.ledger_entries.get(kind="advance")
    for sql, params in (
        ("UPDATE finance_ledgerentry SET amount = %s, disbursed_delta = %s WHERE id = %s", [1, 1, entry.pk]),
        ("UPDATE finance_ledgerentry SET note = %s WHERE id = %s", ["sửa tay", entry.pk]),
        ("DELETE FROM finance_ledgerentry WHERE id = %s", [entry.pk]),
        ("DELETE FROM finance_ledgerentry", []),
    ):
        with pytest.raises(IntegrityError) as info, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
        assert "append-only" in str(info.value)
        assert isinstance(info.value, DatabaseError)
    stored = LedgerEntry.objects.get(pk=entry.pk)
    assert (stored.amount, stored.disbursed_delta, stored.note) == (entry.amount, entry.amount, "")
    # Inserting stays possible: the services write through the same table.
    entry_record(
        actor=world.user(Role.SYSTEM_ADMIN),
        project=project,
        kind="payment",
        amount=1,
        value_date=D["payment"],
        reference="UNC-3",
    )
    assert project.ledger_entries.count() == 3


# --- races --------------------------------------------------------------------------------------------


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same moment, each in its own thread with its own connection; return what
    each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=20)
            results[i] = call()
        except BaseException as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer hung (deadlock?)"
    return results


def _split(results: list[Any]) -> tuple[list[Any], list[DomainError]]:
    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)]
    assert not unexpected, unexpected
    return [r for r in results if not isinstance(r, BaseException)], [
        r for r in results if isinstance(r, DomainError)
    ]


def _user(role: Role) -> User:
    return User.objects.get(username=f"test.{role.value}")  # one object per thread: scopes are cached on it


@pytest.mark.django_db(transaction=True)
def test_approvals_at_the_same_moment(world):
    # Two users approve the same appraised project, both having opened it: the second gets
    # stale_write (same version) or, without a version, wrong_state — never a second approval.
    for with_version in (True, False):
        project = make_project(world, state=ProjectState.APPRAISED)

        def approve(role: Role, number: str, project=project, with_version=with_version) -> Project:
            return project_transition(
                actor=_user(role),
                project=Project.objects.get(pk=project.pk),
                action="approve",
                version=project.version if with_version else None,
                decision_number=number,
                decision_date=D["decision"],
            )

        results = race(
            lambda: approve(Role.PROVINCE_APPROVER, "1/QĐ"), lambda: approve(Role.SYSTEM_ADMIN, "2/QĐ")
        )
        done, refused = _split(results)
        assert (len(done), len(refused)) == (1, 1), results
        assert refused[0].code == ("stale_write" if with_version else "wrong_state")
        assert refused[0].status == 409
        project.refresh_from_db()
        assert (project.state, project.decision_number) == (ProjectState.APPROVED, done[0].decision_number)
        assert audit_for(project).filter(action="project.approve").count() == 1

    # Two projects on one line, each fitting the line alone but not together.
    big = {"activity": "dao-tao-nghe", "counterpart": 0}  # no norm caps training
    first = make_project(world, state=ProjectState.APPRAISED, support=6_000_000_000, **big)
    second = make_project(world, state=ProjectState.APPRAISED, support=6_000_000_000, **big)

    def approve_line(role: Role, project: Project) -> Project:
        return project_transition(
            actor=_user(role),
            project=Project.objects.get(pk=project.pk),
            action="approve",
            decision_number=f"{project.pk}/QĐ",
            decision_date=D["decision"],
        )

    done, refused = _split(
        race(
            lambda: approve_line(Role.PROVINCE_APPROVER, first),
            lambda: approve_line(Role.SYSTEM_ADMIN, second),
        )
    )
    assert (len(done), [r.code for r in refused]) == (1, ["line_room_exceeded"])
    assert line_room(first.plan_line, D["decision"]) == LINE_AMOUNT - 6_000_000_000


@pytest.mark.django_db(transaction=True)
def test_money_at_the_same_moment(world):
    # Two payments of 100 million on a contract of 150 million: each fits alone, not together.
    project = make_project(world, state=ProjectState.CONTRACTED)

    def pay(role: Role, kind: str, amount: int, project: Project = project):
        return entry_record(
            actor=_user(role),
            project=Project.objects.get(pk=project.pk),
            kind=kind,
            amount=amount,
            value_date=dt.date(YEAR, 4, 1),
            reference=f"UNC-{role.value}",
        )

    results = race(
        lambda: pay(Role.PROVINCE_OFFICER, "payment", 100_000_000),
        lambda: pay(Role.PROVINCE_APPROVER, "payment", 100_000_000),
    )
    done, refused = _split(results)
    assert (len(done), len(refused)) == (1, 1), results
    assert refused[0].code == "above_contract_balance"
    assert refused[0].status == 409
    balance = project_balance(project)
    assert (balance.disbursed, balance.paid) == (100_000_000, 100_000_000)
    assert list(project.ledger_entries.filter(kind="payment").values_list("reference", flat=True)) == [
        done[0].reference
    ]

    # Two advances of 60 million: each within the 70% share (105 million) alone, not together.
    other = make_project(world, state=ProjectState.CONTRACTED)
    done, refused = _split(
        race(
            lambda: pay(Role.PROVINCE_OFFICER, "advance", 60_000_000, other),
            lambda: pay(Role.SYSTEM_ADMIN, "advance", 60_000_000, other),
        )
    )
    assert (len(done), [r.code for r in refused]) == (1, ["advance_share_exceeded"])
    assert project_balance(other).advanced == 60_000_000

    # Payments on two other projects of the same line, in the same month, at the same moment: both
    # land in one row of the disbursed-by-month aggregate; neither is lost nor refused on its key.
    a = make_project(world, state=ProjectState.CONTRACTED)
    b = make_project(world, state=ProjectState.CONTRACTED)
    done, refused = _split(
        race(
            lambda: pay(Role.PROVINCE_OFFICER, "payment", 10_000_000, a),
            lambda: pay(Role.SYSTEM_ADMIN, "payment", 20_000_000, b),
        )
    )
    assert (len(done), refused) == (2, [])
    month = DisbursedMonth.objects.get(plan_line=a.plan_line, month=dt.date(YEAR, 4, 1))
    assert month.amount == 100_000_000 + 60_000_000 + 10_000_000 + 20_000_000
    assert rollup_check() == []


@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_moment_get_201_and_409_never_500(world):
    """Through the API, each request on its own connection: two identical payments → one 201, one 409
    duplicate_entry; four payments that each fit the contract alone, not together → 201 and 409s."""
    from django.test import Client
    from django.urls import reverse

    project = make_project(world, state=ProjectState.CONTRACTED)
    url = reverse("api:finance_entry_record", args=[project.pk])

    def post(body: dict) -> int:
        client = Client()
        client.force_login(_user(Role.PROVINCE_OFFICER))
        return client.post(url, body, content_type="application/json").status_code

    same = {"kind": "payment", "amount": 9_062_500, "value_date": f"{YEAR}-04-01", "reference": "DUP-REF"}
    assert sorted(race(lambda: post(same), lambda: post(same))) == [201, 409]
    assert project.ledger_entries.filter(reference="DUP-REF").count() == 1

    left = project_balance(project).undisbursed  # each of the four fits alone, no two together
    amount = left // 2 + 1
    statuses = race(
        *(lambda i=i: post({**same, "amount": amount, "reference": f"UNC-{i}"}) for i in range(4))
    )
    assert sorted(statuses) == [201, 409, 409, 409], statuses
    assert project_balance(project).undisbursed == left - amount

"""Reads of the ledger: balances, the statement with running totals, executed (disbursed) money by value
date, source, content group and province, outstanding advances, what an establishment received, and
repeated machinery support — each within the reader's jurisdiction."""

import datetime as dt

import pytest

from khuyencong.accounts.choices import Role
from khuyencong.finance.models import LedgerEntry
from khuyencong.finance.selectors import (
    Balance,
    contract_balance,
    disbursed_by_project,
    establishment_support,
    executed,
    ledger_visible,
    machinery_repeats,
    outstanding_advances,
    project_balance,
    project_statement,
)
from khuyencong.finance.services import entry_record, entry_reverse, project_stop
from khuyencong.plans.choices import FundingSource
from khuyencong.projects.choices import ProjectKind, ProjectState
from khuyencong.projects.models import Project
from khuyencong.projects.services import participant_add
from khuyencong.testing.projects import YEAR, D, establishment, make_project

S = ProjectState
WHOLE_YEAR = {"start": dt.date(YEAR, 1, 1), "end": dt.date(YEAR, 12, 31)}


@pytest.fixture
def officer(world):
    return world.user(Role.PROVINCE_OFFICER)


@pytest.fixture
def admin(world):
    return world.user(Role.SYSTEM_ADMIN)


def test_balances_of_a_project_with_every_kind_of_entry(world, officer):
    project = make_project(world, state=S.IN_PROGRESS)  # contract 150, advance 75 on 15/3
    contract = project.contracts.get()
    assert project_balance(project) == Balance(
        contracted=150_000_000, committed=150_000_000, advanced=75_000_000, disbursed=75_000_000
    )
    payment = entry_record(
        actor=officer,
        project=project,
        kind="payment",
        amount=40_000_000,
        value_date=D["payment"],
        reference="2",
    )
    entry_record(
        actor=officer,
        project=project,
        kind="recovery",
        amount=5_000_000,
        value_date=D["payment"],
        reference="3",
    )
    entry_reverse(actor=officer, entry=payment, reason="Nhầm", amount=10_000_000, value_date=D["payment"])
    expected = Balance(
        contracted=150_000_000,
        committed=150_000_000,
        advanced=75_000_000,
        paid=30_000_000,
        recovered=5_000_000,
        disbursed=100_000_000,
    )
    assert project_balance(project) == expected
    assert contract_balance(contract) == expected
    assert expected.undisbursed == 50_000_000
    assert project_balance(make_project(world, state=S.DRAFT)) == Balance()


def test_statement_runs_in_value_date_order(world, officer):
    project = make_project(world, state=S.IN_PROGRESS)
    # Recorded now but dated before the advance: the statement puts it in its place.
    entry_record(
        actor=officer,
        project=project,
        kind="payment",
        amount=10_000_000,
        value_date=dt.date(YEAR, 3, 10),
        reference="early",
    )
    rows = project_statement(project)
    assert [(r.entry.kind, r.committed, r.disbursed, r.remaining) for r in rows] == [
        ("commitment", 150_000_000, 0, 150_000_000),
        ("payment", 150_000_000, 10_000_000, 140_000_000),
        ("advance", 150_000_000, 85_000_000, 65_000_000),
    ]


def test_disbursed_by_project_until_a_date(world):
    a = make_project(world, state=S.ACCEPTED)  # 75 on 15/3, 75 on 10/10
    b = make_project(world, state=S.IN_PROGRESS)  # 75 on 15/3
    c = make_project(world, state=S.APPROVED)
    projects = Project.objects.filter(pk__in=[a.pk, b.pk, c.pk])
    assert disbursed_by_project(projects) == {a.pk: 150_000_000, b.pk: 75_000_000}  # c has no entry
    assert disbursed_by_project(projects, until=dt.date(YEAR, 10, 9)) == {a.pk: 75_000_000, b.pk: 75_000_000}
    assert disbursed_by_project(projects, until=dt.date(YEAR, 3, 14)) == {a.pk: 0, b.pk: 0}  # committed only
    assert disbursed_by_project(projects, until=dt.date(YEAR, 2, 28)) == {}


def test_executed_by_value_date_source_group_and_province(world, officer, admin):
    accepted = make_project(world, state=S.ACCEPTED)  # machinery: 75 on 15/3 + 75 on 10/10
    training = make_project(world, state=S.IN_PROGRESS, activity="dao-tao-nghe", support=100_000_000)  # 50
    national = make_project(world, state=S.IN_PROGRESS, source=FundingSource.NATIONAL)  # 75
    foreign = make_project(world, "foreign", state=S.IN_PROGRESS)  # 75 in Hà Nội
    entry_record(
        actor=officer,
        project=training,
        kind="recovery",
        amount=20_000_000,
        value_date=dt.date(YEAR, 6, 1),
        reference="r",
    )
    khanh_hoa = world.khanh_hoa.pk

    totals = executed(officer, **WHOLE_YEAR)
    assert totals.total == 150_000_000 + 30_000_000 + 75_000_000
    assert dict(totals.by_source) == {"kcdp": 180_000_000, "kcqg": 75_000_000}
    assert dict(totals.by_group) == {"ct21-1": 225_000_000, "ct21-4": 30_000_000}
    assert dict(totals.by_unit) == {khanh_hoa: 255_000_000}

    first_half = executed(officer, start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 6, 30))
    assert first_half.total == 75_000_000 + 30_000_000 + 75_000_000  # the payment of 10/10 is later
    assert executed(officer, start=dt.date(YEAR, 3, 16), end=dt.date(YEAR, 5, 31)).total == 0
    assert executed(officer, source=FundingSource.NATIONAL, **WHOLE_YEAR).total == 75_000_000
    only = executed(officer, projects=Project.objects.filter(pk=accepted.pk), **WHOLE_YEAR)
    assert only.total == 150_000_000

    everyone = executed(admin, **WHOLE_YEAR)
    assert everyone.total == 255_000_000 + 75_000_000
    assert everyone.by_unit[world.ha_noi.pk] == 75_000_000
    assert executed(world.user(Role.REGION_VIEWER), **WHOLE_YEAR).total == 255_000_000  # mttn, not Hà Nội
    assert foreign.pk not in ledger_visible(officer).values_list("project", flat=True)
    assert set(ledger_visible(officer).values_list("project", flat=True)) == {
        accepted.pk,
        training.pk,
        national.pk,
    }
    assert national.pk in ledger_visible(world.user(Role.AUDITOR)).values_list("project", flat=True)


def test_outstanding_advances(world, officer, admin):
    small = make_project(world, state=S.IN_PROGRESS, support=100_000_000)  # 50 advanced
    large = make_project(world, state=S.IN_PROGRESS, activity="dao-tao-nghe", support=300_000_000)  # 150
    recovered = make_project(world, state=S.IN_PROGRESS, support=100_000_000)
    entry_record(
        actor=officer,
        project=recovered,
        kind="recovery",
        amount=50_000_000,
        value_date=D["payment"],
        reference="r",
    )
    make_project(world, state=S.ACCEPTED)  # accepted: its advance is settled by acceptance
    make_project(world, state=S.CONTRACTED)  # no advance
    foreign = make_project(world, "foreign", state=S.IN_PROGRESS)
    assert [(p.pk, a) for p, a in outstanding_advances(officer)] == [
        (large.pk, 150_000_000),
        (small.pk, 50_000_000),
    ]
    assert foreign.pk in [p.pk for p, _a in outstanding_advances(admin)]
    # As of a date: before the recovery the third project still held its advance.
    assert (recovered.pk, 50_000_000) in [(p.pk, a) for p, a in outstanding_advances(officer, on=D["accept"])]
    assert outstanding_advances(officer, on=D["advance"] - dt.timedelta(days=1)) == []


def test_what_an_establishment_received_and_repeated_machinery(world, officer, admin):
    own = make_project(world, state=S.ACCEPTED)
    est = own.implementer_establishment
    group = make_project(world, state=S.APPROVED, kind=ProjectKind.GROUP, support=200_000_000)
    participant_add(
        actor=officer,
        project=group,
        establishment=est,
        support_amount=80_000_000,
        eligible_cost=200_000_000,
        machine_name="Máy đóng gói",
    )
    Project.objects.filter(pk=group.pk).update(year=YEAR - 2)
    training = make_project(world, state=S.APPROVED, kind=ProjectKind.GROUP, activity="dao-tao-nghe")
    participant_add(actor=officer, project=training, establishment=est, support_amount=1, eligible_cost=1)

    rows = establishment_support(officer, est)
    assert [(r.project.pk, r.role, r.support, r.disbursed) for r in rows] == [
        (own.pk, "implementer", 150_000_000, 150_000_000),
        (training.pk, "participant", 1, None),
        (group.pk, "participant", 80_000_000, None),
    ]
    assert rows[2].machine == "Máy đóng gói"
    # Machinery support twice within three years (the setting) is flagged; training does not count.
    [(older, newer)] = machinery_repeats(rows)
    assert (older.project.pk, newer.project.pk) == (group.pk, own.pk)
    assert machinery_repeats(rows, years=2) == []
    # A stopped project does not count.
    project_stop(
        actor=world.user(Role.PROVINCE_APPROVER),
        project=group,
        on=dt.date(YEAR, 6, 1),
        reason="x",
        destination="line",
    )
    assert machinery_repeats(establishment_support(officer, est)) == []

    foreign_est = establishment(world, "foreign")
    assert establishment_support(officer, foreign_est) == []
    assert LedgerEntry.objects.filter(project=own).count() == len(project_statement(own))

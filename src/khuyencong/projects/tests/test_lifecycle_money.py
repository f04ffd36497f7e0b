"""The project lifecycle's steps that move money — contract, acceptance, liquidation, settlement —,
stops, group projects and the dates of the steps, through the services; every refusal raised with its
code and writing nothing."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Indicator, SupportNorm
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import DomainError
from khuyencong.finance.models import LedgerEntry
from khuyencong.finance.selectors import project_balance
from khuyencong.finance.services import contract_sign, entry_record, project_liquidate, project_stop
from khuyencong.plans.choices import FundingSource
from khuyencong.projects.choices import (
    ProjectKind,
    StopDestination,
)
from khuyencong.projects.models import Deliverable
from khuyencong.projects.services import (
    deliverable_record,
    deliverable_sync,
    line_room,
    participant_add,
    project_transition,
    run_transition,
)
from khuyencong.testing.projects import LINE_AMOUNT, YEAR, D, establishment, make_project

from .lifecycle import STOP_DAY, S, act, fresh, refused

# --- contract, acceptance, liquidation, settlement -----------------------------------------------


def test_contract_requires_a_contract(world, admin, officer):
    project = make_project(world, state=S.APPROVED)
    # The table's precondition, taken directly: no contract, no "contract" action.
    with refused("precondition_failed", project):
        run_transition(
            actor=admin,
            project=project,
            action="contract",
            version=None,
            params={},
            effect=lambda a, p, params: "",
        )
    bad = {
        "number": " ",
        "signed_on": D["decision"] - dt.timedelta(days=1),
        "party_a": "",
        "value": project.support_amount + 1,
    }
    with refused("invalid_fields", project) as info:
        contract_sign(actor=officer, project=project, party_b="Cơ sở", **bad)
    assert set(info.value.details["errors"]) == {"number", "signed_on", "party_a", "value"}
    with refused("invalid_fields", project):
        contract_sign(
            actor=officer,
            project=project,
            number="1/HĐ",
            signed_on=dt.date.today() + dt.timedelta(days=2),
            party_a="A",
            party_b="B",
            value=1,
        )
    assert fresh(project).state == S.APPROVED


def test_acceptance_requires_every_achieved_value(world, officer):
    project = make_project(world, state=S.IN_PROGRESS)
    [deliverable] = project.deliverables.all()
    with refused("precondition_failed", project) as info:
        act("accept", officer, project)
    assert str(deliverable.indicator) in info.value.details["failures"][0]
    deliverable_record(actor=officer, deliverable=deliverable, achieved=0)
    act("accept", officer, fresh(project))
    assert fresh(project).state == S.ACCEPTED

    bare = make_project(world, state=S.IN_PROGRESS)
    Deliverable.objects.filter(project=bare).delete()
    with refused("precondition_failed", bare):
        act("accept", officer, bare)


def test_liquidation_requires_every_payment_and_releases_the_rest(world, officer, approver):
    project = make_project(world, state=S.IN_PROGRESS)  # 75 of 150 million advanced
    deliverable_record(actor=officer, deliverable=project.deliverables.get(), achieved=1)
    act("accept", officer, fresh(project))
    project = fresh(project)
    with refused("payments_missing", project):
        project_liquidate(actor=officer, project=project, on=D["liquidate"], final_value=150_000_000)
    with refused("above_contract_balance", project):
        project_liquidate(actor=officer, project=project, on=D["liquidate"], final_value=150_000_001)
    with refused("invalid_date", project):
        project_liquidate(actor=officer, project=project, on=D["accept"] - dt.timedelta(1), final_value=1)
    project_liquidate(actor=officer, project=project, on=D["liquidate"], final_value=75_000_000)
    project = fresh(project)
    assert (project.state, project.final_value) == (S.LIQUIDATED, 75_000_000)
    balance = project_balance(project)
    assert (balance.committed, balance.disbursed, balance.contracted) == (75_000_000, 75_000_000, 150_000_000)
    release = LedgerEntry.objects.get(project=project, reverses__isnull=False)
    assert (release.kind, release.amount, release.committed_delta) == ("commitment", 75_000_000, -75_000_000)
    assert release.reverses.kind == "commitment"
    act("settle", approver, project)
    assert fresh(project).state == S.SETTLED


def test_settlement_requires_a_balanced_ledger(world, officer, approver):
    project = make_project(world, state=S.LIQUIDATED)
    entry_record(
        actor=officer,
        project=project,
        kind="recovery",
        amount=5_000_000,
        value_date=D["settle"],
        reference="GNT-1",
    )
    with refused("precondition_failed", project):
        act("settle", approver, project)
    # The liquidated value is final: no payment can bring the ledger back over it.
    with refused("above_contract_balance", project):
        entry_record(
            actor=officer,
            project=project,
            kind="payment",
            amount=5_000_001,
            value_date=D["settle"],
            reference="UNC-9",
        )
    entry_record(
        actor=officer,
        project=project,
        kind="payment",
        amount=5_000_000,
        value_date=D["settle"],
        reference="x",
    )
    act("settle", approver, fresh(project))
    assert fresh(project).state == S.SETTLED


# --- stop ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [s for s in S.values if s not in (S.SETTLED, S.STOPPED)])
def test_stop_from_any_state_before_settled(world, approver, state):
    project = make_project(world, state=state)
    disbursed = project_balance(project).disbursed
    act("stop", approver, project, version=project.version)
    project = fresh(project)
    assert (project.state, project.stopped_on, project.stop_reason, project.stop_destination) == (
        S.STOPPED,
        STOP_DAY,
        "Cơ sở xin dừng",
        StopDestination.LINE,
    )
    committed = state in (S.APPROVED, S.CONTRACTED, S.IN_PROGRESS, S.ACCEPTED, S.LIQUIDATED)
    assert project.released_amount == (project.support_amount - disbursed if committed else 0)
    balance = project_balance(project)
    assert balance.committed == balance.disbursed == disbursed  # the unpaid commitment is released
    entry = audit_for(project).get(action="project.stop")
    assert (entry.actor, entry.reason, entry.before["state"], entry.after["state"]) == (
        approver,
        "Cơ sở xin dừng",
        state,
        S.STOPPED,
    )
    assert entry.after["destination"] == "line"


def test_stop_needs_a_reason_and_a_destination(world, approver):
    project = make_project(world, state=S.CONTRACTED)
    with refused("reason_required", project):
        project_stop(actor=approver, project=project, on=STOP_DAY, reason=" ", destination="line")
    with refused("invalid_date", project):  # the release cannot come before the money moved
        project_stop(
            actor=approver,
            project=project,
            on=D["contract"] - dt.timedelta(days=1),
            reason="x",
            destination="line",
        )
    with refused("invalid_destination", project):
        project_stop(actor=approver, project=project, on=STOP_DAY, reason="x", destination="bin")
    with refused("required", project):
        project_stop(actor=approver, project=project, on=STOP_DAY, reason="x", destination="project")
    with refused("invalid_target", project):
        project_stop(
            actor=approver, project=project, on=STOP_DAY, reason="x", destination="project", target=project
        )


def test_stop_moves_the_money_to_another_project(world, approver):
    source = make_project(world, state=S.IN_PROGRESS, support=150_000_000)  # 75 million advanced
    target = make_project(world, state=S.APPROVED, activity="dao-tao-nghe", support=100_000_000)
    target_version = target.version
    project_stop(
        actor=approver,
        project=source,
        on=STOP_DAY,
        reason="Cơ sở không đủ vốn đối ứng",
        destination=StopDestination.PROJECT,
        target=target,
    )
    source, target = fresh(source), fresh(target)
    assert (source.state, source.stop_target, source.released_amount) == (S.STOPPED, target, 75_000_000)
    assert target.support_amount == 175_000_000
    assert target.version == target_version + 1
    stop = audit_for(source).get(action="project.stop")
    assert stop.after["target"] == target.pk
    assert stop.reason == "Cơ sở không đủ vốn đối ứng"
    receive = audit_for(target).get(action="project.receive")
    assert receive.before == {"support_amount": 100_000_000}
    assert receive.after == {"support_amount": 175_000_000, "from": source.code}
    assert (receive.actor, receive.reason) == (approver, "Cơ sở không đủ vốn đối ứng")
    assert list(target.received_from.all()) == [source]


def test_stop_refuses_a_target_it_may_not_give_to(world, approver):
    source = make_project(world, state=S.APPROVED)
    foreign = make_project(world, "foreign", state=S.APPROVED)
    with refused("not_found", source, foreign):
        project_stop(
            actor=approver, project=source, on=STOP_DAY, reason="x", destination="project", target=foreign
        )
    national = make_project(world, state=S.APPROVED, source=FundingSource.NATIONAL)
    with refused("invalid_target", source, national):  # another plan
        project_stop(
            actor=approver, project=source, on=STOP_DAY, reason="x", destination="project", target=national
        )
    settled = make_project(world, state=S.SETTLED)
    with refused("invalid_target", source, settled):
        project_stop(
            actor=approver, project=source, on=STOP_DAY, reason="x", destination="project", target=settled
        )


def test_a_project_never_approved_has_no_money_to_give(world, approver):
    big = {"activity": "dao-tao-nghe", "counterpart": 0}
    target = make_project(world, state=S.APPROVED, support=LINE_AMOUNT, **big)  # the line is full
    proposal = make_project(world, state=S.APPRAISED, support=2_000_000_000, **big)
    project_stop(
        actor=approver, project=proposal, on=STOP_DAY, reason="x", destination="project", target=target
    )
    assert fresh(proposal).released_amount == 0
    assert fresh(target).support_amount == LINE_AMOUNT
    assert line_room(target.plan_line, dt.date(YEAR, 12, 31)) == 0


def test_money_moved_to_another_line_needs_room_there(world, approver):
    source = make_project(world, state=S.APPROVED, support=150_000_000)
    full = make_project(
        world, state=S.APPROVED, activity="dao-tao-nghe", counterpart=0, support=LINE_AMOUNT - 100_000_000
    )
    with refused("line_room_exceeded", source, full):
        project_stop(
            actor=approver, project=source, on=STOP_DAY, reason="x", destination="project", target=full
        )


# --- group projects ------------------------------------------------------------------------------------


def test_group_project_is_approved_without_participants_and_filled_later(world, officer, approver):
    project = make_project(
        world, state=S.APPRAISED, kind=ProjectKind.GROUP, activity="dao-tao-nghe", support=300_000_000
    )
    assert not project.participants.exists()
    act("approve", approver, project)
    project = fresh(project)
    assert project.state == S.APPROVED
    version = project.version
    first = participant_add(
        actor=officer,
        project=project,
        establishment=establishment(world),
        support_amount=100_000_000,
        eligible_cost=200_000_000,
        machine_name="Máy sấy",
    )
    assert fresh(project).version == version + 1
    assert audit_for(project).get(action="project.participant_add").after["support_amount"] == 100_000_000

    foreign = establishment(world, "foreign")
    with refused("invalid_fields", project) as info:
        participant_add(
            actor=officer, project=project, establishment=foreign, support_amount=1, eligible_cost=1
        )
    assert set(info.value.details["errors"]) == {"establishment"}
    with refused("invalid_fields", project) as info:  # 100 + 200.000001 > 300 million
        participant_add(
            actor=officer,
            project=project,
            establishment=establishment(world),
            support_amount=200_000_001,
            eligible_cost=500_000_000,
        )
    assert set(info.value.details["errors"]) == {"support_amount"}
    with refused("invalid_fields", project) as info:
        participant_add(
            actor=officer,
            project=project,
            establishment=first.establishment,
            support_amount=1,
            eligible_cost=1,
        )
    assert set(info.value.details["errors"]) == {"establishment"}
    with refused("invalid_fields", project):
        participant_add(
            actor=officer,
            project=project,
            establishment=establishment(world),
            support_amount=2,
            eligible_cost=1,
        )
    participant_add(
        actor=officer,
        project=project,
        establishment=establishment(world),
        support_amount=200_000_000,
        eligible_cost=400_000_000,
    )
    assert sum(p.support_amount for p in project.participants.all()) == project.support_amount


def test_only_group_projects_have_participants(world, officer):
    project = make_project(world, state=S.APPROVED)
    with refused("not_group_project", project):
        participant_add(
            actor=officer,
            project=project,
            establishment=establishment(world),
            support_amount=1,
            eligible_cost=1,
        )


def test_participant_changes_stop_at_acceptance(world, officer):
    project = make_project(world, state=S.ACCEPTED, kind=ProjectKind.GROUP)
    with refused("wrong_state", project):
        participant_add(
            actor=officer,
            project=project,
            establishment=establishment(world),
            support_amount=1,
            eligible_cost=1,
        )
    foreign = make_project(world, "foreign", state=S.APPROVED, kind=ProjectKind.GROUP)
    with refused("not_found", foreign):
        participant_add(
            actor=officer,
            project=foreign,
            establishment=establishment(world, "foreign"),
            support_amount=1,
            eligible_cost=1,
        )


def test_approval_checks_the_norms_in_force_on_the_decision_date(world):
    """Appraised under a generous norm that ends before the decision: the approval is refused."""
    import datetime as dt

    from khuyencong.core.errors import DomainError
    from khuyencong.testing.projects import make_project as make

    admin = world.user(Role.SYSTEM_ADMIN)
    project = make(world, state="appraised", support=150_000_000, counterpart=250_000_000)
    norm = SupportNorm.objects.get(code="may-moc-2014")
    SupportNorm.objects.filter(pk=norm.pk).update(valid_to=dt.date(2025, 2, 5))
    SupportNorm.objects.create(
        code="may-moc-test",
        activity=norm.activity,
        max_share=norm.max_share,
        cap=100_000_000,
        cap_per=norm.cap_per,
        legal_basis="kiểm thử",
        valid_from=dt.date(2025, 2, 6),
    )
    with pytest.raises(DomainError) as refused:
        project_transition(
            actor=admin,
            project=project,
            action="approve",
            decision_number="1/QĐ",
            decision_date=dt.date(2025, 2, 10),
        )
    assert refused.value.code == "norm_exceeded"
    project.refresh_from_db()
    assert project.state == "appraised"


def test_a_participant_named_after_approval_is_checked_against_the_norms(world):
    from khuyencong.projects.services import participant_add
    from khuyencong.testing.projects import establishment
    from khuyencong.testing.projects import make_project as make

    admin = world.user(Role.SYSTEM_ADMIN)
    project = make(world, state="approved", kind="group", support=200_000_000, counterpart=300_000_000)
    with pytest.raises(DomainError) as refused:  # 60% of the eligible cost: the 2014 norm allows 50%
        participant_add(
            actor=admin,
            project=project,
            establishment=establishment(world),
            support_amount=120_000_000,
            eligible_cost=200_000_000,
        )
    assert refused.value.code == "norm_exceeded"
    assert not project.participants.exists()


def test_lifecycle_dates_cannot_be_in_the_future(world):
    import datetime as dt

    from django.utils import timezone

    from khuyencong.testing.projects import make_project as make

    project = make(world, state="registered")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        project_transition(
            actor=world.user(Role.SYSTEM_ADMIN), project=project, action="appraise", on=tomorrow
        )
    assert refused.value.code == "future_date"
    project.refresh_from_db()
    assert project.state == "registered"


def test_a_deliverable_carries_its_projects_year_whichever_service_creates_it(world):
    """Reports count a year's deliverables by their own `year`: a copy of the project's (which never
    changes), set by deliverable_set and by deliverable_sync, and filled in for existing rows by the
    migration that added it."""
    admin = world.user(Role.SYSTEM_ADMIN)
    project = make_project(world, state=S.APPROVED)  # deliverable_set for the activity's indicator
    planned = project.deliverables.get()
    other = Indicator.objects.exclude(pk=planned.indicator_id).order_by("code").first()
    synced = deliverable_sync(actor=admin, project=project, indicator=other, achieved=3, evidence="hội chợ")
    assert {d.pk: d.year for d in project.deliverables.all()} == {planned.pk: YEAR, synced.pk: YEAR}

    Deliverable.objects.update(year=0)
    migration = importlib.import_module("khuyencong.projects.migrations.0002_deliverable_year")
    migration.copy_project_year(apps, None)
    assert set(Deliverable.objects.values_list("year", flat=True)) == {YEAR}

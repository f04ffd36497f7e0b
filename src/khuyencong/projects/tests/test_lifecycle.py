"""The project lifecycle through the services: the table in `workflow`, every transition from draft to
settled by the roles the domain names, and every refusal — wrong state, wrong role, out of
jurisdiction, stale version, norms, line room, missing contract / achievements / payments, an
unbalanced ledger — raised with its code and writing nothing."""

import datetime as dt
import importlib
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.apps import apps

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Indicator, SupportNorm
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import DomainError, PermissionDenied
from khuyencong.core.models import AuditEntry
from khuyencong.finance.models import Contract, LedgerEntry
from khuyencong.finance.selectors import project_balance
from khuyencong.finance.services import contract_sign, entry_record, project_liquidate, project_stop
from khuyencong.plans.choices import FundingSource
from khuyencong.projects import workflow
from khuyencong.projects.choices import (
    ImplementerKind,
    ProjectKind,
    ProjectState,
    StopDestination,
)
from khuyencong.projects.models import Adjustment, Deliverable, Document, Participant, Project
from khuyencong.projects.services import (
    deliverable_record,
    deliverable_set,
    deliverable_sync,
    line_room,
    participant_add,
    project_create,
    project_transition,
    run_transition,
)
from khuyencong.projects.workflow import BY_ACTION, TRANSITIONS, Who, offers_for
from khuyencong.testing.projects import LINE_AMOUNT, YEAR, D, establishment, make_project, plan_line

S = ProjectState
STOP_DAY = dt.date(YEAR, 11, 15)  # after every date the helper records


# --- helpers -----------------------------------------------------------------------------------------


def _footprint(projects) -> tuple:
    counts = tuple(
        m.objects.count()
        for m in (Project, Participant, Deliverable, Document, Adjustment, Contract, LedgerEntry, AuditEntry)
    )
    rows = tuple(tuple(sorted(Project.objects.filter(pk=p.pk).values().get().items())) for p in projects)
    return counts, rows


@contextmanager
def refused(code: str, *projects: Project, status: int | None = None):
    """The block raises a DomainError with `code` and leaves every table (and `projects`) as it was."""
    before = _footprint(projects)
    with pytest.raises(DomainError) as info:
        yield info
    assert info.value.code == code, f"{info.value.code}: {info.value.message}"
    if status is not None:
        assert info.value.status == status
    assert _footprint(projects) == before


def act(action: str, actor, project: Project, **extra):
    """Take `action` through the service the table names, with valid parameters."""
    if action == "contract":
        return contract_sign(
            actor=actor,
            project=project,
            number=f"HĐ-{project.pk}-{Contract.objects.count() + 1}",
            signed_on=D["contract"],
            party_a="Trung tâm Khuyến công",
            party_b="Cơ sở",
            value=1_000_000,
            **extra,
        )
    if action == "liquidate":
        return project_liquidate(
            actor=actor, project=project, on=D["liquidate"], final_value=project.support_amount, **extra
        )
    if action == "stop":
        return project_stop(
            actor=actor,
            project=project,
            on=STOP_DAY,
            reason="Cơ sở xin dừng",
            destination=StopDestination.LINE,
            **extra,
        )
    params = {
        "register": {},
        "appraise": {"on": D["appraisal"]},
        "return": {"reason": "Bổ sung dự toán"},
        "approve": {"decision_number": "99/QĐ-UBND", "decision_date": D["decision"]},
        "start": {},
        "accept": {"on": D["accept"]},
        "settle": {"on": D["settle"]},
    }[action]
    return project_transition(actor=actor, project=project, action=action, **{**params, **extra})


def stopped(world) -> Project:
    project = make_project(world, state=S.APPROVED)
    project_stop(
        actor=world.user(Role.SYSTEM_ADMIN),
        project=project,
        on=STOP_DAY,
        reason="Cơ sở xin dừng",
        destination=StopDestination.LINE,
    )
    project.refresh_from_db()
    return project


def fresh(project: Project) -> Project:
    project.refresh_from_db()
    return project


@pytest.fixture
def admin(world):
    return world.user(Role.SYSTEM_ADMIN)


@pytest.fixture
def officer(world):
    return world.user(Role.PROVINCE_OFFICER)


@pytest.fixture
def approver(world):
    return world.user(Role.PROVINCE_APPROVER)


@pytest.fixture
def ministry(world):
    return world.user(Role.MINISTRY_OFFICER)


# --- the table -------------------------------------------------------------------------------------


def test_the_table_is_the_domain_lifecycle():
    before_settled = {s for s in S.values if s not in (S.SETTLED, S.STOPPED)}
    expected = {
        "register": ({S.DRAFT}, S.REGISTERED, Who.OFFICER),
        "appraise": ({S.REGISTERED}, S.APPRAISED, Who.OFFICER),
        "return": ({S.REGISTERED, S.APPRAISED}, S.DRAFT, Who.DEPARTMENT),
        "approve": ({S.APPRAISED}, S.APPROVED, Who.PLAN_APPROVER),
        "contract": ({S.APPROVED}, S.CONTRACTED, Who.OFFICER),
        "start": ({S.CONTRACTED}, S.IN_PROGRESS, Who.OFFICER),
        "accept": ({S.IN_PROGRESS}, S.ACCEPTED, Who.OFFICER),
        "liquidate": ({S.ACCEPTED}, S.LIQUIDATED, Who.OFFICER),
        "settle": ({S.LIQUIDATED}, S.SETTLED, Who.DEPARTMENT),
        "stop": (before_settled, S.STOPPED, Who.PLAN_APPROVER),
    }
    actual = {t.action: (set(t.sources), t.target, t.who) for t in TRANSITIONS}
    assert actual == expected
    assert len(TRANSITIONS) == len(BY_ACTION)
    # Every audit action of a transition has a label, so the history page can name it.
    assert all(f"project.{t.action}" in workflow.AUDIT_LABELS for t in TRANSITIONS)


def test_walk_from_draft_to_settled_by_the_right_roles(world, officer, approver):
    line = plan_line(world)
    est = establishment(world)
    project = project_create(
        actor=officer,
        plan_line=line,
        title="Hỗ trợ máy sấy nông sản",
        kind=ProjectKind.POINT,
        implementer_kind=ImplementerKind.ESTABLISHMENT,
        implementer_establishment=est,
        location=world.phan_rang,
        start_date=dt.date(YEAR, 3, 1),
        end_date=dt.date(YEAR, 10, 31),
        support_amount=150_000_000,
        counterpart_amount=250_000_000,
    )
    assert (project.state, project.version, project.year) == (S.DRAFT, 1, YEAR)
    deliverable = deliverable_set(
        actor=officer, project=project, indicator=Indicator.objects.get(code="co-so-may-moc"), planned=1
    )

    def step(action, actor, **kwargs):
        nonlocal project
        project = fresh(project)
        version = project.version
        result = act(action, actor, project, version=version, **kwargs)
        project = fresh(project)
        target = BY_ACTION[action].target
        assert project.state == target
        assert project.version > version
        entry = audit_for(project).filter(action=f"project.{action}").order_by("-id").first()
        assert entry is not None, action
        assert entry.actor == actor
        assert entry.at is not None
        assert entry.before["state"] == BY_ACTION[action].sources[0]
        assert entry.after["state"] == target
        return result

    step("register", officer)
    step("appraise", officer)
    assert project.appraised_on == D["appraisal"]
    assert project.appraisal["ok"] is True
    [check] = project.appraisal["checks"]
    assert check["norms"] == ["may-moc-2014"]
    assert check["limit"] == 200_000_000  # 50% of 400 million, within the 200 million cap
    assert check["violations"] == []

    step("approve", approver)
    assert (project.decision_number, project.decision_date, project.approved_by) == (
        "99/QĐ-UBND",
        D["decision"],
        approver,
    )
    assert line_room(line, D["decision"]) == LINE_AMOUNT - 150_000_000

    contract = contract_sign(
        actor=officer,
        project=fresh(project),
        number="05/2025/HĐ",
        signed_on=D["contract"],
        party_a="Trung tâm Khuyến công",
        party_b=est.name,
        value=150_000_000,
        version=project.version,
    )
    project = fresh(project)
    assert project.state == S.CONTRACTED
    assert project_balance(project).committed == 150_000_000
    assert audit_for(project).filter(action="project.contract", actor=officer).exists()
    assert audit_for(project).get(action="finance.contract").after["value"] == 150_000_000

    step("start", officer)
    entry_record(
        actor=officer,
        project=project,
        kind="advance",
        amount=100_000_000,
        value_date=D["advance"],
        reference="UNC-01",
    )
    deliverable_record(actor=officer, deliverable=deliverable, achieved=1, evidence="Biên bản bàn giao")
    step("accept", officer)
    assert project.accepted_on == D["accept"]
    entry_record(
        actor=officer,
        project=project,
        kind="payment",
        amount=50_000_000,
        value_date=D["payment"],
        reference="UNC-02",
        contract=contract,
    )
    step("liquidate", officer)
    assert (project.liquidated_on, project.final_value) == (D["liquidate"], 150_000_000)
    step("settle", approver)
    assert project.settled_on == D["settle"]
    balance = project_balance(project)
    assert (balance.committed, balance.disbursed, balance.advanced, balance.paid) == (
        150_000_000,
        150_000_000,
        100_000_000,
        50_000_000,
    )

    actions = list(audit_for(project).order_by("id").values_list("action", flat=True))
    assert actions == [
        "project.create",
        "project.deliverable_set",
        "project.register",
        "project.appraise",
        "project.approve",
        "finance.contract",
        "finance.entry",  # the commitment
        "project.contract",
        "project.start",
        "finance.entry",  # the advance
        "project.deliverable_achieved",
        "project.accept",
        "finance.entry",  # the payment
        "project.liquidate",
        "project.settle",
    ]
    # Nothing is left to do on a settled project.
    assert offers_for(approver, project) == []


# --- wrong state ---------------------------------------------------------------------------------


def _project_in(world, state: str) -> Project:
    return stopped(world) if state == S.STOPPED else make_project(world, state=state)


@pytest.mark.parametrize("state", S.values)
def test_every_action_not_allowed_from_a_state_is_refused(world, admin, state):
    project = _project_in(world, state)
    refusals = 0
    for transition in TRANSITIONS:
        allowed = set(transition.sources)
        if transition.action == "contract":  # a further contract may be signed while under way
            allowed |= {S.CONTRACTED, S.IN_PROGRESS}
        if state in allowed:
            continue
        with refused("wrong_state", project, status=409):
            act(transition.action, admin, project)
        refusals += 1
    assert refusals == sum(
        state not in t.sources and not (t.action == "contract" and state in (S.CONTRACTED, S.IN_PROGRESS))
        for t in TRANSITIONS
    )
    assert fresh(project).state == state


def test_money_actions_are_not_taken_through_the_plain_service(world, admin):
    project = make_project(world, state=S.APPROVED)
    with refused("use_other_service", project):
        project_transition(actor=admin, project=project, action="contract")
    with refused("unknown_action", project):
        project_transition(actor=admin, project=project, action="publish")


# --- wrong role, out of jurisdiction, stale version -------------------------------------------


def test_roles(world, officer, approver, ministry):
    project = make_project(world, state=S.REGISTERED)
    for role in (Role.REGION_VIEWER, Role.AUDITOR, Role.ESTABLISHMENT_REP):
        with refused("permission_denied", project, status=403):
            act("appraise", world.user(role), project)
    with refused("permission_denied", project):
        act("return", officer, project)  # the managing department returns a proposal
    act("appraise", world.user(Role.COMMUNE_OFFICER), project)  # the commune works in phường Phan Rang

    # KCĐP: approved in the province (province approver or system admin), not by an officer or the ministry.
    for user in (officer, ministry, world.user(Role.COMMUNE_OFFICER)):
        with refused("permission_denied", project):
            act("approve", user, project)
    act("approve", approver, project)
    assert fresh(project).approved_by == approver

    for user in (officer, ministry):  # stopping a KCĐP project is for its plan's approver
        with refused("permission_denied", project):
            act("stop", user, project)

    liquidated = make_project(world, state=S.LIQUIDATED)
    with refused("permission_denied", liquidated):
        act("settle", officer, liquidated)
    act("settle", approver, fresh(liquidated))


@pytest.mark.parametrize("action", [t.action for t in TRANSITIONS])
def test_every_action_is_refused_to_readers_and_outside_the_jurisdiction(world, approver, action):
    state = BY_ACTION[action].sources[0]
    own = make_project(world, state=state)
    for role in (Role.AUDITOR, Role.REGION_VIEWER, Role.ESTABLISHMENT_REP):
        with refused("permission_denied", own, status=403):
            act(action, world.user(role), own)
    foreign = make_project(world, "foreign", state=state)
    with refused("not_found", foreign, status=404):
        act(action, approver, foreign)  # the province approver may take every action, in Khánh Hòa only


def test_national_projects_are_approved_by_the_ministry(world, approver, ministry, admin):
    project = make_project(world, state=S.APPRAISED, source=FundingSource.NATIONAL)
    assert project.source == FundingSource.NATIONAL
    with refused("permission_denied", project):
        act("approve", approver, project)
    act("approve", ministry, project)
    assert fresh(project).state == S.APPROVED
    other = make_project(world, state=S.APPRAISED, source=FundingSource.NATIONAL)
    act("approve", admin, other)
    assert fresh(other).state == S.APPROVED


def test_out_of_jurisdiction_is_not_found(world, officer, approver):
    foreign = make_project(world, "foreign", state=S.APPRAISED)
    for action in ("approve", "return", "stop"):
        with refused("not_found", foreign, status=404):
            act(action, approver, foreign)
    registered = make_project(world, "foreign", state=S.REGISTERED)
    with refused("not_found", registered):
        act("appraise", officer, registered)
    with refused("not_found", registered):
        act("appraise", world.user(Role.REGION_VIEWER), registered)  # Hà Nội is outside the mttn region
    approved = make_project(world, "foreign", state=S.APPROVED)
    with refused("not_found", approved):
        act("contract", officer, approved)
    # A commune officer sees only the commune: a Khánh Hòa project elsewhere is not found either.
    elsewhere = make_project(world, state=S.REGISTERED)
    Project.objects.filter(pk=elsewhere.pk).update(
        location=world.khanh_hoa.children.exclude(pk=world.phan_rang.pk).first()
    )
    with refused("not_found", elsewhere):
        act("appraise", world.user(Role.COMMUNE_OFFICER), elsewhere)
    act("appraise", officer, elsewhere)


def test_stale_version_is_refused(world, officer, approver):
    project = make_project(world, state=S.REGISTERED)
    with refused("stale_write", project, status=409):
        act("appraise", officer, project, version=project.version - 1)
    act("appraise", officer, project, version=project.version)
    project = fresh(project)
    with refused("stale_write", project):
        act("approve", approver, project, version=project.version + 1)
    approved = make_project(world, state=S.APPROVED)
    # The contract is written before the state moves: a stale version undoes both.
    with refused("stale_write", approved):
        act("contract", officer, approved, version=approved.version - 1)
    with refused("stale_write", approved):
        act("stop", approver, approved, version=approved.version - 1)


# --- appraisal against the norms ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("support", "counterpart", "violations"),
    [
        (120_000_000, 80_000_000, ["share_exceeded"]),  # 60% of the eligible cost
        (250_000_000, 350_000_000, ["cap_exceeded"]),  # 250 million đ for one establishment
        (240_000_000, 160_000_000, ["share_exceeded", "cap_exceeded"]),
    ],
)
def test_appraisal_refuses_support_beyond_the_2014_machinery_norm(
    world, officer, support, counterpart, violations
):
    project = make_project(world, state=S.REGISTERED, support=support, counterpart=counterpart)
    with refused("norm_exceeded", project) as info:
        act("appraise", officer, project)
    assert [v["code"] for v in info.value.details["violations"]] == violations
    assert {v["norm"] for v in info.value.details["violations"]} == {"may-moc-2014"}


def test_appraisal_counts_the_cap_per_establishment(world, officer):
    project = make_project(world, state=S.REGISTERED, support=250_000_000, counterpart=350_000_000)
    Project.objects.filter(pk=project.pk).update(units_count=2)
    act("appraise", officer, fresh(project))
    assert fresh(project).appraisal["checks"][0]["limit"] == 300_000_000  # 50% of 600 million < 2 × 200


def test_appraisal_uses_the_norms_in_force_on_its_date(world, officer):
    old = SupportNorm.objects.get(code="may-moc-2014")
    old.valid_to = dt.date(YEAR, 4, 30)
    old.save()
    SupportNorm.objects.create(
        code="may-moc-2025-kiem-thu",
        activity=old.activity,
        max_share=Decimal("0.5"),
        cap=300_000_000,
        cap_per=old.cap_per,
        legal_basis="Thông tư kiểm thử",
        valid_from=dt.date(YEAR, 5, 1),
    )
    project = make_project(world, state=S.REGISTERED, support=250_000_000, counterpart=350_000_000)
    with refused("norm_exceeded", project):
        project_transition(actor=officer, project=project, action="appraise", on=dt.date(YEAR, 4, 30))
    project_transition(actor=officer, project=project, action="appraise", on=dt.date(YEAR, 5, 1))
    project = fresh(project)
    assert project.appraisal["ok"] is True
    assert project.appraisal["on"] == "2025-05-01"
    assert project.appraisal["checks"][0]["norms"] == ["may-moc-2025-kiem-thu"]


def test_override_needs_a_reason_and_the_department(world, officer, approver):
    project = make_project(world, state=S.REGISTERED, support=250_000_000, counterpart=350_000_000)
    with refused("override_denied", project, status=403) as info:
        act("appraise", officer, project, override_reason="Máy chuyên dụng, giá cao")
    assert isinstance(info.value, PermissionDenied)
    with refused("norm_exceeded", project):
        act("appraise", approver, project, override_reason="   ")
    act("appraise", approver, project, override_reason="Máy chuyên dụng, giá cao")
    project = fresh(project)
    assert project.state == S.APPRAISED
    assert project.appraisal["ok"] is False
    assert project.appraisal["checks"][0]["violations"][0]["code"] == "cap_exceeded"
    assert project.appraisal_override == "Máy chuyên dụng, giá cao"
    entry = audit_for(project).get(action="project.appraise")
    assert (entry.actor, entry.reason) == (approver, "Máy chuyên dụng, giá cao")


def test_return_needs_a_reason_and_clears_the_appraisal(world, approver):
    project = make_project(world, state=S.APPRAISED)
    with refused("required", project):
        act("return", approver, project, reason=" ")
    act("return", approver, project, reason="Bổ sung báo giá")
    project = fresh(project)
    assert (project.state, project.appraisal, project.appraised_on) == (S.DRAFT, None, None)
    assert audit_for(project).get(action="project.return").reason == "Bổ sung báo giá"


def test_group_projects_are_appraised_per_participant(world, admin, officer):
    project = make_project(world, state=S.DRAFT, kind=ProjectKind.GROUP, support=300_000_000, counterpart=0)
    participant_add(
        actor=officer,
        project=project,
        establishment=establishment(world),
        support_amount=100_000_000,
        eligible_cost=250_000_000,
    )
    participant_add(
        actor=officer,
        project=project,
        establishment=establishment(world),
        support_amount=120_000_000,
        eligible_cost=200_000_000,  # 60%
    )
    act("register", officer, fresh(project))
    with refused("norm_exceeded", project) as info:
        act("appraise", officer, project)
    assert [v["code"] for v in info.value.details["violations"]] == ["share_exceeded"]


# --- approval and the plan line's room ----------------------------------------------------------------


def test_approval_needs_room_on_the_line(world, approver):
    big = {"activity": "dao-tao-nghe", "counterpart": 0}  # no norm caps training
    make_project(world, state=S.APPROVED, support=6_000_000_000, **big)
    second = make_project(world, state=S.APPRAISED, support=4_000_000_001, **big)
    with refused("line_room_exceeded", second, status=409) as info:
        act("approve", approver, second)
    assert info.value.details == {"room": 4_000_000_000, "requested": 4_000_000_001}
    exact = make_project(world, state=S.APPRAISED, support=4_000_000_000, **big)
    act("approve", approver, exact)
    assert line_room(exact.plan_line, D["decision"]) == 0


def test_room_is_counted_as_of_the_decision_date(world, approver):
    big = {"activity": "dao-tao-nghe", "counterpart": 0}
    project = make_project(world, state=S.REGISTERED, support=1_000_000, **big)
    act("appraise", approver, project, on=dt.date(YEAR - 1, 11, 15))
    project = fresh(project)
    with refused("line_not_in_force", project):  # the plan was approved on 20/12/2024
        act("approve", approver, project, decision_date=dt.date(YEAR - 1, 12, 1))
    with refused("decision_before_appraisal", project):
        act("approve", approver, project, decision_date=dt.date(YEAR - 1, 11, 14))
    act("approve", approver, project, decision_date=dt.date(YEAR - 1, 12, 20))
    assert line_room(project.plan_line, dt.date(YEAR - 1, 12, 20)) == LINE_AMOUNT - 1_000_000
    assert line_room(project.plan_line, dt.date(YEAR - 1, 12, 19)) is None


def test_a_backdated_decision_cannot_overcommit_the_line(world, approver):
    big = {"activity": "dao-tao-nghe", "counterpart": 0}
    make_project(world, state=S.APPROVED, support=9_000_000_000, **big)  # decided on 10/2
    earlier = make_project(world, state=S.APPRAISED, support=2_000_000_000, **big)
    # On 5/2 the line was still empty, but from 10/2 on both would not fit.
    with refused("line_room_exceeded", earlier):
        act("approve", approver, earlier, decision_date=dt.date(YEAR, 2, 5))
    fits = make_project(world, state=S.APPRAISED, support=1_000_000_000, **big)
    act("approve", approver, fits, decision_date=dt.date(YEAR, 2, 5))
    line = fits.plan_line
    assert line_room(line, dt.date(YEAR, 12, 31)) == 0


def test_stopped_projects_count_only_what_they_disbursed(world, approver):
    big = {"activity": "dao-tao-nghe", "counterpart": 0}
    under_way = make_project(world, state=S.IN_PROGRESS, support=6_000_000_000, **big)
    assert project_balance(under_way).disbursed == 3_000_000_000
    line = under_way.plan_line
    assert line_room(line, D["decision"]) == 4_000_000_000
    act("stop", approver, under_way)
    under_way = fresh(under_way)
    assert under_way.released_amount == 3_000_000_000
    assert line_room(line, D["decision"]) == 7_000_000_000
    nxt = make_project(world, state=S.APPRAISED, support=7_000_000_000, **big)
    act("approve", approver, nxt)
    assert line_room(line, D["decision"]) == 0


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

    from khuyencong.catalog.models import SupportNorm
    from khuyencong.core.errors import DomainError
    from khuyencong.projects.services import project_transition
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
    from khuyencong.core.errors import DomainError
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

    from khuyencong.core.errors import DomainError
    from khuyencong.projects.services import project_transition
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

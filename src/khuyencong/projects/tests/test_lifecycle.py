"""The project lifecycle through the services: the table in `workflow`, every transition from draft to
settled by the roles the domain names, and every refusal — wrong state, wrong role, out of
jurisdiction, stale version, norms, line room — raised with its code and writing nothing. The steps
that move money, stops and group projects: test_lifecycle_money.py."""

import datetime as dt
from decimal import Decimal

import pytest

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Indicator, SupportNorm
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import PermissionDenied
from khuyencong.finance.selectors import project_balance
from khuyencong.finance.services import contract_sign, entry_record
from khuyencong.plans.choices import FundingSource
from khuyencong.projects import workflow
from khuyencong.projects.choices import (
    ImplementerKind,
    ProjectKind,
)
from khuyencong.projects.models import Deliverable, Project
from khuyencong.projects.services import (
    deliverable_record,
    deliverable_set,
    line_room,
    participant_add,
    project_create,
    project_transition,
)
from khuyencong.projects.workflow import BY_ACTION, TRANSITIONS, Who, offers_for
from khuyencong.testing.projects import LINE_AMOUNT, YEAR, D, establishment, make_project, plan_line

from .lifecycle import S, act, fresh, refused, stopped

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


def _draft(world, officer, line, est) -> tuple[Project, Deliverable]:
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
    return project, deliverable


def _taken(project: Project, action: str, actor) -> Project:
    """`action` taken on the project as it is now: its state, version and audit entry move on."""
    project = fresh(project)
    version = project.version
    act(action, actor, project, version=version)
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
    return project


# The audit trail of a project walked from draft to settled.
WALK_TRAIL = [
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


def test_walk_from_draft_to_settled_by_the_right_roles(world, officer, approver):
    line = plan_line(world)
    est = establishment(world)
    project, deliverable = _draft(world, officer, line, est)
    project = _taken(project, "register", officer)
    project = _taken(project, "appraise", officer)
    assert project.appraised_on == D["appraisal"]
    assert project.appraisal["ok"] is True
    [check] = project.appraisal["checks"]
    assert check["norms"] == ["may-moc-2014"]
    assert check["limit"] == 200_000_000  # 50% of 400 million, within the 200 million cap
    assert check["violations"] == []

    project = _taken(project, "approve", approver)
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

    project = _taken(project, "start", officer)
    entry_record(
        actor=officer,
        project=project,
        kind="advance",
        amount=100_000_000,
        value_date=D["advance"],
        reference="UNC-01",
    )
    deliverable_record(actor=officer, deliverable=deliverable, achieved=1, evidence="Biên bản bàn giao")
    project = _taken(project, "accept", officer)
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
    project = _taken(project, "liquidate", officer)
    assert (project.liquidated_on, project.final_value) == (D["liquidate"], 150_000_000)
    project = _taken(project, "settle", approver)
    assert project.settled_on == D["settle"]
    balance = project_balance(project)
    assert (balance.committed, balance.disbursed, balance.advanced, balance.paid) == (
        150_000_000,
        150_000_000,
        100_000_000,
        50_000_000,
    )

    actions = list(audit_for(project).order_by("id").values_list("action", flat=True))
    assert actions == WALK_TRAIL
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

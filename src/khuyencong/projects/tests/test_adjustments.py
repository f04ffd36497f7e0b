"""Adjustments of an approved project: who decides each kind (domain notes §4b), what an approval
changes and keeps, rejection with a note, one pending request at a time, and the money limits."""

import datetime as dt
from contextlib import contextmanager

import pytest

from khuyencong.accounts.choices import Role
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import DomainError
from khuyencong.core.models import AuditEntry
from khuyencong.finance.models import LedgerEntry
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.choices import FundingSource
from khuyencong.projects.choices import (
    AdjustmentKind,
    AdjustmentStatus,
    ImplementerKind,
    ProjectKind,
    ProjectState,
)
from khuyencong.projects.models import Adjustment, Participant, Project
from khuyencong.projects.selectors import liquidation_due
from khuyencong.projects.services import (
    adjustment_approver,
    adjustment_decide,
    adjustment_request,
    participant_add,
    project_receive,
)
from khuyencong.projects.workflow import Who
from khuyencong.testing.projects import LINE_AMOUNT, YEAR, establishment, make_project

S = ProjectState
K = AdjustmentKind


def _footprint(project: Project) -> tuple:
    counts = tuple(m.objects.count() for m in (Adjustment, Participant, LedgerEntry, AuditEntry))
    row = tuple(sorted(Project.objects.filter(pk=project.pk).values().get().items()))
    adjustments = tuple(Adjustment.objects.filter(project=project).order_by("pk").values_list())
    return counts, row, adjustments


@contextmanager
def refused(code: str, project: Project):
    before = _footprint(project)
    with pytest.raises(DomainError) as info:
        yield info
    assert info.value.code == code, f"{info.value.code}: {info.value.message}"
    assert _footprint(project) == before


def fresh(obj):
    obj.refresh_from_db()
    return obj


@pytest.fixture
def approved(world):
    return make_project(world, state=S.APPROVED)  # 150 million support, 250 million counterpart


def _other_commune(world) -> AdministrativeUnit:
    return (
        AdministrativeUnit.objects.current().filter(parent=world.khanh_hoa).exclude(pk=world.phan_rang.pk)[0]
    )


# kind, the change (built from the world and the project), who decides
CASES = [
    ("budget-increase", K.BUDGET, lambda w, p: {"support_amount": 180_000_000}, Who.PLAN_APPROVER),
    ("budget-decrease", K.BUDGET, lambda w, p: {"support_amount": 120_000_000}, Who.DEPARTMENT),
    ("budget-neutral", K.BUDGET, lambda w, p: {"counterpart_amount": 300_000_000}, Who.DEPARTMENT),
    ("content", K.CONTENT, lambda w, p: {"title": "Máy sấy và máy đóng gói"}, Who.PLAN_APPROVER),
    ("extension", K.EXTENSION, lambda w, p: {"end_date": dt.date(YEAR + 1, 3, 31)}, Who.PLAN_APPROVER),
    ("location", K.LOCATION, lambda w, p: {"location": _other_commune(w)}, Who.DEPARTMENT),
    (
        "beneficiary",
        K.BENEFICIARY,
        lambda w, p: {
            "implementer_kind": ImplementerKind.ESTABLISHMENT,
            "implementer_establishment": establishment(w),
        },
        Who.DEPARTMENT,
    ),
    (
        "machine",
        K.MACHINE,
        lambda w, p: {"machine_name": "Máy ép viên", "machine_spec": "5 tấn/giờ"},
        Who.DEPARTMENT,
    ),
    ("dates", K.DATES, lambda w, p: {"start_date": dt.date(YEAR, 4, 1)}, Who.DEPARTMENT),
]


def _encode(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value.pk if hasattr(value, "pk") else value


@pytest.mark.parametrize(("case", "kind", "change", "who"), CASES, ids=[c[0] for c in CASES])
def test_who_decides_and_what_an_approval_changes(
    world, officer, approver, ministry, case, kind, change, who
):
    project = make_project(world, state=S.CONTRACTED if case != "budget-decrease" else S.APPROVED)
    changes = change(world, project)
    old = {name: _encode(getattr(project, name)) for name in changes}
    adjustment = adjustment_request(
        actor=officer, project=project, kind=kind, reason="Cơ sở đề nghị điều chỉnh", changes=changes
    )
    assert adjustment.status == AdjustmentStatus.REQUESTED
    assert adjustment_approver(adjustment) == who
    assert {k: v for k, v in adjustment.before.items() if k in old} == old
    assert {k: adjustment.changes[k] for k in changes} == {k: _encode(v) for k, v in changes.items()}
    assert audit_for(project).get(action="project.adjustment_request").reason == "Cơ sở đề nghị điều chỉnh"

    # An officer never decides; the ministry decides department matters but not a KCĐP plan's.
    for user in (officer, world.user(Role.AUDITOR), world.user(Role.COMMUNE_OFFICER)) + (
        (ministry,) if who == Who.PLAN_APPROVER else ()
    ):
        with refused("permission_denied", project):
            adjustment_decide(actor=user, adjustment=adjustment, approve=True)
    version = fresh(project).version
    decider = ministry if who == Who.DEPARTMENT else approver
    adjustment_decide(actor=decider, adjustment=adjustment, approve=True, decision_number="45/QĐ-SCT")

    project, adjustment = fresh(project), fresh(adjustment)
    assert adjustment.status == AdjustmentStatus.APPROVED
    assert (adjustment.decided_by, adjustment.decision_number) == (decider, "45/QĐ-SCT")
    assert adjustment.decided_at is not None
    assert {name: _encode(getattr(project, name)) for name in changes} == {
        k: _encode(v) for k, v in changes.items()
    }
    assert project.version == version + 1
    assert {k: v for k, v in adjustment.before.items() if k in old} == old  # the old values are kept
    entry = audit_for(project).get(action="project.adjustment_approve")
    assert entry.actor == decider
    assert entry.before == adjustment.before
    assert entry.after == {"kind": kind, **adjustment.changes}


def test_national_budget_increase_goes_to_the_ministry(world, officer, approver, ministry):
    project = make_project(world, state=S.APPROVED, source=FundingSource.NATIONAL)
    increase = adjustment_request(
        actor=officer,
        project=project,
        kind=K.BUDGET,
        reason="Tăng giá máy",
        changes={"support_amount": 190_000_000},
    )
    with refused("permission_denied", project):
        adjustment_decide(actor=approver, adjustment=increase, approve=True)
    adjustment_decide(actor=ministry, adjustment=increase, approve=True)
    assert fresh(project).support_amount == 190_000_000
    # A change of machine is the managing department's: the province approver decides it.
    machine = adjustment_request(
        actor=officer, project=project, kind=K.MACHINE, reason="Đổi model", changes={"machine_name": "Máy B"}
    )
    adjustment_decide(actor=approver, adjustment=machine, approve=True)
    assert fresh(project).machine_name == "Máy B"


def test_rejection_needs_a_note_and_changes_nothing(world, officer, approver, approved):
    adjustment = adjustment_request(
        actor=officer, project=approved, kind=K.MACHINE, reason="Đổi máy", changes={"machine_name": "Máy C"}
    )
    with refused("reason_required", approved):
        adjustment_decide(actor=approver, adjustment=adjustment, approve=False, note="  ")
    adjustment_decide(actor=approver, adjustment=adjustment, approve=False, note="Máy C không đạt tiêu chuẩn")
    adjustment, project = fresh(adjustment), fresh(approved)
    assert adjustment.status == AdjustmentStatus.REJECTED
    assert adjustment.decision_note == "Máy C không đạt tiêu chuẩn"
    assert project.machine_name == ""
    entry = audit_for(project).get(action="project.adjustment_reject")
    assert (entry.actor, entry.reason, entry.after) == (
        approver,
        "Máy C không đạt tiêu chuẩn",
        {"kind": "machine"},
    )
    with refused("wrong_state", project):  # decided once and for all
        adjustment_decide(actor=approver, adjustment=adjustment, approve=True)


def test_one_pending_adjustment_at_a_time(world, officer, approver, approved):
    first = adjustment_request(
        actor=officer, project=approved, kind=K.MACHINE, reason="Đổi máy", changes={"machine_name": "Máy D"}
    )
    with refused("wrong_state", approved):
        adjustment_request(
            actor=officer, project=approved, kind=K.CONTENT, reason="Đổi tên", changes={"title": "Tên mới"}
        )
    adjustment_decide(actor=approver, adjustment=first, approve=True)
    second = adjustment_request(
        actor=officer, project=fresh(approved), kind=K.CONTENT, reason="Đổi tên", changes={"title": "Tên mới"}
    )
    assert second.status == AdjustmentStatus.REQUESTED


def test_requests_that_are_refused(world, officer, approved):
    for kind, changes, code in [
        ("colour", {"title": "x"}, "invalid_kind"),
        (K.MACHINE, {"title": "x"}, "invalid_changes"),
        (K.MACHINE, {}, "invalid_changes"),
        (K.MACHINE, {"machine_name": ""}, "no_change"),
        (K.EXTENSION, {"end_date": dt.date(YEAR, 12, 31)}, "invalid_extension"),
        (K.EXTENSION, {"end_date": dt.date(YEAR + 2, 1, 31)}, "invalid_extension"),
        (K.DATES, {"end_date": dt.date(YEAR + 1, 1, 31)}, "invalid_fields"),  # that is an extension
        (K.LOCATION, {"location": None}, "invalid_fields"),
        (K.BUDGET, {"support_amount": -1}, "invalid_fields"),
    ]:
        with refused(code, approved):
            adjustment_request(actor=officer, project=approved, kind=kind, reason="Lý do", changes=changes)
    with refused("required", approved):
        adjustment_request(
            actor=officer, project=approved, kind=K.MACHINE, reason=" ", changes={"machine_name": "M"}
        )
    with refused("permission_denied", approved):
        adjustment_request(
            actor=world.user(Role.AUDITOR),
            project=approved,
            kind=K.MACHINE,
            reason="x",
            changes={"machine_name": "M"},
        )
    foreign = make_project(world, "foreign", state=S.APPROVED)
    with refused("not_found", foreign):
        adjustment_request(
            actor=officer, project=foreign, kind=K.MACHINE, reason="x", changes={"machine_name": "M"}
        )
    with refused("invalid_fields", approved) as info:  # a place outside the officer's province
        adjustment_request(
            actor=officer,
            project=approved,
            kind=K.LOCATION,
            reason="x",
            changes={"location": world.ha_noi_commune},
        )
    assert set(info.value.details["errors"]) == {"location"}


@pytest.mark.parametrize("state", [S.DRAFT, S.REGISTERED, S.APPRAISED, S.LIQUIDATED, S.SETTLED])
def test_adjustments_only_between_approval_and_liquidation(world, officer, state):
    project = make_project(world, state=state)
    with refused("wrong_state", project):
        adjustment_request(
            actor=officer, project=project, kind=K.MACHINE, reason="x", changes={"machine_name": "M"}
        )


def test_budget_cannot_go_below_the_contract_or_the_participants(world, officer, approver):
    contracted = make_project(world, state=S.CONTRACTED)
    with refused("below_committed", contracted):
        adjustment_request(
            actor=officer,
            project=contracted,
            kind=K.BUDGET,
            reason="x",
            changes={"support_amount": 149_999_999},
        )
    group = make_project(world, state=S.APPROVED, kind=ProjectKind.GROUP, activity="dao-tao-nghe")
    participant_add(
        actor=officer,
        project=group,
        establishment=establishment(world),
        support_amount=100_000_000,
        eligible_cost=100_000_000,
    )
    with refused("below_participants", group):
        adjustment_request(
            actor=officer, project=group, kind=K.BUDGET, reason="x", changes={"support_amount": 99_999_999}
        )
    adjustment = adjustment_request(
        actor=officer,
        project=fresh(group),
        kind=K.BUDGET,
        reason="x",
        changes={"support_amount": 100_000_000},
    )
    adjustment_decide(actor=approver, adjustment=adjustment, approve=True)
    assert fresh(group).support_amount == 100_000_000


def test_budget_increase_needs_room_on_the_line(world, officer, approver):
    big = {"activity": "dao-tao-nghe", "counterpart": 0}
    make_project(world, state=S.APPROVED, support=LINE_AMOUNT - 200_000_000, **big)
    project = make_project(world, state=S.APPROVED, support=100_000_000, **big)
    adjustment = adjustment_request(
        actor=officer, project=project, kind=K.BUDGET, reason="x", changes={"support_amount": 200_000_001}
    )
    with refused("line_room_exceeded", project):
        adjustment_decide(actor=approver, adjustment=adjustment, approve=True)
    assert fresh(adjustment).status == AdjustmentStatus.REQUESTED
    adjustment_decide(actor=approver, adjustment=adjustment, approve=False, note="Hết kinh phí")
    exact = adjustment_request(
        actor=officer,
        project=fresh(project),
        kind=K.BUDGET,
        reason="x",
        changes={"support_amount": 200_000_000},
    )
    adjustment_decide(actor=approver, adjustment=exact, approve=True)
    assert fresh(project).support_amount == 200_000_000


def test_extension_moves_the_liquidation_deadline(world, officer, approver, approved):
    assert liquidation_due(approved) == dt.date(YEAR + 1, 1, 22)
    adjustment = adjustment_request(
        actor=officer,
        project=approved,
        kind=K.EXTENSION,
        reason="Chậm giao máy",
        changes={"end_date": dt.date(YEAR + 1, 2, 28)},
    )
    adjustment_decide(actor=approver, adjustment=adjustment, approve=True)
    project = fresh(approved)
    assert project.end_date == dt.date(YEAR + 1, 2, 28)
    assert liquidation_due(project) == dt.date(YEAR + 2, 1, 22)


def test_beneficiary_change_keeps_the_whole_implementer(world, officer, approver, approved):
    old_est = approved.implementer_establishment
    adjustment = adjustment_request(
        actor=officer,
        project=approved,
        kind=K.BENEFICIARY,
        reason="Đổi đơn vị thực hiện",
        changes={"implementer_kind": ImplementerKind.PROVIDER, "implementer_name": "Công ty Tư vấn A"},
    )
    assert adjustment.before == {
        "implementer_kind": "establishment",
        "implementer_establishment": old_est.pk,
        "implementer_agency": None,
        "implementer_name": "",
    }
    adjustment_decide(actor=approver, adjustment=adjustment, approve=True)
    project = fresh(approved)
    assert (project.implementer_kind, project.implementer_establishment, project.implementer_name) == (
        ImplementerKind.PROVIDER,
        None,
        "Công ty Tư vấn A",
    )


def test_an_adjustment_is_not_approved_after_the_project_changed_beneath_it(world, officer, approver):
    """Money received from a stopped project changes the support while an increase waits: approving the
    request would no longer do what it said (and might need another approver). It is refused with the
    fields that changed; rejecting it still works."""
    project = make_project(world, state=S.APPROVED)  # 150 million
    increase = adjustment_request(
        actor=officer,
        project=project,
        kind=K.BUDGET,
        reason="Tăng quy mô",
        changes={"support_amount": 180_000_000},
    )
    donor = make_project(world, state=S.APPROVED)
    project_receive(actor=world.user(Role.SYSTEM_ADMIN), project=project, amount=20_000_000, source=donor)
    with refused("adjustment_stale", project) as info:
        adjustment_decide(actor=approver, adjustment=increase, approve=True)
    assert info.value.status == 409
    assert info.value.details == {"fields": ["support_amount"]}
    assert (fresh(project).support_amount, fresh(increase).status) == (
        170_000_000,
        AdjustmentStatus.REQUESTED,
    )
    adjustment_decide(actor=approver, adjustment=increase, approve=False, note="Lập lại đề nghị theo số mới")
    assert fresh(increase).status == AdjustmentStatus.REJECTED

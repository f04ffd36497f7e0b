"""What the lifecycle tests share: refusals that must write nothing, the action with its usual fields,
a stopped project."""

import datetime as dt
from contextlib import contextmanager

import pytest

from khuyencong.accounts.choices import Role
from khuyencong.core.errors import DomainError
from khuyencong.core.models import AuditEntry
from khuyencong.finance.models import Contract, LedgerEntry
from khuyencong.finance.services import contract_sign, project_liquidate, project_stop
from khuyencong.projects.choices import (
    ProjectState,
    StopDestination,
)
from khuyencong.projects.models import Adjustment, Deliverable, Document, Participant, Project
from khuyencong.projects.services import (
    project_transition,
)
from khuyencong.testing.projects import YEAR, D, make_project

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

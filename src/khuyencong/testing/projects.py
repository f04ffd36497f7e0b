"""Projects for tests, driven through the real services to the state a test needs.

"own" projects belong to Khánh Hòa's Khuyến công centre and take place in phường Phan Rang (inside
every scoped test user's jurisdiction); "foreign" ones to Hà Nội's centre, in a Hà Nội commune.
Everything is dated in 2025 so that every date is in the past.
"""

import datetime as dt
import itertools
from typing import Any

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Activity
from khuyencong.establishments.choices import LegalForm
from khuyencong.establishments.identity import comparable_name
from khuyencong.establishments.models import Establishment
from khuyencong.plans.choices import FundingSource
from khuyencong.plans.models import Plan, PlanLine
from khuyencong.plans.services import plan_approve, plan_create, plan_line_add, plan_submit
from khuyencong.projects.choices import ImplementerKind, ProjectKind, ProjectState
from khuyencong.projects.models import Project

from .world import World

YEAR = 2025
LINE_AMOUNT = 10_000_000_000
ACTIVITIES = (
    "may-moc-thiet-bi",
    "dao-tao-nghe",
    "gian-hang-hoi-cho",
    "to-chuc-hoi-cho",
    "binh-chon-san-pham",
)
_counter = itertools.count(1)

AGENCY = {"own": "ttkc-56", "foreign": "ttkc-01"}
D = {
    "decision": dt.date(YEAR, 2, 10),
    "appraisal": dt.date(YEAR, 2, 1),
    "contract": dt.date(YEAR, 3, 1),
    "advance": dt.date(YEAR, 3, 15),
    "accept": dt.date(YEAR, 9, 30),
    "payment": dt.date(YEAR, 10, 10),
    "liquidate": dt.date(YEAR, 10, 20),
    "settle": dt.date(YEAR, 11, 5),
}


def location(w: World, target: str):
    return w.phan_rang if target == "own" else w.ha_noi_commune


def plan_line(
    w: World, target: str = "own", activity: str = "may-moc-thiet-bi", source: str = FundingSource.LOCAL
) -> PlanLine:
    """The approved line for `activity` in the target agency's plan for YEAR (created on first use)."""
    admin = w.user(Role.SYSTEM_ADMIN)
    agency = w.agency(AGENCY[target])
    plan = Plan.objects.filter(agency=agency, year=YEAR, source=source).first()
    if plan is None:
        plan = plan_create(actor=admin, agency=agency, year=YEAR, source=source)
        for code in ACTIVITIES:
            plan_line_add(
                actor=admin, plan=plan, activity=Activity.objects.get(code=code), amount=LINE_AMOUNT
            )
        plan.refresh_from_db()
        plan = plan_submit(
            actor=admin, plan=plan, version=plan.version, submitted_on=dt.date(YEAR - 1, 12, 1)
        )
        plan = plan_approve(
            actor=admin, plan=plan, decision_number="1/QĐ", decision_date=dt.date(YEAR - 1, 12, 20)
        )
    return plan.lines.get(activity__code=activity, added_by__isnull=True)


def establishment(w: World, target: str = "own", name: str | None = None, **fields: Any) -> Establishment:
    name = name or f"Cơ sở kiểm thử {next(_counter)}"
    return Establishment.objects.create(
        **{"legal_form": LegalForm.HOUSEHOLD_BUSINESS, **fields},
        name=name,
        search_name=comparable_name(name),
        commune=location(w, target),
    )


def make_project(
    w: World,
    target: str = "own",
    state: str = ProjectState.DRAFT,
    *,
    kind: str = ProjectKind.POINT,
    activity: str = "may-moc-thiet-bi",
    support: int = 150_000_000,
    counterpart: int = 250_000_000,
    source: str = FundingSource.LOCAL,
    achieved: int = 1,
) -> Project:
    """A project taken through the services to `state` (any state but stopped) by the system admin."""
    from khuyencong.projects.services import deliverable_set, project_create

    admin = w.user(Role.SYSTEM_ADMIN)
    line = plan_line(w, target, activity, source)
    est = establishment(w, target) if kind == ProjectKind.POINT else None
    project = project_create(
        actor=admin,
        plan_line=line,
        title=f"Đề án kiểm thử {next(_counter)}",
        kind=kind,
        implementer_kind=ImplementerKind.ESTABLISHMENT if est else ImplementerKind.AGENCY,
        implementer_establishment=est,
        implementer_agency=None if est else w.agency(AGENCY[target]),
        location=location(w, target),
        start_date=dt.date(YEAR, 3, 1),
        end_date=dt.date(YEAR, 10, 31),
        support_amount=support,
        counterpart_amount=counterpart,
    )
    indicator = line.activity.indicators.order_by("code").first()
    if indicator is not None:
        deliverable_set(actor=admin, project=project, indicator=indicator, planned=1)
    return walk(project, state, actor=admin, achieved=achieved)


# The lifecycle up to "in progress", each action with the fields it asks for.
_WALK: list[tuple[str, str, Any]] = [
    (ProjectState.REGISTERED, "register", lambda p: {}),
    (ProjectState.APPRAISED, "appraise", lambda p: {"on": D["appraisal"]}),
    (
        ProjectState.APPROVED,
        "approve",
        lambda p: {"decision_number": "12/QĐ-SCT", "decision_date": D["decision"]},
    ),
    (
        ProjectState.CONTRACTED,
        "contract",
        lambda p: {
            "number": f"HĐ-{p.pk}",
            "signed_on": D["contract"],
            "party_a": "Trung tâm Khuyến công",
            "party_b": p.implementer_label,
            "value": p.support_amount,
        },
    ),
    (ProjectState.IN_PROGRESS, "start", lambda p: {}),
]


def walk(project: Project, state: str, *, actor: Any, achieved: int = 1) -> Project:
    """Take a draft project to `state` through `lifecycle_take`, paying half its support in advance once
    in progress and the rest after acceptance."""
    from khuyencong.finance.services import entry_record
    from khuyencong.projects.services import deliverable_record, lifecycle_take

    order = [s.value for s in ProjectState if s != ProjectState.STOPPED]

    def reached(s: str) -> bool:
        return order.index(state) >= order.index(s)

    def take(action: str, **fields: Any) -> Project:
        lifecycle_take(actor=actor, project=project, action=action, version=None, **fields)
        return Project.objects.get(pk=project.pk)

    project = Project.objects.get(pk=project.pk)
    support = project.support_amount
    for target_state, action, fields in _WALK:
        if reached(target_state):
            project = take(action, **fields(project))
    if reached(ProjectState.IN_PROGRESS):
        entry_record(
            actor=actor,
            project=project,
            kind="advance",
            amount=support // 2,
            value_date=D["advance"],
            reference="UNC-1",
        )
    if reached(ProjectState.ACCEPTED):
        for d in project.deliverables.all():
            deliverable_record(actor=actor, deliverable=d, achieved=achieved, evidence="biên bản")
        project = take("accept", on=D["accept"])
        entry_record(
            actor=actor,
            project=project,
            kind="payment",
            amount=support - support // 2,
            value_date=D["payment"],
            reference="UNC-2",
        )
    if reached(ProjectState.LIQUIDATED):
        project = take("liquidate", on=D["liquidate"], final_value=support)
    if reached(ProjectState.SETTLED):
        project = take("settle", on=D["settle"])
    return project

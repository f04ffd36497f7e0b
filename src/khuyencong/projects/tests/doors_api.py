"""Access-harness registrations for the projects API. Each door's `path` builds its project with
`khuyencong.testing.projects.make_project` (through the real services): "own" belongs to Khánh Hòa's
Khuyến công centre and takes place in phường Phan Rang, "foreign" to Hà Nội's centre.

Reading is for every role. Changing is for the roles that may change records; each lifecycle action
for the roles `workflow.may` allows its `Who`: officers (OFFICER), the managing department
(DEPARTMENT: an approving role) or the approver of the project's KCĐP plan (PLAN_APPROVER: the
province approver, and the system administrator everywhere).
"""

import datetime as dt

from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Activity
from khuyencong.plans.choices import FundingSource
from khuyencong.plans.models import Plan
from khuyencong.plans.services import plan_create, plan_line_add
from khuyencong.projects.choices import ProjectKind, ProjectState
from khuyencong.projects.models import DocumentForm
from khuyencong.projects.services import (
    adjustment_request,
    deliverable_record,
    document_upload,
    participant_add,
)
from khuyencong.projects.workflow import TRANSITIONS, Who
from khuyencong.testing.access import ALL_ROLES, door
from khuyencong.testing.projects import YEAR, D, establishment, make_project

S = ProjectState
CHANGE_ROLES = frozenset(
    {
        Role.MINISTRY_OFFICER,
        Role.PROVINCE_OFFICER,
        Role.PROVINCE_APPROVER,
        Role.COMMUNE_OFFICER,
        Role.SYSTEM_ADMIN,
    }
)
DEPARTMENT_ROLES = frozenset({Role.MINISTRY_OFFICER, Role.PROVINCE_APPROVER, Role.SYSTEM_ADMIN})
KCDP_APPROVERS = frozenset({Role.PROVINCE_APPROVER, Role.SYSTEM_ADMIN})
WHO_ROLES = {Who.OFFICER: CHANGE_ROLES, Who.DEPARTMENT: DEPARTMENT_ROLES, Who.PLAN_APPROVER: KCDP_APPROVERS}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
_made: dict = {}


def _url(name, *args):
    return reverse(f"api:{name}", args=args)


def _project(w, target, state=S.DRAFT, **options):
    project = make_project(w, target, state, **options)
    _made["project"] = project
    return project


def _version(w, u):
    _made["project"].refresh_from_db()
    return _made["project"].version


def _commune_plan_line(w):
    """A line of phường Phan Rang's own plan: in the jurisdiction of every scoped role that may change."""
    admin = w.user(Role.SYSTEM_ADMIN)
    agency = w.agency("ubnd-phan-rang")
    plan = Plan.objects.filter(agency=agency, year=YEAR, source=FundingSource.LOCAL).first()
    if plan is None:
        plan = plan_create(actor=admin, agency=agency, year=YEAR, source=FundingSource.LOCAL)
        plan_line_add(
            actor=admin, plan=plan, activity=Activity.objects.get(code="may-moc-thiet-bi"), amount=900_000_000
        )
    return plan.lines.get()


def _create_data(w, u):
    return {
        "plan_line": _commune_plan_line(w).pk,
        "title": "Hỗ trợ máy sấy nông sản (API)",
        "kind": "point",
        "implementer_kind": "establishment",
        "implementer_establishment": establishment(w, "own").pk,
        "location": w.phan_rang.pk,
        "start_date": f"{YEAR}-04-01",
        "end_date": f"{YEAR}-10-31",
        "support_amount": 150_000_000,
        "counterpart_amount": 250_000_000,
    }


def _marker(w, u):
    return f'"id": {_made["project"].pk},'


door(
    "api:project_list",
    lambda w, t, u: (_project(w, t), _url("project_list") + f"?year={YEAR}&source=kcdp")[1],
    kind="api",
    is_list=True,
    own_marker=_marker,
    foreign_marker=_marker,
)
door(
    "api:project_detail",
    lambda w, t, u: _url("project_detail", _project(w, t, S.IN_PROGRESS).pk),
    kind="api",
    own_marker=_marker,
)
door("api:project_lifecycle", lambda w, t, u: _url("project_lifecycle"), kind="api", scoped=False)
door(
    "api:project_create",
    lambda w, t, u: _url("project_create"),
    kind="api",
    method="post",
    scoped=False,
    roles=CHANGE_ROLES,
    data=_create_data,
    ok=201,
)
door(
    "api:project_update",
    lambda w, t, u: _url("project_update", _project(w, t).pk),
    kind="api",
    method="patch",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"version": _version(w, u), "title": "Đề án đã sửa", "counterpart_amount": 300_000_000},
)


# --- lifecycle: one door per action, from the state it starts in, for the roles its `who` names ---------


def _accept_ready(w, t):
    project = _project(w, t, S.IN_PROGRESS)
    admin = w.user(Role.SYSTEM_ADMIN)
    for deliverable in project.deliverables.all():
        deliverable_record(actor=admin, deliverable=deliverable, achieved=1, evidence="biên bản")
    return project


SETUP = {
    "register": lambda w, t: _project(w, t, S.DRAFT),
    "appraise": lambda w, t: _project(w, t, S.REGISTERED),
    "return": lambda w, t: _project(w, t, S.APPRAISED),
    "approve": lambda w, t: _project(w, t, S.APPRAISED),
    "contract": lambda w, t: _project(w, t, S.APPROVED),
    "start": lambda w, t: _project(w, t, S.CONTRACTED),
    "accept": _accept_ready,
    "liquidate": lambda w, t: _project(w, t, S.ACCEPTED),
    "settle": lambda w, t: _project(w, t, S.LIQUIDATED),
    "stop": lambda w, t: _project(w, t, S.APPROVED),
}
BODY = {
    "register": {},
    "appraise": {"on": D["appraisal"].isoformat()},
    "return": {"reason": "Bổ sung báo giá"},
    "approve": {"decision_number": "34/QĐ-SCT", "decision_date": D["decision"].isoformat()},
    "contract": {
        "number": "HĐ-API",
        "signed_on": D["contract"].isoformat(),
        "party_a": "Trung tâm Khuyến công",
        "party_b": "Cơ sở thụ hưởng",
        "value": 150_000_000,
    },
    "start": {},
    "accept": {"on": D["accept"].isoformat()},
    "liquidate": {"on": D["liquidate"].isoformat(), "final_value": 150_000_000},
    "settle": {"on": D["settle"].isoformat()},
    "stop": {"on": dt.date(YEAR, 6, 1).isoformat(), "reason": "Cơ sở xin dừng", "destination": "line"},
}
assert set(SETUP) == set(BODY) == {t.action for t in TRANSITIONS}, "a lifecycle action has no door"

for _t in TRANSITIONS:
    door(
        f"api:project_action_{_t.action}",
        lambda w, t, u, a=_t.action: _url(f"project_action_{a}", SETUP[a](w, t).pk),
        kind="api",
        method="post",
        roles=WHO_ROLES[_t.who],
        data=lambda w, u, a=_t.action: {"version": _version(w, u), **BODY[a]},
    )
# Any other action name: 400 unknown_action for a project the caller may see, 404 for one out of reach.
door(
    "api:project_action",
    lambda w, t, u: reverse("api:project_action", args=[_project(w, t).pk, "publish"]),
    kind="api",
    method="post",
    roles=ALL_ROLES,
    ok=400,
)


# --- participants, deliverables, documents, inspections, progress, adjustments -------------------------


def _participant_path(w, t):
    project = _project(w, t, S.DRAFT, kind=ProjectKind.GROUP)
    participant = participant_add(
        actor=w.user(Role.SYSTEM_ADMIN),
        project=project,
        establishment=establishment(w, t),
        support_amount=20_000_000,
        eligible_cost=60_000_000,
    )
    return _url("project_participant_remove", project.pk, participant.pk)


door(
    "api:project_participant_add",
    lambda w, t, u: _url("project_participant_add", _project(w, t, S.DRAFT, kind=ProjectKind.GROUP).pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        "establishment": establishment(w, "own").pk,
        "support_amount": 50_000_000,
        "eligible_cost": 120_000_000,
        "machine_name": "Máy ép viên",
    },
    ok=201,
)
door(
    "api:project_participant_remove",
    lambda w, t, u: _participant_path(w, t),
    kind="api",
    method="delete",
    roles=CHANGE_ROLES,
    ok=204,
)


def _indicator(project):
    return project.deliverables.select_related("indicator").first().indicator.code


door(
    "api:project_deliverable_set",
    lambda w, t, u: (p := _project(w, t), _url("project_deliverable_set", p.pk, _indicator(p)))[1],
    kind="api",
    method="put",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"planned": 3},
)
door(
    "api:project_deliverable_achieved",
    lambda w, t, u: (
        p := _project(w, t, S.APPROVED),
        _url("project_deliverable_achieved", p.pk, _indicator(p)),
    )[1],
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"achieved": 1, "evidence": "Biên bản nghiệm thu"},
)
door(
    "api:project_document_upload",
    lambda w, t, u: _url("project_document_upload", _project(w, t).pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    ok=400,
    note="The harness posts JSON, which carries no file: 400 `required` (file) shows that scope and role "
    "were passed; uploads themselves are tested in projects/tests/test_api.py.",
)


def _document_path(w, t):
    project = _project(w, t)
    document = document_upload(
        actor=w.user(Role.SYSTEM_ADMIN),
        project=project,
        form=DocumentForm.objects.order_by("order").first(),
        name="thuyet-minh.pdf",
        content=PDF,
    )
    return _url("project_document_download", project.pk, document.pk)


door("api:project_document_download", lambda w, t, u: _document_path(w, t), kind="api")
door(
    "api:project_inspection_add",
    lambda w, t, u: _url("project_inspection_add", _project(w, t, S.APPROVED).pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        "date": f"{YEAR}-05-20",
        "inspectors": "Đoàn kiểm tra Sở Công Thương",
        "findings": "Đúng tiến độ",
    },
    ok=201,
)
door(
    "api:project_progress_add",
    lambda w, t, u: _url("project_progress_add", _project(w, t, S.CONTRACTED).pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"month": f"{YEAR}-04-01", "percent_done": 30, "note": "Đã nhận máy"},
    ok=201,
)
door(
    "api:project_adjustment_request",
    lambda w, t, u: _url("project_adjustment_request", _project(w, t, S.APPROVED).pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        "kind": "machine",
        "reason": "Model máy cũ ngừng sản xuất",
        "changes": {"machine_name": "Máy sấy bơm nhiệt 500 kg/mẻ"},
    },
    ok=201,
)


def _adjustment_path(w, t):
    adjustment = adjustment_request(
        actor=w.user(Role.SYSTEM_ADMIN),
        project=_project(w, t, S.APPROVED),
        kind="machine",
        reason="Model máy cũ ngừng sản xuất",
        changes={"machine_name": "Máy sấy bơm nhiệt"},
    )
    return _url("project_adjustment_decide", adjustment.pk)


# A change of machine is decided by the managing department (services.adjustment_approver).
door(
    "api:project_adjustment_decide",
    lambda w, t, u: _adjustment_path(w, t),
    kind="api",
    method="post",
    roles=DEPARTMENT_ROLES,
    data=lambda w, u: {"approve": True, "decision_number": "55/QĐ-SCT"},
)

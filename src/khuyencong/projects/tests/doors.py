"""Access-harness registrations for the project pages. "own" projects are Khánh Hòa's, in phường Phan
Rang (inside every scoped test user's jurisdiction); "foreign" ones Hà Nội's (testing.projects)."""

from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.formatting import format_date
from khuyencong.projects.models import DocumentForm
from khuyencong.projects.services import adjustment_request, document_upload
from khuyencong.testing.access import door
from khuyencong.testing.projects import make_project

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
_made: dict = {}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _project(w, target, state="draft", **kwargs):
    project = make_project(w, target, state, **kwargs)
    _made["project"] = project
    return project


def _page(name, **kwargs):
    return reverse(f"projects:{name}", kwargs=kwargs)


def _with_document(w, target):
    project = _project(w, target)
    document = document_upload(
        actor=w.user(Role.SYSTEM_ADMIN),
        project=project,
        form=DocumentForm.objects.get(code="du-toan"),
        name="du-toan.pdf",
        content=PDF,
    )
    return _page("document_download", pk=project.pk, document_pk=document.pk)


def _with_adjustment(w, target):
    project = _project(w, target, "contracted")
    adjustment = adjustment_request(
        actor=w.user(Role.SYSTEM_ADMIN),
        project=project,
        kind="machine",
        reason="Đổi model máy",
        changes={"machine_name": "Máy sấy bánh tráng MS-200"},
    )
    return _page("adjustment_decide", pk=project.pk, adjustment_pk=adjustment.pk, decision="approve")


door(
    "projects:list",
    lambda w, t, u: (_project(w, t), _page("list") + "?year=2025")[1],
    is_list=True,
    own_marker=lambda w, u: _page("detail", pk=_made["project"].pk),
    foreign_marker=lambda w, u: _page("detail", pk=_made["project"].pk),
)
door("projects:detail", lambda w, t, u: _page("detail", pk=_project(w, t, "in_progress").pk))
door("projects:create", lambda w, t, u: _page("create"), scoped=False, roles=CHANGE_ROLES)
door("projects:overdue", lambda w, t, u: _page("overdue"), scoped=False)
door("projects:lifecycle", lambda w, t, u: _page("lifecycle"), scoped=False)
door("projects:edit", lambda w, t, u: _page("edit", pk=_project(w, t).pk), roles=CHANGE_ROLES)
door(
    "projects:action",
    lambda w, t, u: _page("action", pk=_project(w, t).pk, action="register"),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"register-version": _made["project"].version},
    ok=302,
)
door(
    "projects:participant_add",
    lambda w, t, u: _page("participant_add", pk=_project(w, t, kind="group").pk),
    method="post",
    roles=CHANGE_ROLES,
    ok=302,
)
door(
    "projects:participant_remove",
    lambda w, t, u: _page("participant_remove", pk=_project(w, t, kind="group").pk, participant_pk=0),
    method="post",
    roles=CHANGE_ROLES,
    ok=404,
    note="no such participant: the scope and role checks come first",
)
door(
    "projects:deliverable_set",
    lambda w, t, u: _page("deliverable_set", pk=_project(w, t).pk),
    method="post",
    roles=CHANGE_ROLES,
    ok=302,
)
door(
    "projects:deliverable_record",
    lambda w, t, u: _page(
        "deliverable_record",
        pk=_project(w, t, "in_progress").pk,
        deliverable_pk=_made["project"].deliverables.first().pk,
    ),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {f"d{_made['project'].deliverables.first().pk}-achieved": "1"},
    ok=302,
)
door(
    "projects:document_upload",
    lambda w, t, u: _page("document_upload", pk=_project(w, t).pk),
    method="post",
    roles=CHANGE_ROLES,
    ok=302,
)
door("projects:document_download", lambda w, t, u: _with_document(w, t))
door(
    "projects:inspection_add",
    lambda w, t, u: _page("inspection_add", pk=_project(w, t, "in_progress").pk),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        "inspection-date": "01/06/2025",
        "inspection-inspectors": "Đoàn kiểm tra Sở Công Thương",
        "inspection-findings": "Đúng tiến độ",
    },
    ok=302,
)
door(
    "projects:progress_add",
    lambda w, t, u: _page("progress_add", pk=_project(w, t, "in_progress").pk),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {
        "progress-month": format_date(_made["project"].start_date),
        "progress-percent_done": "40",
    },
    ok=302,
)
door(
    "projects:adjustment_request",
    lambda w, t, u: _page("adjustment_request", pk=_project(w, t, "contracted").pk),
    roles=CHANGE_ROLES,
)
door(
    "projects:adjustment_decide",
    lambda w, t, u: _with_adjustment(w, t),
    method="post",
    roles=DEPARTMENT_ROLES,
    ok=302,
)

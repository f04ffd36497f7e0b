"""Access-harness registrations for the plans API. "own" is a KCĐP plan of phường Phan Rang (inside every
scoped test user's jurisdiction), "foreign" one of Hà Nội's Khuyến công centre."""

import datetime as dt

from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Activity
from khuyencong.plans.choices import FundingSource
from khuyencong.plans.services import (
    plan_approve,
    plan_create,
    plan_line_add,
    plan_submit,
    revision_add_line,
    revision_create,
)
from khuyencong.testing.access import door

CHANGE_ROLES = frozenset(
    {
        Role.MINISTRY_OFFICER,
        Role.PROVINCE_OFFICER,
        Role.PROVINCE_APPROVER,
        Role.COMMUNE_OFFICER,
        Role.SYSTEM_ADMIN,
    }
)
KCDP_APPROVERS = frozenset({Role.PROVINCE_APPROVER, Role.SYSTEM_ADMIN})
_made: dict = {}


def _plan(w, target, state="draft"):
    admin = w.user(Role.SYSTEM_ADMIN)
    agency = w.agency("ubnd-phan-rang" if target == "own" else "ttkc-01-cu")  # a 2024 plan: the old Hà Nội
    plan = plan_create(actor=admin, agency=agency, year=2024, source=FundingSource.LOCAL)
    line = plan_line_add(
        actor=admin, plan=plan, activity=Activity.objects.get(code="hoi-thao"), amount=50_000_000
    )
    plan.refresh_from_db()
    if state in ("submitted", "approved", "revising"):
        plan = plan_submit(actor=admin, plan=plan, version=plan.version, submitted_on=dt.date(2023, 12, 1))
    if state in ("approved", "revising"):
        plan = plan_approve(
            actor=admin, plan=plan, decision_number="1/QĐ-UBND", decision_date=dt.date(2023, 12, 20)
        )
    if state == "revising":
        revision = revision_create(actor=admin, plan=plan, reason="harness")
        revision_add_line(
            actor=admin, revision=revision, activity=Activity.objects.get(code="ban-tin"), amount=1_000_000
        )
    plan.refresh_from_db()
    _made.update(plan=plan, line=line)
    return plan


def _url(name, *args):
    return reverse(f"api:{name}", args=args)


LINE = {"activity": "hoi-thao", "amount": 20_000_000, "targets": {"hoi-thao": 2}}
DECISION = {"decision_number": "99/QĐ-UBND", "decision_date": "2024-07-01"}

door(
    "api:plan_list",
    lambda w, t, u: (_plan(w, t), _url("plan_list") + "?year=2024")[1],
    kind="api",
    is_list=True,
    own_marker=lambda w, u: f'"id": {_made["plan"].pk},',
    foreign_marker=lambda w, u: f'"id": {_made["plan"].pk},',
)
door("api:plan_detail", lambda w, t, u: _url("plan_detail", _plan(w, t).pk), kind="api")
door(
    "api:plans_as_of",
    lambda w, t, u: _url("plans_as_of") + "?year=2024&on=2024-06-01",
    kind="api",
    scoped=False,
)
door(
    "api:plan_create_api",
    lambda w, t, u: _url("plan_create_api"),
    kind="api",
    method="post",
    scoped=False,
    roles=CHANGE_ROLES,
    data=lambda w, u: {"agency_id": w.agency("ubnd-phan-rang").pk, "year": 2025, "source": "kcdp"},
    ok=201,
)
door(
    "api:plan_line_add_api",
    lambda w, t, u: _url("plan_line_add_api", _plan(w, t).pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: LINE,
    ok=201,
)
door(
    "api:plan_line_delete_api",
    lambda w, t, u: _url("plan_line_delete_api", _plan(w, t).pk, _made["line"].pk),
    kind="api",
    method="delete",
    roles=CHANGE_ROLES,
    ok=204,
)
door(
    "api:plan_submit_api",
    lambda w, t, u: _url("plan_submit_api", _plan(w, t).pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"version": _made["plan"].version},
)
door(
    "api:plan_approve_api",
    lambda w, t, u: _url("plan_approve_api", _plan(w, t, "submitted").pk),
    kind="api",
    method="post",
    roles=KCDP_APPROVERS,
    data=lambda w, u: DECISION,
)
door(
    "api:plan_return_api",
    lambda w, t, u: _url("plan_return_api", _plan(w, t, "submitted").pk),
    kind="api",
    method="post",
    roles=KCDP_APPROVERS,
    data=lambda w, u: {"reason": "Bổ sung chỉ tiêu"},
)
door(
    "api:revision_create_api",
    lambda w, t, u: _url("revision_create_api", _plan(w, t, "approved").pk),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"reason": "Bổ sung"},
    ok=201,
)
door(
    "api:revision_add_line_api",
    lambda w, t, u: _url("revision_add_line_api", _plan(w, t, "revising").pk, 1),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: LINE,
    ok=201,
)
door(
    "api:revision_remove_line_api",
    lambda w, t, u: _url("revision_remove_line_api", _plan(w, t, "revising").pk, 1),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"line_id": _made["line"].pk},
)
door(
    "api:revision_change_line_api",
    lambda w, t, u: _url("revision_change_line_api", _plan(w, t, "revising").pk, 1),
    kind="api",
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"line_id": _made["line"].pk, "amount": 70_000_000},
)
door(
    "api:revision_approve_api",
    lambda w, t, u: _url("revision_approve_api", _plan(w, t, "revising").pk, 1),
    kind="api",
    method="post",
    roles=KCDP_APPROVERS,
    data=lambda w, u: DECISION,
)


# --- pages -----------------------------------------------------------------------------------------


def _page(name, **kwargs):
    return reverse(f"plans:{name}", kwargs=kwargs)


door(
    "plans:list",
    lambda w, t, u: (_plan(w, t), _page("list") + "?year=2024")[1],
    is_list=True,
    own_marker=lambda w, u: _page("detail", pk=_made["plan"].pk),
    foreign_marker=lambda w, u: _page("detail", pk=_made["plan"].pk),
)
door("plans:detail", lambda w, t, u: _page("detail", pk=_plan(w, t, "revising").pk))
door("plans:create", lambda w, t, u: _page("create"), scoped=False, roles=CHANGE_ROLES)
door("plans:line_add", lambda w, t, u: _page("line_add", pk=_plan(w, t).pk), roles=CHANGE_ROLES)
door(
    "plans:line_delete",
    lambda w, t, u: _page("line_delete", pk=_plan(w, t).pk, line_pk=_made["line"].pk),
    method="post",
    roles=CHANGE_ROLES,
    ok=302,
)
door(
    "plans:action",
    lambda w, t, u: _page("action", pk=_plan(w, t).pk, action="submit"),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"version": _made["plan"].version},
    ok=302,
)
door(
    "plans:revision_line_add",
    lambda w, t, u: _page("revision_line_add", pk=_plan(w, t, "revising").pk, number=1),
    roles=CHANGE_ROLES,
)
door(
    "plans:revision_line_remove",
    lambda w, t, u: _page(
        "revision_line_remove", pk=_plan(w, t, "revising").pk, number=1, line_pk=_made["line"].pk
    ),
    method="post",
    roles=CHANGE_ROLES,
    ok=302,
)
door(
    "plans:revision_line_change",
    lambda w, t, u: _page(
        "revision_line_change", pk=_plan(w, t, "revising").pk, number=1, line_pk=_made["line"].pk
    ),
    method="post",
    roles=CHANGE_ROLES,
    data=lambda w, u: {"amount": "70 triệu"},
    ok=302,
)

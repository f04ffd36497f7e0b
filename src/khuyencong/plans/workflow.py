"""The plan workflow declared once: which actions a plan offers in which state and to whom. The detail
page draws its buttons from this table; the services enforce the same rules (and audit them)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, allows

from .choices import EDITABLE_STATUSES, IN_FORCE_STATUSES, PlanStatus
from .models import Plan
from .services import can_approve


@dataclass(frozen=True)
class PlanAction:
    key: str
    label: Any
    states: tuple[str, ...]
    allowed: Callable[[Any, Plan], bool]
    style: str = "primary"
    needs: str = ""  # "decision" | "reason" | "submitted_on" | "" — what the form asks for
    confirm: Any = ""


def _may_change(user: Any, plan: Plan) -> bool:
    return allows(user, Action.CHANGE)


def _may_approve(user: Any, plan: Plan) -> bool:
    return can_approve(user, plan)[0]


PLAN_ACTIONS = [
    PlanAction(
        "submit",
        _("Submit for approval"),
        EDITABLE_STATUSES,
        _may_change,
        confirm=_("Submit this plan? It can no longer be edited unless the approver returns it."),
        needs="submitted_on",
    ),
    PlanAction(
        "approve", _("Approve"), (PlanStatus.SUBMITTED,), _may_approve, style="success", needs="decision"
    ),
    PlanAction(
        "return",
        _("Return with a reason"),
        (PlanStatus.SUBMITTED,),
        _may_approve,
        style="outline-danger",
        needs="reason",
    ),
    PlanAction(
        "revise",
        _("Start a revision"),
        IN_FORCE_STATUSES,
        _may_change,
        style="outline-primary",
        needs="reason",
    ),
]


def actions_for(user: Any, plan: Plan) -> list[PlanAction]:
    """The actions the user may take on the plan now (no second revision while one is being prepared)."""
    preparing = plan.revisions.filter(status="draft").exists()
    return [
        a
        for a in PLAN_ACTIONS
        if plan.status in a.states and not (a.key == "revise" and preparing) and a.allowed(user, plan)
    ]


AUDIT_LABELS = {
    "plan.create": _("plan created"),
    "plan.line_add": _("line added"),
    "plan.line_delete": _("line deleted"),
    "plan.submit": _("submitted for approval"),
    "plan.return": _("returned"),
    "plan.approve": _("approved"),
    "plan.revision_create": _("revision started"),
    "plan.revision_add_line": _("line added in the revision"),
    "plan.revision_remove_line": _("line removed in the revision"),
    "plan.revision_drop_line": _("line dropped from the revision"),
    "plan.revision_approve": _("revision approved"),
}

"""The project lifecycle, declared once.

    draft → registered → appraised → approved → contracted → in progress → accepted → liquidated → settled
    and from any state before settled: stopped

Each `Transition` says from which states it starts, where it goes, who may take it, what must hold
first, and what the form asks for. `services.project_transition` enforces it; the project page draws
its buttons from it, the API exposes one endpoint per action, and `docs/project-lifecycle.md` is
written from it (`khuyencong lifecycle_doc`).

Money preconditions read the ledger through the money port (`ports.money()`, bound by finance, which
sits above projects); the actions that move money are finance's services, bound to their names here
(`bind_service`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.core.formatting import format_vnd
from khuyencong.plans.services import can_approve

from .choices import ProjectKind, ProjectState
from .models import Project
from .ports import money

S = ProjectState


class Who(StrEnum):
    """Who may take an action (always also inside the user's jurisdiction)."""

    OFFICER = "officer"  # any role that may change records: province/commune officers and above
    DEPARTMENT = "department"  # the managing department: a role that approves (province approver, ministry)
    PLAN_APPROVER = (
        "plan_approver"  # the approver of the project's plan: province for KCĐP, ministry for KCQG
    )


WHO_LABELS = {
    Who.OFFICER: _("an officer of the managing agency"),
    Who.DEPARTMENT: _("the managing department (a province approver or the ministry)"),
    Who.PLAN_APPROVER: _("the plan's approver (province approver for KCĐP, the ministry for KCQG)"),
}


def may(user: Any, who: Who, project: Project) -> tuple[bool, str]:
    """(allowed, reason): may `user` act as `who` on `project`?"""
    if who == Who.PLAN_APPROVER:
        return can_approve(user, project.plan_line.plan)
    action = Action.APPROVE if who == Who.DEPARTMENT else Action.CHANGE
    if not allows(user, action):
        return False, str(
            _("Your role does not allow this action: it is for %(who)s.") % {"who": WHO_LABELS[who]}
        )
    if not restrict(Project.objects.filter(pk=project.pk), user, action).exists():
        return False, str(_("This project is outside your jurisdiction."))
    return True, ""


# --- preconditions: each returns None when it holds, or the message saying what is missing ----------


def _has_implementer(p: Project) -> str | None:
    """a point project names who implements it"""
    if p.kind == ProjectKind.POINT and not p.implementer_label:
        return str(_("Name who implements the project."))
    return None


def _has_contract(p: Project) -> str | None:
    """a signed contract is recorded"""
    return None if p.contracts.exists() else str(_("Record the signed contract first."))


def _deliverables_achieved(p: Project) -> str | None:
    """the project has deliverables and every one has its achieved value"""
    deliverables = list(p.deliverables.all())
    if not deliverables:
        return str(_("Add the project's deliverables and their achieved values before acceptance."))
    missing = [str(d.indicator) for d in deliverables if d.achieved is None]
    if missing:
        return str(_("Record the achieved value of: %(list)s.") % {"list": ", ".join(missing)})
    return None


def _ledger_balanced(p: Project) -> str | None:
    """what is committed equals what is disbursed (the unpaid commitment was released at liquidation)"""
    balance = money().balance(p)
    if balance.committed != balance.disbursed:
        return str(
            _("The ledger does not balance: %(committed)s committed, %(disbursed)s disbursed.")
            % {"committed": format_vnd(balance.committed), "disbursed": format_vnd(balance.disbursed)}
        )
    return None


@dataclass(frozen=True)
class Fix:
    """Where a user fulfils a precondition: the project states in which the project page offers it
    (and its service accepts it), and the page's section that holds it. No state may be a dead end:
    every precondition of an action is fixable in each state the action starts from
    (tests/test_dead_ends.py)."""

    states: tuple[str, ...]
    section: str  # the id of the project page's tab pane
    how: Any


FIXES: dict[Callable[[Project], str | None], Fix] = {
    _has_implementer: Fix(
        (S.DRAFT, S.REGISTERED), "pane-overview", _("Edit the project and name who implements it.")
    ),
    _has_contract: Fix(
        (S.APPROVED, S.CONTRACTED, S.IN_PROGRESS),
        "pane-money",
        _("Record the signed contract (Contracts and statement)."),
    ),
    _deliverables_achieved: Fix(
        (S.DRAFT, S.REGISTERED, S.APPRAISED, S.APPROVED, S.CONTRACTED, S.IN_PROGRESS),
        "pane-deliverables",
        _("Add the deliverables and record what each achieved (Deliverables)."),
    ),
    _ledger_balanced: Fix(
        (S.CONTRACTED, S.IN_PROGRESS, S.ACCEPTED, S.LIQUIDATED, S.STOPPED),
        "pane-money",
        _("Record the missing entries or reverse the wrong ones (Contracts and statement)."),
    ),
}


def _no_deliverables(p: Project) -> str | None:
    """Said before approval: acceptance will need them."""
    if not p.deliverables.exists():
        return str(
            _(
                "The project has no deliverable yet: acceptance needs its deliverables and their achieved "
                "values. Add them now (Deliverables), or later with a reason."
            )
        )
    return None


@dataclass(frozen=True)
class Field:
    """A value the action's form asks for."""

    name: str
    label: Any
    kind: str = "text"  # text | date | money | choice | project | document
    required: bool = True


PROJECT_SERVICE = "projects.services.project_transition"  # the actions that move no money


@dataclass(frozen=True)
class Transition:
    action: str
    label: Any
    sources: tuple[str, ...]
    target: str
    who: Who
    preconditions: tuple[Callable[[Project], str | None], ...] = ()
    fields: tuple[Field, ...] = ()
    effects: Any = ""  # what the action does besides changing the state (for the docs and the page)
    style: str = "primary"
    confirm: Any = ""
    service: str = PROJECT_SERVICE
    # Preconditions the action's own form fulfils (the contract form records the contract): the page
    # offers the action without waiting for them; the service still checks them.
    form_fulfils: tuple[Callable[[Project], str | None], ...] = ()
    # What the page says before the action about what a later step will need (never blocks).
    warnings: tuple[Callable[[Project], str | None], ...] = ()

    def failing(self, project: Project, *, offering: bool = False) -> list[tuple[str, Fix | None]]:
        """The preconditions that do not hold: each message with where to fix it."""
        checks = [c for c in self.preconditions if not (offering and c in self.form_fulfils)]
        return [(msg, FIXES.get(check)) for check in checks if (msg := check(project))]

    def precondition_failures(self, project: Project, *, offering: bool = False) -> list[str]:
        return [msg for msg, _fix in self.failing(project, offering=offering)]


DATE = Field("on", _("date"), "date")
REASON = Field("reason", _("reason"), "text")
BEFORE_SETTLED = tuple(s for s in S.values if s not in (S.SETTLED, S.STOPPED))

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "register",
        _("Register"),
        (S.DRAFT,),
        S.REGISTERED,
        Who.OFFICER,
        (_has_implementer,),
        effects=_("The proposal joins the list waiting for appraisal."),
    ),
    Transition(
        "appraise",
        _("Record the appraisal"),
        (S.REGISTERED,),
        S.APPRAISED,
        Who.OFFICER,
        (_has_implementer,),
        fields=(
            DATE,
            Field("override_reason", _("reason for going beyond the norms"), "text", required=False),
        ),
        effects=_(
            "Checks the support against the norms in force on the appraisal date and records the result. "
            "Where a norm is exceeded only the managing department may go on, with a written reason."
        ),
    ),
    Transition(
        "return",
        _("Return for changes"),
        (S.REGISTERED, S.APPRAISED),
        S.DRAFT,
        Who.DEPARTMENT,
        fields=(REASON,),
        style="outline-danger",
        effects=_("The proposal goes back to draft with the reason."),
    ),
    Transition(
        "approve",
        _("Approve"),
        (S.APPRAISED,),
        S.APPROVED,
        Who.PLAN_APPROVER,
        fields=(
            Field("decision_number", _("decision number")),
            Field("decision_date", _("decision date"), "date"),
        ),
        style="success",
        effects=_(
            "Requires room on the plan line: the support of the line's approved projects, this one included, "
            "may not exceed the line's amount as of the decision date."
        ),
        warnings=(_no_deliverables,),
    ),
    Transition(
        "contract",
        _("Record the contract"),
        (S.APPROVED,),
        S.CONTRACTED,
        Who.OFFICER,
        (_has_contract,),
        fields=(
            Field("number", _("contract number")),
            Field("signed_on", _("signed on"), "date"),
            Field("party_a", _("party A (paying)")),
            Field("party_b", _("party B (receiving)")),
            Field("value", _("value (đồng)"), "money"),
            Field("document", _("signed copy"), "document", required=False),
        ),
        effects=_("Records the signed contract and commits its value in the ledger."),
        service="finance.services.contract_sign",
        form_fulfils=(_has_contract,),
    ),
    Transition(
        "start",
        _("Start implementation"),
        (S.CONTRACTED,),
        S.IN_PROGRESS,
        Who.OFFICER,
        (_has_contract,),
        effects=_("Monthly progress reports fall due from now on."),
    ),
    Transition(
        "accept",
        _("Record acceptance"),
        (S.IN_PROGRESS,),
        S.ACCEPTED,
        Who.OFFICER,
        (_deliverables_achieved,),
        fields=(DATE,),
        effects=_("The settlement dossier falls due the configured number of days after acceptance."),
    ),
    Transition(
        "liquidate",
        _("Liquidate the contract"),
        (S.ACCEPTED,),
        S.LIQUIDATED,
        Who.OFFICER,
        fields=(DATE, Field("final_value", _("liquidated value (đồng)"), "money")),
        effects=_(
            "Requires every payment recorded: the disbursed amount must equal the liquidated value. "
            "Releases the part of the commitment that will not be paid."
        ),
        service="finance.services.project_liquidate",
    ),
    Transition(
        "settle",
        _("Settle the accounts"),
        (S.LIQUIDATED,),
        S.SETTLED,
        Who.DEPARTMENT,
        (_ledger_balanced,),
        fields=(DATE,),
        style="success",
        effects=_("Closes the ledger: no entry may be recorded after settlement."),
    ),
    Transition(
        "stop",
        _("Stop the project"),
        BEFORE_SETTLED,
        S.STOPPED,
        Who.PLAN_APPROVER,
        fields=(
            DATE,
            REASON,
            Field("destination", _("remaining money goes"), "choice"),
            Field("target", _("receiving project"), "project", required=False),
        ),
        style="outline-danger",
        effects=_(
            "The money not disbursed goes back to the plan line or to the named project (whose support "
            "grows by it); the unpaid commitment is released in the ledger."
        ),
        service="finance.services.project_stop",
    ),
)
BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}

_services: dict[str, Callable[..., Project]] = {}


def bind_service(action: str, service: Callable[..., Project]) -> None:
    """Let an app above projects take `action` with `service`, the one the table names for it."""
    named = BY_ACTION[action].service
    if named == PROJECT_SERVICE or named.rsplit(".", 1)[-1] != service.__name__:
        raise ImproperlyConfigured(f"{action}: the lifecycle table names {named}, not {service.__name__}")
    _services[action] = service


def bound_service(action: str) -> Callable[..., Project]:
    """The service an app above bound for `action` (`services.lifecycle_take` calls it)."""
    try:
        return _services[action]
    except KeyError:
        raise ImproperlyConfigured(f"{action}: {BY_ACTION[action].service} is not bound") from None


@dataclass
class Offer:
    """A transition as the page offers it to one user now: what still blocks it (each with where to
    fix it) and what it warns about."""

    transition: Transition
    failing: list[tuple[str, Fix | None]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def blocked(self) -> list[str]:
        return [msg for msg, _fix in self.failing]


def offers_for(user: Any, project: Project) -> list[Offer]:
    """The actions of the project's current state that `user` may take, with what still blocks them."""
    return [
        Offer(
            t,
            t.failing(project, offering=True),
            [msg for warn in t.warnings if (msg := warn(project))],
        )
        for t in TRANSITIONS
        if project.state in t.sources and may(user, t.who, project)[0]
    ]


AUDIT_LABELS = {
    "project.create": _("project created"),
    "project.update": _("project edited"),
    **{f"project.{t.action}": t.label for t in TRANSITIONS},
    "project.receive": _("received money from a stopped project"),
    "project.participant_add": _("participant added"),
    "project.participant_remove": _("participant removed"),
    "project.deliverable_set": _("deliverable set"),
    "project.deliverable_achieved": _("achieved value recorded"),
    "project.document_upload": _("document uploaded"),
    "project.inspection": _("inspection recorded"),
    "project.progress": _("progress report"),
    "project.adjustment_request": _("adjustment requested"),
    "project.adjustment_approve": _("adjustment approved"),
    "project.adjustment_reject": _("adjustment rejected"),
    "finance.contract": _("contract recorded"),
    "finance.entry": _("ledger entry"),
    "finance.reversal": _("reversing entry"),
}


def lifecycle_markdown() -> str:
    """The lifecycle table as a Markdown document (in English, for developers and integrators)."""
    from django.utils import translation

    with translation.override("en"):
        states = dict(ProjectState.choices)
        lines = [
            "# Project lifecycle",
            "",
            "Generated from `khuyencong/projects/workflow.py` by `khuyencong lifecycle_doc`; the project",
            "page, the API (`GET /api/v1/projects/lifecycle`, `POST /api/v1/projects/{id}/actions/{action}`)",
            "and this document read the same table. Every action checks the version it was offered on, the",
            "state, who acts and the conditions below, runs in one transaction and is written to the audit",
            "trail (who, when, state before and after, reason).",
            "",
            "| action | from | to | who | asks for | conditions and effects | service |",
            "|---|---|---|---|---|---|---|",
        ]
        for t in TRANSITIONS:
            conditions = [str(t.effects)]
            asks = "; ".join(f"{f.name}{'' if f.required else ' (optional)'}" for f in t.fields) or "—"
            sources = ", ".join(str(states[s]) for s in t.sources)
            lines.append(
                f"| `{t.action}` {t.label} | {sources} | {states[t.target]} | {WHO_LABELS[t.who]} | {asks} | "
                f"{' '.join(conditions)} | `{t.service}` |"
            )
        lines += [
            "",
            "Preconditions checked before the action (besides state and role):",
            "",
        ]
        for t in TRANSITIONS:
            for check in t.preconditions:
                doc = (check.__doc__ or check.__name__).strip()
                lines.append(f"- `{t.action}`: `{check.__name__}` — {doc}")
        return "\n".join(lines) + "\n"

"""Project writers: appraisal and the lifecycle's transitions (workflow.TRANSITIONS)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, restrict
from khuyencong.catalog.services import check_support
from khuyencong.core.audit import audit_record, jsonable
from khuyencong.core.errors import NotInJurisdiction, PermissionDenied, ValidationFailed
from khuyencong.core.formatting import format_date
from khuyencong.core.versioning import save_new_version

from ..choices import COMMITTED_STATES, NormResult, ProjectKind, ProjectState
from ..models import Project
from ..workflow import BY_ACTION, PROJECT_SERVICE, Transition, Who, bound_service, may
from .core import (
    NormExceeded,
    WrongState,
    _bump,
    _check_version,
    _require_date,
    _require_text,
    require_line_room,
)

# --- the lifecycle --------------------------------------------------------------------------------


def appraisal_checks(project: Project, on: dt.date) -> list[dict[str, Any]]:
    """check_support for the project (or, for a group project, each participant) on `on`."""
    activity = project.plan_line.activity
    subjects: list[tuple[str, int, int, int]] = []
    participants = list(project.participants.select_related("establishment"))
    if project.kind == ProjectKind.GROUP and participants:
        subjects = [(str(p.establishment), p.eligible_cost, p.support_amount, 1) for p in participants]
    else:
        subjects = [(project.title, project.total_cost, project.support_amount, project.units_count)]
    results = []
    for subject, cost, support, units in subjects:
        check = check_support(
            activity=activity,
            eligible_cost=cost,
            requested_support=support,
            on_date=on,
            per_unit_count=units,
            condition=project.norm_condition,
        )
        results.append(
            {
                "subject": subject,
                "eligible_cost": cost,
                "support": support,
                "limit": check.limit,
                "norms": [n.code for n in check.norms],
                "violations": [
                    {
                        "code": v.code,
                        "message": str(v.message),
                        "norm": v.norm.code if v.norm else None,
                        "limit": v.limit,
                    }
                    for v in check.violations
                ],
            }
        )
    return results


def norm_result(checks: list[dict[str, Any]]) -> str:
    """The appraisal's finding (`NormResult`) from its checks (`appraisal_checks`)."""
    if any(check["violations"] for check in checks):
        return NormResult.BEYOND
    if not any(check["norms"] for check in checks):
        return NormResult.NO_NORM
    return NormResult.WITHIN


def _effect_appraise(actor: Any, project: Project, params: dict[str, Any]) -> str:
    on = _require_date(params.get("on"), "on")
    results = appraisal_checks(project, on)
    violations = [v for r in results for v in r["violations"]]
    override = (params.get("override_reason") or "").strip()
    if violations:
        if not override:
            raise NormExceeded(
                _("The support exceeds the norms in force on %(date)s: %(list)s")
                % {"date": format_date(on), "list": "; ".join(v["message"] for v in violations)},
                violations=violations,
            )
        if not may(actor, Who.DEPARTMENT, project)[0]:
            raise PermissionDenied(
                _("Only the managing department may approve support beyond the norms."),
                code="override_denied",
            )
    project.appraised_on = on
    project.appraisal = {
        "on": on.isoformat(),
        "ok": not violations,
        "result": norm_result(results),
        "norms_checked": sorted({code for r in results for code in r["norms"]}),
        "checks": results,
    }
    project.appraisal_override = override if violations else ""
    return override if violations else ""


def _effect_return(actor: Any, project: Project, params: dict[str, Any]) -> str:
    reason = _require_text(params.get("reason"), "reason", _("Say what must change."))
    project.appraised_on, project.appraisal, project.appraisal_override = None, None, ""
    return reason


def _effect_approve(actor: Any, project: Project, params: dict[str, Any]) -> str:
    number = _require_text(params.get("decision_number"), "decision_number", _("Enter the decision number."))
    date = _require_date(params.get("decision_date"), "decision_date")
    if project.appraised_on and date < project.appraised_on:
        raise ValidationFailed(
            _("The decision cannot come before the appraisal (%(date)s).")
            % {"date": format_date(project.appraised_on)},
            code="decision_before_appraisal",
            field="decision_date",
        )
    require_line_room(project.plan_line, date, project.support_amount, exclude=project)
    # A project is checked against the norms in force on its approval date (domain notes §4b): a norm
    # that changed since the appraisal applies, unless the department already accepted going beyond.
    violations = [v for r in appraisal_checks(project, date) for v in r["violations"]]
    if violations and not project.appraisal_override:
        raise NormExceeded(
            _("The support exceeds the norms in force on the decision date %(date)s: %(list)s")
            % {"date": format_date(date), "list": "; ".join(v["message"] for v in violations)},
            violations=violations,
        )
    project.decision_number, project.decision_date, project.approved_by = number, date, actor
    return ""


def _not_before_start(project: Project, on: dt.date, what: Any) -> None:
    """Acceptance and settlement come after the project began (its start date)."""
    if on < project.start_date:
        raise ValidationFailed(
            _("%(what)s cannot be dated %(date)s, before the project starts (%(start)s).")
            % {"what": what, "date": format_date(on), "start": format_date(project.start_date)},
            code="before_project_start",
            field="on",
        )


def _effect_accept(actor: Any, project: Project, params: dict[str, Any]) -> str:
    on = _require_date(params.get("on"), "on")
    _not_before_start(project, on, _("Acceptance"))
    if project.decision_date and on < project.decision_date:
        raise ValidationFailed(_("Acceptance cannot come before approval."), code="invalid_date", field="on")
    signed = project.contracts.order_by("signed_on").values_list("signed_on", flat=True).first()
    if signed and on < signed:
        raise ValidationFailed(
            _("Acceptance cannot come before the contract was signed (%(date)s).")
            % {"date": format_date(signed)},
            code="invalid_date",
            field="on",
        )
    project.accepted_on = on
    return ""


def _effect_settle(actor: Any, project: Project, params: dict[str, Any]) -> str:
    on = _require_date(params.get("on"), "on")
    _not_before_start(project, on, _("Settlement"))
    if project.accepted_on and on < project.accepted_on:
        raise ValidationFailed(
            _("Settlement cannot come before acceptance (%(date)s).")
            % {"date": format_date(project.accepted_on)},
            code="invalid_date",
            field="on",
        )
    if project.liquidated_on and on < project.liquidated_on:
        raise ValidationFailed(
            _("Settlement cannot come before liquidation."), code="invalid_date", field="on"
        )
    project.settled_on = on
    return ""


def _no_effect(actor: Any, project: Project, params: dict[str, Any]) -> str:
    return ""


EFFECTS: dict[str, Callable[[Any, Project, dict[str, Any]], str]] = {
    "register": _no_effect,
    "appraise": _effect_appraise,
    "return": _effect_return,
    "approve": _effect_approve,
    "start": _no_effect,
    "accept": _effect_accept,
    "settle": _effect_settle,
}


def require_transition_permission(actor: Any, project: Project, action: str) -> None:
    """Jurisdiction and role for `action`, checked before the request's own fields are (a user who may
    not act learns that, not what is wrong with what they typed)."""
    transition = BY_ACTION.get(action)
    if not restrict(Project.objects.filter(pk=project.pk), actor, Action.VIEW).exists():
        raise NotInJurisdiction()
    if transition is not None:
        allowed, why = may(actor, transition.who, project)
        if not allowed:
            raise PermissionDenied(why)


def run_transition(
    *,
    actor: Any,
    project: Project,
    action: str,
    version: int | None,
    params: dict[str, Any],
    effect: Callable[[Any, Project, dict[str, Any]], str],
) -> Project:
    """The lifecycle engine: lock, check version, state, role and preconditions, apply `effect` (which
    may change fields and returns the reason to audit), move to the target state and audit.
    The caller holds the transaction."""
    transition: Transition | None = BY_ACTION.get(action)
    if transition is None:
        raise ValidationFailed(_("Unknown action."), code="unknown_action", field="action")
    if not restrict(Project.objects.filter(pk=project.pk), actor, Action.VIEW).exists():
        raise NotInJurisdiction()
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_version(project, version)
    if project.state not in transition.sources:
        raise WrongState(
            _("“%(action)s” is not possible: the project is %(state)s.")
            % {"action": transition.label, "state": project.get_state_display()},
            state=project.state,
        )
    allowed, why = may(actor, transition.who, project)
    if not allowed:
        raise PermissionDenied(why)
    failures = transition.precondition_failures(project)
    if failures:
        raise ValidationFailed(" ".join(failures), code="precondition_failed", failures=failures)
    before = {"state": project.state, "version": project.version}
    reason = effect(actor, project, params)
    project.state = transition.target
    save_new_version(project)
    audit_record(
        actor=actor,
        action=f"project.{action}",
        obj=project,
        before=before,
        after={"state": project.state, **jsonable(params)},
        reason=reason,
    )
    return project


@transaction.atomic
def project_transition(
    *, actor: Any, project: Project, action: str, version: int | None = None, **params: Any
) -> Project:
    """Take a lifecycle action that needs no money movement (register, appraise, return, approve,
    start, accept, settle). Contract, liquidation and stop are finance services (see the table)."""
    transition = BY_ACTION.get(action)
    if transition is not None and action not in EFFECTS:
        raise ValidationFailed(
            _("This action is recorded with its own form (%(service)s).") % {"service": transition.service},
            code="use_other_service",
        )
    return run_transition(
        actor=actor,
        project=project,
        action=action,
        version=version,
        params=params,
        effect=EFFECTS.get(action, _no_effect),
    )


def lifecycle_take(
    *, actor: Any, project: Project, action: str, version: int | None, **fields: Any
) -> Project:
    """The one door to the lifecycle, for the project page and the API: take `action` with its fields
    (workflow.TRANSITIONS) through the service the table names — `project_transition` for the actions
    that move no money, finance's bound services for the others."""
    transition = BY_ACTION.get(action)
    if transition is None:
        raise ValidationFailed(_("Unknown action."), code="unknown_action", field="action")
    if transition.service == PROJECT_SERVICE:
        return project_transition(actor=actor, project=project, action=action, version=version, **fields)
    return bound_service(action)(actor=actor, project=project, version=version, **fields)


@transaction.atomic
def project_receive(
    *, actor: Any, project: Project, amount: int, source: Project, on: dt.date | None = None
) -> Project:
    """Money moved from a stopped project: the receiving project's support grows by `amount`. Called
    by the stop service inside its transaction; checks the receiving project's plan line has room."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.state in (ProjectState.SETTLED, ProjectState.STOPPED, ProjectState.LIQUIDATED):
        raise ValidationFailed(
            _("The receiving project is %(state)s and can no longer take money.")
            % {"state": project.get_state_display()},
            code="invalid_target",
            field="target",
        )
    if project.plan_line.plan_id != source.plan_line.plan_id:
        raise ValidationFailed(
            _("The receiving project must belong to the same plan."), code="invalid_target", field="target"
        )
    if project.state in COMMITTED_STATES and project.plan_line_id != source.plan_line_id:
        require_line_room(project.plan_line, on or timezone.localdate(), amount, exclude=None)
    before = project.support_amount
    project.support_amount += amount
    _bump(project, "support_amount")
    audit_record(
        actor=actor,
        action="project.receive",
        obj=project,
        before={"support_amount": before},
        after={"support_amount": project.support_amount, "from": source.code},
        reason=source.stop_reason,
    )
    return project

"""Finance writers: the lifecycle actions that move money — liquidation and stop."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from khuyencong.core.errors import ValidationFailed
from khuyencong.core.formatting import format_date, format_vnd
from khuyencong.core.money import whole_dong
from khuyencong.projects.choices import COMMITTED_STATES, StopDestination
from khuyencong.projects.models import Project
from khuyencong.projects.services import (
    project_for_change,
    project_receive,
    require_transition_permission,
    run_transition,
)

from ..models import LedgerEntry
from ..selectors import project_balance
from .core import LedgerRefused, _date
from .ledger import _release_commitments

# --- lifecycle actions that move money -----------------------------------------------------------


@transaction.atomic
def project_liquidate(
    *, actor: Any, project: Project, on: dt.date, final_value: int, version: int | None = None
) -> Project:
    def effect(actor: Any, project: Project, params: dict[str, Any]) -> str:
        on = _date(params["on"], "on")
        if project.accepted_on and on < project.accepted_on:
            raise ValidationFailed(
                _("Liquidation cannot come before acceptance."), code="invalid_date", field="on"
            )
        value = whole_dong(params["final_value"], field="final_value")
        balance = project_balance(project)
        if value > balance.contracted:
            raise ValidationFailed(
                _("The liquidated value cannot exceed the contracts (%(value)s).")
                % {"value": format_vnd(balance.contracted)},
                code="above_contract_balance",
                field="final_value",
            )
        if balance.disbursed != value:
            raise LedgerRefused(
                _("Record every payment first: %(disbursed)s disbursed, the liquidated value is %(value)s.")
                % {"disbursed": format_vnd(balance.disbursed), "value": format_vnd(value)},
                code="payments_missing",
                field="final_value",
            )
        project.liquidated_on, project.final_value = on, value
        _release_commitments(actor, project, on, str(_("liquidation")))
        return ""

    return run_transition(
        actor=actor,
        project=project,
        action="liquidate",
        version=version,
        params={"on": on, "final_value": final_value},
        effect=effect,
    )


@transaction.atomic
def project_stop(
    *,
    actor: Any,
    project: Project,
    on: dt.date,
    reason: str,
    destination: str,
    target: Project | None = None,
    version: int | None = None,
) -> Project:
    """Stop a project; what it did not disburse goes back to its plan line or to `target`."""
    require_transition_permission(actor, project, "stop")
    if destination not in StopDestination.values:
        raise ValidationFailed(
            _("Say where the remaining money goes."), code="invalid_destination", field="destination"
        )
    if destination == StopDestination.PROJECT:
        if target is None:
            raise ValidationFailed(
                _("Choose the project that receives the money."), code="required", field="target"
            )
        if target.pk == project.pk:
            raise ValidationFailed(
                _("A project cannot receive its own money."), code="invalid_target", field="target"
            )
        project_for_change(actor, target)  # the receiving project must be in the user's jurisdiction too
    released: dict[str, int] = {}

    def effect(actor: Any, project: Project, params: dict[str, Any]) -> str:
        on = _date(params["on"], "on")
        why = (params.get("reason") or "").strip()
        if not why:
            raise ValidationFailed(_("Say why the project stops."), code="reason_required", field="reason")
        last = LedgerEntry.objects.filter(project=project).order_by("-value_date").first()
        if last is not None and on < last.value_date:  # the release may not come before the money moved
            raise ValidationFailed(
                _("The stop cannot be dated before the last ledger entry (%(date)s).")
                % {"date": format_date(last.value_date)},
                code="invalid_date",
                field="on",
            )
        balance = project_balance(project)
        # Only an approved project holds money of the line; a proposal has none to give back or on.
        committed = project.state in COMMITTED_STATES
        released["amount"] = max(project.support_amount - balance.disbursed, 0) if committed else 0
        _release_commitments(actor, project, on, why)
        project.stopped_on, project.stop_reason = on, why
        project.stop_destination = destination
        project.stop_target = target if destination == StopDestination.PROJECT else None
        project.released_amount = released["amount"]
        return why

    project = run_transition(
        actor=actor,
        project=project,
        action="stop",
        version=version,
        params={"on": on, "reason": reason, "destination": destination, "target": target},
        effect=effect,
    )
    if destination == StopDestination.PROJECT and target is not None and released["amount"]:
        project_receive(actor=actor, project=target, amount=released["amount"], source=project, on=on)
    return project

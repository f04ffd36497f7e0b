"""Project writers: adjustments requested on a project and their decisions."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action
from khuyencong.accounts.models import Agency
from khuyencong.core.audit import audit_record
from khuyencong.core.errors import PermissionDenied, StaleWrite, ValidationFailed
from khuyencong.core.formatting import format_vnd
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit

from ..choices import AdjustmentKind, AdjustmentStatus, ProjectState
from ..models import Adjustment, Project
from ..ports import money
from ..workflow import Who, may
from .core import (
    MONEY_FIELDS,
    PROJECT_FIELDS,
    WrongState,
    _apply,
    _clean,
    _require_text,
    project_for_change,
    require_line_room,
)

# --- adjustments -----------------------------------------------------------------------------------

ADJUSTABLE_STATES = (
    ProjectState.APPROVED,
    ProjectState.CONTRACTED,
    ProjectState.IN_PROGRESS,
    ProjectState.ACCEPTED,
)
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    AdjustmentKind.BUDGET: MONEY_FIELDS,
    AdjustmentKind.CONTENT: ("title", "units_count"),
    AdjustmentKind.LOCATION: ("location",),
    AdjustmentKind.BENEFICIARY: (
        "implementer_kind",
        "implementer_establishment",
        "implementer_agency",
        "implementer_name",
    ),
    AdjustmentKind.MACHINE: ("machine_name", "machine_spec"),
    AdjustmentKind.DATES: ("start_date", "end_date"),
    AdjustmentKind.EXTENSION: ("end_date",),
}
FK_FIELDS = {
    "location": AdministrativeUnit,
    "implementer_establishment": Establishment,
    "implementer_agency": Agency,
}


def adjustment_approver(adjustment: Adjustment) -> Who:
    """Domain notes §4b: budget increases, content changes and extensions go to the plan's approver;
    location, beneficiary, machine and date changes and budget-neutral or reducing changes go to the
    managing department."""
    if adjustment.kind in (AdjustmentKind.CONTENT, AdjustmentKind.EXTENSION):
        return Who.PLAN_APPROVER
    if adjustment.kind == AdjustmentKind.BUDGET:
        new = adjustment.changes.get("support_amount", adjustment.before.get("support_amount"))
        if new is not None and new > adjustment.before.get("support_amount", 0):
            return Who.PLAN_APPROVER
    return Who.DEPARTMENT


def _decode(changes: dict[str, Any]) -> dict[str, Any]:
    """JSON values (ids, ISO dates) back into field values."""
    out: dict[str, Any] = {}
    for name, value in changes.items():
        if name in FK_FIELDS and value is not None:
            out[name] = FK_FIELDS[name]._default_manager.filter(pk=value).first()
        elif name.endswith("_date") and isinstance(value, str):
            out[name] = dt.date.fromisoformat(value)
        else:
            out[name] = value
    return out


def _encode(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _validate_adjustment(actor: Any, project: Project, kind: str, changes: dict[str, Any]) -> dict[str, Any]:
    allowed = KIND_FIELDS.get(kind)
    if allowed is None:
        raise ValidationFailed(_("Choose what the adjustment changes."), code="invalid_kind", field="kind")
    extra = set(changes) - set(allowed)
    if extra or not changes:
        raise ValidationFailed(
            _("A change of %(kind)s may set only: %(fields)s.")
            % {"kind": AdjustmentKind(kind).label, "fields": ", ".join(allowed)},
            code="invalid_changes",
            field="changes",
        )
    current = {name: getattr(project, name) for name in PROJECT_FIELDS}
    proposed = {**current, **changes}
    if kind == AdjustmentKind.EXTENSION:
        end = changes.get("end_date")
        if not isinstance(end, dt.date) or end.year != project.year + 1:
            raise ValidationFailed(
                _("An extension moves the end into %(year)s.") % {"year": project.year + 1},
                code="invalid_extension",
                field="end_date",
            )
        proposed["end_date"] = dt.date(project.year, 12, 31)  # checked as in-year below, kept as requested
    cleaned = _clean(actor, project.plan_line, proposed)
    if kind == AdjustmentKind.EXTENSION:
        cleaned["end_date"] = changes["end_date"]
    result = {
        name: cleaned[name] for name in allowed if name in changes or kind == AdjustmentKind.BENEFICIARY
    }
    if kind == AdjustmentKind.BUDGET:
        balance = money().balance(project)
        floor = max(balance.disbursed, balance.contracted)
        if result.get("support_amount", project.support_amount) < floor:
            raise ValidationFailed(
                _("The support cannot go below what is contracted or disbursed (%(floor)s).")
                % {"floor": format_vnd(floor)},
                code="below_committed",
                field="support_amount",
            )
        shared = project.participants.aggregate(s=Sum("support_amount"))["s"] or 0
        if result.get("support_amount", project.support_amount) < shared:
            raise ValidationFailed(
                _("The support cannot go below what the participants receive (%(shared)s).")
                % {"shared": format_vnd(shared)},
                code="below_participants",
                field="support_amount",
            )
    if all(_encode(result[n]) == _encode(getattr(project, n)) for n in result):
        raise ValidationFailed(_("The adjustment changes nothing."), code="no_change", field="changes")
    return result


@transaction.atomic
def adjustment_request(
    *, actor: Any, project: Project, kind: str, reason: str, changes: dict[str, Any]
) -> Adjustment:
    project = project_for_change(actor, project)
    if project.state not in ADJUSTABLE_STATES:
        raise WrongState(
            _("An adjustment is requested between approval and acceptance; the project is %(state)s.")
            % {"state": project.get_state_display()}
        )
    reason = _require_text(reason, "reason", _("Say why the project must change."))
    if project.adjustments.filter(status=AdjustmentStatus.REQUESTED).exists():
        raise WrongState(_("An adjustment of this project is already waiting for a decision."))
    result = _validate_adjustment(actor, project, kind, changes)
    adjustment = Adjustment.objects.create(
        project=project,
        kind=kind,
        reason=reason,
        changes={n: _encode(v) for n, v in result.items()},
        before={n: _encode(getattr(project, n)) for n in result},
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action="project.adjustment_request",
        obj=project,
        before=adjustment.before,
        after={"kind": kind, **adjustment.changes},
        reason=reason,
    )
    return adjustment


@transaction.atomic
def adjustment_decide(
    *, actor: Any, adjustment: Adjustment, approve: bool, note: str = "", decision_number: str = ""
) -> Adjustment:
    project = project_for_change(actor, adjustment.project, Action.VIEW)
    adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
    if adjustment.status != AdjustmentStatus.REQUESTED:
        raise WrongState(_("This adjustment has already been decided."))
    allowed, why = may(actor, adjustment_approver(adjustment), project)
    if not allowed:
        raise PermissionDenied(why)
    if not approve and not (note or "").strip():
        raise ValidationFailed(_("Say why the adjustment is rejected."), code="reason_required", field="note")
    adjustment.status = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REJECTED
    adjustment.decided_by, adjustment.decided_at = actor, timezone.now()
    adjustment.decision_note, adjustment.decision_number = (
        (note or "").strip(),
        (decision_number or "").strip(),
    )
    if approve:
        if project.state not in ADJUSTABLE_STATES:
            raise WrongState(_("This action is not possible in the project's current state."))
        changed = sorted(n for n, old in adjustment.before.items() if _encode(getattr(project, n)) != old)
        if changed:  # e.g. money received from a stopped project: the request no longer says what it did
            raise StaleWrite(
                _(
                    "The project's %(fields)s changed after this adjustment was requested. Reject it and "
                    "request the change again from the project as it is now."
                )
                % {
                    "fields": ", ".join(
                        str(getattr(Project._meta.get_field(n), "verbose_name", n)) for n in changed
                    )
                },
                code="adjustment_stale",
                fields=changed,
            )
        values = _validate_adjustment(actor, project, adjustment.kind, _decode(adjustment.changes))
        new_support = values.get("support_amount", project.support_amount)
        if new_support > project.support_amount:
            require_line_room(project.plan_line, timezone.localdate(), new_support, exclude=project)
        _apply(project, values)
    adjustment.save()
    audit_record(
        actor=actor,
        action=f"project.adjustment_{'approve' if approve else 'reject'}",
        obj=project,
        before=adjustment.before,
        after={"kind": adjustment.kind, **(adjustment.changes if approve else {})},
        reason=adjustment.decision_note or adjustment.reason,
    )
    return adjustment

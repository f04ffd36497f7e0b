"""Project writers: a group project's participants, and the deliverables."""

from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action
from khuyencong.catalog.models import Indicator
from khuyencong.catalog.services import check_support
from khuyencong.core import closing
from khuyencong.core.audit import audit_record
from khuyencong.core.errors import ValidationFailed
from khuyencong.core.formatting import format_date, format_vnd
from khuyencong.core.money import whole_dong
from khuyencong.establishments.models import Establishment

from ..choices import EDITABLE_STATES, ProjectKind, ProjectState
from ..models import Deliverable, Participant, Project
from .core import NormExceeded, WrongState, _bump, _in_scope, project_for_change

# --- participants and deliverables ----------------------------------------------------------------


def _participant_amounts(
    actor: Any,
    project: Project,
    establishment: Establishment,
    support_amount: Any,
    eligible_cost: Any,
    booths: Any,
    trainees: Any,
) -> dict[str, int]:
    """A participant's support and eligible cost in whole đồng, or every field's error at once."""
    errors: dict[str, str] = {}
    if (
        not _in_scope(actor, Establishment.objects, establishment.pk, Action.VIEW)
        or establishment.merged_into_id
    ):
        errors["establishment"] = str(_("This establishment is outside your jurisdiction or was merged."))
    elif project.participants.filter(establishment=establishment).exists():
        errors["establishment"] = str(_("This establishment already takes part in the project."))
    amounts = {}
    for name, value in (("support_amount", support_amount), ("eligible_cost", eligible_cost)):
        try:
            amounts[name] = whole_dong(value, field=name)
        except ValidationFailed as exc:
            errors[name] = str(exc.message)
    if len(amounts) == 2 and amounts["support_amount"] > amounts["eligible_cost"]:
        errors["support_amount"] = str(_("The support cannot exceed the eligible cost."))
    if "support_amount" in amounts and not errors:
        taken = project.participants.aggregate(s=Sum("support_amount"))["s"] or 0
        if taken + amounts["support_amount"] > project.support_amount:
            errors["support_amount"] = str(
                _("The participants' support would exceed the project's (%(left)s left).")
                % {"left": format_vnd(project.support_amount - taken)}
            )
    for name, value in (("booths", booths), ("trainees", trainees)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[name] = str(_("A whole number, 0 or more."))
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), code="invalid_fields", errors=errors)
    return amounts


def _require_norms(project: Project, amounts: dict[str, int]) -> None:
    """A participant named after the appraisal is checked on its own against the norms of the approval
    (or today's)."""
    on = project.decision_date or project.appraised_on or timezone.localdate()
    check = check_support(
        activity=project.plan_line.activity,
        eligible_cost=amounts["eligible_cost"],
        requested_support=amounts["support_amount"],
        on_date=on,
        condition=project.norm_condition,
    )
    if not check.ok:
        raise NormExceeded(
            _("The support exceeds the norms in force on %(date)s: %(list)s")
            % {"date": format_date(on), "list": "; ".join(str(v.message) for v in check.violations)},
            field="support_amount",
        )


@transaction.atomic
def participant_add(
    *,
    actor: Any,
    project: Project,
    establishment: Establishment,
    support_amount: int,
    eligible_cost: int,
    machine_name: str = "",
    machine_spec: str = "",
    booths: int = 0,
    trainees: int = 0,
    note: str = "",
) -> Participant:
    project = project_for_change(actor, project)
    if project.kind != ProjectKind.GROUP:
        raise ValidationFailed(_("Only a group project has participants."), code="not_group_project")
    if project.state not in (
        *EDITABLE_STATES,
        ProjectState.APPRAISED,
        ProjectState.APPROVED,
        ProjectState.CONTRACTED,
        ProjectState.IN_PROGRESS,
    ):
        raise WrongState(_("This action is not possible in the project's current state."))
    amounts = _participant_amounts(
        actor, project, establishment, support_amount, eligible_cost, booths, trainees
    )
    if project.state not in EDITABLE_STATES:
        _require_norms(project, amounts)
    participant = Participant.objects.create(
        project=project,
        establishment=establishment,
        machine_name=machine_name.strip(),
        machine_spec=machine_spec.strip(),
        booths=booths,
        trainees=trainees,
        note=note.strip(),
        **amounts,
    )
    _bump(project)
    audit_record(
        actor=actor,
        action="project.participant_add",
        obj=project,
        after={"establishment": establishment.pk, "name": establishment.name, **amounts},
    )
    return participant


@transaction.atomic
def participant_remove(*, actor: Any, participant: Participant) -> None:
    project = project_for_change(actor, participant.project)
    if project.state not in (*EDITABLE_STATES, ProjectState.APPRAISED, ProjectState.APPROVED):
        raise WrongState(_("After the contract a participant is changed through an adjustment."))
    before = {"establishment": participant.establishment_id, "support_amount": participant.support_amount}
    participant.delete()
    _bump(project)
    audit_record(actor=actor, action="project.participant_remove", obj=project, before=before)


def _count(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationFailed(_("A whole number, 0 or more."), code="invalid_count", field=field)
    return value


ACHIEVABLE_STATES = (ProjectState.APPROVED, ProjectState.CONTRACTED, ProjectState.IN_PROGRESS)


@transaction.atomic
def deliverable_set(
    *, actor: Any, project: Project, indicator: Indicator, planned: int, reason: str = ""
) -> Deliverable:
    """Set what the project promises for an indicator. Before approval freely; once approved and until
    acceptance, with a reason kept in the history (acceptance needs the deliverables: a project that
    was approved without them must not be stuck)."""
    project = project_for_change(actor, project)
    after_approval = project.state in ACHIEVABLE_STATES
    if project.state not in (*EDITABLE_STATES, ProjectState.APPRAISED, *ACHIEVABLE_STATES):
        raise WrongState(
            _("Deliverables are set until acceptance; the project is %(state)s.")
            % {"state": project.get_state_display()}
        )
    reason = (reason or "").strip()
    if after_approval and not reason:
        raise ValidationFailed(
            _("The project is approved: say why its deliverable is added or changed."),
            code="reason_required",
            field="reason",
        )
    planned = _count(planned, "planned")
    deliverable, created = Deliverable.objects.get_or_create(
        project=project, indicator=indicator, defaults={"planned": planned, "year": project.year}
    )
    before = None if created else {"planned": deliverable.planned}
    deliverable.planned = planned
    deliverable.save(update_fields=["planned"])
    _bump(project)
    audit_record(
        actor=actor,
        action="project.deliverable_set",
        obj=project,
        before=before,
        after={"indicator": indicator.code, "planned": planned},
        reason=reason,
    )
    return deliverable


@transaction.atomic
def deliverable_record(
    *, actor: Any, deliverable: Deliverable, achieved: int, evidence: str = "", correction_reason: str = ""
) -> Deliverable:
    """Record what a deliverable achieved, today: once the province's annual report of the project's
    year is approved, only as a post-close correction (`core.closing`)."""
    project = project_for_change(actor, deliverable.project)
    if project.state not in ACHIEVABLE_STATES:
        raise WrongState(_("Achieved values are recorded while the project is under way."))
    closing.require_open(
        actor=actor,
        units=closing.units_of(project.location),
        year=project.year,
        day=None,  # a count of the year, undated: closed by the annual report
        correction_reason=correction_reason,
        what={"project": project.code, "indicator": deliverable.indicator.code, "achieved": achieved},
    )
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    if deliverable.counted_from_events:
        raise ValidationFailed(
            _("This value is counted from the events recorded for the project."), code="counted_from_events"
        )
    before = {"indicator": deliverable.indicator.code, "achieved": deliverable.achieved}
    deliverable.achieved = _count(achieved, "achieved")
    deliverable.evidence = (evidence or "").strip()
    deliverable.save(update_fields=["achieved", "evidence"])
    _bump(project)
    audit_record(
        actor=actor,
        action="project.deliverable_achieved",
        obj=project,
        before=before,
        after={
            "indicator": deliverable.indicator.code,
            "achieved": deliverable.achieved,
            "evidence": deliverable.evidence,
        },
    )
    return deliverable


def deliverable_sync(
    *, actor: Any, project: Project, indicator: Indicator, achieved: int, evidence: str
) -> Deliverable:
    """Keep a deliverable counted from events (booths, participations, entries…) equal to the events'
    count. Called by the events services inside their transaction, so counts are never typed twice;
    creates the deliverable (planned = 0) if the project did not plan it."""
    deliverable, _created = Deliverable.objects.select_for_update().get_or_create(
        project=project,
        indicator=indicator,
        defaults={"planned": 0, "counted_from_events": True, "year": project.year},
    )
    before = {"indicator": indicator.code, "achieved": deliverable.achieved}
    count = _count(achieved, "achieved")
    if count != deliverable.achieved:  # an event changes a count: not in a closed year (core.closing)
        closing.require_open(
            actor=actor,
            units=closing.units_of(project.location),
            year=project.year,
            day=None,  # a count of the year, undated: closed by the annual report
            what={"project": project.code, "indicator": indicator.code, "achieved": count},
        )
    deliverable.achieved = count
    deliverable.evidence = evidence[:500]
    deliverable.counted_from_events = True
    deliverable.save(update_fields=["achieved", "evidence", "counted_from_events"])
    audit_record(
        actor=actor,
        action="project.deliverable_achieved",
        obj=project,
        before=before,
        after={
            "indicator": indicator.code,
            "achieved": deliverable.achieved,
            "evidence": deliverable.evidence,
        },
    )
    return deliverable

"""Project writers. Each takes the acting user first, checks role and jurisdiction, runs in one
transaction, locks the project row, and writes the audit trail. State changes go through
`run_transition`, which enforces the lifecycle table in `workflow`."""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.accounts.models import Agency
from khuyencong.catalog.models import Indicator
from khuyencong.catalog.services import check_support
from khuyencong.core import closing
from khuyencong.core.api_types import DATE_MAX, DATE_MIN
from khuyencong.core.audit import audit_record
from khuyencong.core.errors import (
    DomainError,
    NotInJurisdiction,
    PermissionDenied,
    StaleWrite,
    ValidationFailed,
)
from khuyencong.core.formatting import format_date, format_vnd
from khuyencong.core.money import whole_dong
from khuyencong.core.reference import LoadReport
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import carried_area_q
from khuyencong.plans.models import PlanLine
from khuyencong.plans.selectors import lines_in_force_q

from .choices import (
    COMMITTED_STATES,
    EDITABLE_STATES,
    AdjustmentKind,
    AdjustmentStatus,
    ImplementerKind,
    NormResult,
    ProjectKind,
    ProjectState,
)
from .models import (
    Adjustment,
    DeadlineRule,
    Deliverable,
    Document,
    DocumentForm,
    Inspection,
    Participant,
    ProgressReport,
    Project,
)
from .ports import money
from .workflow import BY_ACTION, PROJECT_SERVICE, Transition, Who, bound_service, may

REFERENCE_FILE = Path(__file__).parent / "reference" / "projects.json"


class WrongState(DomainError):
    code = "wrong_state"
    status = 409
    default_message = _("This action is not possible in the project's current state.")


class NormExceeded(DomainError):
    code = "norm_exceeded"
    default_message = _("The support exceeds the norms in force.")


class LineRoomExceeded(DomainError):
    code = "line_room_exceeded"
    status = 409
    default_message = _("The plan line has not enough money left for this project.")


@transaction.atomic
def project_reference_load(*, report: LoadReport | None = None) -> LoadReport:
    report = report or LoadReport()
    data = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    for item in data["deadlines"]:
        _rule, created = DeadlineRule.objects.get_or_create(
            kind=item["kind"],
            valid_from=dt.date.fromisoformat(item["valid_from"]),
            defaults={
                "days": item.get("days"),
                "month": item.get("month"),
                "day": item.get("day"),
                "legal_basis": item["legal_basis"],
            },
        )
        report.created["project deadline rules"] += int(created)
    for item in data["forms"]:
        _form, created = DocumentForm.objects.get_or_create(
            code=item["code"],
            defaults={"number": item["number"], "name": item["name"], "order": item["order"]},
        )
        report.created["dossier forms"] += int(created)
    return report


# --- checks shared by the writers --------------------------------------------------------------


def project_for_change(actor: Any, project: Project, action: Action = Action.CHANGE) -> Project:
    """The project, locked: NotInJurisdiction if the user cannot see it, PermissionDenied if the role
    may not `action`. Scope first, then lock by primary key (PostgreSQL refuses FOR UPDATE on the
    outer joins of a scope)."""
    if not restrict(Project.objects.filter(pk=project.pk), actor, Action.VIEW).exists():
        raise NotInJurisdiction()
    if (
        not allows(actor, action)
        or not restrict(Project.objects.filter(pk=project.pk), actor, action).exists()
    ):
        raise PermissionDenied()
    return Project.objects.select_for_update().get(pk=project.pk)


def _check_version(project: Project, version: int | None) -> None:
    if version is not None and project.version != version:
        raise StaleWrite()


def _bump(project: Project, *fields: str) -> None:
    project.version += 1
    project.save(update_fields=[*fields, "version"])


def _in_scope(actor: Any, model_qs, pk: int, action: Action = Action.CHANGE) -> bool:
    return restrict(model_qs.filter(pk=pk), actor, action).exists()


def _require_text(value: Any, field: str, message: Any) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed(message, code="required", field=field)
    return text


def _require_date(value: Any, field: str, message: Any = None) -> dt.date:
    """A date on which something happened: a date, and not in the future."""
    if not isinstance(value, dt.date):
        raise ValidationFailed(message or _("Enter a date (dd/mm/yyyy)."), code="invalid_date", field=field)
    if value > timezone.localdate():
        raise ValidationFailed(_("The date cannot be in the future."), code="future_date", field=field)
    return value


def _snapshot(project: Project) -> dict[str, Any]:
    return {
        "title": project.title,
        "kind": project.kind,
        "location": project.location_id,
        "implementer": project.implementer_label,
        "start_date": project.start_date.isoformat(),
        "end_date": project.end_date.isoformat(),
        "support_amount": project.support_amount,
        "counterpart_amount": project.counterpart_amount,
        "other_amount": project.other_amount,
        "units_count": project.units_count,
        "machine_name": project.machine_name,
        "machine_spec": project.machine_spec,
    }


# --- the plan line's room ------------------------------------------------------------------------


def line_used(line: PlanLine, on: dt.date, *, exclude: Project | None = None) -> int:
    """What the line's projects take from it on `on`: the support of projects approved by then and not
    stopped, plus what stopped projects actually disbursed (their remaining money went back or on)."""
    projects = Project.objects.filter(plan_line=line, decision_date__lte=on)
    if exclude is not None:
        projects = projects.exclude(pk=exclude.pk)
    used = projects.filter(state__in=COMMITTED_STATES).aggregate(s=Sum("support_amount"))["s"] or 0
    stopped = projects.filter(state=ProjectState.STOPPED)
    if stopped.exists():
        used += sum(money().disbursed_by_project(stopped).values())
    return used


def line_room(line: PlanLine, on: dt.date, *, exclude: Project | None = None) -> int | None:
    """The money left on the line on `on`; None when the line is not in force on that date."""
    if not PlanLine.objects.filter(pk=line.pk).filter(lines_in_force_q(on)).exists():
        return None
    return line.amount - line_used(line, on, exclude=exclude)


def require_line_room(line: PlanLine, on: dt.date, amount: int, *, exclude: Project | None = None) -> None:
    """`amount` fits on the line on `on` and on every later date a decision already on the line takes
    effect: a decision dated before others may not take the room they were approved against.
    Locks the line first, so two projects approved on it at the same moment are counted one after
    the other (the callers lock their project row before, never after, the line)."""
    PlanLine.objects.select_for_update().filter(pk=line.pk).values_list("pk", flat=True).first()
    room = line_room(line, on, exclude=exclude)
    if room is None:
        raise LineRoomExceeded(
            _(
                "The plan line is not in force on %(date)s: the plan is not approved yet "
                "or a revision replaced the line."
            )
            % {"date": format_date(on)},
            code="line_not_in_force",
        )
    later = Project.objects.filter(plan_line=line, decision_date__gt=on)
    if exclude is not None:
        later = later.exclude(pk=exclude.pk)
    for day in sorted({d for d in later.values_list("decision_date", flat=True) if d is not None}):
        room_then = line_room(line, day, exclude=exclude)
        if room_then is not None and room_then < room:
            room, on = room_then, day
    if amount > room:
        raise LineRoomExceeded(
            _("The plan line has %(room)s left on %(date)s; this needs %(amount)s.")
            % {"room": format_vnd(room), "date": format_date(on), "amount": format_vnd(amount)},
            room=room,
            requested=amount,
        )


# --- create and edit ----------------------------------------------------------------------------

PROJECT_FIELDS = (
    "title",
    "kind",
    "implementer_kind",
    "implementer_establishment",
    "implementer_agency",
    "implementer_name",
    "location",
    "start_date",
    "end_date",
    "support_amount",
    "counterpart_amount",
    "other_amount",
    "units_count",
    "norm_condition",
    "machine_name",
    "machine_spec",
)
MONEY_FIELDS = ("support_amount", "counterpart_amount", "other_amount")


def _clean(actor: Any, line: PlanLine, data: dict[str, Any]) -> dict[str, Any]:
    """Validate project fields; every problem is reported at once, by field."""
    errors: dict[str, str] = {}
    year = line.plan.year
    cleaned = dict(data)
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        errors["title"] = str(_("Give the project a title."))
    else:
        cleaned["title"] = title.strip()
    if data.get("kind") not in ProjectKind.values:
        errors["kind"] = str(_("Choose the kind of project."))
    if data.get("implementer_kind") not in ImplementerKind.values:
        errors["implementer_kind"] = str(_("Choose who implements the project."))
    for name in MONEY_FIELDS:
        try:
            cleaned[name] = whole_dong(data.get(name, 0), field=name)
        except ValidationFailed as exc:
            errors[name] = str(exc.message)
    if "support_amount" not in errors and cleaned["support_amount"] <= 0:
        errors["support_amount"] = str(_("The khuyến công support must be more than 0 đồng."))
    units = data.get("units_count", 1)
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        errors["units_count"] = str(_("At least 1."))
    start, end = data.get("start_date"), data.get("end_date")
    if not isinstance(start, dt.date):
        errors["start_date"] = str(_("Enter a date (dd/mm/yyyy)."))
    elif start.year != year:
        errors["start_date"] = str(_("The project starts in the plan's year (%(year)s).") % {"year": year})
    if not isinstance(end, dt.date):
        errors["end_date"] = str(_("Enter a date (dd/mm/yyyy)."))
    elif isinstance(start, dt.date) and end < start:
        errors["end_date"] = str(_("The end cannot be before the start."))
    elif end.year != year:
        errors["end_date"] = str(
            _("The project ends in the plan's year; an extension into the next year is an adjustment.")
        )
    location = data.get("location")
    if not isinstance(location, AdministrativeUnit):
        errors["location"] = str(_("Choose where the project takes place."))
    else:
        inside = line.plan.unit is None or (
            AdministrativeUnit.objects.filter(carried_area_q(line.plan.unit), pk=location.pk).exists()
        )
        if not inside or not _in_scope(actor, AdministrativeUnit.objects, location.pk):
            errors["location"] = str(_("This place is outside the plan's area or your jurisdiction."))
        elif not location.in_force_during(year):
            errors["location"] = str(
                _(
                    "%(place)s did not exist in %(year)s: a project sits in the commune or province of its "
                    "time (before 1/7/2025 the old ones, after it today's)."
                )
                % {"place": location.label, "year": year}
            )
    kind = data.get("implementer_kind")
    est = data.get("implementer_establishment")
    agency = data.get("implementer_agency")
    if kind == ImplementerKind.ESTABLISHMENT:
        if not isinstance(est, Establishment):
            errors["implementer_establishment"] = str(_("Choose the implementing establishment."))
        elif not _in_scope(actor, Establishment.objects, est.pk, Action.VIEW) or est.merged_into_id:
            errors["implementer_establishment"] = str(
                _("This establishment is outside your jurisdiction or was merged into another record.")
            )
        cleaned["implementer_agency"], cleaned["implementer_name"] = None, ""
    elif kind == ImplementerKind.AGENCY:
        if not isinstance(agency, Agency):
            errors["implementer_agency"] = str(_("Choose the implementing agency."))
        cleaned["implementer_establishment"], cleaned["implementer_name"] = None, ""
    elif kind == ImplementerKind.PROVIDER:
        provider = data.get("implementer_name")
        if not isinstance(provider, str) or not provider.strip():
            errors["implementer_name"] = str(_("Name the service provider."))
        cleaned["implementer_establishment"], cleaned["implementer_agency"] = None, None
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), code="invalid_fields", errors=errors)
    return cleaned


def _carrier(agency: Agency, start: Any) -> Agency:
    """The agency that manages a project starting on `start`: the plan's, or, once that agency ceased
    to exist (an old province's centre after 30/06/2025), its successor."""
    for _step in range(5):  # a chain of successors, bounded
        successor = agency.successor
        if not (isinstance(start, dt.date) and agency.valid_to and start > agency.valid_to and successor):
            break
        agency = successor
    return agency


def _next_code(agency: Agency, line: PlanLine) -> str:
    prefix = f"{line.plan.source_short}-{line.plan.year}-"
    taken = Project.objects.filter(managing_agency=agency, year=line.plan.year, code__startswith=prefix)
    numbers = [
        int(c[len(prefix) :]) for c in taken.values_list("code", flat=True) if c[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


@transaction.atomic
def project_create(
    *, actor: Any, plan_line: PlanLine, managing_agency: Agency | None = None, **data: Any
) -> Project:
    """A draft project on a plan line. `data` holds PROJECT_FIELDS."""
    if not allows(actor, Action.CHANGE):
        raise PermissionDenied()
    if not _in_scope(actor, PlanLine.objects, plan_line.pk, Action.VIEW):
        raise NotInJurisdiction()
    unknown = set(data) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    agency = managing_agency or _carrier(plan_line.plan.agency, data.get("start_date"))
    from khuyencong.accounts.selectors import agencies_visible

    if not agencies_visible(actor, Action.VIEW).filter(pk=agency.pk).exists():
        raise ValidationFailed(
            _("This agency is outside your jurisdiction."), code="invalid_fields", field="managing_agency"
        )
    cleaned = _clean(actor, plan_line, {"units_count": 1, **data})
    fields = {k: v for k, v in cleaned.items() if k in PROJECT_FIELDS}
    project = Project(
        plan_line=plan_line,
        year=plan_line.plan.year,
        managing_agency=agency,
        code=_next_code(agency, plan_line),
        created_by=actor,
        **fields,
    )
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as exc:
        raise StaleWrite(_("Another project took this code at the same moment. Try again.")) from exc
    audit_record(
        actor=actor,
        action="project.create",
        obj=project,
        after={"state": project.state, **_snapshot(project)},
    )
    return project


def _apply(project: Project, values: dict[str, Any]) -> None:
    """Set the project's fields and save it as a new version. A move to a place in another province
    takes what the project disbursed along in the disbursed-by-month aggregate."""
    old_location = project.location_id
    for name, value in values.items():
        setattr(project, name, value)
    project.version += 1
    project.save()
    if project.location_id != old_location:
        money().relocate(project, old_location_id=old_location)


@transaction.atomic
def project_update(*, actor: Any, project: Project, version: int, **data: Any) -> Project:
    """Edit a project that is still a draft or registered proposal (later: through an adjustment)."""
    project = project_for_change(actor, project)
    _check_version(project, version)
    if project.state not in EDITABLE_STATES:
        raise WrongState(
            _("The project is %(state)s: after registration changes go through an adjustment.")
            % {"state": project.get_state_display()}
        )
    unknown = set(data) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    current = {name: getattr(project, name) for name in PROJECT_FIELDS}
    cleaned = _clean(actor, project.plan_line, {**current, **data})
    before = _snapshot(project)
    _apply(project, {name: cleaned[name] for name in PROJECT_FIELDS})
    audit_record(actor=actor, action="project.update", obj=project, before=before, after=_snapshot(project))
    return project


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
    project.version += 1
    project.save()
    audit_record(
        actor=actor,
        action=f"project.{action}",
        obj=project,
        before=before,
        after={"state": project.state, **_jsonable(params)},
        reason=reason,
    )
    return project


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, dt.date):
            out[key] = value.isoformat()
        elif hasattr(value, "pk"):
            out[key] = value.pk
        elif isinstance(value, str | int | bool) or value is None:
            out[key] = value
    return out


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


# --- participants and deliverables ----------------------------------------------------------------


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
        raise WrongState()
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
    if project.state not in EDITABLE_STATES:
        # Named after the appraisal: checked on its own against the norms of the approval (or today).
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


@transaction.atomic
def deliverable_set(*, actor: Any, project: Project, indicator: Indicator, planned: int) -> Deliverable:
    """Set what the project promises for an indicator (before approval)."""
    project = project_for_change(actor, project)
    if project.state not in (*EDITABLE_STATES, ProjectState.APPRAISED):
        raise WrongState(_("After approval a deliverable changes through an adjustment of content."))
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
    )
    return deliverable


ACHIEVABLE_STATES = (ProjectState.APPROVED, ProjectState.CONTRACTED, ProjectState.IN_PROGRESS)


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


# --- documents, inspections, progress -------------------------------------------------------------

# What a dossier may contain, checked against the file's content (not its name).
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


def upload_content(upload: Any) -> bytes:
    """An uploaded file's bytes, read no further than one byte past the upload limit: a larger file is
    refused by `document_upload` without being held whole in memory."""
    return upload.read(settings.KHUYENCONG_UPLOAD_MAX_BYTES + 1)


@transaction.atomic
def document_upload(
    *, actor: Any, project: Project, form: DocumentForm, name: str, content: bytes, note: str = ""
) -> Document:
    project = project_for_change(actor, project)
    limit = settings.KHUYENCONG_UPLOAD_MAX_BYTES
    if not content:
        raise ValidationFailed(_("The file is empty."), code="empty_file", field="file")
    if len(content) > limit:
        raise ValidationFailed(
            _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            code="file_too_large",
            field="file",
        )
    kind = filetype.guess(content)
    mime = kind.mime if kind else ""
    if mime not in ALLOWED_TYPES:
        raise ValidationFailed(
            _("This kind of file is not accepted: upload PDF, Word (.docx), Excel (.xlsx), JPEG or PNG."),
            code="file_type_not_allowed",
            field="file",
        )
    digest = hashlib.sha256(content).hexdigest()
    document = Document(
        project=project,
        form=form,
        original_name=Path(name or "tai-lieu").name[:255],
        content_type=mime,
        extension=ALLOWED_TYPES[mime],
        size=len(content),
        sha256=digest,
        note=(note or "").strip(),
        uploaded_by=actor,
    )
    document.file.save("upload", ContentFile(content), save=False)
    try:
        document.save()
        audit_record(
            actor=actor,
            action="project.document_upload",
            obj=project,
            after={"form": form.code, "file": document.original_name, "sha256": digest, "size": len(content)},
        )
    except BaseException:
        if document.file.name:  # no record will point at it: no orphan file
            document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def inspection_record(
    *,
    actor: Any,
    project: Project,
    date: dt.date,
    inspectors: str,
    findings: str,
    follow_up_required: bool = False,
    follow_up: str = "",
) -> Inspection:
    project = project_for_change(actor, project)
    errors = {}
    if not isinstance(date, dt.date):
        errors["date"] = str(_("Enter a date (dd/mm/yyyy)."))
    elif date > timezone.localdate():
        errors["date"] = str(_("An inspection is recorded after it took place."))
    elif date < DATE_MIN:
        errors["date"] = str(
            _("Enter a date between %(start)s and %(end)s.")
            % {"start": DATE_MIN.strftime("%d/%m/%Y"), "end": DATE_MAX.strftime("%d/%m/%Y")}
        )
    if not (inspectors or "").strip():
        errors["inspectors"] = str(_("Name the inspectors."))
    if not (findings or "").strip():
        errors["findings"] = str(_("Write down what the inspection found."))
    if follow_up_required and not (follow_up or "").strip():
        errors["follow_up"] = str(_("Say what must be done."))
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), code="invalid_fields", errors=errors)
    inspection = Inspection.objects.create(
        project=project,
        date=date,
        inspectors=inspectors.strip(),
        findings=findings.strip(),
        follow_up_required=follow_up_required,
        follow_up=(follow_up or "").strip(),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="project.inspection",
        obj=project,
        after={"date": date.isoformat(), "follow_up_required": follow_up_required},
    )
    return inspection


@transaction.atomic
def progress_report_submit(
    *, actor: Any, project: Project, month: dt.date, percent_done: int, note: str = ""
) -> ProgressReport:
    project = project_for_change(actor, project)
    if project.state not in (ProjectState.CONTRACTED, ProjectState.IN_PROGRESS):
        raise WrongState(_("Progress is reported while the project is under way."))
    month = _require_date(month, "month").replace(day=1)
    if month > timezone.localdate() or month < project.start_date.replace(day=1):
        raise ValidationFailed(
            _("Report on a month between the project's start and this month."),
            code="invalid_month",
            field="month",
        )
    if isinstance(percent_done, bool) or not isinstance(percent_done, int) or not 0 <= percent_done <= 100:
        raise ValidationFailed(_("Between 0 and 100."), code="invalid_percent", field="percent_done")
    report, created = ProgressReport.objects.update_or_create(
        project=project,
        month=month,
        defaults={"percent_done": percent_done, "note": (note or "").strip(), "submitted_by": actor},
    )
    audit_record(
        actor=actor,
        action="project.progress",
        obj=project,
        after={"month": month.isoformat(), "percent_done": percent_done, "replaced": not created},
    )
    return report


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
            raise WrongState()
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

"""Project writers: the checks every writer shares, the plan line's room, creating and editing."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.accounts.models import Agency
from khuyencong.core.audit import audit_record, snapshot
from khuyencong.core.errors import (
    DomainError,
    NotInJurisdiction,
    PermissionDenied,
    StaleWrite,
    ValidationFailed,
    WrongState,
)
from khuyencong.core.formatting import format_date, format_vnd
from khuyencong.core.money import whole_dong
from khuyencong.core.reference import LoadReport, read_json
from khuyencong.core.versioning import check_version, save_new_version
from khuyencong.establishments.models import Establishment
from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import carried_area_q
from khuyencong.plans.models import PlanLine
from khuyencong.plans.selectors import lines_in_force_q

from ..choices import COMMITTED_STATES, EDITABLE_STATES, ImplementerKind, ProjectKind, ProjectState
from ..models import DeadlineRule, DocumentForm, Project
from ..ports import money

REFERENCE_FILE = Path(__file__).parent.parent / "reference" / "projects.json"


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
    data = read_json(REFERENCE_FILE)
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
    check_version(project, version)


def _bump(project: Project, *fields: str) -> None:
    save_new_version(project, update_fields=fields)


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


SNAPSHOT_FIELDS = (
    "title",
    "kind",
    "location",
    "start_date",
    "end_date",
    "support_amount",
    "counterpart_amount",
    "other_amount",
    "units_count",
    "machine_name",
    "machine_spec",
    "external_reference",
)


def _snapshot(project: Project) -> dict[str, Any]:
    return {**snapshot(project, SNAPSHOT_FIELDS), "implementer": project.implementer_label}


# --- the plan line's room ------------------------------------------------------------------------


def line_used(line: PlanLine, on: dt.date, *, exclude: Project | None = None) -> int:
    """What the line's projects take from it on `on`: the support of projects approved by then and not
    stopped, plus what stopped projects actually disbursed (their remaining money went back or on)."""
    return lines_used([line], on, exclude=exclude).get(line.pk, 0)


def lines_used(lines: list[PlanLine], on: dt.date, *, exclude: Project | None = None) -> dict[int, int]:
    """`line_used` of each line at once, by line pk (lines nothing takes from are absent)."""
    projects = Project.objects.filter(plan_line__in=lines, decision_date__lte=on)
    if exclude is not None:
        projects = projects.exclude(pk=exclude.pk)
    used: dict[int, int] = dict(
        projects.filter(state__in=COMMITTED_STATES)
        .values("plan_line")
        .annotate(s=Sum("support_amount"))
        .values_list("plan_line", "s")
    )
    stopped = projects.filter(state=ProjectState.STOPPED)
    for line_id in set(stopped.values_list("plan_line", flat=True)):
        used[line_id] = used.get(line_id, 0) + money().disbursed_total(stopped.filter(plan_line=line_id))
    return used


class LineUse:
    """`plans.ports.LineUse`, bound in `ProjectsConfig.ready`: the plan page's room column."""

    def used(self, lines: list[PlanLine], on: dt.date) -> dict[int, int]:
        return lines_used(lines, on)


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
    "external_reference",
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
    reference = data.get("external_reference") or ""
    cleaned["external_reference"] = reference.strip() if isinstance(reference, str) else ""
    if len(cleaned["external_reference"]) > 60:
        errors["external_reference"] = str(_("At most %(limit)s characters.") % {"limit": 60})
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


NATIONAL_CODE_PREFIX = "TW"  # trung ương: agencies of the nation or a region


def code_prefix(agency: Agency) -> str:
    """What starts the codes of the projects `agency` manages: the GSO code of its province (the
    province a commune lies in), or TW for the ministry and the regions — so that a code tells a
    project apart nationally (56-KCĐP-2025-001 is Khánh Hòa's, 01-KCĐP-2025-001 Hà Nội's)."""
    unit = agency.jurisdiction_unit
    if unit is None:
        return NATIONAL_CODE_PREFIX
    province = unit if unit.level == Level.PROVINCE else (unit.province or unit.current_province or unit)
    return province.code


def _next_code(agency: Agency, line: PlanLine) -> str:
    """The next free code of the province, source and year: numbered across every agency that shares
    the prefix (an old province's centre and its successor keep one series), unique nationally."""
    Agency.objects.select_for_update().filter(pk=agency.pk).first()  # one numbering at a time
    prefix = f"{code_prefix(agency)}-{line.plan.source_short}-{line.plan.year}-"
    taken = Project.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(c[len(prefix) :]) for c in taken if c[len(prefix) :].isdigit()]
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
    save_new_version(project)
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

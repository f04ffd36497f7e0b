"""Plan writers. Each takes the acting user, checks role and jurisdiction, runs in one transaction
and writes the audit trail. The workflow: a province officer drafts and submits; the plan's approver
(a province approver for KCĐP, the ministry for KCQG) approves or returns it with a reason; after
approval the plan changes only through revisions approved by decision."""

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.choices import JurisdictionKind, Role
from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.accounts.models import Agency
from khuyencong.catalog.models import Activity, Indicator
from khuyencong.catalog.selectors import activities_of, programme_for
from khuyencong.core import closing
from khuyencong.core.audit import audit_record
from khuyencong.core.errors import (
    DomainError,
    NotInJurisdiction,
    PermissionDenied,
    ValidationFailed,
    WrongState,
)
from khuyencong.core.formatting import format_date
from khuyencong.core.money import whole_dong
from khuyencong.core.reference import LoadReport, read_json
from khuyencong.core.versioning import check_version, save_new_version
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import carried_area_q

from .choices import (
    EDITABLE_STATUSES,
    IN_FORCE_STATUSES,
    BudgetLevel,
    FundingSource,
    PlanStatus,
    RevisionStatus,
)
from .models import LineTarget, Plan, PlanDeadline, PlanLine, PlanRevision

DEADLINES_FILE = Path(__file__).parent / "reference" / "deadlines.json"


class DuplicatePlan(DomainError):
    code = "duplicate_plan"
    status = 409
    default_message = _("This agency already has a plan for that year and funding source.")


@transaction.atomic
def deadlines_load(*, report: LoadReport | None = None) -> LoadReport:
    report = report or LoadReport()
    data = read_json(DEADLINES_FILE)
    for item in data["deadlines"]:
        _deadline, created = PlanDeadline.objects.get_or_create(
            source=item["source"],
            year=None,
            defaults={
                "month": item["month"],
                "day": item["day"],
                "years_before": item["years_before"],
                "note": item["note"],
            },
        )
        report.created["plan deadlines"] += int(created)
    return report


def registration_deadline(source: str, year: int) -> dt.date | None:
    rule = (
        PlanDeadline.objects.filter(source=source, year=year).first()
        or PlanDeadline.objects.filter(source=source, year__isnull=True).first()
    )
    return rule.date_for(year) if rule else None


# --- checks --------------------------------------------------------------------------------------


def _plan_for_change(actor: Any, plan: Plan, *, lock: bool = True) -> Plan:
    if not allows(actor, Action.CHANGE):
        raise PermissionDenied()
    # Scope first, then lock by primary key: PostgreSQL refuses FOR UPDATE on the outer joins of a scope.
    if not restrict(Plan.objects.filter(pk=plan.pk), actor, Action.CHANGE).exists():
        raise NotInJurisdiction()
    return (Plan.objects.select_for_update() if lock else Plan.objects).get(pk=plan.pk)


def _require_editable(plan: Plan) -> None:
    if plan.status not in EDITABLE_STATUSES:
        raise WrongState(
            _("The plan is %(status)s: after submission it changes only through an approved revision.")
            % {"status": plan.get_status_display()}
        )


def approvable_sources(user: Any) -> set[str]:
    """The funding sources whose plans (and their projects) `user` approves, as `can_approve` decides."""
    if not allows(user, Action.APPROVE):
        return set()
    if user.is_superuser or user.has_role(Role.SYSTEM_ADMIN):
        return {FundingSource.NATIONAL, FundingSource.LOCAL}
    sources: set[str] = set()
    if user.has_role(Role.MINISTRY_OFFICER):
        sources.add(FundingSource.NATIONAL)
    if user.has_role(Role.PROVINCE_APPROVER):
        sources.add(FundingSource.LOCAL)
    return sources


def can_approve(user: Any, plan: Plan) -> tuple[bool, str]:
    """KCĐP plans are approved in the province (province approver); KCQG plans by the ministry."""
    if not allows(user, Action.APPROVE):
        return False, str(_("Your role does not allow approving plans."))
    if not restrict(Plan.objects.filter(pk=plan.pk), user, Action.APPROVE).exists():
        return False, str(_("This plan is outside your jurisdiction."))
    if user.is_superuser or user.has_role(Role.SYSTEM_ADMIN):
        return True, ""
    needed = Role.MINISTRY_OFFICER if plan.source == FundingSource.NATIONAL else Role.PROVINCE_APPROVER
    if not user.has_role(needed):
        return False, str(
            _("A %(source)s plan is approved by a %(role)s.")
            % {"source": plan.get_source_display(), "role": needed.label}
        )
    return True, ""


def _clean_line(
    plan: Plan,
    actor: Any,
    activity: Activity,
    amount: Any,
    unit: AdministrativeUnit | None,
    targets: dict | None,
) -> tuple[int, dict[Indicator, int]]:
    errors: dict[str, str] = {}
    amount_value = 0
    try:
        amount_value = whole_dong(amount)
    except ValidationFailed as exc:
        errors["amount"] = str(exc.message)
    if not activities_of(plan.programme).filter(pk=activity.pk).exists():
        errors["activity"] = str(
            _("“%(activity)s” is not an activity of %(programme)s.")
            % {"activity": activity, "programme": plan.programme}
        )
    if unit is not None:
        inside = (
            plan.unit is None
            or AdministrativeUnit.objects.filter(carried_area_q(plan.unit), pk=unit.pk).exists()
        )
        if (
            not inside
            or not restrict(AdministrativeUnit.objects.filter(pk=unit.pk), actor, Action.CHANGE).exists()
        ):
            errors["unit"] = str(_("This commune is outside the plan's area or your jurisdiction."))
        elif not unit.in_force_during(plan.year):
            errors["unit"] = str(
                _("%(place)s did not exist in %(year)s: a plan's line names a commune of its year.")
                % {"place": unit.label, "year": plan.year}
            )
    cleaned_targets: dict[Indicator, int] = {}
    for indicator, planned in (targets or {}).items():
        if isinstance(planned, bool) or not isinstance(planned, int) or planned < 0:
            errors[f"target:{indicator.code}"] = str(_("A target is a whole number, 0 or more."))
        else:
            cleaned_targets[indicator] = planned
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), code="invalid_fields", errors=errors)
    return amount_value, cleaned_targets


def _line_snapshot(line: PlanLine) -> dict[str, Any]:
    return {
        "line": line.pk,
        "activity": line.activity.code,
        "amount": line.amount,
        "unit": line.unit_id,
        "note": line.note,
        "targets": {t.indicator.code: t.planned for t in line.targets.all()},
    }


def _add_line(plan, activity, amount, unit, note, targets, revision=None, replaces=None) -> PlanLine:
    line = PlanLine.objects.create(
        plan=plan,
        activity=activity,
        amount=amount,
        unit=unit,
        note=note,
        added_by=revision,
        replaces=replaces,
    )
    LineTarget.objects.bulk_create(
        [LineTarget(line=line, indicator=i, planned=p) for i, p in targets.items()]
    )
    return line


# --- the plan's own workflow -------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor: Any, agency: Agency, year: int, source: str, budget_level: str | None = None
) -> Plan:
    if not allows(actor, Action.CHANGE):
        raise PermissionDenied()
    from khuyencong.accounts.selectors import agencies_visible

    if not agencies_visible(actor, Action.CHANGE).filter(pk=agency.pk).exists():
        raise NotInJurisdiction()
    if source not in FundingSource.values:
        raise ValidationFailed(_("Choose KCQG or KCĐP."), code="invalid_source", field="source")
    if source == FundingSource.NATIONAL:
        budget_level = BudgetLevel.NATIONAL
    elif budget_level not in (BudgetLevel.PROVINCE, BudgetLevel.COMMUNE):
        unit = agency.jurisdiction_unit
        budget_level = (
            BudgetLevel.COMMUNE if unit is not None and unit.level == "commune" else BudgetLevel.PROVINCE
        )
    programme = programme_for(year)
    if programme is None:
        raise ValidationFailed(
            _("No national programme covers %(year)s.") % {"year": year}, code="no_programme", field="year"
        )
    _require_in_force(agency, year)
    if Plan.objects.filter(agency=agency, year=year, source=source, budget_level=budget_level).exists():
        raise DuplicatePlan(field="year")
    unit = agency.jurisdiction_unit if agency.jurisdiction_kind == JurisdictionKind.UNIT else None
    plan = Plan.objects.create(
        year=year,
        agency=agency,
        unit=unit,
        source=source,
        budget_level=budget_level,
        programme=programme,
        registration_deadline=registration_deadline(source, year),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="plan.create",
        obj=plan,
        after={"status": plan.status, "year": year, "source": source},
    )
    return plan


def _require_in_force(agency: Agency, year: int) -> None:
    """A plan belongs to the agency of its year: before the 2025 reform, the old province's Sở Công
    Thương or centre (which its successor carries afterwards), not today's."""
    if agency.in_force_during(year):
        return
    then = [
        str(a)
        for a in Agency.objects.filter(kind=agency.kind).filter(
            Q(successor=agency) | Q(pk=agency.successor_id)
        )
        if a.in_force_during(year)
    ]
    if agency.valid_from and agency.valid_to:
        span = _("in force from %(from)s to %(to)s") % {
            "from": format_date(agency.valid_from),
            "to": format_date(agency.valid_to),
        }
    elif agency.valid_from:
        span = _("in force from %(from)s") % {"from": format_date(agency.valid_from)}
    else:
        span = _("in force until %(to)s") % {"to": format_date(agency.valid_to)}
    message = _("%(agency)s did not exist in %(year)s (%(span)s).") % {
        "agency": agency.name,
        "year": year,
        "span": span,
    }
    if then:
        message += " " + _("A plan of %(year)s belongs to the agency of that time: %(agencies)s.") % {
            "year": year,
            "agencies": "; ".join(sorted(then)),
        }
    raise ValidationFailed(message, code="agency_not_in_force", field="agency")


@transaction.atomic
def plan_line_add(
    *,
    actor: Any,
    plan: Plan,
    activity: Activity,
    amount: int,
    unit: AdministrativeUnit | None = None,
    note: str = "",
    targets: dict[Indicator, int] | None = None,
) -> PlanLine:
    plan = _plan_for_change(actor, plan)
    _require_editable(plan)
    amount, cleaned = _clean_line(plan, actor, activity, amount, unit, targets)
    line = _add_line(plan, activity, amount, unit, note, cleaned)
    save_new_version(plan, update_fields=())
    audit_record(actor=actor, action="plan.line_add", obj=plan, after=_line_snapshot(line))
    return line


@transaction.atomic
def plan_line_delete(*, actor: Any, line: PlanLine) -> None:
    plan = _plan_for_change(actor, line.plan)
    _require_editable(plan)
    before = _line_snapshot(line)
    line.targets.all().delete()
    line.delete()
    save_new_version(plan, update_fields=())
    audit_record(actor=actor, action="plan.line_delete", obj=plan, before=before)


@transaction.atomic
def plan_submit(*, actor: Any, plan: Plan, version: int, submitted_on: dt.date | None = None) -> Plan:
    """Send the plan for approval; `submitted_on` is the day its dossier was sent when that was before
    today (a plan entered afterwards): lateness and the approval's date are checked against it."""
    plan = _plan_for_change(actor, plan)
    check_version(plan, version)
    _require_editable(plan)
    if not plan.lines.exists():
        raise ValidationFailed(_("Add at least one line before submitting."), code="empty_plan")
    now = timezone.now()
    if submitted_on is not None and submitted_on > timezone.localdate():
        raise ValidationFailed(
            _("The date the plan was sent cannot be in the future."), code="future_date", field="submitted_on"
        )
    before = plan.status
    plan.status = PlanStatus.SUBMITTED
    if submitted_on is None or submitted_on == timezone.localdate():
        plan.submitted_at = now
    else:
        plan.submitted_at = timezone.make_aware(dt.datetime.combine(submitted_on, dt.time(8)))
    plan.return_reason = ""
    save_new_version(plan)
    audit_record(
        actor=actor,
        action="plan.submit",
        obj=plan,
        before={"status": before},
        after={"status": plan.status, "late": plan.submitted_late},
    )
    return plan


def _plan_for_approval(actor: Any, plan: Plan) -> Plan:
    allowed, reason = can_approve(actor, plan)
    if not allowed:
        if not restrict(Plan.objects.filter(pk=plan.pk), actor).exists():
            raise NotInJurisdiction()
        raise PermissionDenied(reason)
    return Plan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_return(*, actor: Any, plan: Plan, reason: str) -> Plan:
    plan = _plan_for_approval(actor, plan)
    if plan.status != PlanStatus.SUBMITTED:
        raise WrongState(_("This action is not possible in the plan's current state."))
    if not (reason or "").strip():
        raise ValidationFailed(
            _("Say what must change before the plan can be approved."), code="reason_required", field="reason"
        )
    plan.status = PlanStatus.RETURNED
    plan.return_reason = reason.strip()
    save_new_version(plan)
    audit_record(
        actor=actor,
        action="plan.return",
        obj=plan,
        before={"status": "submitted"},
        after={"status": plan.status},
        reason=plan.return_reason,
    )
    return plan


def _decision(decision_number: str, decision_date: Any, plan: Plan | None = None) -> tuple[str, dt.date]:
    """The decision's number and date: not in the future, and not before the plan was sent (`plan`)."""
    errors = {}
    if not (decision_number or "").strip():
        errors["decision_number"] = str(_("Enter the number of the approval decision."))
    if not isinstance(decision_date, dt.date):
        errors["decision_date"] = str(_("Enter the date of the approval decision."))
    elif decision_date > timezone.localdate():
        errors["decision_date"] = str(_("The decision date cannot be in the future."))
    elif (
        plan is not None
        and plan.submitted_at
        and decision_date < timezone.localtime(plan.submitted_at).date()
    ):
        errors["decision_date"] = str(
            _("The plan was sent for approval on %(date)s: it cannot be approved before that.")
            % {"date": timezone.localtime(plan.submitted_at).strftime("%d/%m/%Y")}
        )
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), code="invalid_fields", errors=errors)
    return decision_number.strip(), decision_date


@transaction.atomic
def plan_approve(*, actor: Any, plan: Plan, decision_number: str, decision_date: dt.date) -> Plan:
    plan = _plan_for_approval(actor, plan)
    if plan.status != PlanStatus.SUBMITTED:
        raise WrongState(_("This action is not possible in the plan's current state."))
    plan.decision_number, plan.decision_date = _decision(decision_number, decision_date, plan)
    plan.status = PlanStatus.APPROVED
    plan.approved_by = actor
    save_new_version(plan)
    audit_record(
        actor=actor,
        action="plan.approve",
        obj=plan,
        before={"status": "submitted"},
        after={
            "status": plan.status,
            "decision": plan.decision_number,
            "date": plan.decision_date.isoformat(),
        },
    )
    return plan


# --- revisions ---------------------------------------------------------------------------------


@transaction.atomic
def revision_create(*, actor: Any, plan: Plan, reason: str) -> PlanRevision:
    plan = _plan_for_change(actor, plan)
    if plan.status not in IN_FORCE_STATUSES:
        raise WrongState(_("Only an approved plan is revised; change a draft directly."))
    if not (reason or "").strip():
        raise ValidationFailed(_("Say why the plan must change."), code="reason_required", field="reason")
    if plan.revisions.filter(status=RevisionStatus.DRAFT).exists():
        raise WrongState(_("This plan already has a revision being prepared."))
    number = (plan.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    revision = PlanRevision.objects.create(plan=plan, number=number, reason=reason.strip(), created_by=actor)
    audit_record(
        actor=actor,
        action="plan.revision_create",
        obj=plan,
        after={"revision": number},
        reason=revision.reason,
    )
    return revision


def _revision_for_change(actor: Any, revision: PlanRevision) -> PlanRevision:
    _plan_for_change(actor, revision.plan)
    revision = PlanRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != RevisionStatus.DRAFT:
        raise WrongState(_("This revision is already approved."))
    return revision


@transaction.atomic
def revision_add_line(
    *,
    actor: Any,
    revision: PlanRevision,
    activity: Activity,
    amount: int,
    unit: AdministrativeUnit | None = None,
    note: str = "",
    targets: dict[Indicator, int] | None = None,
) -> PlanLine:
    revision = _revision_for_change(actor, revision)
    amount, cleaned = _clean_line(revision.plan, actor, activity, amount, unit, targets)
    line = _add_line(revision.plan, activity, amount, unit, note, cleaned, revision=revision)
    audit_record(
        actor=actor,
        action="plan.revision_add_line",
        obj=revision.plan,
        after={**_line_snapshot(line), "revision": revision.number},
    )
    return line


@transaction.atomic
def revision_remove_line(*, actor: Any, revision: PlanRevision, line: PlanLine) -> PlanLine:
    revision = _revision_for_change(actor, revision)
    line = PlanLine.objects.select_for_update().get(pk=line.pk)
    if line.plan_id != revision.plan_id or line.removed_by_id is not None:
        raise ValidationFailed(
            _("This line is not in force in this plan."), code="line_not_in_force", field="line"
        )
    if line.added_by_id == revision.pk:  # added by this same draft: just drop it
        before = _line_snapshot(line)
        line.targets.all().delete()
        line.delete()
        audit_record(actor=actor, action="plan.revision_drop_line", obj=revision.plan, before=before)
        return line
    line.removed_by = revision
    line.save(update_fields=["removed_by"])
    audit_record(
        actor=actor,
        action="plan.revision_remove_line",
        obj=revision.plan,
        before={**_line_snapshot(line), "revision": revision.number},
    )
    return line


@transaction.atomic
def revision_change_line(
    *, actor: Any, revision: PlanRevision, line: PlanLine, amount: int, note: str | None = None
) -> PlanLine:
    """Change a line's amount: the old line goes out of force and a new one replaces it."""
    targets = {t.indicator: t.planned for t in line.targets.all()}
    revision_remove_line(actor=actor, revision=revision, line=line)
    new = revision_add_line(
        actor=actor,
        revision=revision,
        activity=line.activity,
        amount=amount,
        unit=line.unit,
        note=line.note if note is None else note,
        targets=targets,
    )
    new.replaces = line
    new.save(update_fields=["replaces"])
    return new


@transaction.atomic
def revision_approve(
    *,
    actor: Any,
    revision: PlanRevision,
    decision_number: str,
    decision_date: dt.date,
    correction_reason: str = "",
) -> PlanRevision:
    """Put the revision in force from its decision date. A date within a period whose report the
    province already had approved changes that report's plan: only as a post-close correction
    (`core.closing`), with `correction_reason`."""
    _plan_for_approval(actor, revision.plan)
    revision = PlanRevision.objects.select_for_update().select_related("plan").get(pk=revision.pk)
    if revision.status != RevisionStatus.DRAFT:
        raise WrongState(_("This revision is already approved."))
    number, date = _decision(decision_number, decision_date)
    plan = revision.plan
    if plan.decision_date and date < plan.decision_date:
        raise ValidationFailed(
            _("A revision cannot take effect before the plan was approved (%(date)s).")
            % {"date": plan.decision_date.strftime("%d/%m/%Y")},
            code="revision_before_plan",
            field="decision_date",
        )
    if not revision.added_lines.exists() and not revision.removed_lines.exists():
        raise ValidationFailed(_("The revision changes nothing."), code="empty_revision")
    closing.require_open(
        actor=actor,
        units=[plan.unit_id, plan.unit.current_province_id if plan.unit else None],
        year=plan.year,
        day=date,
        correction_reason=correction_reason,
        what={"plan": plan.pk, "revision": revision.number, "decision_date": date.isoformat()},
    )
    revision.status = RevisionStatus.APPROVED
    revision.decision_number, revision.decision_date = number, date
    revision.approved_by = actor
    revision.save()
    before = plan.status
    plan.status = PlanStatus.REVISED
    save_new_version(plan, update_fields=["status"])
    audit_record(
        actor=actor,
        action="plan.revision_approve",
        obj=plan,
        before={"status": before},
        after={
            "status": plan.status,
            "revision": revision.number,
            "decision": number,
            "date": date.isoformat(),
        },
        reason=revision.reason,
    )
    return revision

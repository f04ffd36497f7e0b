import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from khuyencong.accounts.jurisdiction import Action, get_in_scope
from khuyencong.accounts.selectors import agencies_visible
from khuyencong.catalog.models import Activity, Indicator
from khuyencong.core.api_types import Date, Year
from khuyencong.core.errors import NotInJurisdiction, ValidationFailed
from khuyencong.core.filters import apply_filter, query_schema
from khuyencong.core.pagination import Paginated
from khuyencong.geo.models import AdministrativeUnit

from .filters import PlanFilter
from .models import Plan, PlanLine, PlanRevision
from .selectors import plan_as_of, plans_visible
from .services import (
    plan_approve,
    plan_create,
    plan_line_add,
    plan_line_delete,
    plan_return,
    plan_submit,
    revision_add_line,
    revision_approve,
    revision_change_line,
    revision_create,
    revision_remove_line,
)

router = Router(tags=["plans"])


class AgencyRef(Schema):
    id: int
    code: str
    name: str


class PlanOut(Schema):
    id: int
    year: int
    agency: AgencyRef
    unit_id: int | None
    source: str
    budget_level: str
    programme: str
    status: str
    registration_deadline: dt.date | None
    submitted_at: dt.datetime | None
    submitted_late: bool
    decision_number: str
    decision_date: dt.date | None
    return_reason: str
    version: int

    @staticmethod
    def resolve_programme(obj: Plan) -> str:
        return obj.programme.code


class LineOut(Schema):
    id: int
    activity: str
    amount: int
    unit_id: int | None
    note: str
    added_by_revision: int | None
    removed_by_revision: int | None
    replaces_id: int | None
    targets: dict[str, int]

    @staticmethod
    def resolve_activity(obj: PlanLine) -> str:
        return obj.activity.code

    @staticmethod
    def resolve_added_by_revision(obj: PlanLine) -> int | None:
        return obj.added_by.number if obj.added_by else None

    @staticmethod
    def resolve_removed_by_revision(obj: PlanLine) -> int | None:
        return obj.removed_by.number if obj.removed_by else None

    @staticmethod
    def resolve_targets(obj: PlanLine) -> dict[str, int]:
        return {t.indicator.code: t.planned for t in obj.targets.all()}


class RevisionOut(Schema):
    number: int
    reason: str
    status: str
    decision_number: str
    decision_date: dt.date | None


class PlanDetailOut(PlanOut):
    lines: list[LineOut]
    revisions: list[RevisionOut]

    @staticmethod
    def resolve_lines(obj: Plan) -> list:
        return list(
            obj.lines.select_related("activity", "added_by", "removed_by").prefetch_related(
                "targets__indicator"
            )
        )

    @staticmethod
    def resolve_revisions(obj: Plan) -> list:
        return list(obj.revisions.order_by("number"))


def _plan(request, plan_id: int) -> Plan:
    return get_in_scope(plans_visible(request.user), request.user, Action.VIEW, pk=plan_id)


@router.get("/plans", response=list[PlanOut], summary="Plans in your jurisdiction")
@paginate(Paginated)
def plan_list(request, filters: Query[query_schema(PlanFilter)]):
    return apply_filter(PlanFilter, filters, plans_visible(request.user), request).order_by(
        "-year", "agency__code", "source"
    )


class TotalsOut(Schema):
    year: int
    on: dt.date
    total: int
    by_source: dict[str, int]
    by_group: dict[str, int]
    by_province: dict[str, int]
    targets: dict[str, int]


@router.get("/plans/as-of", response=TotalsOut, summary="Plan totals in force on a date (after revisions)")
def plans_as_of(request, year: Year, on: Date | None = None, source: str | None = None):
    on = on or timezone.localdate()
    totals = plan_as_of(request.user, year=year, on=on, source=source)
    return TotalsOut(
        year=year,
        on=on,
        total=totals.total,
        by_source=dict(totals.by_source),
        by_group=dict(totals.by_group),
        by_province={str(k or ""): v for k, v in totals.by_unit.items()},
        targets=dict(totals.targets),
    )


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="One plan with its lines and revisions")
def plan_detail(request, plan_id: int):
    return _plan(request, plan_id)


class PlanIn(Schema):
    agency_id: int
    year: StrictInt
    source: str
    budget_level: str | None = None


@router.post("/plans", response={201: PlanOut}, summary="Create a draft plan")
def plan_create_api(request, payload: PlanIn):
    agency = agencies_visible(request.user).filter(pk=payload.agency_id).first()
    if agency is None:
        raise NotInJurisdiction()
    plan = plan_create(
        actor=request.user,
        agency=agency,
        year=payload.year,
        source=payload.source,
        budget_level=payload.budget_level,
    )
    return Status(201, plan)


class LineIn(Schema):
    activity: str
    amount: StrictInt
    unit_id: int | None = None
    note: str = ""
    targets: dict[str, StrictInt] = {}


def _line_args(payload: LineIn) -> dict:
    activity = Activity.objects.filter(code=payload.activity).first()
    if activity is None:
        raise ValidationFailed(_("Unknown activity code."), code="unknown_activity", field="activity")
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=list(payload.targets))}
    unknown = sorted(set(payload.targets) - set(indicators))
    if unknown:
        raise ValidationFailed(
            _("Unknown indicator code."), code="unknown_indicator", field="targets", codes=unknown
        )
    unit = get_object_or_404(AdministrativeUnit, pk=payload.unit_id) if payload.unit_id else None
    return {
        "activity": activity,
        "amount": payload.amount,
        "unit": unit,
        "note": payload.note,
        "targets": {indicators[c]: v for c, v in payload.targets.items()},
    }


@router.post("/plans/{plan_id}/lines", response={201: LineOut}, summary="Add a line to a draft plan")
def plan_line_add_api(request, plan_id: int, payload: LineIn):
    line = plan_line_add(actor=request.user, plan=_plan(request, plan_id), **_line_args(payload))
    return Status(201, line)


@router.delete(
    "/plans/{plan_id}/lines/{line_id}", response={204: None}, summary="Delete a line of a draft plan"
)
def plan_line_delete_api(request, plan_id: int, line_id: int):
    plan = _plan(request, plan_id)
    line = get_object_or_404(PlanLine, pk=line_id, plan=plan)
    plan_line_delete(actor=request.user, line=line)
    return Status(204, None)


class VersionIn(Schema):
    version: int


class SubmitIn(VersionIn):
    submitted_on: Date | None = Field(
        None, description="the date the dossier was sent for approval (default today; not in the future)"
    )


@router.post("/plans/{plan_id}/submit", response=PlanOut, summary="Submit the plan for approval")
def plan_submit_api(request, plan_id: int, payload: SubmitIn):
    return plan_submit(
        actor=request.user,
        plan=_plan(request, plan_id),
        version=payload.version,
        submitted_on=payload.submitted_on,
    )


class DecisionIn(Schema):
    decision_number: str
    decision_date: Date


@router.post("/plans/{plan_id}/approve", response=PlanOut, summary="Approve the plan by decision")
def plan_approve_api(request, plan_id: int, payload: DecisionIn):
    return plan_approve(
        actor=request.user,
        plan=_plan(request, plan_id),
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
    )


class ReasonIn(Schema):
    reason: str


@router.post("/plans/{plan_id}/return", response=PlanOut, summary="Return the plan with a reason")
def plan_return_api(request, plan_id: int, payload: ReasonIn):
    return plan_return(actor=request.user, plan=_plan(request, plan_id), reason=payload.reason)


@router.post(
    "/plans/{plan_id}/revisions", response={201: RevisionOut}, summary="Start a revision of an approved plan"
)
def revision_create_api(request, plan_id: int, payload: ReasonIn):
    return Status(
        201, revision_create(actor=request.user, plan=_plan(request, plan_id), reason=payload.reason)
    )


def _revision(request, plan_id: int, number: int) -> PlanRevision:
    return get_object_or_404(PlanRevision, plan=_plan(request, plan_id), number=number)


@router.post(
    "/plans/{plan_id}/revisions/{number}/lines", response={201: LineOut}, summary="Add a line in a revision"
)
def revision_add_line_api(request, plan_id: int, number: int, payload: LineIn):
    line = revision_add_line(
        actor=request.user, revision=_revision(request, plan_id, number), **_line_args(payload)
    )
    return Status(201, line)


class LineRefIn(Schema):
    line_id: int


@router.post(
    "/plans/{plan_id}/revisions/{number}/remove", response=LineOut, summary="Remove a line in a revision"
)
def revision_remove_line_api(request, plan_id: int, number: int, payload: LineRefIn):
    revision = _revision(request, plan_id, number)
    line = get_object_or_404(PlanLine, pk=payload.line_id, plan_id=plan_id)
    return revision_remove_line(actor=request.user, revision=revision, line=line)


class LineChangeIn(Schema):
    line_id: int
    amount: StrictInt
    note: str | None = None


@router.post(
    "/plans/{plan_id}/revisions/{number}/change",
    response=LineOut,
    summary="Change a line's amount in a revision",
)
def revision_change_line_api(request, plan_id: int, number: int, payload: LineChangeIn):
    revision = _revision(request, plan_id, number)
    line = get_object_or_404(PlanLine, pk=payload.line_id, plan_id=plan_id)
    return revision_change_line(
        actor=request.user, revision=revision, line=line, amount=payload.amount, note=payload.note
    )


class RevisionDecisionIn(DecisionIn):
    correction_reason: str = Field(
        "",
        max_length=500,
        description="a post-close correction: why the revision takes effect within a period whose report "
        "is approved; without it such a date is refused with period_closed (409)",
    )


@router.post(
    "/plans/{plan_id}/revisions/{number}/approve",
    response=RevisionOut,
    summary="Approve a revision by decision",
)
def revision_approve_api(request, plan_id: int, number: int, payload: RevisionDecisionIn):
    return revision_approve(
        actor=request.user,
        revision=_revision(request, plan_id, number),
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
        correction_reason=payload.correction_reason,
    )

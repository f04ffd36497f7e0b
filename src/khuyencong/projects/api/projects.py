"""Projects: the list and one project, create and edit, participants and deliverables."""

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from khuyencong.accounts.jurisdiction import Action, get_in_scope
from khuyencong.accounts.models import Agency
from khuyencong.catalog.models import Indicator
from khuyencong.core.api_types import Date
from khuyencong.core.errors import ValidationFailed
from khuyencong.core.filters import apply_filter, query_schema
from khuyencong.core.pagination import Paginated
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.models import PlanLine

from .. import services
from ..filters import ProjectFilter
from ..models import Deliverable, Participant
from ..selectors import projects_visible
from .lookups import agency_by_code, project_in_scope, require_change, visible
from .schemas import DeliverableOut, ParticipantOut, ProjectDetailOut, ProjectOut

router = Router(tags=["projects"])


@router.get("/projects", response=list[ProjectOut], summary="Projects in your jurisdiction")
@paginate(Paginated)
def project_list(request, filters: Query[query_schema(ProjectFilter)]):
    qs = projects_visible(request.user).select_related("implementer_agency", "location__province")
    return apply_filter(ProjectFilter, filters, qs, request).order_by("-year", "code", "pk")


@router.get(
    "/projects/{project_id}",
    response=ProjectDetailOut,
    summary="One project: budget, state, dossier, adjustments, balance and the actions you may take",
)
def project_detail(request, project_id: int):
    return project_in_scope(request, project_id)


class ProjectIn(Schema):
    plan_line: int = Field(..., description="id of the plan line the project is funded from")
    managing_agency: str | None = Field(None, description="agency code; default: the plan's agency")
    title: str = Field(..., max_length=500)
    kind: str = Field(..., description="point, group or task")
    implementer_kind: str = Field(..., description="establishment, agency or provider")
    implementer_establishment: int | None = Field(None, description="establishment id")
    implementer_agency: int | None = Field(None, description="agency id")
    implementer_name: str = Field("", max_length=300, description="the service provider")
    location: int = Field(..., description="id of the administrative unit where it takes place")
    start_date: Date
    end_date: Date
    support_amount: StrictInt
    counterpart_amount: StrictInt = 0
    other_amount: StrictInt = 0
    units_count: StrictInt = 1
    norm_condition: str = ""
    machine_name: str = Field("", max_length=300)
    machine_spec: str = ""


class ProjectPatch(Schema):
    version: int = Field(..., description="the version you read; a newer one on the server answers 409")
    title: str | None = Field(None, max_length=500)
    kind: str | None = None
    implementer_kind: str | None = None
    implementer_establishment: int | None = None
    implementer_agency: int | None = None
    implementer_name: str | None = Field(None, max_length=300)
    location: int | None = None
    start_date: Date | None = None
    end_date: Date | None = None
    support_amount: StrictInt | None = None
    counterpart_amount: StrictInt | None = None
    other_amount: StrictInt | None = None
    units_count: StrictInt | None = None
    norm_condition: str | None = None
    machine_name: str | None = Field(None, max_length=300)
    machine_spec: str | None = None


TEXT_FIELDS = ("implementer_name", "norm_condition", "machine_name", "machine_spec")


def _project_data(request, values: dict[str, Any]) -> dict[str, Any]:
    """JSON values → the services' arguments: ids become the records the caller may see (an id out of
    reach becomes None, which the service reports on its field)."""
    data = dict(values)
    if "location" in data:
        data["location"] = visible(request, AdministrativeUnit, data["location"])
    if "implementer_establishment" in data:
        data["implementer_establishment"] = visible(request, Establishment, data["implementer_establishment"])
    if "implementer_agency" in data and data["implementer_agency"] is not None:
        data["implementer_agency"] = Agency.objects.filter(pk=data["implementer_agency"]).first()
    for name in TEXT_FIELDS:
        if name in data and data[name] is None:
            data[name] = ""
    return data


@router.post("/projects", response={201: ProjectDetailOut}, summary="Create a draft project on a plan line")
def project_create(request, payload: ProjectIn):
    require_change(request)
    values = payload.dict()
    line = get_in_scope(PlanLine.objects.select_related("plan"), request.user, pk=values.pop("plan_line"))
    agency = agency_by_code(values.pop("managing_agency"), "managing_agency")
    project = services.project_create(
        actor=request.user, plan_line=line, managing_agency=agency, **_project_data(request, values)
    )
    return Status(201, project_in_scope(request, project.pk))


@router.patch(
    "/projects/{project_id}",
    response=ProjectDetailOut,
    summary="Edit a draft or registered project (send the version you read)",
)
def project_update(request, project_id: int, payload: ProjectPatch):
    project = project_in_scope(request, project_id, Action.CHANGE)
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    services.project_update(
        actor=request.user, project=project, version=version, **_project_data(request, values)
    )
    return project_in_scope(request, project_id)


class ParticipantIn(Schema):
    establishment: int = Field(..., description="establishment id")
    support_amount: StrictInt
    eligible_cost: StrictInt
    machine_name: str = Field("", max_length=300)
    machine_spec: str = Field("", max_length=500)
    booths: StrictInt = 0
    trainees: StrictInt = 0
    note: str = Field("", max_length=500)


@router.post(
    "/projects/{project_id}/participants",
    response={201: ParticipantOut},
    summary="Add an establishment to a group project",
)
def project_participant_add(request, project_id: int, payload: ParticipantIn):
    project = project_in_scope(request, project_id, Action.CHANGE)
    values = payload.dict()
    establishment = visible(request, Establishment, values.pop("establishment"))
    if establishment is None:
        raise ValidationFailed(
            _("Some fields are not valid."),
            code="invalid_fields",
            errors={
                "establishment": str(_("This establishment is outside your jurisdiction or was merged."))
            },
        )
    participant = services.participant_add(
        actor=request.user, project=project, establishment=establishment, **values
    )
    return Status(201, participant)


@router.delete(
    "/projects/{project_id}/participants/{participant_id}",
    response={204: None},
    summary="Remove a participant (until approval)",
)
def project_participant_remove(request, project_id: int, participant_id: int):
    project = project_in_scope(request, project_id, Action.CHANGE)
    participant = get_object_or_404(Participant, pk=participant_id, project=project)
    services.participant_remove(actor=request.user, participant=participant)
    return Status(204, None)


class PlannedIn(Schema):
    planned: StrictInt
    reason: str = Field(
        "", max_length=500, description="required once the project is approved (kept in its history)"
    )


@router.put(
    "/projects/{project_id}/deliverables/{indicator_code}",
    response=DeliverableOut,
    summary="Set what the project promises for an indicator (until acceptance; after approval with a reason)",
)
def project_deliverable_set(request, project_id: int, indicator_code: str, payload: PlannedIn):
    project = project_in_scope(request, project_id, Action.CHANGE)
    indicator = Indicator.objects.filter(code=indicator_code).first()
    if indicator is None:
        raise ValidationFailed(_("Unknown indicator code."), code="unknown_indicator", field="indicator")
    return services.deliverable_set(
        actor=request.user,
        project=project,
        indicator=indicator,
        planned=payload.planned,
        reason=payload.reason,
    )


class AchievedIn(Schema):
    achieved: StrictInt
    evidence: str = Field("", max_length=500)


@router.post(
    "/projects/{project_id}/deliverables/{indicator_code}/achieved",
    response=DeliverableOut,
    summary="Record what a deliverable achieved (while the project is under way)",
)
def project_deliverable_achieved(request, project_id: int, indicator_code: str, payload: AchievedIn):
    project = project_in_scope(request, project_id, Action.CHANGE)
    deliverable = get_object_or_404(Deliverable, project=project, indicator__code=indicator_code)
    return services.deliverable_record(
        actor=request.user, deliverable=deliverable, achieved=payload.achieved, evidence=payload.evidence
    )

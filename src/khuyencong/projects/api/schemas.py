"""What the projects API answers: a project (in the list and in full), what hangs off it, and the
lifecycle's actions as the caller may take them. An action's fields come from `workflow.TRANSITIONS`,
completed by `SERVICE_FIELDS` where the action's service asks for more than the table declares."""

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.urls import reverse
from ninja import Field, Schema

from khuyencong.plans.api import AgencyRef
from khuyencong.plans.models import PlanLine

from .. import services
from ..models import Adjustment, Deliverable, Document, Participant, Project
from ..ports import Balance, money
from ..workflow import Field as ActionField
from ..workflow import Transition, offers_for


class PlanLineRef(Schema):
    id: int
    plan_id: int
    year: int
    source: str
    activity: str = Field(..., description="activity code")
    activity_name: str
    amount: int

    @staticmethod
    def resolve_year(obj: PlanLine) -> int:
        return obj.plan.year

    @staticmethod
    def resolve_source(obj: PlanLine) -> str:
        return obj.plan.source

    @staticmethod
    def resolve_activity(obj: PlanLine) -> str:
        return obj.activity.code

    @staticmethod
    def resolve_activity_name(obj: PlanLine) -> str:
        return obj.activity.name


class ProjectOut(Schema):
    id: int
    code: str
    year: int
    title: str
    kind: str
    state: str
    state_label: str = Field(..., alias="get_state_display")
    source: str = Field(..., description="kcqg or kcdp")
    activity: str = Field(..., description="activity code")
    plan_line: PlanLineRef
    managing_agency: AgencyRef
    implementer_kind: str
    implementer: str = Field(..., alias="implementer_label")
    implementer_establishment_id: int | None
    implementer_agency_id: int | None
    implementer_name: str
    location_id: int
    location_name: str
    start_date: dt.date
    end_date: dt.date
    support_amount: int
    counterpart_amount: int
    other_amount: int
    total_cost: int
    units_count: int
    decision_number: str
    decision_date: dt.date | None
    version: int

    @staticmethod
    def resolve_activity(obj: Project) -> str:
        return obj.plan_line.activity.code

    @staticmethod
    def resolve_location_name(obj: Project) -> str:
        return obj.location.label


class ParticipantOut(Schema):
    id: int
    establishment_id: int
    establishment_name: str
    support_amount: int
    eligible_cost: int
    machine_name: str
    machine_spec: str
    booths: int
    trainees: int
    note: str

    @staticmethod
    def resolve_establishment_name(obj: Participant) -> str:
        return obj.establishment.name


class DeliverableOut(Schema):
    indicator: str = Field(..., description="indicator code")
    indicator_name: str
    planned: int
    achieved: int | None
    evidence: str
    counted_from_events: bool

    @staticmethod
    def resolve_indicator(obj: Deliverable) -> str:
        return obj.indicator.code

    @staticmethod
    def resolve_indicator_name(obj: Deliverable) -> str:
        return obj.indicator.name


class DocumentOut(Schema):
    """Metadata only: the file is read through the download endpoint, never by its storage path."""

    id: int
    form: str = Field(..., description="dossier form code")
    form_name: str
    original_name: str = Field(..., description="the name the file was uploaded under, as sent")
    download_name: str = Field(
        ...,
        description="the name it is served under: the original name without control or invisible "
        "characters, with the extension of the type found in the content",
    )
    content_type: str
    size: int
    sha256: str
    note: str
    uploaded_by: str
    uploaded_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_form(obj: Document) -> str:
        return obj.form.code

    @staticmethod
    def resolve_form_name(obj: Document) -> str:
        return str(obj.form)

    @staticmethod
    def resolve_uploaded_by(obj: Document) -> str:
        return str(obj.uploaded_by)

    @staticmethod
    def resolve_download_url(obj: Document) -> str:
        return reverse("api:project_document_download", args=[obj.project_id, obj.pk])


class InspectionOut(Schema):
    id: int
    date: dt.date
    inspectors: str
    findings: str
    follow_up_required: bool
    follow_up: str


class ProgressOut(Schema):
    id: int
    month: dt.date
    percent_done: int
    note: str
    submitted_at: dt.datetime


class AdjustmentOut(Schema):
    id: int
    project_id: int
    kind: str
    reason: str
    changes: dict[str, Any]
    before: dict[str, Any]
    status: str
    approver: str = Field(
        ..., description="who decides: department or plan_approver (see /projects/lifecycle)"
    )
    requested_by: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decision_number: str
    decision_note: str

    @staticmethod
    def resolve_approver(obj: Adjustment) -> str:
        return str(services.adjustment_approver(obj))

    @staticmethod
    def resolve_requested_by(obj: Adjustment) -> str:
        return str(obj.requested_by)


class BalanceOut(Schema):
    """A project's or a contract's money (projects.ports.Balance, computed by finance), đồng."""

    contracted: int
    committed: int
    advanced: int
    paid: int
    recovered: int
    disbursed: int = Field(..., description="advances + payments − recoveries")
    undisbursed: int = Field(..., description="committed and not yet disbursed")


def balance_out(balance: Balance) -> dict[str, int]:
    return {**asdict(balance), "undisbursed": balance.undisbursed}


class FieldOut(Schema):
    name: str
    label: str
    kind: str = Field(..., description="text | date | money | choice | project | document")
    required: bool


class OfferOut(Schema):
    action: str
    label: str
    target: str
    fields: list[FieldOut]
    blocked: list[str] = Field(..., description="what must be done first; empty when the action may go now")
    url: str


class ProjectDetailOut(ProjectOut):
    norm_condition: str
    machine_name: str
    machine_spec: str
    appraised_on: dt.date | None
    appraisal: dict[str, Any] | None
    norm_result: str | None = Field(
        None,
        description="within_norms, beyond_norms, or no_norm (no norm applies to the activity on the "
        "appraisal date: nothing was checked); null before the appraisal",
    )
    appraisal_override: str
    accepted_on: dt.date | None
    liquidated_on: dt.date | None
    final_value: int | None
    settled_on: dt.date | None
    stopped_on: dt.date | None
    stop_reason: str
    stop_destination: str
    stop_target_id: int | None
    released_amount: int | None
    created_at: dt.datetime
    participants: list[ParticipantOut]
    deliverables: list[DeliverableOut]
    documents: list[DocumentOut]
    inspections: list[InspectionOut]
    progress_reports: list[ProgressOut]
    adjustments: list[AdjustmentOut]
    balance: BalanceOut
    actions: list[OfferOut] = Field(..., description="the lifecycle actions you may take now")

    @staticmethod
    def resolve_participants(obj: Project) -> list:
        return list(obj.participants.select_related("establishment"))

    @staticmethod
    def resolve_deliverables(obj: Project) -> list:
        return list(obj.deliverables.select_related("indicator"))

    @staticmethod
    def resolve_documents(obj: Project) -> list:
        return list(obj.documents.select_related("form", "uploaded_by"))

    @staticmethod
    def resolve_inspections(obj: Project) -> list:
        return list(obj.inspections.all())

    @staticmethod
    def resolve_progress_reports(obj: Project) -> list:
        return list(obj.progress_reports.all())

    @staticmethod
    def resolve_adjustments(obj: Project) -> list:
        return list(obj.adjustments.select_related("requested_by"))

    @staticmethod
    def resolve_balance(obj: Project) -> dict[str, int]:
        return balance_out(money().balance(obj))

    @staticmethod
    def resolve_actions(obj: Project, context: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {**transition_head(o.transition, obj.pk), "blocked": o.blocked}
            for o in offers_for(context["request"].user, obj)
        ]


# --- the lifecycle's actions, described from workflow.TRANSITIONS ----------------------------------------


def action_fields(transition: Transition) -> tuple[ActionField, ...]:
    return transition.fields


def field_out(f: ActionField) -> dict[str, Any]:
    return {"name": f.name, "label": str(f.label), "kind": f.kind, "required": f.required}


def transition_head(t: Transition, project_id: int | None = None) -> dict[str, Any]:
    """What describes an action; its `url` is the project's, or a template with {project_id}."""
    url = (
        reverse(f"api:project_action_{t.action}", args=[project_id])
        if project_id is not None
        else f"{reverse('api:api-root')}projects/{{project_id}}/actions/{t.action}"
    )
    return {
        "action": t.action,
        "label": str(t.label),
        "target": str(t.target),
        "fields": [field_out(f) for f in action_fields(t)],
        "url": url,
    }


class TransitionOut(Schema):
    action: str
    label: str
    sources: list[str]
    target: str
    who: str
    who_label: str
    fields: list[FieldOut]
    effects: str
    service: str
    url: str

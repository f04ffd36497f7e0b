"""The project's dossier and follow-up: documents (uploaded through the service's checks, downloaded
through a permission check), inspections, monthly progress reports and adjustments."""

import datetime as dt
from typing import Any

from django.db import models
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import StrictInt

from khuyencong.accounts.jurisdiction import Action, get_in_scope
from khuyencong.accounts.models import Agency
from khuyencong.core.api_types import DATE_MAX, DATE_MIN, Date
from khuyencong.core.errors import NotInJurisdiction, ValidationFailed

from .. import services
from ..models import Adjustment, DocumentForm, Project
from .lookups import project_in_scope, visible
from .schemas import AdjustmentOut, DocumentOut, InspectionOut, ProgressOut

router = Router(tags=["projects"])


@router.post(
    "/projects/{project_id}/documents",
    response={201: DocumentOut},
    summary="Upload a dossier document (multipart: form, file, note); PDF, DOCX, XLSX, JPEG or PNG",
)
def project_document_upload(
    request,
    project_id: int,
    form: Form[str] = "",
    note: Form[str] = "",
    file: File[UploadedFile | None] = None,
):
    project = project_in_scope(request, project_id, Action.CHANGE)
    if file is None:
        raise ValidationFailed(_("Choose the file to upload."), code="required", field="file")
    document_form = DocumentForm.objects.filter(code=form).first()
    if document_form is None:
        raise ValidationFailed(_("Unknown dossier form."), code="unknown_form", field="form")
    document = services.document_upload(
        actor=request.user,
        project=project,
        form=document_form,
        name=file.name or "",
        content=services.upload_content(file),
        note=note,
    )
    return Status(201, document)


@router.get(
    "/projects/{project_id}/documents/{document_id}",
    response={200: None},
    summary="Download a dossier document (an attachment named `download_name`)",
)
def project_document_download(request, project_id: int, document_id: int):
    project = project_in_scope(request, project_id)
    document = project.documents.filter(pk=document_id).first()
    if document is None:
        raise NotInJurisdiction()
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:  # recorded, but the file is gone from the media store: as the page, 404
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type=document.content_type,
    )


class InspectionIn(Schema):
    date: Date
    inspectors: str = Field(..., max_length=500)
    findings: str
    follow_up_required: bool = False
    follow_up: str = ""


@router.post(
    "/projects/{project_id}/inspections", response={201: InspectionOut}, summary="Record an inspection"
)
def project_inspection_add(request, project_id: int, payload: InspectionIn):
    project = project_in_scope(request, project_id, Action.CHANGE)
    return Status(201, services.inspection_record(actor=request.user, project=project, **payload.dict()))


class ProgressIn(Schema):
    month: Date = Field(..., description="any day of the month reported on")
    percent_done: StrictInt
    note: str = ""


@router.post(
    "/projects/{project_id}/progress-reports",
    response={201: ProgressOut},
    summary="Submit the monthly progress report (a second one for the same month replaces it)",
)
def project_progress_add(request, project_id: int, payload: ProgressIn):
    project = project_in_scope(request, project_id, Action.CHANGE)
    report = services.progress_report_submit(actor=request.user, project=project, **payload.dict())
    return Status(201, report)


# --- adjustments ------------------------------------------------------------------------------------------


class AdjustmentIn(Schema):
    kind: str = Field(..., description="budget, content, location, beneficiary, machine, dates or extension")
    reason: str
    changes: dict[str, Any] = Field(
        ..., description="new values by field name: amounts in đồng, records by id, dates as YYYY-MM-DD"
    )


def _decode_changes(request, changes: dict[str, Any]) -> dict[str, Any]:
    """JSON values → field values, by the kind of the project's field: records by id (one the caller may
    not see becomes None, which the service reports on its field), dates from YYYY-MM-DD, text as
    strings. Numbers go on as sent (the service checks whole đồng); unknown names too (it refuses them)."""
    out: dict[str, Any] = {}
    for name, value in changes.items():
        field = Project._meta.get_field(name) if name in services.PROJECT_FIELDS else None
        if field is None or value is None:
            out[name] = value
        elif field.is_relation:
            pk = value if isinstance(value, int) and not isinstance(value, bool) else None
            if field.related_model is Agency:  # an implementing agency may be any agency
                out[name] = Agency.objects.filter(pk=pk).first() if pk else None
            else:
                out[name] = visible(request, field.related_model, pk)
        elif isinstance(field, models.DateField):
            try:
                out[name] = dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                raise ValidationFailed(
                    _("Enter the date as YYYY-MM-DD."), code="invalid_date", field=name
                ) from None
            if not DATE_MIN <= out[name] <= DATE_MAX:
                raise ValidationFailed(
                    _("Enter a date between %(start)s and %(end)s.")
                    % {"start": f"{DATE_MIN:%d/%m/%Y}", "end": f"{DATE_MAX:%d/%m/%Y}"},
                    code="invalid_date",
                    field=name,
                )
        elif isinstance(field, models.CharField | models.TextField) and not isinstance(value, str):
            raise ValidationFailed(_("Some fields are not valid."), code="invalid_fields", field=name)
        else:
            out[name] = value
    return out


@router.post(
    "/projects/{project_id}/adjustments",
    response={201: AdjustmentOut},
    summary="Request an adjustment of an approved project",
)
def project_adjustment_request(request, project_id: int, payload: AdjustmentIn):
    project = project_in_scope(request, project_id, Action.CHANGE)
    adjustment = services.adjustment_request(
        actor=request.user,
        project=project,
        kind=payload.kind,
        reason=payload.reason,
        changes=_decode_changes(request, payload.changes),
    )
    return Status(201, adjustment)


class AdjustmentDecisionIn(Schema):
    approve: bool
    note: str = ""
    decision_number: str = Field("", max_length=60)


@router.post(
    "/adjustments/{adjustment_id}/decision",
    response=AdjustmentOut,
    summary="Approve or reject a requested adjustment (a rejection needs a note)",
)
def project_adjustment_decide(request, adjustment_id: int, payload: AdjustmentDecisionIn):
    adjustment = get_in_scope(
        Adjustment.objects.select_related("project__plan_line__plan"), request.user, pk=adjustment_id
    )
    return services.adjustment_decide(actor=request.user, adjustment=adjustment, **payload.dict())

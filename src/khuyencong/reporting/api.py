"""HTTP API of period reports: the report as JSON (docs/report-schema.md) for a scope and a period, and
its files (XLSX, DOCX, PDF, JSON) produced in the background with a progress to poll.

A scope out of your jurisdiction answers 404 `not_found`, as everywhere. Refusals carry a stable
`code`: `invalid_scope`, `invalid_period`, `invalid_format`, `invalid_boundaries`, `invalid_source`,
`permission_denied`, `export_not_ready` (409: poll the status first). An export job belongs to
whoever asked for it: to anybody else it does not exist.
"""

import datetime as dt
import uuid
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from khuyencong.core.api_types import Date
from khuyencong.core.errors import DomainError, NotInJurisdiction

from .access import default_scope_text, readable_scope
from .models import ExportJob, ExportStatus
from .params import ReportParams
from .report import build_report
from .tasks import export_request

router = Router(tags=["reports"])


class ExportNotReady(DomainError):
    code = "export_not_ready"
    status = 409
    default_message = _("The file is not ready yet: poll the export's status until it is done.")


class ReportQuery(Schema):
    scope: str | None = Field(
        None, description="nation, region:CODE or unit:GSO_CODE; default: your province, region or nation"
    )
    year: int | None = Field(None, ge=1990, le=2100, description="default: this year")
    through_month: int | None = Field(None, description="cumulative from 1 January through this month (1–12)")
    quarter: int | None = Field(None, description="one quarter (1–4)")
    half: int | None = Field(None, description="one half-year (1–2)")
    programme: str | None = Field(None, description="a programme's whole period, by programme code")
    boundaries: str = Field("current", description="current or historical")
    source: str = Field("live", description="live or submitted")
    include_unapproved: bool = Field(False, description="submitted: count reports awaiting approval too")
    as_of: Date | None = Field(None, description="plans as approved on this day; default the period's end")


def _params(request, query: ReportQuery) -> ReportParams:
    values: dict[str, Any] = query.dict()
    values["scope"] = values["scope"] or default_scope_text(request.user)
    values["year"] = values["year"] or timezone.localdate().year
    return ReportParams(**values)


@router.get(
    "/reports",
    response=dict,
    url_name="report_read",
    summary="The period report as JSON (schema khuyencong.report/1) for a scope you may read",
)
def report_read(request, query: Query[ReportQuery]):
    params = _params(request, query)
    scope = readable_scope(request.user, params.scope, params.year)
    return build_report(scope, params.period(), **params.report_kwargs())


class ExportIn(ReportQuery):
    format: str = Field(..., description="xlsx, docx, pdf or json")


class ExportOut(Schema):
    id: uuid.UUID
    status: str
    progress: int = Field(..., description="0–100")
    format: str
    params: dict
    filename: str = Field(..., description="when done")
    error: str = Field(..., description="when failed")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    status_url: str
    file_url: str | None = Field(None, description="when done")

    @staticmethod
    def resolve_status_url(obj: ExportJob) -> str:
        return reverse("api:report_export_status", args=[obj.pk])

    @staticmethod
    def resolve_file_url(obj: ExportJob) -> str | None:
        return reverse("api:report_export_file", args=[obj.pk]) if obj.status == ExportStatus.DONE else None


@router.post(
    "/reports/exports",
    response={202: ExportOut},
    url_name="report_export_create",
    summary="Ask for the report as a file (XLSX, DOCX, PDF, JSON), produced in the background",
)
def report_export_create(request, payload: ExportIn):
    values = payload.dict()
    fmt = values.pop("format")
    job = export_request(actor=request.user, params=_params(request, ReportQuery(**values)), fmt=fmt)
    return Status(202, ExportJob.objects.defer("content").get(pk=job.pk))


def _own_job(request, job_id: uuid.UUID) -> ExportJob:
    job = ExportJob.objects.defer("content").filter(pk=job_id, requested_by=request.user).first()
    if job is None:
        raise NotInJurisdiction()
    return job


@router.get(
    "/reports/exports/{job_id}",
    response=ExportOut,
    url_name="report_export_status",
    summary="An export's status and progress",
)
def report_export_status(request, job_id: uuid.UUID):
    return _own_job(request, job_id)


@router.get(
    "/reports/exports/{job_id}/file",
    response={200: None},
    url_name="report_export_file",
    summary="The exported file, once the export is done",
)
def report_export_file(request, job_id: uuid.UUID):
    job = _own_job(request, job_id)
    if job.status != ExportStatus.DONE:
        raise ExportNotReady()
    content = ExportJob.objects.values_list("content", flat=True).get(pk=job.pk)
    response = HttpResponse(bytes(content), content_type=job.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=job.filename)
    return response

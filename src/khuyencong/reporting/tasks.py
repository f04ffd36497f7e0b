"""Report downloads as background jobs (Django's Tasks API; the worker is `khuyencong db_worker`).

`export_request` checks that the user may read the report asked for, records an `ExportJob` and
enqueues `run_export` once the transaction commits. The task checks again — the user's jurisdiction
may have changed in between — builds the report, renders it (`exports.render`) while saving its
progress on the job row, and stores the file. The UI and the API share both.
"""

import logging
from typing import Any

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.errors import DomainError, NotInJurisdiction, ValidationFailed

from . import exports
from .access import readable_scope
from .models import ExportJob, ExportStatus
from .params import ReportParams
from .report import build_report

logger = logging.getLogger(__name__)

REPORT_BUILT = 20  # the share of the progress bar the report's figures take; rendering takes the rest


def export_request(*, actor: Any, params: ReportParams, fmt: str) -> ExportJob:
    """A new export job for `actor` (NotInJurisdiction / PermissionDenied when the report is not theirs
    to read; ValidationFailed `invalid_format`, `invalid_period`…), queued after the commit."""
    if fmt not in exports.FORMATS:
        raise ValidationFailed(
            _("Choose a format: XLSX, DOCX, PDF or JSON."), code="invalid_format", field="format"
        )
    readable_scope(actor, params.scope, params.year)
    params.period()
    job = ExportJob.objects.create(requested_by=actor, params=params.as_json(), format=fmt)
    transaction.on_commit(lambda: run_export.enqueue(str(job.pk)))
    return job


def _save(job_id: Any, **fields: Any) -> None:
    ExportJob.objects.filter(pk=job_id).update(**fields)


def _progress_saver(job_id: Any):
    """The callback `exports.render` reports its percentage through, mapped onto the bar after the
    report's share (100 is for the stored file) and saved when it moves."""
    last = [REPORT_BUILT]

    def progress(percent: int) -> None:
        value = REPORT_BUILT + round(max(0, min(100, percent)) * (99 - REPORT_BUILT) / 100)
        if value > last[0]:
            last[0] = value
            _save(job_id, progress=value)

    return progress


def _fail(job: ExportJob, message: Any) -> None:
    _save(job.pk, status=ExportStatus.FAILED, error=str(message), finished_at=timezone.now())


@task
def run_export(job_id: str) -> str:
    """Build and render the report of job `job_id`; the job row tells how it went."""
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return job.status
    _save(job.pk, status=ExportStatus.RUNNING, progress=1)
    try:
        params = ReportParams.from_json(job.params)
        scope = readable_scope(job.requested_by, params.scope, params.year)
        report = build_report(scope, params.period(), **params.report_kwargs())
        _save(job.pk, progress=REPORT_BUILT)
        result = exports.render(report, job.format, progress=_progress_saver(job.pk))
    except NotInJurisdiction:
        _fail(job, _("This report is no longer in your jurisdiction."))
        return ExportStatus.FAILED
    except DomainError as exc:
        _fail(job, exc.message)
        return ExportStatus.FAILED
    except Exception:
        logger.exception("export %s failed", job.pk)
        _fail(job, _("The file could not be produced. Try again or tell the system administrator."))
        raise
    _save(
        job.pk,
        status=ExportStatus.DONE,
        progress=100,
        content=result.content,
        filename=result.filename,
        content_type=result.content_type,
        finished_at=timezone.now(),
    )
    return ExportStatus.DONE

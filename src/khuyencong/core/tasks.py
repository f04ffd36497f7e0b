"""Exports of long lists as background jobs (Django's Tasks API; the worker is `khuyencong db_worker`).

`list_export_request` records a `ListExport` with the list's name and the filter's query string and
enqueues `run_list_export` after the commit. The task rebuilds the rows as the page would for that
user — the selector scopes them to the user's jurisdiction as it is when the task runs — writes the
file while saving its progress, and stores it on the job row.
"""

import logging
import tempfile
from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import ExportStatus, ImportRun, ImportStatus, ListExport

logger = logging.getLogger(__name__)


def list_export_request(*, actor: Any, name: str, path: str, query: QueryDict, fmt: str) -> ListExport:
    params = query.copy()
    params.pop("export", None)
    params.pop("page", None)
    job = ListExport.objects.create(
        requested_by=actor,
        list_name=name,
        query=params.urlencode(),
        path=path,
        format=fmt,
        language=translation.get_language() or "",
    )
    transaction.on_commit(lambda: run_list_export.enqueue(str(job.pk)))
    return job


def _save(job_id: Any, **fields: Any) -> None:
    ListExport.objects.filter(pk=job_id).update(**fields)


@task
def run_list_export(job_id: str) -> str:
    """Write the file of job `job_id`; the job row tells how it went."""
    from .lists import LISTS

    job = ListExport.objects.select_related("requested_by").defer("content").get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return job.status
    language = job.language or None
    _save(job.pk, status=ExportStatus.RUNNING, progress=1)
    try:
        with translation.override(language):
            page = LISTS[job.list_name]()
            _filter, rows = page.filtered(job.requested_by, QueryDict(job.query))
            exporter = page.exporter_class(rows)
            total = exporter.count() or 0
            _save(job.pk, rows_total=total)

            def progress(done: int) -> None:
                _save(job.pk, progress=max(1, min(99, round(done * 100 / max(total, 1)))))

            if job.format == "xlsx":
                with tempfile.TemporaryFile() as target:
                    exporter.write_xlsx(target, progress=progress)
                    target.seek(0)
                    content = target.read()
            else:
                content = "".join(exporter.csv_lines(language)).encode("utf-8")
    except Exception:
        logger.exception("list export %s failed", job.pk)
        _save(
            job.pk,
            status=ExportStatus.FAILED,
            error=str(
                _("The file could not be produced. Try again; if it fails again, tell the administrator.")
            ),
            finished_at=timezone.now(),
        )
        return ExportStatus.FAILED
    _save(
        job.pk,
        status=ExportStatus.DONE,
        progress=100,
        content=content,
        filename=exporter.stamped(job.format),
        finished_at=timezone.now(),
    )
    return ExportStatus.DONE


# --- imports (core.imports) ------------------------------------------------------------------------


def _import_failed(run_id: Any) -> str:
    logger.exception("import %s failed", run_id)
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportStatus.FAILED,
        failure=str(
            _("The file could not be processed. Try again; if it fails again, tell the administrator.")
        ),
    )
    return ImportStatus.FAILED


@task
def run_import_check(run_id: int) -> str:
    """The dry run of a large file, its progress saved on the run."""
    from .imports import import_check

    run = ImportRun.objects.select_related("requested_by").get(pk=run_id)
    if run.status != ImportStatus.CHECKING:
        return run.status
    try:
        with translation.override(run.language or None):
            import_check(
                run, progress=lambda p: ImportRun.objects.filter(pk=run_id).update(progress=min(p, 99))
            )
    except Exception:
        return _import_failed(run_id)
    return run.status


@task
def run_import_confirm(run_id: int) -> str:
    """The import of a large checked file (all rows in one transaction, or none)."""
    from .imports import ImportInvalid, import_confirm

    run = ImportRun.objects.select_related("requested_by").get(pk=run_id)
    if run.status != ImportStatus.IMPORTING:
        return run.status
    try:
        with translation.override(run.language or None):
            import_confirm(actor=run.requested_by, run=run)
    except ImportInvalid:
        return ImportStatus.INVALID  # the run says which rows
    except Exception:
        return _import_failed(run_id)
    return ImportStatus.DONE

"""Project writers: the dossier's documents, inspections and monthly progress reports."""

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.api_types import DATE_MAX, DATE_MIN
from khuyencong.core.audit import audit_record
from khuyencong.core.errors import ValidationFailed

from ..choices import ProjectState
from ..models import Document, DocumentForm, Inspection, ProgressReport, Project
from .core import WrongState, _require_date, project_for_change

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

"""The import through the API (core.imports), as on the import page: `POST /imports` with the file
checks every row (`dry_run=true` stops there and keeps nothing) and, when no row has an error,
writes them all in one transaction; with an error nothing is written and the answer is 422
`import_invalid` with each error's sheet, row, column, value and code."""

import datetime as dt
import hashlib

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from khuyencong.core.errors import PermissionDenied, ValidationFailed
from khuyencong.core.imports import KINDS, ImportInvalid, check_file, import_confirm, import_upload, kinds_for
from khuyencong.core.models import ImportRun
from khuyencong.core.pagination import Paginated

router = Router(tags=["imports"])


class SheetCounts(Schema):
    new: int
    update: int = Field(..., description="rows matching a record whose fields they change")
    unchanged: int
    errors: int = Field(..., description="rows with at least one error")


class ImportErrorOut(Schema):
    sheet: str
    row: int = Field(..., description="the row as the spreadsheet numbers it (the header is row 1)")
    column: str = Field(..., description="the column's code (the template's hidden second row)")
    code: str
    message: str
    value: str = ""


class ImportOut(Schema):
    id: int | None = Field(None, description="the recorded import (none on a dry run)")
    dry_run: bool
    status: str
    file_name: str
    sha256: str
    rows: int
    counts: dict[str, SheetCounts] = Field(..., description="per sheet (kind of record)")
    error_count: int
    errors: list[ImportErrorOut] = Field(..., description="the first errors")


class ImportRunOut(Schema):
    id: int
    status: str
    file_name: str
    sha256: str
    kind: str
    created_at: dt.datetime
    imported_at: dt.datetime | None
    requested_by: str
    rows_total: int
    counts: dict[str, SheetCounts]
    error_count: int

    @staticmethod
    def resolve_requested_by(run: ImportRun) -> str:
        return run.requested_by.username


def _visible(user, *, pk: int | None = None):
    """The user's own imports (an import is its uploader's, as on the import page): anybody else's
    is not found, and a role that may not import is refused."""
    runs = (
        ImportRun.objects.defer("content", "layout").select_related("requested_by").filter(requested_by=user)
    )
    run = get_object_or_404(runs, pk=pk) if pk is not None else None
    if not kinds_for(user):
        raise PermissionDenied()
    return run if run is not None else runs


@router.post(
    "/imports",
    response={200: ImportOut, 201: ImportOut},
    summary="Import records from a file (multipart `file`: XLSX or CSV in the template's layout); "
    "`dry_run=true` checks and writes nothing",
)
def import_create(request, dry_run: bool = False, kind: str = "", file: File[UploadedFile | None] = None):
    if kind and kind not in KINDS:
        raise ValidationFailed(_("No such kind of record."), code="unknown_kind", field="kind")
    if not kinds_for(request.user, kind):
        raise PermissionDenied()
    if file is None:
        raise ValidationFailed(_("Choose the file to import."), code="required", field="file")
    if (file.size or 0) > settings.KHUYENCONG_IMPORT_MAX_BYTES:
        raise ValidationFailed(
            _("The file is larger than %(mb)s MB; split it by year or by province.")
            % {"mb": settings.KHUYENCONG_IMPORT_MAX_BYTES // (1024 * 1024)},
            code="file_too_large",
            field="file",
        )
    name, content = file.name or "", file.read()
    if dry_run:
        checked = check_file(request.user, content, kind=kind)
        errors = [e.as_dict() for e in checked.errors.items]
        return Status(
            200,
            {
                "id": None,
                "dry_run": True,
                "status": "invalid" if checked.errors else "checked",
                "file_name": name,
                "sha256": hashlib.sha256(content).hexdigest(),
                "rows": checked.rows,
                "counts": checked.counts(),
                "error_count": checked.errors.count,
                "errors": errors,
            },
        )
    run = import_upload(actor=request.user, name=name, content=content, kind=kind)
    if run.error_count:
        raise ImportInvalid(errors=run.errors, count=run.error_count, import_id=run.pk)
    import_confirm(actor=request.user, run=run)
    return Status(
        201,
        {
            "id": run.pk,
            "dry_run": False,
            "status": run.status,
            "file_name": run.file_name,
            "sha256": run.sha256,
            "rows": run.rows_total,
            "counts": run.counts,
            "error_count": 0,
            "errors": [],
        },
    )


@router.get(
    "/imports", response=list[ImportRunOut], summary="Your imports (everyone's for a nation-wide role)"
)
@paginate(Paginated)
def import_list(request):
    return _visible(request.user)


@router.get("/imports/{int:import_id}", response=ImportRunOut, summary="One import")
def import_detail(request, import_id: int):
    return _visible(request.user, pk=import_id)

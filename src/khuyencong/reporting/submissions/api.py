"""HTTP API of report submissions: list and read them (latest versions by default), submit a province's
report from its live figures, approve or return one, import a file (CSV or XLSX; `dry_run=true` checks
it and answers what it would create, writing nothing).

Out of the jurisdiction answers 404 `not_found`; in it, a role that may not act 403
`permission_denied`. Refusals carry a stable `code`: `comment_required`, `submission_not_pending`,
`submission_unchanged`, `period_not_ended`, `import_invalid` (with `details.errors`: sheet, row,
column, code, message for every problem), `file_too_large`, `required`.
"""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, FilterSchema, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from khuyencong.core.api_types import Year
from khuyencong.core.errors import ValidationFailed
from khuyencong.core.pagination import Paginated

from ..models import Submission
from ..selectors import latest_only, submissions_visible
from ..services import submission_decide, submission_submit, submissions_import
from .reads import (
    IMPORT_MAX_BYTES,
    import_preview,
    period_label,
    province_to_submit,
    require_import,
    too_large_error,
    visible_submission,
)

router = Router(tags=["submissions"])


class SubmissionOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    year: int
    through_month: int
    period_label: str = Field(..., description='e.g. "9 tháng đầu năm 2025"')
    version: int
    status: str = Field(
        ...,
        description="prepared (awaiting the province's Department), submitted (sent up, awaiting the "
        "region's or the ministry's decision), returned or approved",
    )
    status_label: str
    origin: str = Field(..., description="system (from live figures) or file (imported)")
    submitted_by: str
    submitted_at: dt.datetime
    sent_by: str | None = Field(..., description="who approved it at the Department and sent it up")
    sent_at: dt.datetime | None
    decided_by: str | None
    decided_at: dt.datetime | None
    comment: str
    due_on: dt.date | None = Field(..., description="the deadline in force when it was submitted")
    late: bool
    checks_count: int = Field(..., description="consistency checks the figures fail")
    file_name: str

    @staticmethod
    def resolve_unit_code(obj: Submission) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Submission) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_period_label(obj: Submission) -> str:
        return period_label(obj.year, obj.through_month)

    @staticmethod
    def resolve_status_label(obj: Submission) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_submitted_by(obj: Submission) -> str:
        return str(obj.submitted_by)

    @staticmethod
    def resolve_sent_by(obj: Submission) -> str | None:
        return str(obj.sent_by) if obj.sent_by else None

    @staticmethod
    def resolve_decided_by(obj: Submission) -> str | None:
        return str(obj.decided_by) if obj.decided_by else None

    @staticmethod
    def resolve_checks_count(obj: Submission) -> int:
        return len(obj.checks or [])


class FigureOut(Schema):
    source: str = Field(..., description="KCQG or KCDP")
    content_group: str = Field(..., description='"" for the source\'s total row')
    plan_dong: int
    executed_dong: int


class SubmittedIndicatorOut(Schema):
    indicator_code: str
    planned: int | None
    achieved: int | None


class CheckOut(Schema):
    rule: str
    message: str
    figures: dict[str, Any]


class VersionOut(Schema):
    id: int
    version: int
    status: str
    submitted_at: dt.datetime


class SubmissionDetailOut(SubmissionOut):
    figures: list[FigureOut]
    indicators: list[SubmittedIndicatorOut]
    checks: list[CheckOut]
    versions: list[VersionOut] = Field(
        ..., description="every version of the province's report for the period"
    )

    @staticmethod
    def resolve_figures(obj: Submission) -> list[Any]:
        return list(obj.figures.order_by("source", "content_group"))

    @staticmethod
    def resolve_indicators(obj: Submission) -> list[Any]:
        return list(obj.indicators.order_by("indicator_code"))

    @staticmethod
    def resolve_versions(obj: Submission) -> list[Any]:
        return list(
            Submission.objects.filter(unit=obj.unit, year=obj.year, through_month=obj.through_month).order_by(
                "version"
            )
        )


class SubmissionFilter(FilterSchema):
    year: Year | None = None
    through_month: int | None = Field(None, ge=1, le=12)
    status: str | None = Field(None, description="prepared, submitted, returned or approved")
    unit: str | None = Field(None, description="GSO code of the province")

    def filter_unit(self, value: str | None) -> Q:
        return Q(unit__code=value) if value else Q()


@router.get("/submissions", response=list[SubmissionOut], summary="Report submissions you may read")
@paginate(Paginated)
def submission_list(request, filters: Query[SubmissionFilter], all_versions: bool = False):
    qs = filters.filter(submissions_visible(request.user))
    if not all_versions:
        qs = latest_only(qs)
    return qs.order_by("-year", "-through_month", "unit__code", "-version")


@router.get(
    "/submissions/{int:submission_id}",
    response=SubmissionDetailOut,
    summary="One submission: figures, indicators, failed checks, deadline, versions",
)
def submission_detail(request, submission_id: int):
    return visible_submission(request.user, submission_id)


class SubmitIn(Schema):
    unit_code: str = Field(..., description="GSO code of a province in force")
    year: int = Field(..., ge=2000, le=2100)
    through_month: int = Field(..., ge=1, le=12)
    comment: str = Field("", max_length=2000)


@router.post(
    "/submissions",
    response={201: SubmissionDetailOut},
    summary="Submit a province's report for a period from its live figures (a new version awaiting the "
    "Department's approval; sent up at once when the nation submits it)",
)
def submission_create(request, payload: SubmitIn):
    unit = province_to_submit(request.user, payload.unit_code)
    submission = submission_submit(
        actor=request.user,
        unit=unit,
        year=payload.year,
        through_month=payload.through_month,
        comment=payload.comment,
    )
    return Status(201, submission)


class ApproveIn(Schema):
    comment: str = Field("", max_length=2000)


class ReturnIn(Schema):
    comment: str = Field(..., max_length=2000, description="what the province must change (required)")


def _decide(request, submission_id: int, approve: bool, comment: str) -> Submission:
    submission = visible_submission(request.user, submission_id)
    return submission_decide(
        actor=request.user, submission_id=submission.pk, approve=approve, comment=comment
    )


@router.post(
    "/submissions/{int:submission_id}/approve",
    response=SubmissionDetailOut,
    summary="Approve the latest pending version at its step: the Department approves and sends a prepared "
    'report, the region or the ministry approves a sent one; body {} or {"comment": …}',
)
def submission_approve(request, submission_id: int, payload: ApproveIn):
    return _decide(request, submission_id, True, payload.comment)


@router.post(
    "/submissions/{int:submission_id}/return",
    response=SubmissionDetailOut,
    summary="Return the latest pending version to the province's khuyến công centre with a comment",
)
def submission_return(request, submission_id: int, payload: ReturnIn):
    return _decide(request, submission_id, False, payload.comment)


class PreviewGroupOut(Schema):
    unit_code: str
    unit_name: str
    year: int
    through_month: int
    period_label: str
    figure_rows: int
    indicator_rows: int
    plan_dong: int = Field(..., description="the sources' total plans")
    executed_dong: int
    outcome: str = Field(..., description="new, new_version or unchanged (skipped)")
    version: int


class ImportOut(Schema):
    dry_run: bool
    created: list[int] = Field(..., description="ids of the submissions created (none on a dry run)")
    groups: list[PreviewGroupOut] = Field(..., description="each province and period in the file")


@router.post(
    "/submissions/import",
    response={200: ImportOut, 201: ImportOut},
    summary="Import figures from a file (multipart `file`: XLSX or CSV); `dry_run=true` writes nothing",
)
def submission_import(request, dry_run: bool = False, file: File[UploadedFile | None] = None):
    require_import(request.user)
    if file is None:
        raise ValidationFailed(_("Choose the file to import."), code="required", field="file")
    if (file.size or 0) > IMPORT_MAX_BYTES:
        error = too_large_error()
        raise ValidationFailed(error["message"], code="file_too_large", errors=[error])
    name, content = file.name or "", file.read()
    preview = import_preview(request.user, name, content)
    preview.raise_if_invalid()
    groups = [g.as_dict() for g in preview.groups]
    if dry_run:
        return Status(200, {"dry_run": True, "created": [], "groups": groups})
    created = submissions_import(actor=request.user, name=name, content=content, approve=False)
    return Status(201, {"dry_run": False, "created": [s.pk for s in created], "groups": groups})

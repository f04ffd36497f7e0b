"""Report submissions: a province's khuyến công centre produces its period report from live figures and
submits it (a frozen, versioned snapshot); the Department's approver approves and sends it up, or returns
it to the centre; the region or the ministry approves it or returns it with a comment; a resubmission is
a new version. Provinces that do not use the system send files (`submissions_import`): all rows are
checked first and nothing is written unless every row is valid; re-importing the same figures changes
nothing. Every submission records its deadline and the consistency checks it fails."""

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, allows
from khuyencong.core.audit import audit_record
from khuyencong.core.errors import DomainError, NotInJurisdiction, PermissionDenied, ValidationFailed
from khuyencong.core.formatting import format_date
from khuyencong.core.reference import LoadReport, read_json
from khuyencong.geo.models import AdministrativeUnit

from .access import may_decide, may_send, may_submit, sent_when_submitted
from .choices import SubmissionOrigin, SubmissionStatus
from .imports import read_file
from .live import Period
from .models import FigureRow, IndicatorRow, ReportDeadline, Submission
from .selectors import may_read_submission
from .validation import Rows, province_snapshot, submission_violations

REFERENCE_FILE = Path(__file__).parent / "reference" / "reporting.json"


class SubmissionNotPending(DomainError):
    code = "submission_not_pending"
    status = 409
    default_message = _("Only the latest version, while it awaits a decision, can be approved or returned.")


class SubmissionUnchanged(DomainError):
    code = "submission_unchanged"
    status = 409
    default_message = _("These figures are already submitted; nothing has changed since.")


@transaction.atomic
def reporting_reference_load(*, report: LoadReport | None = None) -> LoadReport:
    """Report deadlines (data with effective dates; administrators edit them in the admin)."""
    report = report or LoadReport()
    data = read_json(REFERENCE_FILE)
    for item in data["deadlines"]:
        _rule, created = ReportDeadline.objects.get_or_create(
            through_month=item["through_month"],
            valid_from=dt.date.fromisoformat(item["valid_from"]),
            defaults={"days": item["days"], "legal_basis": item["legal_basis"]},
        )
        report.created["report deadlines"] += int(created)
    return report


def content_key(figures: list[dict[str, Any]], indicators: list[dict[str, Any]]) -> str:
    canonical = json.dumps(
        {
            "figures": sorted(figures, key=lambda r: (r["source"], r["content_group"])),
            "indicators": sorted(indicators, key=lambda r: r["indicator_code"]),
        },
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def submissions_import(*, actor: Any, name: str, content: bytes, approve: bool = False) -> list[Submission]:
    """Create a submission for every (province, year, through_month) in the file, or raise
    ValidationFailed (code `import_invalid`, `errors`: sheet/row/column/code/message) and write nothing.

    `approve=True` is the administrators' loading of historical and current figures: the submissions
    are recorded as approved, citing the file and its checksum. Otherwise they await approval, and the
    actor may only submit for provinces in their jurisdiction.
    """
    if not allows(actor, Action.ADMINISTER if approve else Action.CHANGE):
        raise PermissionDenied()
    parsed = read_file(name, content)
    parsed.raise_if_invalid()
    units = AdministrativeUnit.objects.in_bulk([key[0] for key in parsed.figures])
    if not approve and not all(may_submit(actor, unit) for unit in units.values()):
        raise NotInJurisdiction(_("The file holds figures of a province outside your jurisdiction."))
    checksum = hashlib.sha256(content).hexdigest()
    created: list[Submission] = []
    for key in sorted(parsed.figures):
        unit_id, year, month = key
        figures, indicators = parsed.figures[key], parsed.indicators.get(key, [])
        latest = _latest(unit_id, year, month)
        if latest is not None and latest.content_key == content_key(figures, indicators):
            continue  # the same figures again: nothing changes
        created.append(
            _create(
                actor,
                units[unit_id],
                Period(year, month),
                figures,
                indicators,
                latest=latest,
                origin=SubmissionOrigin.FILE,
                approve=approve,
                file_name=name,
                checksum=checksum,
                comment=str(_("Imported from %(file)s (SHA-256 %(sum)s).") % {"file": name, "sum": checksum})
                if approve
                else "",
            )
        )
    return created


def _latest(unit_id: int, year: int, through_month: int) -> Submission | None:
    return (
        Submission.objects.select_for_update()
        .filter(unit_id=unit_id, year=year, through_month=through_month)
        .order_by("-version")
        .first()
    )


def _create(
    actor: Any,
    unit: AdministrativeUnit,
    period: Period,
    figures: Rows,
    indicators: Rows,
    *,
    latest: Submission | None,
    origin: str,
    approve: bool = False,
    file_name: str = "",
    checksum: str = "",
    comment: str = "",
) -> Submission:
    """A new version of the province's report for the period, with its deadline and checks: approved
    when an administrator loads it as such, sent up when the nation submits it, else awaiting the
    Department's approval."""
    now = timezone.now()
    sent = approve or sent_when_submitted(actor)
    if approve:
        status = SubmissionStatus.APPROVED
    else:
        status = SubmissionStatus.SUBMITTED if sent else SubmissionStatus.PREPARED
    submission = Submission.objects.create(
        unit=unit,
        year=period.year,
        through_month=period.through_month,
        version=(latest.version + 1) if latest else 1,
        status=status,
        origin=origin,
        file_name=file_name[:255],
        checksum=checksum,
        content_key=content_key(figures, indicators),
        submitted_by=actor,
        sent_by=actor if sent else None,
        sent_at=now if sent else None,
        decided_by=actor if approve else None,
        decided_at=now if approve else None,
        comment=comment,
        due_on=ReportDeadline.due(period.year, period.through_month),
        checks=submission_violations(unit, period, figures, compare_live=origin == SubmissionOrigin.FILE),
    )
    FigureRow.objects.bulk_create([FigureRow(submission=submission, **row) for row in figures])
    IndicatorRow.objects.bulk_create([IndicatorRow(submission=submission, **row) for row in indicators])
    audit_record(
        actor=actor,
        action="report.import" if origin == SubmissionOrigin.FILE else "report.submit",
        obj=submission,
        before={"status": latest.status, "version": latest.version} if latest else None,
        after={
            "status": submission.status,
            "version": submission.version,
            "plan_dong": sum(r["plan_dong"] for r in figures if not r["content_group"]),
            "executed_dong": sum(r["executed_dong"] for r in figures if not r["content_group"]),
            **({"file": file_name, "sha256": checksum} if file_name else {}),
        },
        reason=comment,
    )
    return submission


@transaction.atomic
def submission_submit(
    *, actor: Any, unit: AdministrativeUnit, year: int, through_month: int, comment: str = ""
) -> Submission:
    """Freeze the province's live figures for the period as a new version awaiting approval.

    Refused until the period has ended (`period_not_ended`), for a province not in force at the
    period's end (`unit_not_in_force`: a report of before 1/7/2025 is the old provinces'), when the
    actor may not submit for the province, and when the latest version pending or approved holds the
    same figures (`submission_unchanged`)."""
    if not allows(actor, Action.CHANGE):
        raise PermissionDenied()
    if not may_submit(actor, unit):
        raise NotInJurisdiction()
    period = Period(year, through_month)
    if timezone.localdate() <= period.end:
        raise ValidationFailed(
            _(
                "The report %(period)s covers the period to %(end)s: it can be submitted once the period "
                "has ended, from %(first)s."
            )
            % {
                "period": period.label,
                "end": format_date(period.end),
                "first": format_date(period.end + dt.timedelta(days=1)),
            },
            code="period_not_ended",
            field="through_month",
        )
    if not unit.is_valid_on(period.end):
        then = AdministrativeUnit.objects.provinces().valid_on(period.end).filter(current_province=unit)
        raise ValidationFailed(
            _(
                "%(province)s was not in force on %(end)s: the report %(period)s is the report of the "
                "provinces of that time (%(then)s): import their figures from a report file, each under its "
                "own province."
            )
            % {
                "province": unit.name,
                "end": format_date(period.end),
                "period": period.label,
                "then": ", ".join(p.name for p in then.order_by("name")) or "—",
            },
            code="unit_not_in_force",
            field="through_month",
        )
    figures, indicators = province_snapshot(unit, period)
    latest = _latest(unit.pk, year, through_month)
    if (
        latest is not None
        and latest.status != SubmissionStatus.RETURNED
        and latest.content_key == content_key(figures, indicators)
    ):
        raise SubmissionUnchanged()
    return _create(
        actor,
        unit,
        period,
        figures,
        indicators,
        latest=latest,
        origin=SubmissionOrigin.SYSTEM,
        comment=comment,
    )


@transaction.atomic
def submission_decide(*, actor: Any, submission_id: int, approve: bool, comment: str = "") -> Submission:
    """Decide on the latest pending version of a province's report, at the step it has reached:

    - prepared by the centre: the Department's approver approves it — it is sent up, awaiting the
      region's or the ministry's decision — or returns it to the centre (`may_send`);
    - sent: the region or the ministry approves it, or returns it to the centre (`may_decide`).

    A return needs a comment (`comment_required`); anything else is `submission_not_pending`."""
    submission = (
        Submission.objects.select_for_update().select_related("unit").filter(pk=submission_id).first()
    )
    if submission is None or not may_read_submission(actor, submission):
        raise NotInJurisdiction()
    latest = _latest(submission.unit_id, submission.year, submission.through_month)
    pending = (SubmissionStatus.PREPARED, SubmissionStatus.SUBMITTED)
    if submission.status not in pending or latest is None or latest.pk != submission.pk:
        raise SubmissionNotPending()
    at_department = submission.status == SubmissionStatus.PREPARED
    if at_department and not may_send(actor, submission.unit):
        raise PermissionDenied(
            _("The province's Department of Industry and Trade approves and sends its centre's report.")
        )
    if not at_department and not may_decide(actor, submission.unit):
        raise PermissionDenied(_("Only the region or the ministry approves or returns a province's report."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationFailed(
            _("Say what the province must change: a returned report needs a comment."),
            code="comment_required",
            field="comment",
        )
    before = {"status": submission.status}
    now = timezone.now()
    if at_department and approve:  # the centre's comment stays; the Department's is in the audit trail
        submission.status = SubmissionStatus.SUBMITTED
        submission.sent_by, submission.sent_at = actor, now
        fields = ["status", "sent_by", "sent_at"]
        action = "report.send"
    else:
        submission.status = SubmissionStatus.APPROVED if approve else SubmissionStatus.RETURNED
        submission.decided_by, submission.decided_at = actor, now
        submission.comment = comment
        fields = ["status", "decided_by", "decided_at", "comment"]
        action = "report.approve" if approve else "report.return"
    submission.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=action,
        obj=submission,
        before=before,
        after={"status": submission.status, "version": submission.version},
        reason=comment,
    )
    return submission

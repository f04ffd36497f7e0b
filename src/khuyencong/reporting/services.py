"""Report submissions. `submissions_import` loads provinces' figures from a file: all rows are checked
first and nothing is written unless every row is valid; re-importing the same figures changes nothing."""

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.jurisdiction import Action, allows, restrict
from khuyencong.core.audit import audit_record
from khuyencong.core.errors import NotInJurisdiction, PermissionDenied, ValidationFailed
from khuyencong.geo.models import AdministrativeUnit

from .choices import SubmissionOrigin, SubmissionStatus
from .imports import read_file
from .models import FigureRow, IndicatorRow, Submission


def _content_key(figures: list[dict[str, Any]], indicators: list[dict[str, Any]]) -> str:
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
    if parsed.errors:
        raise ValidationFailed(
            _("The file has %(n)s error(s); nothing was imported.") % {"n": len(parsed.errors)},
            code="import_invalid",
            errors=[e.as_dict() for e in parsed.errors],
        )
    units = AdministrativeUnit.objects.in_bulk([key[0] for key in parsed.figures])
    if not approve:
        allowed = set(
            restrict(AdministrativeUnit.objects.filter(pk__in=list(units)), actor, Action.CHANGE).values_list(
                "pk", flat=True
            )
        )
        if set(units) - allowed:
            raise NotInJurisdiction(_("The file holds figures of a province outside your jurisdiction."))
    checksum = hashlib.sha256(content).hexdigest()
    created: list[Submission] = []
    for key in sorted(parsed.figures):
        unit_id, year, month = key
        figures, indicators = parsed.figures[key], parsed.indicators.get(key, [])
        content_key = _content_key(figures, indicators)
        latest = (
            Submission.objects.select_for_update()
            .filter(unit_id=unit_id, year=year, through_month=month)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.content_key == content_key:
            continue  # the same figures again: nothing changes
        submission = Submission.objects.create(
            unit=units[unit_id],
            year=year,
            through_month=month,
            version=(latest.version + 1) if latest else 1,
            status=SubmissionStatus.APPROVED if approve else SubmissionStatus.SUBMITTED,
            origin=SubmissionOrigin.FILE,
            file_name=name[:255],
            checksum=checksum,
            content_key=content_key,
            submitted_by=actor,
            decided_by=actor if approve else None,
            decided_at=timezone.now() if approve else None,
            comment=str(_("Imported from %(file)s (SHA-256 %(sum)s).") % {"file": name, "sum": checksum})
            if approve
            else "",
        )
        FigureRow.objects.bulk_create([FigureRow(submission=submission, **row) for row in figures])
        IndicatorRow.objects.bulk_create([IndicatorRow(submission=submission, **row) for row in indicators])
        audit_record(
            actor=actor,
            action="report.import",
            obj=submission,
            after={
                "status": submission.status,
                "version": submission.version,
                "file": name,
                "sha256": checksum,
            },
        )
        created.append(submission)
    return created

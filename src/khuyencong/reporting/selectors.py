"""Reads of submissions for the pages and the API: what a user may see, the inbox of reports awaiting a
decision, and a period's overview (each expected province, its latest version, lateness)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from khuyencong.accounts.jurisdiction import Action, restrict, scope_of
from khuyencong.geo.models import AdministrativeUnit

from .access import may_submit
from .choices import SubmissionStatus
from .live import Period, Scope
from .models import ReportDeadline, Submission
from .submitted import scope_provinces


def submissions_visible(user: Any) -> QuerySet[Submission]:
    """Submissions of the provinces in the user's jurisdiction (drafts of others never show)."""
    return restrict(
        Submission.objects.select_related("unit", "submitted_by", "decided_by"), user, Action.VIEW
    )


def may_read_submission(user: Any, submission: Submission) -> bool:
    return submissions_visible(user).filter(pk=submission.pk).exists()


def latest_only(qs: QuerySet[Submission]) -> QuerySet[Submission]:
    """Only each (province, year, through month)'s latest version."""
    newer = Submission.objects.filter(
        unit=OuterRef("unit"),
        year=OuterRef("year"),
        through_month=OuterRef("through_month"),
        version__gt=OuterRef("version"),
    )
    return qs.exclude(Exists(newer))


def awaiting_decision(user: Any) -> QuerySet[Submission]:
    """Latest versions in the user's jurisdiction that await approval, oldest first."""
    return latest_only(submissions_visible(user).filter(status=SubmissionStatus.SUBMITTED)).order_by(
        "submitted_at"
    )


@dataclass
class ProvinceStatus:
    unit: AdministrativeUnit
    latest: Submission | None
    first_submitted: dt.datetime | None
    due_on: dt.date | None

    @property
    def late(self) -> bool:
        return ReportDeadline.missed(self.due_on, self.first_submitted)


def period_overview(scope: Scope, period: Period, due: dt.date | None) -> list[ProvinceStatus]:
    """Each province expected to report for the scope and period: its latest version (any status), when
    it first submitted, and whether it was (or, not having submitted, is now) late."""
    provinces = scope_provinces(scope, period)
    submissions = Submission.objects.filter(
        unit__in=provinces, year=period.year, through_month=period.through_month
    ).select_related("submitted_by", "decided_by")
    latest: dict[int, Submission] = {}
    first: dict[int, dt.datetime] = {}
    for submission in submissions.order_by("unit_id", "version"):
        latest[submission.unit_id] = submission
        first.setdefault(submission.unit_id, submission.submitted_at)
    return [ProvinceStatus(p, latest.get(p.pk), first.get(p.pk), due) for p in provinces]


@dataclass
class DueReport:
    """A period report a province owes: when it is due and where it stands."""

    unit: AdministrativeUnit
    period: Period
    due_on: dt.date | None
    latest: Submission | None

    @property
    def late(self) -> bool:
        if self.due_on is None or (
            self.latest is not None and self.latest.status != SubmissionStatus.RETURNED
        ):
            return False
        return timezone.localdate() > self.due_on


def reports_due(user: Any, *, on: dt.date | None = None, limit: int = 4) -> list[DueReport]:
    """The latest period reports the user's province owes (those with a deadline whose last month has
    begun: this year's and last year's annual one), newest first. Empty for users who do not submit."""
    on = on or timezone.localdate()
    jurisdiction = scope_of(user)
    if jurisdiction.nation or len(jurisdiction.provinces) != 1:
        return []
    unit = AdministrativeUnit.objects.get(pk=next(iter(jurisdiction.provinces)))
    if not may_submit(user, unit):
        return []
    periods = [
        Period(year, month)
        for year in (on.year, on.year - 1)
        for month in sorted(set(ReportDeadline.objects.values_list("through_month", flat=True)), reverse=True)
        if Period(year, month).end.replace(day=1) <= on
    ][:limit]
    latest = {
        (s.year, s.through_month): s
        for s in latest_only(
            Submission.objects.filter(unit=unit, year__in=[on.year, on.year - 1]).select_related("unit")
        )
    }
    return [
        DueReport(unit, p, ReportDeadline.due(p.year, p.through_month), latest.get((p.year, p.through_month)))
        for p in periods
    ]

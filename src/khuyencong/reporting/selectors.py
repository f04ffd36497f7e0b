"""Reads of submissions for the pages and the API: what a user may see, the inbox of reports awaiting a
decision, and a period's overview (each expected province, its latest version, lateness)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from khuyencong.accounts.jurisdiction import Action, restrict
from khuyencong.geo.models import AdministrativeUnit

from .choices import SubmissionStatus
from .live import Period, Scope
from .models import Submission
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
        if self.due_on is None:
            return False
        if self.first_submitted is None:
            return timezone.localdate() > self.due_on
        return timezone.localdate(self.first_submitted) > self.due_on


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

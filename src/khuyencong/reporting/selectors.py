"""Reads of submissions for the pages and the API: what a user may see, the inbox of reports awaiting a
decision, and a period's overview (each expected province, its latest version, lateness)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from khuyencong.accounts.jurisdiction import Action, allows, restrict, scope_of
from khuyencong.core.formatting import format_date, ratio
from khuyencong.finance.selectors import ExecutedTotals, disbursed_in_dates, executed
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.plans.selectors import PlanTotals, plan_as_of

from .access import decision_step, default_scope_text, may_submit
from .choices import SubmissionStatus
from .live import Period, Scope, parse_scope, period_totals
from .models import ReportDeadline, Submission
from .submitted import scope_provinces


def submissions_visible(user: Any) -> QuerySet[Submission]:
    """Submissions of the provinces in the user's jurisdiction (drafts of others never show)."""
    return restrict(
        Submission.objects.select_related("unit", "submitted_by", "sent_by", "decided_by"), user, Action.VIEW
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


def decisions_awaiting(user: Any) -> QuerySet[Submission]:
    """The latest versions awaiting this user's decision, oldest first: for a province's approvers
    (the Department), the reports their centre prepared; for the region's and the ministry's, the reports
    sent up from their provinces (`access.may_send`, `access.may_decide`); nothing for anyone else."""
    qs = latest_only(submissions_visible(user))
    step = decision_step(user)
    if not step:
        return qs.none()
    if step == "nation":
        return qs.filter(status=SubmissionStatus.SUBMITTED).order_by("sent_at", "pk")
    provinces = scope_of(user).provinces
    in_provinces = Q(unit__current_province__in=provinces) | Q(
        unit__current_province__isnull=True, unit__in=provinces
    )
    if step == "region":
        return qs.filter(in_provinces, status=SubmissionStatus.SUBMITTED).order_by("sent_at", "pk")
    return qs.filter(in_provinces, status=SubmissionStatus.PREPARED).order_by("submitted_at", "pk")


def returned_to(user: Any) -> QuerySet[Submission]:
    """The latest versions returned for changes (by the Department or above) to a province whose
    reports the user prepares, oldest first."""
    if not allows(user, Action.CHANGE) or scope_of(user).nation:
        return Submission.objects.none()
    returned = latest_only(submissions_visible(user)).filter(status=SubmissionStatus.RETURNED)
    return returned.order_by("decided_at", "pk")


@dataclass
class ProvinceStatus:
    unit: AdministrativeUnit
    latest: Submission | None
    first_sent: dt.datetime | None
    due_on: dt.date | None

    @property
    def late(self) -> bool:
        return ReportDeadline.missed(self.due_on, self.first_sent)


def period_overview(scope: Scope, period: Period, due: dt.date | None) -> list[ProvinceStatus]:
    """Each province expected to report for the scope and period: its latest version (any status), when
    it was first sent up, and whether it was (or, not sent yet, is now) late."""
    provinces = scope_provinces(scope, period)
    submissions = Submission.objects.filter(
        unit__in=provinces, year=period.year, through_month=period.through_month
    ).select_related("submitted_by", "sent_by", "decided_by")
    latest: dict[int, Submission] = {}
    first: dict[int, dt.datetime] = {}
    for submission in submissions.order_by("unit_id", "version"):
        latest[submission.unit_id] = submission
        if submission.sent_at is not None:
            first[submission.unit_id] = min(
                first.get(submission.unit_id, submission.sent_at), submission.sent_at
            )
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
        """Past its deadline and not sent up (missing, at the Department, or returned)."""
        if self.due_on is None or (
            self.latest is not None
            and self.latest.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)
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


@dataclass
class Headline:
    """The home page's figures for a user's scope this year (docs/report-schema.md):

    - `plan`: the year's plan as approved today;
    - `executed`: the execution of that plan so far — the same figure as the scope's live report for
      the whole year (`report_query`), and the total of the ledger list `ledger_query` selects;
    - `disbursed_in_year`: what was disbursed since 1 January on projects of any plan year (a
      calendar-year measure, not to be set against the plan), the total of `calendar_query`'s list.
    """

    year: int
    on: dt.date
    scope: Scope | None  # the report's scope; None when the jurisdiction is smaller than a province
    plan: PlanTotals
    executed: ExecutedTotals
    disbursed_in_year: int
    report_query: dict[str, Any] | None
    ledger_query: dict[str, Any]
    calendar_query: dict[str, Any]

    @property
    def rate(self) -> Any:
        return ratio(self.executed.total, self.plan.total)


def headline(user: Any, *, on: dt.date | None = None) -> Headline:
    """The user's figures of the year of `on` (today): read through the report's own selector
    (`live.period_totals`) for the scope the user's reports cover — the nation, a region, a province —
    and from the ledger for smaller jurisdictions (a commune), which reports do not cover."""
    on = on or timezone.localdate()
    year = on.year
    ledger_query: dict[str, Any] = {"year": year}
    scope_text = default_scope_text(user)
    scope = parse_scope(scope_text, year) if scope_text else None
    if scope is not None:
        plan, done = period_totals(scope, Period.full_year(year), on, breakdown=False)
        if scope.region is not None:
            ledger_query["region"] = scope.region.code
        elif scope.unit is not None:
            ledger_query["province"] = scope.unit.pk
        report_query: dict[str, Any] | None = {"scope": scope.key, "year": year, "period": "m12"}
    else:
        plan = plan_as_of(user, year=year, on=on, breakdown=False)
        done = executed(user, year=year)
        report_query = None
    start = dt.date(year, 1, 1)
    return Headline(
        year=year,
        on=on,
        scope=scope,
        plan=plan,
        executed=done,
        disbursed_in_year=disbursed_in_dates(user, start=start, end=on),
        report_query=report_query,
        ledger_query=ledger_query,
        calendar_query={"start": format_date(start), "end": format_date(on)},
    )

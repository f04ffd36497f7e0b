"""Closed periods: once Khánh Hòa's 9-month 2025 report is approved, nothing dated up to 30/09/2025
reaches its figures (ledger entries, reversals, plan revisions; after the annual report, deliverables);
a post-close correction with a reason, by the ministry or the province's approver, goes through, is
audited, and shows on the submission as "changed after approval" with the difference."""

import datetime as dt

import pytest

from khuyencong.accounts.choices import Role
from khuyencong.core.audit import audit_for
from khuyencong.core.closing import PeriodClosed
from khuyencong.core.errors import PermissionDenied
from khuyencong.finance.models import LedgerEntry
from khuyencong.finance.services import entry_record, entry_reverse
from khuyencong.plans.models import Plan
from khuyencong.plans.services import revision_approve, revision_change_line, revision_create
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.services import deliverable_record
from khuyencong.reporting.services import submission_submit
from khuyencong.testing.projects import YEAR, make_project
from khuyencong.testing.reports import approved_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_9_months(world):
    """A project in progress (advance 75 triệu on 15/03) and Khánh Hòa's approved 9-month report."""
    project = make_project(world, state=ProjectState.IN_PROGRESS, support=150_000_000)
    submission = approved_report(world, YEAR, 9)
    return project, submission


def _pay(world, project, day, role=Role.PROVINCE_OFFICER, **extra):
    return entry_record(
        actor=world.user(role),
        project=project,
        kind="advance",
        amount=1_000_000,
        value_date=day,
        reference=f"UNC-{day:%d%m}",
        **extra,
    )


def test_a_payment_into_an_approved_period_is_refused_and_nothing_is_written(world, approved_9_months):
    project, submission = approved_9_months
    count = LedgerEntry.objects.count()
    with pytest.raises(PeriodClosed) as refused:
        _pay(world, project, dt.date(YEAR, 9, 1))
    assert refused.value.code == "period_closed"
    assert refused.value.status == 409
    assert "9 tháng đầu năm 2025" in str(refused.value.message)
    assert LedgerEntry.objects.count() == count
    submission.refresh_from_db()
    assert not submission.changed_after_approval
    # after the period: open
    _pay(world, project, dt.date(YEAR, 10, 1))
    # a reversal dated in the period is a write into it as well
    advance = LedgerEntry.objects.get(project=project, reference="UNC-1")
    with pytest.raises(PeriodClosed):
        entry_reverse(
            actor=world.user(Role.PROVINCE_OFFICER),
            entry=advance,
            reason="sai",
            value_date=dt.date(YEAR, 9, 30),
        )


def test_the_api_answers_period_closed(world, approved_9_months, client):
    project, _submission = approved_9_months
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    answer = client.post(
        f"/api/v1/projects/{project.pk}/ledger",
        {"kind": "advance", "amount": 1_000_000, "value_date": f"{YEAR}-09-01", "reference": "X"},
        content_type="application/json",
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "period_closed"


def test_a_post_close_correction_is_audited_and_marks_the_submission(world, approved_9_months, client):
    project, submission = approved_9_months
    with pytest.raises(PermissionDenied):  # the centre's officer does not correct an approved period
        _pay(world, project, dt.date(YEAR, 9, 1), correction_reason="Bổ sung chứng từ")
    entry = _pay(
        world, project, dt.date(YEAR, 9, 1), Role.PROVINCE_APPROVER, correction_reason="Bổ sung chứng từ"
    )
    assert entry.disbursed_delta == 1_000_000
    submission.refresh_from_db()
    assert submission.changed_after_approval
    audit = audit_for(submission).get(action="submission.changed_after_approval")
    assert audit.reason == "Bổ sung chứng từ"
    assert audit.after["value_date"] == f"{YEAR}-09-01"
    ledger_audit = audit_for(project).filter(action="finance.entry").latest("pk")
    assert ledger_audit.after["correction_after_approval"] == [submission.pk]

    client.force_login(world.user(Role.MINISTRY_OFFICER))
    page = client.get(f"/bao-cao/nop/{submission.pk}/").content.decode()
    assert "Thay đổi sau khi duyệt" in page
    assert 'data-testid="changed-difference"' in page
    assert "1.000.000" in page  # the difference between the approved and today's figures
    # the live report of the province says so in its checks
    report = client.get(f"/bao-cao/?scope=unit:56&year={YEAR}&period=m9").content.decode()
    assert "Thay đổi sau khi duyệt" in report
    # the province resubmits: a new version, which the region or the ministry decides again
    again = submission_submit(
        actor=world.user(Role.PROVINCE_OFFICER), unit=world.khanh_hoa, year=YEAR, through_month=9
    )
    assert again.version == submission.version + 1


def test_a_plan_revision_dated_in_the_period_is_refused(world, approved_9_months):
    admin = world.user(Role.SYSTEM_ADMIN)
    plan = Plan.objects.get(agency__code="ttkc-56", year=YEAR, source="kcdp")
    revision = revision_create(actor=admin, plan=plan, reason="Điều chỉnh")
    revision_change_line(actor=admin, revision=revision, line=plan.lines.first(), amount=9_000_000_000)
    with pytest.raises(PeriodClosed):
        revision_approve(
            actor=admin, revision=revision, decision_number="9/QĐ", decision_date=dt.date(YEAR, 8, 1)
        )
    revision.refresh_from_db()
    assert revision.status == "draft"
    revision_approve(
        actor=admin, revision=revision, decision_number="9/QĐ", decision_date=dt.date(YEAR, 10, 2)
    )


def test_after_the_annual_report_the_years_deliverables_are_closed(world):
    project = make_project(world, state=ProjectState.IN_PROGRESS, support=150_000_000)
    approved_report(world, YEAR, 12)
    deliverable = project.deliverables.first()
    with pytest.raises(PeriodClosed):
        deliverable_record(actor=world.user(Role.PROVINCE_OFFICER), deliverable=deliverable, achieved=1)
    # the adjustment January belongs to the year too
    with pytest.raises(PeriodClosed):
        _pay(world, project, dt.date(YEAR + 1, 1, 10))
    deliverable_record(
        actor=world.user(Role.MINISTRY_OFFICER),
        deliverable=deliverable,
        achieved=1,
        correction_reason="Biên bản nghiệm thu bổ sung",
    )


def test_after_the_annual_report_an_event_cannot_change_the_years_counts(world):
    from khuyencong.events.tests import builders

    project = make_project(world, state=ProjectState.IN_PROGRESS, activity="gian-hang-hoi-cho")
    fair = builders.fair(world, project=project)
    builders.participation(world, fair=fair)
    approved_report(world, YEAR, 12)
    counted = {d.indicator.code: d.achieved for d in project.deliverables.all()}
    with pytest.raises(PeriodClosed):
        builders.participation(world, fair=fair)
    assert {d.indicator.code: d.achieved for d in project.deliverables.all()} == counted

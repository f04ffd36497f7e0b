"""Submissions up the hierarchy: a province's centre prepares its report from live figures, the
Department (Sở) approves and sends it or returns it to the centre, the ministry (or the region) returns
it with a comment, the centre resubmits, the ministry approves; the region's report uses the approved
version and shows completeness and lateness."""

import datetime as dt

import pytest
from django.utils import timezone

from khuyencong.accounts.choices import Role
from khuyencong.accounts.services import user_create
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import DomainError, NotInJurisdiction, PermissionDenied
from khuyencong.reporting.access import may_decide, may_send
from khuyencong.reporting.live import Period, parse_scope
from khuyencong.reporting.models import ReportDeadline, Submission
from khuyencong.reporting.report import build_report
from khuyencong.reporting.selectors import (
    decisions_awaiting,
    period_overview,
    returned_to,
    submissions_visible,
)
from khuyencong.reporting.services import submission_decide, submission_submit, submissions_import
from khuyencong.testing.projects import LINE_AMOUNT, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled(world):
    return make_project(world, state="settled", support=150_000_000)


def _submit(world, role=Role.PROVINCE_OFFICER, **kwargs):
    params = {"unit": world.khanh_hoa, "year": 2025, "through_month": 9} | kwargs
    return submission_submit(actor=world.user(role), **params)


def _decide(world, submission, approve, comment="", role=Role.MINISTRY_OFFICER):
    return submission_decide(
        actor=world.user(role), submission_id=submission.pk, approve=approve, comment=comment
    )


def _send(world, submission, comment=""):
    """The Department's approver approves the centre's report and sends it up."""
    return _decide(world, submission, True, comment, role=Role.PROVINCE_APPROVER)


def _refused(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as refused:
        call(*args, **kwargs)
    return refused.value


def test_prepare_send_return_resubmit_approve_and_the_region_report_uses_the_approved_version(world, settled):
    first = _submit(world)
    assert (first.version, first.status, first.origin) == (1, "prepared", "system")
    assert (
        first.figures.get(source="KCDP", content_group="").executed_dong == 75_000_000
    )  # the advance of 15/03; the payment came in October
    assert first.figures.get(source="KCDP", content_group="").plan_dong == 5 * LINE_AMOUNT
    ministry, department = world.user(Role.MINISTRY_OFFICER), world.user(Role.PROVINCE_APPROVER)
    assert list(decisions_awaiting(department)) == [first]
    assert list(decisions_awaiting(ministry)) == []  # still at the province's Department
    assert isinstance(_refused(_decide, world, first, approve=True), PermissionDenied)

    sent = _send(world, first, comment="Sở đã kiểm tra")
    assert (sent.status, sent.sent_by, sent.decided_by) == ("submitted", department, None)
    assert list(decisions_awaiting(ministry)) == [first]
    assert list(decisions_awaiting(department)) == []
    assert isinstance(_refused(_send, world, first), PermissionDenied)  # the ministry decides now

    # Submitted figures awaiting approval do not count in the region's report.
    region = parse_scope("region:mttn", 2025)
    before = build_report(region, Period(2025, 9), source="submitted")
    assert before["executed"]["total"] == 0
    assert "56" in [m["code"] for m in before["completeness"]["missing"]]

    assert _refused(_decide, world, first, approve=False).code == "comment_required"
    returned = _decide(world, first, approve=False, comment="Bổ sung số liệu nhóm nội dung 2")
    assert (returned.status, returned.comment) == ("returned", "Bổ sung số liệu nhóm nội dung 2")
    assert list(decisions_awaiting(ministry)) == []
    assert list(returned_to(world.user(Role.PROVINCE_OFFICER))) == [first]  # back to the centre

    second = _submit(world)  # the same figures may be sent again after a return
    assert (second.version, second.status) == (2, "prepared")
    assert _refused(_submit, world).code == "submission_unchanged"
    assert _refused(_decide, world, first, approve=True).code == "submission_not_pending"
    assert list(returned_to(world.user(Role.PROVINCE_OFFICER))) == []

    _send(world, second)
    approved = _decide(world, second, approve=True)
    assert approved.status == "approved"
    assert approved.decided_by == ministry

    after = build_report(region, Period(2025, 9), source="submitted")
    assert after["executed"]["total"] == 75_000_000
    assert after["plan"]["KCDP"] == 5 * LINE_AMOUNT
    completeness = after["completeness"]
    assert "56" not in [m["code"] for m in completeness["missing"]]
    assert {"code": "56", "version": 2, "status": "approved"} in completeness["versions"]
    assert completeness["due_on"] == "2025-10-10"  # the 9-month report: 10 days after 30/09
    late = {p["code"]: p for p in completeness["late"]}
    assert late["56"]["first_submitted"] == timezone.localdate().isoformat()

    assert [entry.action for entry in audit_for(second)] == ["report.approve", "report.send", "report.submit"]
    send_entry = next(e for e in audit_for(first) if e.action == "report.send")
    assert (send_entry.actor, send_entry.reason) == (department, "Sở đã kiểm tra")
    assert send_entry.after["status"] == "submitted"
    returned_entry = next(e for e in audit_for(first) if e.action == "report.return")
    assert (returned_entry.before, returned_entry.after["status"]) == ({"status": "submitted"}, "returned")


def test_the_department_returns_a_report_to_its_centre(world, settled):
    prepared = _submit(world, comment="Kính trình Sở")
    assert _refused(_decide, world, prepared, False, role=Role.PROVINCE_APPROVER).code == "comment_required"
    returned = _decide(world, prepared, False, "Thiếu số liệu tháng 9", role=Role.PROVINCE_APPROVER)
    assert (returned.status, returned.comment, returned.sent_at) == (
        "returned",
        "Thiếu số liệu tháng 9",
        None,
    )
    assert returned.decided_by == world.user(Role.PROVINCE_APPROVER)
    assert list(returned_to(world.user(Role.PROVINCE_OFFICER))) == [prepared]
    assert list(decisions_awaiting(world.user(Role.MINISTRY_OFFICER))) == []
    # Never sent: the ministry's completeness does not count it, and it is late once past the deadline.
    report = build_report(parse_scope("region:mttn", 2025), Period(2025, 9), source="submitted")
    late = {p["code"]: p for p in report["completeness"]["late"]}
    assert late["56"]["first_submitted"] is None
    resubmitted = _submit(world)
    assert (resubmitted.version, resubmitted.status) == (2, "prepared")


def test_the_nation_loads_a_provinces_report_sent_at_once(world, settled):
    loaded = _submit(world, role=Role.MINISTRY_OFFICER)
    assert (loaded.status, loaded.sent_by) == ("submitted", world.user(Role.MINISTRY_OFFICER))
    assert list(decisions_awaiting(world.user(Role.PROVINCE_APPROVER))) == []


def test_who_may_submit_and_decide(world, settled):
    assert _refused(_submit, world, role=Role.REGION_VIEWER).code == "permission_denied"
    assert isinstance(_refused(_submit, world, role=Role.COMMUNE_OFFICER), NotInJurisdiction)
    foreign = _refused(_submit, world, unit=world.ha_noi)
    assert isinstance(foreign, NotInJurisdiction)

    submission = _submit(world)
    # Only the province's Department sends its centre's report up; the centre cannot, nor can the
    # region or the ministry on its behalf.
    for role in (Role.PROVINCE_OFFICER, Role.REGION_VIEWER, Role.MINISTRY_OFFICER):
        refused = _refused(_decide, world, submission, approve=True, role=role)
        assert isinstance(refused, PermissionDenied), role
    assert Submission.objects.get(pk=submission.pk).status == "prepared"
    _send(world, submission)
    # The province never gives its own report the final approval, whatever its role; a region viewer
    # only reads.
    for role in (Role.PROVINCE_APPROVER, Role.PROVINCE_OFFICER, Role.REGION_VIEWER):
        refused = _refused(_decide, world, submission, approve=True, role=role)
        assert isinstance(refused, PermissionDenied), role
    assert Submission.objects.get(pk=submission.pk).status == "submitted"

    # An approver at the regional centre decides on the region's provinces.
    region_approver = user_create(
        actor=None,
        username="test.region-approver",
        password=None,
        agency=world.agency("kctv-mttn"),
        roles=[Role.MINISTRY_OFFICER],
    )
    decided = submission_decide(actor=region_approver, submission_id=submission.pk, approve=True)
    assert decided.status == "approved"


def test_a_province_never_sees_another_provinces_submissions(world, settled):
    csv = (
        "year,through_month,unit_code,source,content_group,plan_dong,executed_dong\n"
        "2025,9,01,KCDP,,9000000000,1000000000\n"
    )
    submissions_import(
        actor=world.user(Role.SYSTEM_ADMIN), name="ha-noi.csv", content=csv.encode(), approve=False
    )
    own = _submit(world)
    officer = world.user(Role.PROVINCE_OFFICER)
    assert list(submissions_visible(officer)) == [own]
    assert set(submissions_visible(world.user(Role.MINISTRY_OFFICER))) == set(Submission.objects.all())
    region = set(submissions_visible(world.user(Role.REGION_VIEWER)).values_list("unit__code", flat=True))
    assert region == {"56"}  # Hà Nội is not in miền Trung – Tây Nguyên
    foreign = Submission.objects.get(unit__code="01")
    assert isinstance(
        _refused(_decide, world, foreign, approve=True, role=Role.REGION_VIEWER), NotInJurisdiction
    )


def test_a_period_cannot_be_submitted_before_it_ends(world, monkeypatch):
    next_year = timezone.localdate().year + 1
    refused = _refused(_submit, world, year=next_year, through_month=12)
    assert refused.code == "period_not_ended"
    real = timezone.localdate
    today = dt.date(2026, 12, 2)  # the annual 2026 report on 2 December: the year has not ended
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, *a, **k: today if value is None else real(value)
    )
    refused = _refused(_submit, world, year=2026, through_month=12)
    assert refused.code == "period_not_ended"
    assert "01/01/2027" in str(refused.message)
    assert _submit(world, year=2026, through_month=11).version == 1  # November ended on the 30th
    assert not Submission.objects.filter(through_month=12).exists()


def test_deadlines_are_data_and_lateness_is_counted_from_the_first_submission(world, settled):
    ReportDeadline.objects.create(through_month=9, days=30, valid_from="2025-01-01")
    assert ReportDeadline.due(2025, 9).isoformat() == "2025-10-30"  # the newer rule wins
    assert ReportDeadline.due(2024, 9).isoformat() == "2024-10-10"
    assert ReportDeadline.due(2025, 8) is None  # no rule for an 8-month report

    submission = _submit(world)
    assert submission.due_on.isoformat() == "2025-10-30"
    assert submission.late  # submitted today, long after 30/10/2025
    overview = {
        s.unit.code: s for s in period_overview(parse_scope("region:mttn", 2025), Period(2025, 9), None)
    }
    assert overview["56"].latest == submission
    assert not overview["56"].late  # no deadline given to the overview


def test_an_imported_report_that_differs_from_the_systems_figures_is_flagged(world, settled):
    csv = (
        "year,through_month,unit_code,source,content_group,plan_dong,executed_dong\n"
        f"2025,9,56,KCDP,,{5 * LINE_AMOUNT},120000000\n"
        "2025,9,56,KCQG,,0,0\n"
    )
    (submission,) = submissions_import(
        actor=world.user(Role.PROVINCE_OFFICER), name="khanh-hoa.csv", content=csv.encode()
    )
    rules = {check["rule"]: check for check in submission.checks}
    assert rules["differs_from_live"]["figures"] == {
        "source": "KCDP",
        "submitted_plan": 5 * LINE_AMOUNT,
        "submitted_executed": 120_000_000,
        "live_plan": 5 * LINE_AMOUNT,
        "live_executed": 75_000_000,
    }
    assert submission.status == "prepared"  # the check informs the approvers; it does not block


def test_a_plan_that_changed_without_a_revision_and_groups_that_do_not_add_up_are_flagged(world):
    header = "year,through_month,unit_code,source,content_group,plan_dong,executed_dong\n"
    july = header + "2023,7,56,KCDP,,72800000000,20700000000\n"
    september = (
        header
        + "2023,9,56,KCDP,,78700000000,40000000000\n"
        + "2023,9,56,KCDP,ct21-1,50000000000,30000000000\n"
        + "2023,9,56,KCDP,ct21-2,20000000000,10000000000\n"
    )
    admin = world.user(Role.SYSTEM_ADMIN)
    submissions_import(actor=admin, name="7-thang.csv", content=july.encode(), approve=True)
    (nine,) = submissions_import(actor=admin, name="9-thang.csv", content=september.encode(), approve=True)
    rules = {check["rule"]: check["figures"] for check in nine.checks}
    assert rules["plan_changed_without_revision"] == {
        "source": "KCDP",
        "earlier_through_month": 7,
        "earlier_plan": 72_800_000_000,
        "plan": 78_700_000_000,
    }
    assert rules["groups_total"]["computed"] == "70000000000"
    assert rules["groups_total"]["stated"] == "78700000000"


def test_a_region_report_from_submissions_carries_the_provinces_checks(world):
    csv = (
        "year,through_month,unit_code,source,content_group,plan_dong,executed_dong\n"
        "2024,12,56,KCDP,,1000000000,1200000000\n"  # executed above plan
        "2024,12,48,KCDP,,2000000000,500000000\n"
    )
    submissions_import(
        actor=world.user(Role.SYSTEM_ADMIN), name="2024.csv", content=csv.encode(), approve=True
    )
    report = build_report(parse_scope("region:mttn", 2024), Period(2024, 12), source="submitted")
    flagged = [c for c in report["checks"] if c["figures"].get("unit") == "56"]
    assert [c["rule"] for c in flagged] == ["executed_above_plan"]
    assert flagged[0]["figures"]["version"] == 1
    assert flagged[0]["message"].startswith("Tỉnh Khánh Hòa: ")
    assert not [c for c in report["checks"] if c["figures"].get("unit") == "48"]


def test_the_decisions_awaiting_a_user_are_those_the_user_may_take(world, settled):
    """The home page's count and the list's inbox: what awaits a decision that this user may take —
    the Department its centre's reports, then the ministry every province's sent ones, a region's
    approver the region's, nobody else's."""
    csv = (
        "year,through_month,unit_code,source,content_group,plan_dong,executed_dong\n"
        "2025,9,01,KCDP,,9000000000,1000000000\n"
    )
    submissions_import(
        actor=world.user(Role.SYSTEM_ADMIN), name="ha-noi.csv", content=csv.encode(), approve=False
    )
    own = _submit(world)
    ha_noi = Submission.objects.get(unit__code="01")
    assert ha_noi.status == "submitted"  # loaded by the nation
    region_approver = user_create(
        actor=None,
        username="test.region-approver",
        password=None,
        agency=world.agency("kctv-mttn"),
        roles=[Role.MINISTRY_OFFICER],
    )
    nobody = {Role.REGION_VIEWER, Role.PROVINCE_OFFICER, Role.AUDITOR}
    prepared = {
        world.user(Role.MINISTRY_OFFICER): {ha_noi},
        region_approver: set(),
        world.user(Role.PROVINCE_APPROVER): {own},
        **{world.user(role): set() for role in nobody},
    }
    sent = {
        world.user(Role.MINISTRY_OFFICER): {own, ha_noi},
        region_approver: {own},
        world.user(Role.PROVINCE_APPROVER): set(),
        **{world.user(role): set() for role in nobody},
    }
    for step, expected in (("prepared", prepared), ("sent", sent)):
        if step == "sent":
            _send(world, own)
        for user, submissions in expected.items():
            mine = decisions_awaiting(user)
            assert set(mine) == submissions, (step, user)
            assert all((may_send if s.status == "prepared" else may_decide)(user, s.unit) for s in mine)
            assert mine.count() == len(submissions)

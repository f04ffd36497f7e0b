import datetime as dt

import pytest
from django.utils import translation

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Activity, Indicator
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import NotInJurisdiction, PermissionDenied, StaleWrite, ValidationFailed
from khuyencong.plans.choices import FundingSource, PlanStatus
from khuyencong.plans.forms import LineForm
from khuyencong.plans.models import Plan, PlanLine
from khuyencong.plans.selectors import plan_as_of, plans_visible
from khuyencong.plans.services import (
    DuplicatePlan,
    WrongState,
    can_approve,
    plan_approve,
    plan_create,
    plan_line_add,
    plan_line_delete,
    plan_return,
    plan_submit,
    registration_deadline,
    revision_add_line,
    revision_approve,
    revision_change_line,
    revision_create,
    revision_remove_line,
)

YEAR = 2024


def activity(code):
    return Activity.objects.get(code=code)


def indicator(code):
    return Indicator.objects.get(code=code)


@pytest.fixture
def officer(world):
    return world.user(Role.PROVINCE_OFFICER)


@pytest.fixture
def approver(world):
    return world.user(Role.PROVINCE_APPROVER)


@pytest.fixture
def draft(world, officer):
    """A 2024 plan of old Ninh Thuận's centre (today part of Khánh Hòa), one line in a commune of then."""
    plan = plan_create(
        actor=officer, agency=world.agency("ttkc-58-cu"), year=YEAR, source=FundingSource.LOCAL
    )
    plan_line_add(
        actor=officer,
        plan=plan,
        activity=activity("may-moc-thiet-bi"),
        amount=1_200_000_000,
        targets={indicator("co-so-may-moc"): 6},
    )
    plan_line_add(
        actor=officer,
        plan=plan,
        activity=activity("gian-hang-hoi-cho"),
        amount=300_000_000,
        unit=world.phan_rang_predecessor,
        targets={indicator("gian-hang"): 20, indicator("luot-co-so-hoi-cho"): 12},
    )
    plan.refresh_from_db()
    return plan


SENT = dt.date(2023, 11, 20)  # the day the test plans' dossiers were sent (they are entered later)


def _approve(plan, officer, approver, date=dt.date(2023, 12, 20)):
    plan = plan_submit(actor=officer, plan=plan, version=plan.version, submitted_on=SENT)
    return plan_approve(actor=approver, plan=plan, decision_number="3456/QĐ-UBND", decision_date=date)


def test_full_cycle_with_revision_and_plan_as_of(world, officer, approver, draft):
    assert draft.status == PlanStatus.DRAFT
    assert draft.programme.code == "ctkcqg-2021-2025"
    assert draft.registration_deadline == dt.date(2023, 6, 15)
    plan = _approve(draft, officer, approver)
    assert plan.status == PlanStatus.APPROVED

    on_approval = plan_as_of(officer, year=YEAR, on=dt.date(2024, 1, 10))
    assert on_approval.total == 1_500_000_000
    assert on_approval.by_source == {"kcdp": 1_500_000_000}
    assert on_approval.by_group == {"ct21-1": 1_200_000_000, "ct21-2": 300_000_000}
    assert on_approval.targets["gian-hang"] == 20

    revision = revision_create(actor=officer, plan=plan, reason="Bổ sung đề án đào tạo nghề")
    revision_add_line(
        actor=officer,
        revision=revision,
        activity=activity("dao-tao-nghe"),
        amount=150_000_000,
        targets={indicator("hoc-vien"): 60},
    )
    machinery = plan.lines.get(activity__code="may-moc-thiet-bi")
    revision_change_line(actor=officer, revision=revision, line=machinery, amount=1_000_000_000)
    # Not approved yet: nothing changes.
    assert plan_as_of(officer, year=YEAR, on=dt.date(2024, 8, 1)).total == 1_500_000_000
    revision_approve(
        actor=approver, revision=revision, decision_number="789/QĐ-UBND", decision_date=dt.date(2024, 7, 1)
    )

    before = plan_as_of(officer, year=YEAR, on=dt.date(2024, 6, 30))
    after = plan_as_of(officer, year=YEAR, on=dt.date(2024, 7, 1))
    assert before.total == 1_500_000_000
    assert after.total == 1_000_000_000 + 300_000_000 + 150_000_000
    assert after.by_group["ct21-4"] == 150_000_000
    assert after.targets["hoc-vien"] == 60
    assert plan_as_of(officer, year=YEAR, on=dt.date(2023, 12, 1)).total == 0  # before approval

    plan.refresh_from_db()
    assert plan.status == PlanStatus.REVISED
    actions = list(audit_for(plan).order_by("at", "id").values_list("action", flat=True))
    assert actions == [
        "plan.create",
        "plan.line_add",
        "plan.line_add",
        "plan.submit",
        "plan.approve",
        "plan.revision_create",
        "plan.revision_add_line",
        "plan.revision_remove_line",
        "plan.revision_add_line",
        "plan.revision_approve",
    ]
    approve = audit_for(plan).get(action="plan.approve")
    assert approve.actor == approver
    assert approve.before == {"status": "submitted"}


def test_approved_plan_is_not_edited_in_place(world, officer, approver, draft):
    plan = _approve(draft, officer, approver)
    with pytest.raises(WrongState):
        plan_line_add(actor=officer, plan=plan, activity=activity("hoi-thao"), amount=10)
    with pytest.raises(WrongState):
        plan_line_delete(actor=officer, line=plan.lines.first())


def test_revision_needs_an_approved_plan(world, officer, draft):
    with pytest.raises(WrongState):
        revision_create(actor=officer, plan=draft, reason="x")


def test_return_with_reason_then_resubmit(world, officer, approver, draft):
    plan = plan_submit(actor=officer, plan=draft, version=draft.version)
    with pytest.raises(ValidationFailed):
        plan_return(actor=approver, plan=plan, reason=" ")
    plan = plan_return(actor=approver, plan=plan, reason="Giảm kinh phí hội chợ")
    assert plan.status == PlanStatus.RETURNED
    assert audit_for(plan).get(action="plan.return").reason == "Giảm kinh phí hội chợ"
    line = plan.lines.get(activity__code="gian-hang-hoi-cho")
    plan_line_delete(actor=officer, line=line)
    plan.refresh_from_db()
    plan = plan_submit(actor=officer, plan=plan, version=plan.version)
    assert plan.status == PlanStatus.SUBMITTED


def test_stale_submit_is_refused(world, officer, draft):
    with pytest.raises(StaleWrite):
        plan_submit(actor=officer, plan=draft, version=draft.version - 1)
    draft.refresh_from_db()
    assert draft.status == PlanStatus.DRAFT


def test_late_submission_is_flagged(world, officer, draft):
    plan = plan_submit(actor=officer, plan=draft, version=draft.version)
    assert plan.submitted_at.date() > plan.registration_deadline  # today is long after 15/6/2023
    assert plan.submitted_late
    entry = audit_for(plan).get(action="plan.submit")
    assert entry.after["late"] is True


def test_who_approves(world, officer, approver, draft):
    plan = plan_submit(actor=officer, plan=draft, version=draft.version, submitted_on=SENT)
    assert can_approve(approver, plan)[0]
    assert not can_approve(officer, plan)[0]
    allowed, reason = can_approve(world.user(Role.MINISTRY_OFFICER), plan)
    assert not allowed
    assert reason
    with pytest.raises(PermissionDenied):
        plan_approve(actor=officer, plan=plan, decision_number="1", decision_date=dt.date(2024, 1, 1))
    national = plan_create(
        actor=officer, agency=world.agency("sct-56-cu"), year=YEAR, source=FundingSource.NATIONAL
    )
    plan_line_add(actor=officer, plan=national, activity=activity("may-moc-thiet-bi"), amount=500_000_000)
    national.refresh_from_db()
    national = plan_submit(actor=officer, plan=national, version=national.version, submitted_on=SENT)
    with pytest.raises(PermissionDenied):
        plan_approve(actor=approver, plan=national, decision_number="1", decision_date=dt.date(2024, 1, 1))
    plan_approve(
        actor=world.user(Role.MINISTRY_OFFICER),
        plan=national,
        decision_number="123/QĐ-BCT",
        decision_date=dt.date(2023, 12, 1),
    )


def test_bad_lines_are_refused_and_nothing_written(world, officer):
    plan = plan_create(
        actor=officer, agency=world.agency("ttkc-56-cu"), year=YEAR, source=FundingSource.LOCAL
    )
    for amount in (-5, 1.5, "100"):
        with pytest.raises(ValidationFailed) as error:
            plan_line_add(actor=officer, plan=plan, activity=activity("hoi-thao"), amount=amount)
        assert "amount" in error.value.details["errors"]
    with pytest.raises(ValidationFailed) as error:  # an activity of the 2026–2030 programme only
        plan_line_add(actor=officer, plan=plan, activity=activity("chuyen-doi-so"), amount=10)
    assert "activity" in error.value.details["errors"]
    with pytest.raises(ValidationFailed) as error:
        plan_line_add(
            actor=officer, plan=plan, activity=activity("hoi-thao"), amount=10, unit=world.da_nang_commune
        )
    assert "unit" in error.value.details["errors"]
    assert not PlanLine.objects.exists()


def test_duplicate_plan_and_foreign_agency(world, officer):
    plan_create(actor=officer, agency=world.agency("ttkc-56-cu"), year=YEAR, source=FundingSource.LOCAL)
    with pytest.raises(DuplicatePlan):
        plan_create(actor=officer, agency=world.agency("ttkc-56-cu"), year=YEAR, source=FundingSource.LOCAL)
    with pytest.raises(NotInJurisdiction):
        plan_create(actor=officer, agency=world.agency("ttkc-48-cu"), year=YEAR, source=FundingSource.LOCAL)
    with pytest.raises(PermissionDenied):
        plan_create(
            actor=world.user(Role.AUDITOR),
            agency=world.agency("ttkc-56-cu"),
            year=2025,
            source=FundingSource.LOCAL,
        )
    assert Plan.objects.count() == 1


def test_plans_are_scoped(world, officer, draft):
    assert draft in plans_visible(officer)
    assert draft in plans_visible(world.user(Role.REGION_VIEWER))
    assert draft not in plans_visible(world.user(Role.COMMUNE_OFFICER))  # a province plan, not the commune's
    ministry = world.user(Role.MINISTRY_OFFICER)
    danang = plan_create(
        actor=ministry, agency=world.agency("ttkc-48-cu"), year=YEAR, source=FundingSource.LOCAL
    )
    assert danang not in plans_visible(officer)


def test_revision_removal_and_dates(world, officer, approver, draft):
    plan = _approve(draft, officer, approver)
    revision = revision_create(actor=officer, plan=plan, reason="Ngừng hội chợ")
    with pytest.raises(WrongState):
        revision_create(actor=officer, plan=plan, reason="second draft")
    fair = plan.lines.get(activity__code="gian-hang-hoi-cho")
    revision_remove_line(actor=officer, revision=revision, line=fair)
    with pytest.raises(ValidationFailed):
        revision_approve(
            actor=approver, revision=revision, decision_number="9", decision_date=dt.date(2023, 1, 1)
        )
    revision_approve(
        actor=approver, revision=revision, decision_number="9/QĐ-UBND", decision_date=dt.date(2024, 9, 1)
    )
    assert plan_as_of(officer, year=YEAR, on=dt.date(2024, 9, 1)).total == 1_200_000_000
    assert plan_as_of(officer, year=YEAR, on=dt.date(2024, 8, 31)).total == 1_500_000_000
    with pytest.raises(WrongState):
        revision_add_line(actor=officer, revision=revision, activity=activity("hoi-thao"), amount=1)


def test_deadline_for_a_year_overrides_the_default(world):
    from khuyencong.plans.models import PlanDeadline

    assert registration_deadline(FundingSource.NATIONAL, 2026) == dt.date(2025, 6, 15)
    PlanDeadline.objects.create(source=FundingSource.NATIONAL, year=2026, month=7, day=1, years_before=1)
    assert registration_deadline(FundingSource.NATIONAL, 2026) == dt.date(2025, 7, 1)


def test_a_decision_is_not_dated_before_the_plan_was_sent_nor_in_the_future(world, officer, approver, draft):
    plan = plan_submit(actor=officer, plan=draft, version=draft.version, submitted_on=SENT)
    assert plan.submitted_at.date() == SENT
    for day, words in ((SENT - dt.timedelta(days=15), "20/11/2023"), (dt.date(2999, 1, 1), "tương lai")):
        with pytest.raises(ValidationFailed) as refused:
            plan_approve(actor=approver, plan=plan, decision_number="1/QĐ", decision_date=day)
        assert words in refused.value.details["errors"]["decision_date"]
        plan.refresh_from_db()
        assert plan.status == PlanStatus.SUBMITTED  # nothing written
    approved = plan_approve(actor=approver, plan=plan, decision_number="1/QĐ", decision_date=SENT)
    assert approved.status == PlanStatus.APPROVED


# -- the agencies and communes of the plan's time ------------------------------------------------------


@translation.override("vi")
def test_a_plan_belongs_to_the_agency_of_its_year(world, officer):
    """Today's centre of Khánh Hòa exists from 1/7/2025: a 2024 plan is the old province's, and the
    refusal names the agencies of that time (old Khánh Hòa's and old Ninh Thuận's centres)."""
    with pytest.raises(ValidationFailed) as refused:
        plan_create(actor=officer, agency=world.agency("ttkc-56"), year=2024, source=FundingSource.LOCAL)
    assert refused.value.code == "agency_not_in_force"
    assert refused.value.details["field"] == "agency"
    message = str(refused.value.message)
    assert "01/07/2025" in message
    assert "Trung tâm Khuyến công tỉnh Khánh Hòa (đến 30/06/2025)" in message
    assert "Trung tâm Khuyến công tỉnh Ninh Thuận (đến 30/06/2025)" in message
    with pytest.raises(ValidationFailed) as refused:  # and an old agency has no plans after the reform
        plan_create(actor=officer, agency=world.agency("ttkc-58-cu"), year=2026, source=FundingSource.LOCAL)
    assert refused.value.code == "agency_not_in_force"
    assert "Trung tâm Khuyến công tỉnh Khánh Hòa" in str(refused.value.message)
    assert not Plan.objects.exists()
    # 2025 straddles the reform: both the old agencies and today's made plans for it
    for code in ("ttkc-58-cu", "ttkc-56"):
        plan = plan_create(actor=officer, agency=world.agency(code), year=2025, source=FundingSource.LOCAL)
        assert plan.unit == world.agency(code).jurisdiction_unit


@translation.override("vi")
def test_an_old_plans_lines_name_the_communes_of_its_year(world, officer):
    plan = plan_create(
        actor=officer, agency=world.agency("ttkc-58-cu"), year=2024, source=FundingSource.LOCAL
    )
    old_commune = world.phan_rang_predecessor
    line = plan_line_add(actor=officer, plan=plan, activity=activity("hoi-thao"), amount=10, unit=old_commune)
    assert line.unit == old_commune
    with pytest.raises(ValidationFailed) as refused:  # today's phường Phan Rang did not exist in 2024
        plan_line_add(
            actor=officer, plan=plan, activity=activity("hoi-thao"), amount=10, unit=world.phan_rang
        )
    assert "không tồn tại trong năm 2024" in refused.value.details["errors"]["unit"]
    form = LineForm(plan=plan, user=officer)
    choices = set(form.fields["unit"].queryset)
    assert old_commune in choices
    assert world.phan_rang not in choices
    # a 2025 plan of the old province is carried into today's communes after 1/7/2025
    later = plan_create(
        actor=officer, agency=world.agency("ttkc-58-cu"), year=2025, source=FundingSource.LOCAL
    )
    assert (
        plan_line_add(
            actor=officer, plan=later, activity=activity("hoi-thao"), amount=10, unit=world.phan_rang
        ).unit
        == world.phan_rang
    )
    assert world.phan_rang in set(LineForm(plan=later, user=officer).fields["unit"].queryset)

"""Plans in a real Chromium: Chị Lan drafts the KCĐP plan, adds a line typing "1,2 tỷ", submits it;
Anh Minh approves it with a decision dated dd/mm/yyyy, starts a revision, changes a line and approves
the revision; the page then shows the revision with its difference. Screenshots in var/screenshots."""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Activity, Indicator
from khuyencong.plans.models import Plan

pytestmark = pytest.mark.browser


def test_plan_drafted_submitted_approved_and_revised(kc, kc_world):
    world = kc_world
    page = kc.page
    kc.login(f"test.{Role.PROVINCE_OFFICER.value}")
    kc.goto(reverse("plans:list"))
    kc.screenshot("empty-list")
    with page.expect_navigation():
        page.click("[data-testid=plan-new]")
    page.select_option("#id_agency", str(world.agency("ttkc-56-cu").pk))  # a 2024 plan: the old centre
    page.fill("#id_year", "2024")
    page.select_option("#id_source", "kcdp")
    kc.screenshot("create")
    with page.expect_navigation():
        page.click("[data-testid=plan-create-form] button[type=submit]")
    plan = Plan.objects.get()
    assert kc.path() == reverse("plans:detail", args=[plan.pk])

    with page.expect_navigation():
        page.click("[data-testid=line-add]")
    page.select_option("#id_activity", str(Activity.objects.get(code="may-moc-thiet-bi").pk))
    page.fill("#id_amount", "1,2 tỷ")
    page.select_option("#id_indicator_0", str(Indicator.objects.get(code="co-so-may-moc").pk))
    page.fill("#id_planned_0", "6")
    kc.screenshot("line-form")
    with page.expect_navigation():
        page.click("[data-testid=line-form] button[type=submit]")
    assert "1.200,0 triệu đồng" in page.locator("[data-testid=plan-total]").inner_text()

    page.fill("#submit-on", "01/12/2023")  # the plan of 2024, sent in 2023, entered now
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("[data-testid=action-submit]")
    assert Plan.objects.get().status == "submitted"
    assert Plan.objects.get().submitted_at.date().isoformat() == "2023-12-01"
    kc.screenshot("submitted")
    kc.assert_clean()

    page.context.clear_cookies()  # log out: the approver signs in on the same browser
    kc.login(f"test.{Role.PROVINCE_APPROVER.value}")
    kc.goto(reverse("plans:detail", args=[plan.pk]))
    page.fill("#approve-number", "3456/QĐ-UBND")
    page.fill("#approve-date", "20/12/2023")
    with page.expect_navigation():
        page.click("[data-testid=action-approve]")
    assert Plan.objects.get().status == "approved"
    page.fill("#revise-reason", "Giảm kinh phí máy móc")
    with page.expect_navigation():
        page.click("[data-testid=action-revise]")
    page.locator("[data-testid=line-table] input[name=amount]").first.fill("900 triệu")
    with page.expect_navigation():
        page.locator("[data-testid=line-table] button", has_text="Sửa").first.click()
    page.fill("#rev-number", "789/QĐ-UBND")
    page.fill("#rev-date", "01/07/2024")
    with page.expect_navigation():
        page.click("[data-testid=revision-approve] button[type=submit]")
    plan.refresh_from_db()
    assert plan.status == "revised"
    revisions = page.locator("[data-testid=revisions]").inner_text()
    assert "789/QĐ-UBND" in revisions
    assert "900,0 triệu đồng" in revisions
    kc.screenshot()
    kc.assert_clean()

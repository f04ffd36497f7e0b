"""Projects in a real Chromium. Chị Lan (province officer) takes a draft project through registration,
appraisal, the contract, an advance, the achieved values, acceptance, the last payment and liquidation;
Anh Minh (province approver) approves it and settles it; a second project is stopped and its money
moved to a third. Screenshots of the list, the project page with its statement and actions, and the
establishment's profile land in var/screenshots."""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.audit import audit_for
from khuyencong.projects.models import Project
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.browser

OFFICER = f"test.{Role.PROVINCE_OFFICER.value}"
APPROVER = f"test.{Role.PROVINCE_APPROVER.value}"


def _act(kc, action, **fields):
    page = kc.page
    for name, value in fields.items():
        page.fill(f"#id_{action}-{name}", value)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click(f"[data-testid=action-{action}]")


def _switch(kc, username):
    kc.page.context.clear_cookies()
    kc.login(username)


def test_project_from_draft_to_settled(kc, kc_world):
    world = kc_world
    project = make_project(world, state="draft", support=150_000_000, counterpart=250_000_000)
    make_project(world, state="settled", support=90_000_000)
    page = kc.page
    kc.login(OFFICER)
    kc.goto(reverse("projects:list"))
    assert project.code in page.locator("[data-testid=project-table]").inner_text()
    kc.screenshot("list")

    kc.goto(reverse("projects:detail", args=[project.pk]))
    _act(kc, "register")
    _act(kc, "appraise", on="01/02/2025")
    assert (
        "trong định mức" in page.locator("[data-testid=appraisal]").inner_text()
        or Project.objects.get(pk=project.pk).appraisal["ok"]
    )

    _switch(kc, APPROVER)
    kc.goto(reverse("projects:detail", args=[project.pk]))
    _act(kc, "approve", decision_number="125/QĐ-UBND", decision_date="10/02/2025")
    assert Project.objects.get(pk=project.pk).state == "approved"

    _switch(kc, OFFICER)
    kc.goto(reverse("projects:detail", args=[project.pk]))
    with page.expect_navigation():
        page.click("[data-testid=action-contract]")
    page.fill("#id_number", "05/2025/HĐ-KC")
    page.fill("#id_signed_on", "01/03/2025")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("[data-testid=contract-save]")
    _act(kc, "start")
    page.click("[data-testid=tab-money]")
    page.select_option("#id_entry-kind", "advance")
    page.fill("#id_entry-amount", "100 triệu")
    page.fill("#id_entry-value_date", "15/03/2025")
    page.fill("#id_entry-reference", "UNC 0315")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("[data-testid=entry-submit]")
    assert "100,0 triệu đồng" in page.locator("[data-testid=kpi-disbursed]").inner_text()
    page.click("[data-testid=tab-deliverables]")
    deliverable = Project.objects.get(pk=project.pk).deliverables.get()
    page.fill(f"#id_d{deliverable.pk}-achieved", "1")
    with page.expect_navigation():
        page.click(f"[data-testid=achieved-{deliverable.indicator.code}]")
    _act(kc, "accept", on="30/09/2025")
    page.click("[data-testid=tab-money]")
    page.select_option("#id_entry-kind", "payment")
    page.fill("#id_entry-amount", "50.000.000")
    page.fill("#id_entry-value_date", "10/10/2025")
    page.fill("#id_entry-reference", "UNC 1010")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("[data-testid=entry-submit]")
    _act(kc, "liquidate", on="20/10/2025")
    assert Project.objects.get(pk=project.pk).state == "liquidated"

    _switch(kc, APPROVER)
    kc.goto(reverse("projects:detail", args=[project.pk]))
    _act(kc, "settle", on="05/11/2025")
    project.refresh_from_db()
    assert project.state == "settled"
    page.click("[data-testid=tab-money]")
    statement = page.locator("[data-testid=statement-table]").inner_text()
    assert "UNC 0315" in statement
    assert "UNC 1010" in statement
    kc.screenshot("settled-statement")
    page.click("[data-testid=tab-history]")
    history = page.locator("[data-testid=history-table]").inner_text()
    assert "Test" in history
    kc.screenshot("settled-history")
    steps = {e.action for e in audit_for(project)}
    assert {"project.register", "project.approve", "project.contract", "project.settle"} <= steps

    kc.goto(reverse("establishments:detail", args=[project.implementer_establishment_id]))
    assert project.code in page.locator("[data-testid=support-table]").inner_text()
    kc.screenshot("establishment-support")
    kc.assert_clean()


def test_project_stopped_and_its_money_moved(kc, kc_world):
    world = kc_world
    stopped = make_project(world, state="in_progress", support=150_000_000)
    receiver = make_project(world, state="approved", support=100_000_000)
    page = kc.page
    kc.login(APPROVER)
    kc.goto(reverse("projects:detail", args=[stopped.pk]))
    kc.screenshot("in-progress-actions")
    page.click("[data-testid=open-stop]")
    page.fill("#id_stop-on", "01/07/2025")
    page.fill("#id_stop-reason", "Cơ sở không đủ vốn đối ứng")
    page.select_option("#id_stop-destination", "project")
    page.select_option("#id_stop-target", str(receiver.pk))
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("[data-testid=action-stop]")
    stopped.refresh_from_db()
    receiver.refresh_from_db()
    assert stopped.state == "stopped"
    assert stopped.released_amount == 75_000_000  # half was advanced
    assert receiver.support_amount == 175_000_000
    assert receiver.code in page.locator("[data-testid=stopped-info]").inner_text()
    kc.screenshot("stopped")
    kc.assert_clean()


def test_a_blocked_acceptance_leads_to_its_fix(kc, kc_world):
    """A project under way without deliverables: the disabled "Record acceptance" says why and links
    to the Deliverables tab, where the officer adds one with a reason; then acceptance is offered."""
    project = make_project(kc_world, state="in_progress")
    project.deliverables.all().delete()
    page = kc.page
    kc.login(OFFICER)
    kc.goto(reverse("projects:detail", args=[project.pk]))
    assert page.locator("[data-testid=action-accept]").is_disabled()
    page.click("[data-testid=fix-accept]")
    form = page.locator("[data-testid=deliverable-form]")
    form.wait_for(state="visible")
    kc.screenshot("fix")
    form.locator("select").first.select_option(index=1)
    page.fill("#id_deliverable-planned", "2")
    page.fill("#id_deliverable-reason", "Bổ sung kết quả đầu ra theo quyết định phê duyệt")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert project.deliverables.get().planned == 2
    assert audit_for(project).filter(action="project.deliverable_set").first().reason
    kc.assert_clean()

"""Report submissions in a real Chromium: Chị Lan (province officer, the centre) submits Khánh Hòa's
9-month report; anh Minh (the Department's approver) finds it on his home page and sends it up; Chị Hà
(ministry officer) finds it in her inbox and returns it with a comment; Chị Lan reads the comment
and submits again; Chị Hà approves the new version; the period overview shows it. Screenshots of the
list, the detail and the overview (desktop and phone) in var/screenshots."""

import pytest

from khuyencong.accounts.choices import Role
from khuyencong.reporting.models import Submission
from khuyencong.reporting.tests.doors_submissions import page as url
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.browser

OFFICER, MINISTRY = f"test.{Role.PROVINCE_OFFICER.value}", f"test.{Role.MINISTRY_OFFICER.value}"
DEPARTMENT = f"test.{Role.PROVINCE_APPROVER.value}"
RETURN_COMMENT = "Bổ sung số liệu giải ngân nhóm nội dung 2"


def _switch(kc, username):
    kc.page.context.clear_cookies()
    kc.login(username)


def _confirm_and_click(kc, selector):
    kc.page.once("dialog", lambda dialog: dialog.accept())
    with kc.page.expect_navigation():
        kc.page.click(selector)


def _send(kc, submission):
    """The Department's approver opens the report from "Việc chờ bạn" and approves and sends it."""
    _switch(kc, DEPARTMENT)
    kc.goto("/")
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=queue-reports] a")
    with kc.page.expect_navigation():
        kc.page.click(f"[data-testid=awaiting] a[href='{url('submission_detail', submission.pk)}']")
    assert kc.page.locator("[data-testid=action-approve]").inner_text().strip() == "Duyệt và gửi"
    _confirm_and_click(kc, "[data-testid=action-approve]")
    submission.refresh_from_db()
    assert submission.status == "submitted"
    kc.assert_clean()


def test_submit_send_return_resubmit_approve(kc, kc_world):
    make_project(kc_world, state="settled", support=150_000_000)
    page = kc.page
    kc.login(OFFICER)
    kc.goto(url("submission_list"))
    assert page.locator("[data-testid=submissions-empty]").is_visible()
    page.select_option("#id_submit-year", "2025")
    page.select_option("#id_submit-through_month", "9")
    preview = page.locator("[data-testid=submit-preview]").get_attribute("href")
    assert "scope=unit%3A56" in preview
    assert "through_month=9" in preview  # the link follows the chosen period
    page.fill("#id_submit-comment", "Báo cáo 9 tháng đầu năm 2025")
    kc.screenshot("list-province")
    _confirm_and_click(kc, "[data-testid=submit-button]")
    first = Submission.objects.get()
    assert kc.path() == url("submission_detail", first.pk)
    assert first.status == "prepared"
    assert "75,0 triệu đồng" in page.locator("[data-testid=figure-table]").inner_text()
    assert page.locator("[data-testid=awaiting-department]").is_visible()
    kc.assert_clean()
    _send(kc, first)
    kc.screenshot("detail-sent")

    _switch(kc, MINISTRY)
    kc.goto(url("submission_list"))
    assert page.locator("[data-testid=awaiting]").is_visible()
    kc.screenshot("list-ministry")
    with page.expect_navigation():
        page.click("[data-testid=awaiting-open]")
    kc.screenshot("detail-pending")
    page.click("[data-testid=open-return]")
    page.fill("#return-comment", RETURN_COMMENT)
    _confirm_and_click(kc, "[data-testid=action-return]")
    assert Submission.objects.get().status == "returned"
    kc.assert_clean()

    _switch(kc, OFFICER)
    kc.goto(url("submission_detail", first.pk))
    assert RETURN_COMMENT in page.locator("[data-testid=decision-comment]").inner_text()
    page.fill("#resubmit-comment", "Đã bổ sung theo ý kiến của Bộ")
    kc.screenshot("detail-returned")
    _confirm_and_click(kc, "[data-testid=resubmit-button]")
    second = Submission.objects.get(version=2)
    assert kc.path() == url("submission_detail", second.pk)
    kc.assert_clean()
    _send(kc, second)

    _switch(kc, MINISTRY)
    kc.goto(url("submission_detail", second.pk))
    _confirm_and_click(kc, "[data-testid=action-approve]")
    second.refresh_from_db()
    assert second.status == "approved"
    assert page.locator("[data-testid=history-row]").count() == 6
    kc.screenshot("detail-approved")

    kc.goto(url("submission_overview") + "?scope=region:mttn&year=2025&through_month=9")
    assert page.locator("[data-testid=count-expected]").inner_text() == "2"
    assert page.locator("[data-testid=count-approved]").inner_text() == "1"
    assert page.locator("[data-testid=count-missing]").inner_text() == "1"
    kc.screenshot("overview")
    kc.assert_clean()


def test_submission_pages_on_a_phone(kc_mobile, kc_world):
    make_project(kc_world, state="settled", support=150_000_000)
    kc = kc_mobile
    kc.login(OFFICER)
    kc.goto(url("submission_list"))
    kc.screenshot("list")
    _confirm_and_click(kc, "[data-testid=submit-button]")
    assert Submission.objects.count() == 1
    kc.screenshot("detail")
    _switch(kc, MINISTRY)
    kc.goto(url("submission_overview") + "?scope=nation&year=2025&through_month=9")
    kc.screenshot("overview")
    kc.goto(url("submission_import"))
    kc.screenshot("import")
    kc.assert_clean()

"""The report page in a real Chromium: Chị Lan (province officer, Khánh Hòa) opens the report, sees the
KPI cards, the tables in Vietnamese formats and the execution-rate chart drawn by ECharts under the
strict CSP, downloads it as XLSX through a background job, and reads it on a phone. Screenshots in
var/screenshots."""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.browser

REPORT = reverse("reporting:report") + "?year=2025&period=m12"


@pytest.fixture
def figures(kc_world):
    """Khánh Hòa: a settled project (150 triệu of a 50 tỷ KCĐP plan) and one in progress; Hà Nội: one."""
    make_project(kc_world, state="settled", support=150_000_000)
    make_project(kc_world, state="in_progress", support=400_000_000, activity="dao-tao-nghe")
    make_project(kc_world, "foreign", state="settled", support=90_000_000)


def test_province_officer_reads_the_report_and_downloads_it(kc, figures):
    page = kc.page
    kc.login(f"test.{Role.PROVINCE_OFFICER.value}")
    with page.expect_navigation():
        page.click("[data-testid=nav-reports]")
    assert page.locator("#id_scope").input_value() == "unit:56"
    kc.goto(REPORT)
    assert "Khánh Hòa" in page.locator("h1").inner_text()
    assert "50,0 tỷ đồng" in page.locator("[data-testid=kpi-plan]").inner_text()
    total = page.locator("[data-testid=source-total]").inner_text()
    assert "50.000,0" in total
    assert "350,0" in total
    assert "0,70%" in total
    assert page.locator("[data-testid=table-groups] tbody tr").count() >= 1
    assert page.locator("[data-testid=table-units] tbody tr").count() == 1
    assert page.locator("[data-testid=table-indicators] tbody tr").count() >= 1
    page.wait_for_selector("[data-testid=report-chart] canvas")
    assert page.locator("[data-testid=report-chart] canvas").bounding_box()["height"] >= 200
    narrative = page.locator("[data-testid=report-narrative] p")
    assert narrative.count() == 3  # plan, execution, indicators
    assert narrative.nth(2).inner_text().startswith("Kết quả thực hiện các chỉ tiêu")
    kc.screenshot("report")

    with page.expect_navigation():
        page.click("[data-testid=export-xlsx]")
    assert kc.path().startswith("/bao-cao/xuat/")
    link = page.wait_for_selector("[data-testid=export-download]")
    assert "100%" in page.locator("[data-testid=export-status]").inner_text()
    kc.screenshot("export-done")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    kc.assert_clean()


def test_the_report_on_a_phone(kc_mobile, figures):
    kc = kc_mobile
    kc.login(f"test.{Role.PROVINCE_OFFICER.value}")
    kc.goto(REPORT)
    kc.page.wait_for_selector("[data-testid=report-chart] canvas")
    width = kc.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    kc.screenshot("mobile")
    kc.assert_clean()


def test_ministry_sees_the_chart_by_province(kc, figures):
    kc.login(f"test.{Role.MINISTRY_OFFICER.value}")
    kc.goto(REPORT)
    kc.page.wait_for_selector("[data-testid=report-chart] canvas")
    assert kc.page.locator("[data-testid=table-units] tbody tr").count() == 2
    kc.screenshot("nation")
    kc.assert_clean()

"""One figure, traced, in a real Chromium: every export button downloads exactly the rows (and the
total) its list shows; chị Lan follows the report's executed amount to the ledger entries behind it;
chị Hà sees an approved report changed after approval, with the difference. Screenshots in
var/screenshots (report-drill, ledger-drill, submission-changed)."""

import csv
import datetime as dt
import io
import re

import pytest

from khuyencong.accounts.choices import Role
from khuyencong.finance.services import entry_record
from khuyencong.plans.choices import FundingSource
from khuyencong.projects.models import Project
from khuyencong.testing.projects import YEAR, make_project
from khuyencong.testing.reports import approved_report

pytestmark = pytest.mark.browser


@pytest.fixture
def figures(kc_world):
    make_project(kc_world, state="settled", support=150_000_000)
    make_project(kc_world, state="in_progress", support=400_000_000, activity="dao-tao-nghe")
    make_project(kc_world, state="in_progress", support=90_000_000, source=FundingSource.NATIONAL)
    make_project(kc_world, "foreign", state="settled", support=80_000_000)
    make_project(kc_world, state="approved", support=60_000_000)


def _number(text: str) -> int:
    return int(re.sub(r"[^\d-]", "", text) or 0)


def _download(kc, testid: str) -> list[list[str]]:
    with kc.page.expect_download() as download:
        kc.page.click(f"[data-testid={testid}]")
    with open(download.value.path(), encoding="utf-8-sig") as file:
        return list(csv.reader(io.StringIO(file.read())))


@pytest.mark.parametrize(
    ("path", "button", "count", "money_column", "total"),
    [
        (
            f"/de-an/?source=kcdp&year={YEAR}&state=in_progress",
            "export-csv",
            "project-count",
            "Đã giải ngân (đồng)",
            "total-disbursed",
        ),
        (
            f"/tai-chinh/?source=kcdp&year={YEAR}&kind=advance",
            "export-csv",
            "ledger-count",
            "Ảnh hưởng đến số giải ngân (đồng)",
            "ledger-disbursed",
        ),
        ("/co-so/?q=ki%E1%BB%83m+th%E1%BB%AD", "export-csv", None, None, None),
    ],
)
def test_every_export_button_downloads_what_the_list_shows(
    kc, figures, path, button, count, money_column, total
):
    kc.login(f"test.{Role.MINISTRY_OFFICER.value}")
    kc.goto(path)
    rows = _download(kc, button)
    header, body = rows[0], rows[1:]
    shown = (
        kc.page.locator("tbody tr").count()
        if count is None
        else _number(kc.page.locator(f"[data-testid={count}]").inner_text().split("·")[0])
    )
    assert len(body) == shown > 0
    if money_column:
        column = header.index(money_column)
        listed = kc.page.locator(f"[data-testid={total}]").inner_text()
        if "triệu" not in listed and "," not in listed:  # whole đồng: 1.234.567 đ
            assert sum(int(r[column] or 0) for r in body) == _number(listed)
        else:  # million đồng with one decimal: 200,0
            millions = float(listed.split()[0].replace(".", "").replace(",", "."))
            assert sum(int(r[column] or 0) for r in body) == pytest.approx(millions * 1_000_000, abs=50_000)
    kc.assert_clean()


def test_the_report_amount_leads_to_the_entries_behind_it(kc, figures):
    page = kc.page
    kc.login(f"test.{Role.PROVINCE_OFFICER.value}")
    kc.goto(f"/bao-cao/?scope=unit:56&year={YEAR}&period=m12")
    kpi = page.locator("[data-testid=kpi-executed]").inner_text()
    kc.screenshot("report-drill")
    with page.expect_navigation():
        page.click("[data-testid=drill-executed]")
    assert kc.path().startswith("/tai-chinh/")
    listed = page.locator("[data-testid=ledger-disbursed]").inner_text()
    assert _number(listed) == int(float(kpi.split()[0].replace(".", "").replace(",", ".")) * 1_000_000)
    assert page.locator("#id_year").input_value() == str(YEAR)
    kc.screenshot("ledger-drill")
    # a province row of the table leads to its own entries, which add up to the cell
    kc.goto(f"/bao-cao/?scope=unit:56&year={YEAR}&period=m9")
    cell = page.locator("[data-testid=table-units] [data-testid=drill]").first
    amount = cell.inner_text()
    with page.expect_navigation():
        cell.click()
    assert _number(page.locator("[data-testid=ledger-disbursed]").inner_text()) == round(
        float(amount.replace(".", "").replace(",", ".")) * 1_000_000
    )
    kc.assert_clean()


def test_an_approved_report_changed_after_approval_shows_the_difference(kc, figures, kc_world):
    w = kc_world
    submission = approved_report(w, YEAR, 9)
    project = Project.objects.get(support_amount=400_000_000)  # the training project, under way
    entry_record(
        actor=w.user(Role.PROVINCE_APPROVER),
        project=project,
        kind="advance",
        amount=2_000_000,
        value_date=dt.date(YEAR, 9, 20),
        reference="UNC-BS",
        correction_reason="Bổ sung chứng từ tạm ứng tháng 9",
    )
    kc.login(f"test.{Role.MINISTRY_OFFICER.value}")
    kc.goto(f"/bao-cao/nop/{submission.pk}/")
    assert (
        "Thay đổi sau khi duyệt" in kc.page.locator("[data-testid=changed-after-approval]").first.inner_text()
    )
    difference = kc.page.locator("[data-testid=changed-difference]")
    assert "Bổ sung chứng từ tạm ứng tháng 9" in difference.inner_text()
    assert "+" in difference.locator("tbody").inner_text()
    kc.screenshot("submission-changed")
    kc.assert_clean()

"""Every list page, in a real Chromium, as the ministry's officer: its CSV and its Excel buttons download
exactly the rows the filtered list shows (the filters are chosen so that one page holds them all), and
the first row shown is the first row of the file. Screenshots in var/screenshots (…-exports)."""

import datetime as dt

import pytest

from khuyencong.accounts.choices import Role
from khuyencong.events.tests import builders as events
from khuyencong.reporting.services import submission_submit
from khuyencong.testing.exports import read_rows
from khuyencong.testing.projects import YEAR, make_project

pytestmark = pytest.mark.browser

ROWS = "tbody tr:not(:has(td[colspan]))"  # a list's rows, not its "nothing matches" line


@pytest.fixture
def lists(kc_world):
    w = kc_world
    make_project(w, state="settled", support=150_000_000)
    make_project(w, state="in_progress", support=400_000_000, activity="dao-tao-nghe")
    make_project(w, state="contracted", support=90_000_000)
    make_project(w, "foreign", state="settled", support=80_000_000)
    submission_submit(actor=w.user(Role.PROVINCE_OFFICER), unit=w.khanh_hoa, year=YEAR, through_month=9)
    events.fair(w, name="Hội chợ Công Thương Khánh Hòa", start_date=dt.date(YEAR, 5, 10))
    events.fair(
        w, "foreign", name="Hội chợ Thủ đô", start_date=dt.date(YEAR, 6, 1), end_date=dt.date(YEAR, 6, 5)
    )
    events.selection(w, name="Bình chọn sản phẩm tiêu biểu tỉnh")
    events.title(w, person_name="Đàng Thị Phan")
    events.training(w, title="Tập huấn dệt thổ cẩm")
    return w


# (path with its filter, the table's test id, the file's column that the first cell of a row shows)
LISTS = [
    ("/don-vi/?q=Phan+Rang", "unit-table", "Mã"),
    ("/co-quan/?q=Kh%C3%A1nh+H%C3%B2a", "agency-table", "Tên"),
    ("/danh-muc/dinh-muc/", "norm-table", "Hoạt động"),
    ("/danh-muc/chi-tieu/", "indicator-table", "Mã"),
    ("/co-so/", "establishment-table", "Tên"),
    (f"/ke-hoach/?year={YEAR}", "plan-table", "Năm"),
    (f"/de-an/?year={YEAR}&source=kcdp", "project-table", "Mã"),
    ("/de-an/qua-han/", "overdue-table", "Nội dung"),
    (f"/tai-chinh/?year={YEAR}", "ledger-table", "Ngày hạch toán"),
    ("/bao-cao/nop/", "submission-table", "Tỉnh"),
    (f"/su-kien/hoi-cho/?year={YEAR}", "fair-table", "Hội chợ"),
    ("/su-kien/binh-chon/", "selection-table", "Năm"),
    ("/su-kien/danh-hieu/?q=phan", "title-table", "Năm"),
    ("/su-kien/dao-tao/", "training-table", "Tên"),
]


def _download(kc, button: str) -> list[list]:
    with kc.page.expect_download() as download:
        kc.page.click(f"[data-testid=export-{button}]")
    with open(download.value.path(), "rb") as file:
        return read_rows(file.read(), button)


@pytest.mark.parametrize(("path", "table", "first_column"), LISTS, ids=[p for p, _t, _c in LISTS])
def test_every_list_exports_its_filtered_rows_as_csv_and_excel(kc, lists, path, table, first_column):
    kc.login(f"test.{Role.MINISTRY_OFFICER.value}")
    kc.goto(path)
    rows = kc.page.locator(f"[data-testid={table}] {ROWS}")
    shown = rows.count()
    assert shown > 0, f"{path} shows no row to export"
    first_cell = rows.first.locator("td").first.inner_text().strip()
    for fmt in ("csv", "xlsx"):
        header, *body = _download(kc, fmt)
        assert len(body) == shown, (path, fmt)
        assert first_column in [str(h) for h in header], (path, fmt, header)
        value = body[0][[str(h) for h in header].index(first_column)]
        if isinstance(value, dt.date):
            value = value.strftime("%d/%m/%Y")
        assert str(value) in first_cell or first_cell in str(value), (path, fmt, value, first_cell)
    kc.screenshot("exports")
    kc.assert_clean()


def test_the_regions_export_lists_the_provinces_of_the_year(kc, lists):
    kc.login(f"test.{Role.MINISTRY_OFFICER.value}")
    kc.goto(f"/vung/?year={YEAR}")
    shown = kc.page.locator("[data-testid^=region-] li.list-group-item:not(.text-muted)").count()
    assert shown > 0
    for fmt in ("csv", "xlsx"):
        header, *body = _download(kc, fmt)
        assert len(body) == shown, fmt
        assert {"Vùng", "Tỉnh"} <= {str(h) for h in header}
    kc.assert_clean()

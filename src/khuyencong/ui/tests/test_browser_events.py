"""The event pages in a real Chromium: each main page is opened as
Chị Lan (province officer), checked on its data, used as she would, and screenshotted to
var/screenshots/<test-name>.png; any JS error, CSP violation or foreign request fails the test."""

import datetime as dt

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.events.choices import FairLevel, TitleKind, TitleLevel, TrainingKind
from khuyencong.events.models import FairParticipation, SelectionEntry, Training
from khuyencong.events.tests import builders as b

pytestmark = pytest.mark.browser


def login(kc, role: Role = Role.PROVINCE_OFFICER) -> None:
    kc.login(f"test.{role.value}")


def _some_events(w):
    fair = b.fair(w, name="Hội chợ Công Thương Khánh Hòa 2025", booths_total=220, programme_fair=True)
    for name, booths in (("Cơ sở bánh tráng Tư Hương", 2), ("Hợp tác xã gốm Bàu Trúc", 3)):
        b.participation(w, fair=fair, establishment=b.establishment(w, w.phan_rang, name=name), booths=booths,
                        support_amount=booths * 12_000_000)  # fmt: skip
    b.fair(w, name="Hội chợ hàng CNNT tiêu biểu khu vực miền Trung – Tây Nguyên 2025", level=FairLevel.REGION,
           start_date=dt.date(2025, 9, 17), end_date=dt.date(2025, 9, 21))  # fmt: skip
    b.title(w, person_name="Đàng Thị Phan", level=TitleLevel.NATIONAL, craft="gốm Bàu Trúc", birth_year=1958)
    b.title(w, person_name="Nguyễn Thị Lệ", kind=TitleKind.MASTER_CRAFTSMAN, craft="bánh tráng")
    b.training(w, title="Lớp đào tạo nghề dệt thổ cẩm", participants_count=35)
    day = dt.date(2025, 11, 6)
    b.training(w, kind=TrainingKind.WORKSHOP, title="Hội thảo chuyển đổi số cho cơ sở CNNT",
               participants_count=120, start_date=day, end_date=day)  # fmt: skip
    return fair


def test_events_home(kc, kc_world):
    _some_events(kc_world)
    login(kc)
    kc.page.locator(f'nav.kc-navbar a[href="{reverse("events:home")}"]').click()
    kc.page.wait_for_load_state("load")
    assert kc.path() == reverse("events:home")
    with kc.page.expect_navigation():
        kc.page.locator("[data-testid=event-years] a", has_text="2025").click()
    counts = kc.page.locator("[data-testid=event-counts]")
    assert counts.locator('[data-indicator="gian-hang"] .value').inner_text().startswith("5")
    assert counts.locator('[data-indicator="dai-bieu"] .value').inner_text().startswith("120")
    assert "Đàng Thị Phan" in kc.page.locator("[data-testid=home-titles]").inner_text()
    kc.screenshot()
    kc.assert_clean()


def test_fair_list(kc, kc_world):
    _some_events(kc_world)
    b.fair(kc_world, "foreign", name="Hội chợ Hà Nội")
    login(kc)
    kc.goto(reverse("events:fair_list"))
    table = kc.page.locator("[data-testid=fair-table]")
    assert table.locator("tbody tr").count() == 2
    assert "Hội chợ Hà Nội" not in table.inner_text()
    assert "17/09/2025" in table.inner_text()
    kc.page.fill("#id_q", "công thương")
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=list-filters] button[type=submit]")
    assert table.locator("tbody tr").count() == 1
    kc.screenshot()
    kc.assert_clean()


def test_fair_detail_add_a_participation(kc, kc_world):
    fair = _some_events(kc_world)
    est = b.establishment(kc_world, kc_world.phan_rang, name="Cơ sở nước mắm Phước Lộc")
    login(kc)
    kc.goto(reverse("events:fair_detail", args=[fair.pk]))
    form = kc.page.locator("[data-testid=participation-form]")
    form.locator("#id_establishment").select_option(str(est.pk))
    form.locator("#id_booths").fill("2")
    form.locator("#id_support_amount").fill("24 triệu")
    with kc.page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert FairParticipation.objects.filter(establishment=est, support_amount=24_000_000).exists()
    assert kc.page.locator("[data-testid=booths-taken]").inner_text() == "7"
    table = kc.page.locator("[data-testid=participation-table]").inner_text()
    assert "Cơ sở nước mắm Phước Lộc" in table
    assert "24.000.000 đ" in table
    kc.screenshot()
    kc.assert_clean()


def test_selection_detail_score_and_certify(kc, kc_world):
    w = kc_world
    selection = b.selection(w, name="Bình chọn sản phẩm CNNT tiêu biểu cấp xã 2024")
    commune = w.phan_rang_predecessor
    for product, scores in (
        ("Nho sấy Ba Mọi", (88, 91)),
        ("Gốm Bàu Trúc", (72, 75)),
        ("Tỏi Phan Rang", (60,)),
    ):
        b.entry(
            w,
            selection=selection,
            establishment=b.establishment(w, commune),
            product_name=product,
            scores=scores,
        )
    entry = SelectionEntry.objects.get(product_name="Nho sấy Ba Mọi")
    login(kc)
    kc.goto(reverse("events:selection_detail", args=[selection.pk]))
    actions = kc.page.locator(f"[data-testid=entry-actions-{entry.pk}]")
    actions.locator("summary").click()
    kc.page.fill(f"#juror-{entry.pk}", "Ông Lê Quốc Bảo")
    kc.page.fill(f"#score-{entry.pk}", "93,5")
    with kc.page.expect_navigation():
        kc.page.locator(f"[data-testid=score-form-{entry.pk}] button").click()
    entry.refresh_from_db()
    assert str(entry.total_score) == "90.83"
    kc.page.locator(f"[data-testid=entry-actions-{entry.pk}] summary").click()
    kc.page.fill(f"#cert-{entry.pk}", "01/GCN-UBND")
    kc.page.fill(f"#from-{entry.pk}", "15/11/2024")
    kc.page.once("dialog", lambda dialog: dialog.accept())
    with kc.page.expect_navigation():
        kc.page.locator(f"[data-testid=certify-form-{entry.pk}] button").click()
    entry.refresh_from_db()
    assert entry.result == "certified"
    row = kc.page.locator(f'tr[data-entry="{entry.pk}"]').inner_text()
    assert "01/GCN-UBND" in row
    assert "14/11/2027" in row
    assert kc.page.locator("[data-testid=certified-count]").inner_text().startswith("1")
    kc.page.locator("[data-testid^=entry-actions] summary").first.click()
    kc.screenshot()
    kc.assert_clean()


def test_title_list_and_create(kc, kc_world):
    _some_events(kc_world)
    login(kc)
    kc.goto(reverse("events:title_list"))
    assert kc.page.locator("[data-testid=title-table] tbody tr").count() == 2
    kc.screenshot("list")
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=title-new]")
    kc.page.fill("#id_person_name", "Thuận Văn Thành")
    kc.page.fill("#id_birth_year", "1966")
    kc.page.select_option("#id_kind", "artisan")
    kc.page.select_option("#id_level", "province")
    kc.page.fill("#id_craft", "dệt thổ cẩm Mỹ Nghiệp")
    kc.page.fill("#id_year", "2025")
    kc.page.fill("#id_decision_number", "87/QĐ-UBND")
    kc.page.fill("#id_decision_date", "02/09/2025")
    kc.page.select_option("#id_unit", str(kc_world.phan_rang.pk))
    kc.screenshot("form")
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=event-form] button[type=submit]")
    assert kc.path() == reverse("events:title_list")
    assert "Thuận Văn Thành" in kc.page.locator("[data-testid=title-table]").inner_text()
    kc.assert_clean()


def test_trainings_list_and_detail(kc, kc_world):
    _some_events(kc_world)
    login(kc)
    kc.goto(reverse("events:training_list"))
    table = kc.page.locator("[data-testid=training-table]")
    assert table.locator("tbody tr").count() == 2
    kc.screenshot("list")
    with kc.page.expect_navigation():
        table.get_by_role("link", name="Lớp đào tạo nghề dệt thổ cẩm").click()
    assert kc.page.locator("[data-testid=participants]").inner_text() == "35"
    form = kc.page.locator("[data-testid=trainee-form]")
    form.locator("#id_name").fill("Đàng Thị Hoa")
    with kc.page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert kc.page.locator("[data-testid=participants]").inner_text() == "1"
    assert Training.objects.get(title="Lớp đào tạo nghề dệt thổ cẩm").participants_count == 1
    kc.screenshot("detail")
    kc.assert_clean()

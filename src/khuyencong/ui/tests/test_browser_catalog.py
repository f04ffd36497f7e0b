"""The programme catalogue in a real Chromium (fixtures `kc`, `kc_world` from ui/tests/conftest.py):
each page is opened, checked on data (codes, amounts, data-testid elements) and screenshotted to
var/screenshots/<test-name>.png; any JS error, CSP violation or foreign request fails the test."""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role

pytestmark = pytest.mark.browser

MACHINERY = "may-moc-thiet-bi"


def login(kc, role: Role = Role.PROVINCE_OFFICER) -> None:
    kc.login(f"test.{role.value}")


def test_catalog_home(kc, kc_world):
    login(kc)
    kc.page.click("[data-testid=nav-reference]")  # the reference data sit in one menu
    kc.page.locator("nav.kc-navbar").get_by_role("link", name="Danh mục", exact=True).click()
    kc.page.wait_for_load_state("load")
    assert kc.path() == reverse("catalog:home")
    table = kc.page.locator("[data-testid=programme-table]")
    assert table.locator("tbody tr[data-programme-code]").count() == 4
    row = table.locator('tr[data-programme-code="ctkcqg-2021-2025"]')
    assert "2021–2025" in row.inner_text()
    assert row.locator("td.num").inner_text().strip() == "6"
    assert kc.page.locator("[data-testid=catalog-tabs] a").count() == 4
    kc.screenshot()
    kc.assert_clean()


def test_catalog_programme_detail(kc, kc_world):
    login(kc)
    response = kc.goto(reverse("catalog:programme_detail", args=["ctkcqg-2021-2025"]))
    assert response.status == 200
    assert "2021–2025" in kc.page.locator("[data-testid=programme-name]").inner_text()
    groups = kc.page.locator("[data-testid=group-table] tbody tr[data-group-code]")
    assert groups.count() == 6
    group1 = kc.page.locator('tr[data-group-code="ct21-1"]')
    assert group1.locator("[data-testid=decree-group]").count() == 2
    kc.screenshot()
    with kc.page.expect_navigation():
        group1.locator(f'a[href="{reverse("catalog:activity_detail", args=[MACHINERY])}"]').click()
    assert kc.path() == reverse("catalog:activity_detail", args=[MACHINERY])
    kc.assert_clean()


def test_catalog_provincial_programme_targets(kc, kc_world):
    login(kc)
    kc.goto(reverse("catalog:programme_detail", args=["ctkc-dong-nai-2021-2025"]))
    targets = kc.page.locator("[data-testid=target-table] tbody tr")
    assert targets.count() == 4
    assert "5–5,4" in kc.page.locator("[data-testid=target-table]").inner_text()
    kc.screenshot()
    kc.assert_clean()


def test_catalog_activity_detail(kc, kc_world):
    login(kc)
    response = kc.goto(reverse("catalog:activity_detail", args=[MACHINERY]))
    assert response.status == 200
    norm = kc.page.locator('[data-testid=norm-table] tr[data-norm-code="may-moc-2014"]')
    assert norm.locator("[data-testid=cap]").inner_text().strip() == "200.000.000 đ"
    assert "50%" in norm.inner_text()
    assert kc.page.locator("[data-testid=activity-groups] li").count() == 3
    assert kc.page.locator("[data-testid=activity-indicators] li").count() >= 1
    kc.screenshot()
    kc.assert_clean()


def test_catalog_norm_list_by_date(kc, kc_world):
    login(kc)
    kc.goto(reverse("catalog:norm_list"))
    form = kc.page.locator("[data-testid=norm-filters]")
    form.locator("#id_on").fill("01/06/2016")
    with kc.page.expect_navigation():
        form.locator("button[type=submit]").click()
    model = kc.page.locator('[data-testid=norm-table] tr[data-norm-code="mo-hinh-2014"]')
    assert model.locator("[data-testid=cap]").inner_text().strip() == "500.000.000 đ"
    kc.screenshot("2016")

    form.locator("#id_on").fill("01/06/2019")
    form.locator("#id_activity").select_option("mo-hinh-trinh-dien")
    with kc.page.expect_navigation():
        form.locator("button[type=submit]").click()
    rows = kc.page.locator("[data-testid=norm-table] tbody tr[data-norm-code]")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-norm-code") == "mo-hinh-2018"
    assert rows.first.locator("[data-testid=cap]").inner_text().strip() == "1.000.000.000 đ"
    kc.screenshot()

    form.locator("#id_on").fill("31/02/2019")
    with kc.page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert kc.page.locator("#id_on.is-invalid").count() == 1
    assert kc.page.locator("[data-testid=error-on]").is_visible()
    kc.screenshot("bad-date")
    kc.assert_clean()


def test_catalog_indicator_list(kc, kc_world):
    login(kc)
    response = kc.goto(reverse("catalog:indicator_list"))
    assert response.status == 200
    rows = kc.page.locator("[data-testid=indicator-table] tbody tr[data-indicator-code]")
    assert rows.count() == 25
    machinery = kc.page.locator('tr[data-indicator-code="co-so-may-moc"]')
    assert machinery.locator(f'a[href="{reverse("catalog:activity_detail", args=[MACHINERY])}"]').count() == 1
    kc.screenshot()
    kc.assert_clean()


def test_catalog_support_check_form(kc, kc_world):
    login(kc)
    kc.goto(reverse("catalog:support_check"))
    form = kc.page.locator("[data-testid=support-check-form]")
    assert form.locator("#id_per_unit_count").input_value() == "1"
    kc.screenshot("empty")

    form.locator("#id_activity").select_option(MACHINERY)
    form.locator("#id_eligible_cost").fill("300 triệu")
    form.locator("#id_requested_support").fill("180 triệu")
    form.locator("#id_on").fill("01/06/2016")
    with kc.page.expect_navigation():
        form.locator("[data-testid=check]").click()
    violations = kc.page.locator("[data-testid=violation]")
    assert violations.count() == 1
    assert violations.first.get_attribute("data-code") == "share_exceeded"
    text = violations.first.inner_text()
    assert "60,00%" in text
    assert "26/2014/TTLT-BTC-BCT" in text
    assert kc.page.locator("[data-testid=limit]").inner_text().strip() == "150.000.000 đ"
    assert kc.page.locator('[data-testid=norms-considered] tr[data-norm-code="may-moc-2014"]').count() == 1
    assert form.locator("#id_requested_support").input_value() == "180 triệu"
    kc.screenshot()

    # A shared link gives the same result.
    kc.goto(kc.page.url.removeprefix(kc.base_url))
    assert kc.page.locator("[data-testid=violation]").count() == 1

    form.locator("#id_eligible_cost").fill("ba trăm triệu")
    with kc.page.expect_navigation():
        form.locator("[data-testid=check]").click()
    assert kc.page.locator("[data-testid=check-result]").count() == 0
    assert kc.page.locator("#id_eligible_cost.is-invalid").count() == 1
    assert kc.page.locator("[data-testid=error-eligible_cost]").is_visible()
    assert kc.page.locator("[data-testid=form-errors]").is_visible()
    assert form.locator("#id_eligible_cost").input_value() == "ba trăm triệu"
    kc.screenshot("bad-money")

    form.locator("#id_eligible_cost").fill("1,5 tỷ")
    form.locator("#id_requested_support").fill("250.000.000")
    form.locator("#id_per_unit_count").fill("2")
    with kc.page.expect_navigation():
        form.locator("[data-testid=check]").click()
    assert kc.page.locator("[data-testid=check-ok]").is_visible()
    assert kc.page.locator("[data-testid=limit]").inner_text().strip() == "400.000.000 đ"
    kc.screenshot("ok")
    kc.assert_clean()


def test_catalog_support_check_on_a_phone(kc_mobile, kc_world):
    kc = kc_mobile
    login(kc)
    kc.goto(
        reverse("catalog:support_check")
        + "?activity=may-moc-thiet-bi&eligible_cost=400+tri%E1%BB%87u&requested_support=260+tri%E1%BB%87u"
        + "&on=01%2F06%2F2016"
    )
    assert kc.page.locator("[data-testid=violation]").count() == 2
    kc.screenshot()
    kc.assert_clean()

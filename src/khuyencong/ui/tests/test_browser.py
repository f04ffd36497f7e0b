"""Every page built so far, driven in a real Chromium through Playwright; each test saves a full-page
screenshot to var/screenshots/<test-name>.png. Assertions are on data (unit and agency names, codes,
data-testid elements, HTTP status, URL) rather than on UI wording, which translations may change.
Fixtures (`kc`, `kc_mobile`) are in ui/tests/conftest.py; they also fail a test on any JS error,
Content Security Policy violation or request to a host other than the live server."""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.testing.world import PASSWORD

pytestmark = pytest.mark.browser


def username(role: Role) -> str:
    return f"test.{role.value}"


def province_codes(kc) -> set[str]:
    rows = kc.page.locator("[data-testid=province-table] tbody tr[data-province-code]")
    return {rows.nth(i).get_attribute("data-province-code") for i in range(rows.count())}


# 1. log-in ------------------------------------------------------------------------------------


def test_login_wrong_password_then_province_officer_home(kc, kc_world):
    response = kc.goto("/dang-nhap/")
    assert response.status == 200
    assert kc.page.locator("#id_username").is_visible()
    assert kc.page.locator("#id_password").is_visible()
    assert kc.page.locator("[data-testid=user-menu]").count() == 0
    kc.screenshot("login")

    kc.submit_login(username(Role.PROVINCE_OFFICER), "not-the-password")
    assert kc.path() == "/dang-nhap/"
    assert kc.page.locator("main .alert-danger").is_visible()
    assert kc.page.locator("#id_username").input_value() == username(Role.PROVINCE_OFFICER)
    kc.screenshot("wrong-password")

    kc.submit_login(username(Role.PROVINCE_OFFICER), PASSWORD)
    assert kc.path() == "/"
    assert "Trung tâm Khuyến công tỉnh Khánh Hòa" in kc.page.locator("[data-testid=agency]").inner_text()
    assert kc.page.locator('[data-province-code="56"]').count() == 1
    assert kc.page.locator('[data-province-code="01"]').count() == 0
    assert province_codes(kc) == {"56"}
    kc.screenshot()
    kc.assert_clean()


# 2. home per role -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [(Role.MINISTRY_OFFICER, {"56", "48", "01"}), (Role.REGION_VIEWER, {"56", "48"})],
    ids=["ministry_officer", "region_viewer"],
)
def test_home_province_table(kc, kc_world, role, expected):
    kc.login(username(role))
    assert kc.page.locator("[data-testid=province-table]").is_visible()
    assert province_codes(kc) == expected
    assert kc_world.user(role).agency.name in kc.page.locator("[data-testid=agency]").inner_text()
    kc.screenshot()
    kc.assert_clean()


def test_home_commune_officer_lists_local_units(kc, kc_world):
    kc.login(username(Role.COMMUNE_OFFICER))
    assert kc.page.locator("[data-testid=province-table]").count() == 0
    phan_rang = kc_world.phan_rang
    link = kc.page.locator(
        f'main .list-group a[href="{reverse("accounts:unit_detail", args=[phan_rang.pk])}"]'
    )
    assert link.count() == 1
    assert "Phan Rang" in link.inner_text()
    assert kc.page.locator('[data-province-code="01"]').count() == 0
    kc.screenshot()
    kc.assert_clean()


# 3. unit list ----------------------------------------------------------------------------------


def test_unit_list_search_and_legacy_filter(kc, kc_world):
    kc.login(username(Role.PROVINCE_OFFICER))
    kc.goto("/don-vi/")
    form = kc.page.locator("[data-testid=list-filters]")
    form.locator("#id_q").fill("Phan Rang")
    with kc.page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert kc.path() == "/don-vi/"
    table = kc.page.locator("[data-testid=unit-table]")
    assert table.get_by_role("link", name="Phường Phan Rang", exact=True).count() == 1
    kc.screenshot("search")

    form.locator("#id_generation").select_option("legacy")
    with kc.page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "generation=legacy" in kc.page.url
    rows = table.locator("tbody tr")
    assert rows.count() >= 1
    for i in range(rows.count()):
        row = rows.nth(i)
        assert row.locator(".kc-badge-legacy").count() == 1, row.inner_text()
        assert "kc-legacy" in (row.get_attribute("class") or "")
    assert table.get_by_role("link", name="Phường Phan Rang", exact=True).count() == 0
    assert table.get_by_role("link", name="Thành phố Phan Rang - Tháp Chàm").count() == 1
    kc.screenshot()
    kc.assert_clean()


# 4. unit detail --------------------------------------------------------------------------------


def test_unit_detail_legacy_province_and_foreign_404(kc, kc_world):
    kc.login(username(Role.PROVINCE_OFFICER))
    ninh_thuan = kc_world.ninh_thuan
    response = kc.goto(reverse("accounts:unit_detail", args=[ninh_thuan.pk]))
    assert response.status == 200
    assert kc.page.locator("[data-testid=unit-name]").inner_text() == ninh_thuan.name
    current = kc.page.locator("[data-testid=current-province]")
    assert current.inner_text().strip() == kc_world.khanh_hoa.name
    assert current.locator("a").get_attribute("href") == reverse(
        "accounts:unit_detail", args=[kc_world.khanh_hoa.pk]
    )
    kc.screenshot()
    kc.assert_clean()

    kc.allow_console(r"Failed to load resource: the server responded with a status of 404")
    response = kc.goto(reverse("accounts:unit_detail", args=[kc_world.da_nang_commune.pk]))
    assert response.status == 404
    assert kc_world.da_nang_commune.name not in kc.page.content()
    kc.screenshot("foreign-404")


# 5. agency detail ------------------------------------------------------------------------------


def test_agency_detail_names_over_time(kc, kc_world):
    kc.login(username(Role.MINISTRY_OFFICER))
    agency = kc_world.agency("bct-cuc-kc")
    response = kc.goto(reverse("accounts:agency_detail", args=[agency.pk]))
    assert response.status == 200
    names = kc.page.locator("[data-testid=agency-names] tbody tr td:first-child")
    texts = [names.nth(i).inner_text() for i in range(names.count())]
    assert len(texts) == 3
    for expected, text in zip(
        [
            "Cục Công nghiệp địa phương",
            "Cục Công Thương địa phương",
            "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công",
        ],
        texts,
        strict=True,
    ):
        assert text.startswith(expected), texts
    assert kc.page.locator("[data-testid=agency-name]").inner_text() == agency.name
    kc.screenshot()
    kc.assert_clean()


def test_agency_list(kc, kc_world):
    kc.login(username(Role.PROVINCE_OFFICER))
    response = kc.goto("/co-quan/")
    assert response.status == 200
    table = kc.page.locator("[data-testid=agency-table]")
    assert table.get_by_role("link", name="Trung tâm Khuyến công tỉnh Khánh Hòa", exact=True).count() == 1
    # the old province's centre (until the 2025 reform) is listed apart, with its end date
    assert (
        table.get_by_role("link", name="Trung tâm Khuyến công tỉnh Khánh Hòa (đến 30/06/2025)").count() == 1
    )
    assert "ttkc-01" not in kc.page.content()
    assert table.get_by_text("Hà Nội").count() == 0
    kc.screenshot()
    kc.assert_clean()


# 6. regions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2024, 2026])
def test_regions_by_year(kc, kc_world, year):
    kc.login(username(Role.MINISTRY_OFFICER))
    response = kc.goto(f"/vung/?year={year}")
    assert response.status == 200
    assert kc.page.locator("#f-year").input_value() == str(year)
    mttn = kc.page.locator("[data-testid=region-mttn]")
    assert mttn.count() == 1
    assert mttn.is_visible()
    kc.screenshot()
    kc.assert_clean()


# 7. API tokens ---------------------------------------------------------------------------------


def test_api_token_create_and_revoke(kc, kc_world):
    kc.login(username(Role.PROVINCE_OFFICER))
    response = kc.goto("/tai-khoan/api-token/")
    assert response.status == 200
    kc.page.fill("#t-name", "Nhập Excel")
    with kc.page.expect_navigation():
        kc.page.click("main form[method=post] button[type=submit]")
    new_token = kc.page.locator("[data-testid=new-token] code")
    raw = new_token.inner_text().strip()
    assert raw.startswith("kc_"), raw
    row = kc.page.locator("[data-testid=token-table] tbody tr", has_text="Nhập Excel")
    assert row.count() == 1
    assert raw.startswith(row.locator("code").inner_text().rstrip("…"))
    assert row.locator(".text-bg-success").count() == 1
    kc.screenshot("created")

    # Revoking asks first: dismissing the question keeps the token active.
    questions = []
    kc.page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    row.locator("form[method=post] button[type=submit]").click()
    assert questions
    assert "Nhập Excel" in questions[0]
    assert row.locator(".text-bg-success").count() == 1

    kc.page.once("dialog", lambda dialog: dialog.accept())
    with kc.page.expect_navigation():
        row.locator("form[method=post] button[type=submit]").click()
    assert kc.path() == "/tai-khoan/api-token/"
    assert kc.page.locator("[data-testid=new-token]").count() == 0
    row = kc.page.locator("[data-testid=token-table] tbody tr", has_text="Nhập Excel")
    assert row.count() == 1
    assert row.locator(".text-bg-success").count() == 0
    assert row.locator(".text-bg-secondary").count() == 1
    assert row.locator("button[type=submit]").count() == 0
    kc.screenshot()
    kc.assert_clean()


def test_password_change_page(kc, kc_world):
    kc.login(username(Role.PROVINCE_OFFICER))
    response = kc.goto("/doi-mat-khau/")
    assert response.status == 200
    for field in ("#id_old_password", "#id_new_password1", "#id_new_password2"):
        assert kc.page.locator(field).is_visible(), field
    kc.screenshot()
    kc.assert_clean()


def test_password_change_page_uses_app_layout(kc, kc_world):
    kc.login(username(Role.PROVINCE_OFFICER))
    kc.goto("/doi-mat-khau/")
    kc.screenshot()
    assert kc.page.locator("nav.kc-navbar [data-testid=user-menu]").count() == 1


# 8. language -----------------------------------------------------------------------------------


def test_language_switch_on_login_page(kc, kc_world):
    kc.goto("/dang-nhap/")
    assert kc.page.locator("html").get_attribute("lang") == "vi"
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=lang-en]")
    assert kc.path() == "/dang-nhap/"
    assert kc.page.locator("html").get_attribute("lang") == "en"
    assert kc.page.locator("[data-testid=lang-vi]").is_visible()
    kc.screenshot()
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=lang-vi]")
    assert kc.page.locator("html").get_attribute("lang") == "vi"
    kc.assert_clean()


# 9. mobile -------------------------------------------------------------------------------------


def test_mobile_home_navbar_toggler(kc_mobile, kc_world):
    kc = kc_mobile
    kc.login(username(Role.PROVINCE_OFFICER))
    toggler = kc.page.locator(".navbar-toggler")
    assert toggler.is_visible()
    assert not kc.page.locator("#kc-nav").is_visible()
    assert kc.page.locator('[data-province-code="56"]').count() == 1
    kc.screenshot()
    toggler.click()
    kc.page.locator("#kc-nav.collapse.show").wait_for(state="visible")  # after Bootstrap's transition
    assert kc.page.get_by_role("link", name="API").is_visible()
    kc.screenshot("menu-open")
    kc.assert_clean()


# 10. API docs ----------------------------------------------------------------------------------


def test_api_docs(kc, kc_world):
    kc.login(username(Role.PROVINCE_OFFICER))
    response = kc.goto("/api/v1/docs")
    assert response.status == 200
    kc.page.locator("#swagger-ui .information-container").wait_for()
    kc.page.locator("#swagger-ui .opblock").first.wait_for()
    kc.page.wait_for_load_state("networkidle")
    assert any(url.endswith("/api/v1/openapi.json") for url in kc.probe.requests), kc.probe.requests
    assert not kc.probe.foreign_requests(), kc.probe.foreign_requests()
    kc.screenshot()
    kc.assert_clean()

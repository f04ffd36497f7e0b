"""The establishment registry in a real Chromium, as Chị Lan (province officer of Khánh Hòa): find an
establishment, register one through the form (commune picked with the search box), read its page and
history, and be refused a second registration of the same tax code. Screenshots in var/screenshots."""

import re

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.establishments.choices import LegalForm
from khuyencong.establishments.models import Establishment, Industry
from khuyencong.establishments.services import establishment_create

pytestmark = pytest.mark.browser

TAX_CODE = "0100109106"


def _register(world, commune, name):
    return establishment_create(
        actor=world.user(Role.MINISTRY_OFFICER),
        confirm_duplicate=True,
        legal_form=LegalForm.HOUSEHOLD_BUSINESS,
        name=name,
        commune=commune,
        industry=Industry.objects.get(code="10"),
        main_products="Bánh tráng phơi sương",
        workers=6,
    )


def _fill_form(kc, world, name):
    page = kc.page
    page.select_option("#id_legal_form", "enterprise")
    page.fill("#id_name", name)
    page.fill("#id_tax_code", TAX_CODE)
    kc.pick("commune", "Phan Rang", str(world.phan_rang.pk))
    page.fill("#id_address", "Khu phố 3")
    page.select_option("#id_industry", "23")
    page.fill("#id_main_products", "Gốm mỹ nghệ")
    page.fill("#id_workers", "25")
    page.fill("#id_founded_year", "2008")
    page.check("#id_women_owned")
    page.check("#id_exporter")


def test_province_officer_finds_registers_and_is_refused_a_duplicate_tax_code(kc, kc_world):
    world = kc_world
    tu_huong = _register(world, world.phan_rang_predecessor, "Cơ sở bánh tráng Tư Hương")
    _register(world, world.ha_noi_commune, "Cơ sở bánh tráng Thủ Đô")

    kc.login(f"test.{Role.PROVINCE_OFFICER.value}")
    response = kc.goto(reverse("establishments:list"))
    assert response.status == 200
    table = kc.page.locator("[data-testid=establishment-table]")
    assert table.locator(f'tr[data-establishment="{tu_huong.pk}"]').count() == 1
    kc.screenshot("list")

    filters = kc.page.locator("[data-testid=establishment-filters]")
    filters.locator("#id_q").fill("banh trang")
    with kc.page.expect_navigation():
        filters.locator("button[type=submit]").click()
    assert "q=banh+trang" in kc.page.url
    assert table.get_by_role("link", name="Cơ sở bánh tráng Tư Hương").count() == 1
    assert table.get_by_text("Thủ Đô").count() == 0  # Hà Nội: outside Khánh Hòa
    assert table.locator("tbody tr").count() == 1
    kc.screenshot("search")
    kc.assert_clean()

    with kc.page.expect_navigation():
        kc.page.click("[data-testid=new-establishment]")
    assert kc.path() == reverse("establishments:create")
    assert kc.page.locator("[data-testid=confirm-duplicate]").count() == 0
    _fill_form(kc, world, "Công ty TNHH Gốm Bàu Trúc")
    kc.screenshot("form")
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=save]")
    errors = kc.page.locator("[data-testid=form-errors]")
    assert errors.count() == 0, errors.inner_text()
    est = Establishment.objects.get(tax_code=TAX_CODE)
    assert kc.path() == reverse("establishments:detail", args=[est.pk])
    assert kc.page.locator(".alert-success").is_visible()
    assert kc.page.locator("[data-testid=establishment-name]").inner_text() == "Công ty TNHH Gốm Bàu Trúc"
    assert kc.page.locator("[data-testid=tax-code]").inner_text() == TAX_CODE
    assert "Phan Rang" in kc.page.locator("[data-testid=commune]").inner_text()
    assert kc.page.locator("[data-testid=flags] .badge").count() == 2
    assert kc.page.locator("[data-testid=support]").is_visible()
    assert (est.commune_id, est.industry.code, est.workers, est.women_owned) == (
        world.phan_rang.pk,
        "23",
        25,
        True,
    )
    kc.screenshot("detail")

    kc.page.click("[data-testid=history-tab]")
    kc.page.locator("#pane-history.active").wait_for()
    entry = kc.page.locator('[data-testid=history] [data-action="establishment.create"]')
    entry.wait_for(state="visible")
    assert entry.count() == 1
    assert world.user(Role.PROVINCE_OFFICER).full_name in entry.inner_text()
    assert TAX_CODE in entry.inner_text()
    kc.screenshot("history")
    kc.assert_clean()

    # The same tax code again, under another name: refused on the field, with a link to the record.
    kc.allow_console(r"Failed to load resource: the server responded with a status of 400")
    kc.goto(reverse("establishments:create"))
    _fill_form(kc, world, "Cơ sở gốm Bàu Trúc Hai")
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=save]")
    assert kc.path() == reverse("establishments:create")
    assert kc.page.locator("[data-testid=form-errors]").is_visible()
    assert kc.page.locator("#id_tax_code.is-invalid").count() == 1
    assert kc.page.locator("[data-testid=error-tax_code]").is_visible()
    existing = kc.page.locator("[data-testid=existing-record] a")
    assert existing.get_attribute("href") == reverse("establishments:detail", args=[est.pk])
    assert kc.page.locator("#id_name").input_value() == "Cơ sở gốm Bàu Trúc Hai"  # nothing typed is lost
    assert kc.page.locator("#id_commune").input_value() == str(world.phan_rang.pk)
    assert kc.page.locator("#id_women_owned").is_checked()
    assert Establishment.objects.filter(tax_code=TAX_CODE).count() == 1
    kc.screenshot("duplicate-tax-code")
    kc.assert_clean()


def test_read_only_role_sees_no_new_button(kc, kc_world):
    _register(kc_world, kc_world.phan_rang, "Cơ sở bánh tráng Tư Hương")
    kc.login(f"test.{Role.AUDITOR.value}")
    kc.goto(reverse("establishments:list"))
    assert kc.page.locator("[data-testid=establishment-table] tbody tr[data-establishment]").count() == 1
    assert kc.page.locator("[data-testid=new-establishment]").count() == 0
    assert re.search(r"\b1\b", kc.page.locator("[data-testid=establishment-count]").inner_text())
    kc.screenshot()
    kc.assert_clean()


def test_possible_duplicate_is_confirmed_then_merged(kc, kc_world):
    world = kc_world
    original = _register(world, world.phan_rang, "Cơ sở bánh tráng Tư Hương")
    kc.login(f"test.{Role.COMMUNE_OFFICER.value}")
    kc.allow_console(r"Failed to load resource: the server responded with a status of 400")
    kc.goto(reverse("establishments:create"))
    kc.page.select_option("#id_legal_form", "household_business")
    kc.page.fill("#id_name", "Bánh tráng Tư Hương")
    kc.page.select_option("#id_commune", str(world.phan_rang.pk))
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=save]")
    warning = kc.page.locator("[data-testid=possible-duplicate]")
    assert warning.is_visible()
    assert warning.locator("a").get_attribute("href") == reverse("establishments:detail", args=[original.pk])
    assert Establishment.objects.count() == 1
    kc.screenshot("possible-duplicate")

    kc.page.check("#id_confirm_duplicate")
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=save]")
    duplicate = Establishment.objects.exclude(pk=original.pk).get()
    assert kc.path() == reverse("establishments:detail", args=[duplicate.pk])

    kc.goto(reverse("establishments:detail", args=[original.pk]))
    merge = kc.page.locator("[data-testid=merge]")
    merge.locator("summary").click()
    assert merge.get_by_role("link", name="Bánh tráng Tư Hương", exact=True).count() == 1
    merge.locator("#id_duplicate").fill(str(duplicate.pk))
    merge.locator("#id_reason").fill("Cùng một cơ sở, nhập hai lần")
    kc.screenshot("merge-form")
    questions = []
    kc.page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    with kc.page.expect_navigation():
        merge.locator("button[type=submit]").click()
    assert questions
    assert kc.page.locator(".alert-success").is_visible()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == original.pk
    kc.screenshot("merged")

    kc.goto(reverse("establishments:detail", args=[duplicate.pk]))
    banner = kc.page.locator("[data-testid=merged-banner]")
    assert banner.is_visible()
    assert banner.locator("a").get_attribute("href") == reverse("establishments:detail", args=[original.pk])
    assert kc.page.locator("[data-testid=edit]").count() == 0
    kc.screenshot("merged-banner")
    kc.assert_clean()


def test_stale_edit_keeps_the_typed_values(kc, kc_world):
    from khuyencong.establishments.services import establishment_update

    world = kc_world
    est = _register(world, world.phan_rang, "Cơ sở bánh tráng Tư Hương")
    kc.login(f"test.{Role.PROVINCE_APPROVER.value}")
    kc.goto(reverse("establishments:detail", args=[est.pk]))
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=edit]")
    assert kc.page.locator("#id_commune").input_value() == str(world.phan_rang.pk)
    assert kc.page.locator("#id_industry").input_value() == "10"
    kc.page.fill("#id_workers", "14")
    kc.page.check("#id_exporter")
    # Meanwhile a colleague saves the record.
    establishment_update(actor=world.user(Role.PROVINCE_OFFICER), establishment=est, version=1, workers=9)
    kc.allow_console(r"Failed to load resource: the server responded with a status of 400")
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=save]")
    assert kc.page.locator("[data-testid=stale-write]").is_visible()
    assert kc.page.locator("#id_workers").input_value() == "14"
    assert kc.page.locator("#id_exporter").is_checked()
    est.refresh_from_db()
    assert est.workers == 9
    kc.screenshot("stale")
    with kc.page.expect_navigation():
        kc.page.click("[data-testid=save]")
    assert kc.path() == reverse("establishments:detail", args=[est.pk])
    est.refresh_from_db()
    assert (est.workers, est.exporter, est.version) == (14, True, 3)
    kc.page.click("[data-testid=history-tab]")
    kc.page.locator("#pane-history.active").wait_for()
    assert kc.page.locator('[data-testid=history] [data-action="establishment.update"]').count() == 2
    kc.screenshot("history")
    kc.assert_clean()

"""Lists on a phone (390 px): the results come first — the filter panel folds into a drawer above them
that says how many filters are in use —, and a wide table scrolls sideways with its first column kept in
view. On a desktop the panel stays the open side panel. Screenshots in var/screenshots."""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.browser

MINISTRY = f"test.{Role.MINISTRY_OFFICER.value}"


@pytest.fixture
def projects(kc_world):
    for support in (150_000_000, 90_000_000):
        make_project(kc_world, state="in_progress", support=support)
    make_project(kc_world, "foreign", state="contracted")


def test_a_list_on_a_phone_shows_its_results_first(kc_mobile, projects):
    kc, page = kc_mobile, kc_mobile.page
    kc.login(MINISTRY)
    kc.goto(reverse("projects:list") + "?state=in_progress")
    drawer = page.locator("[data-testid=filter-drawer]")
    assert drawer.locator("summary").inner_text() == "Bộ lọc (1)"
    assert not page.locator("[data-testid=project-filters]").is_visible()
    table = page.locator("[data-testid=project-table]")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 2
    # the first column stays in view when the table scrolls sideways
    first = table.locator("tbody tr td").first
    assert first.evaluate("cell => getComputedStyle(cell).position") == "sticky"
    kc.screenshot("list-closed")
    drawer.locator("summary").click()
    assert page.locator("[data-testid=project-filters]").is_visible()
    kc.screenshot("list-filters-open")
    kc.assert_clean()


def test_a_list_on_a_desktop_keeps_its_side_panel(kc, projects):
    kc.login(MINISTRY)
    kc.goto(reverse("projects:list"))
    assert kc.page.locator("[data-testid=project-filters]").is_visible()
    assert not kc.page.locator("[data-testid=filter-drawer] summary").is_visible()
    first = kc.page.locator("[data-testid=project-table] tbody tr td").first
    assert first.evaluate("cell => getComputedStyle(cell).position") == "static"
    kc.assert_clean()

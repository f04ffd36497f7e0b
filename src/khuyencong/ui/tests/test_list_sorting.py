"""Every list page sorts by each of its sortable columns, both ways, with real rows to sort."""

import datetime as dt
import re

import pytest
from django.urls import reverse

import khuyencong.urls  # noqa: F401  (the list pages register when their views load)
from khuyencong.accounts.choices import Role
from khuyencong.accounts.filters import ProvinceFilter
from khuyencong.core.lists import LISTS
from khuyencong.events.tests import builders as events
from khuyencong.testing.projects import make_project

URLS = {
    "accounts.units": "accounts:unit_list",
    "accounts.agencies": "accounts:agency_list",
    "establishments.list": "establishments:list",
    "plans.list": "plans:list",
    "projects.list": "projects:list",
    "finance.ledger": "finance:ledger",
    "events.fairs": "events:fair_list",
    "events.selections": "events:selection_list",
    "events.titles": "events:title_list",
    "events.trainings": "events:training_list",
}
# Orders a link may ask for that no column header offers (the establishments' "last updated").
HEADERLESS = {("establishments.list", "updated")}
CASES = [(name, key) for name, page in sorted(LISTS.items()) for key in page.sorts]


def test_every_list_page_is_listed_here():
    assert set(URLS) == set(LISTS)


@pytest.fixture
def rows(world):
    for support in (90_000_000, 150_000_000):
        make_project(world, state="in_progress", support=support)
    make_project(world, "foreign", state="contracted", support=60_000_000)
    for n in range(2):
        events.fair(world, name=f"Hội chợ {n}")
        events.selection(world, ["own", "foreign"][n], name=f"Bình chọn {n}")
        events.title(world, person_name=f"Nghệ nhân {n}")
        events.training(world, title=f"Tập huấn {n}")


@pytest.mark.parametrize(("name", "key"), CASES)
def test_a_list_sorts_by_each_column_both_ways(client, world, rows, name, key):
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    url = reverse(URLS[name])
    orders = []
    for direction, sort in (("ascending", key), ("descending", f"-{key}")):
        page = client.get(url, {"sort": sort})
        assert page.status_code == 200
        body = page.content.decode()
        if (name, key) not in HEADERLESS:
            assert re.search(rf'aria-sort="{direction}"><a href="[^"]*" data-sort="{key}"', body), (
                name,
                sort,
            )
        orders.append([row.pk for row in page.context["page"]])
    assert orders[0], f"{name} has no row to sort"
    assert sorted(orders[0]) == sorted(orders[1])  # the same rows, in another order


def _value(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part, None)
    return obj


@pytest.mark.parametrize(("name", "key"), CASES)
def test_numbers_and_dates_come_in_order(client, world, rows, name, key):
    """Text follows the database's collation; numbers and dates are checked here, both ways."""
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    for sort, descending in ((key, False), (f"-{key}", True)):
        objects = list(client.get(reverse(URLS[name]), {"sort": sort}).context["page"])
        values = [_value(obj, LISTS[name].sorts[key]) for obj in objects]
        if not values or not all(isinstance(v, (int, dt.date)) for v in values if v is not None):
            continue
        present = [v for v in values if v is not None]
        assert present == sorted(present, reverse=descending), (name, sort, values)


BY_PROVINCE = sorted(
    name
    for name, page in LISTS.items()
    if page.filterset_class
    and any(isinstance(f, ProvinceFilter) for f in page.filterset_class.base_filters.values())
)


def test_the_lists_a_multi_province_user_reads_filter_by_province():
    assert set(BY_PROVINCE) >= {
        "establishments.list",
        "plans.list",
        "projects.list",
        "events.fairs",
        "events.selections",
        "events.titles",
        "events.trainings",
    }


@pytest.mark.parametrize("name", BY_PROVINCE)
def test_the_province_filter_splits_a_list_and_is_offered_to_who_sees_several(client, world, rows, name):
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    url = reverse(URLS[name])
    everything = client.get(url)
    assert not everything.context["form"]["province"].is_hidden
    count = lambda response: response.context["page"].paginator.count  # noqa: E731
    in_khanh_hoa = count(client.get(url, {"province": world.khanh_hoa.pk}))
    in_ha_noi = count(client.get(url, {"province": world.ha_noi.pk}))
    # every row of the fixture is in Khánh Hòa or Hà Nội (or national: a selection without a unit)
    assert in_khanh_hoa + in_ha_noi <= count(everything)
    assert in_khanh_hoa > 0
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    assert client.get(url).context["form"]["province"].is_hidden  # one province: not offered

"""Every list that exports "for editing" (`?export=import`, the import layout filled with its rows):
only for a role that may import its kind — the others get no such export — and with the list's own
scope: a province officer's workbook holds no record of another province."""

import io

import openpyxl
import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.imports import KINDS
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db

LISTS = {
    "establishments:list": "establishments",
    "plans:list": "plans",
    "projects:list": "projects",
    "finance:ledger": "ledger",
    "events:training_list": "trainings",
    "events:title_list": "artisan_titles",
    "events:fair_list": "fairs",
    "events:selection_list": "selections",
}


def test_every_list_with_an_import_kind_is_covered():
    from django.urls import get_resolver

    from khuyencong.core.lists import ListPage

    assert get_resolver().url_patterns  # every app's views, and so their list pages, loaded

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    declared = {page.import_kind for page in subclasses(ListPage) if page.import_kind}
    assert declared == set(LISTS.values())
    assert declared <= set(KINDS)


@pytest.mark.parametrize("url_name", LISTS)
def test_the_export_for_editing_is_for_those_who_may_import(world, client, url_name):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    response = client.get(reverse(url_name), {"export": "import"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert str(KINDS[LISTS[url_name]].title)[:31] in book.sheetnames

    client.force_login(world.user(Role.AUDITOR))
    assert client.get(reverse(url_name), {"export": "import"}).status_code == 404


def test_a_province_officers_workbook_holds_only_their_provinces_projects(world, client):
    own = make_project(world, "own")
    foreign = make_project(world, "foreign")
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    response = client.get(reverse("projects:list"), {"export": "import"})
    content = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    codes = [row[0] for row in book[str(KINDS["projects"].title)].iter_rows(min_row=3, values_only=True)]
    assert own.code in codes
    assert foreign.code not in codes

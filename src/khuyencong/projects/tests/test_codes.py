"""Project codes tell projects apart nationally: "KCĐP-2025-001" used to be the first project of every
province (a ministry search found 32); the code now starts with the province's GSO code, and the
numbering of a series is shared by the agencies of one province code (an old centre and its successor)."""

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from khuyencong.accounts.choices import Role
from khuyencong.projects.models import Project
from khuyencong.projects.services.core import code_prefix
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db

migration = importlib.import_module("khuyencong.projects.migrations.0005_code_unique_nationally")


def test_codes_start_with_the_province_and_number_on(world):
    own, again = make_project(world), make_project(world)
    foreign = make_project(world, "foreign")
    assert (own.code, again.code) == ("56-KCĐP-2025-001", "56-KCĐP-2025-002")
    assert foreign.code == "01-KCĐP-2025-001"
    assert code_prefix(world.agency("bct-cuc-kc")) == "TW"
    assert code_prefix(world.agency("ttkc-58-cu")) == "58"  # old Ninh Thuận's centre kept its code
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=again.pk).update(code=own.code)


def test_the_migration_prefixes_old_codes_and_renumbers_a_clash(world):
    # The old per-agency codes: the same for Khánh Hòa's old and new centres, and for Hà Nội's.
    old, new, ha_noi = (world.agency(code).pk for code in ("ttkc-56-cu", "ttkc-56", "ttkc-01"))
    rows = [
        (1, "KCĐP-2025-001", old),
        (2, "KCĐP-2025-002", old),
        (3, "KCĐP-2025-001", new),
        (4, "KCĐP-2025-001", ha_noi),
        (5, "KCQG-2025-001", new),
    ]
    prefixes = {old: "56", new: "56", ha_noi: "01"}
    assert migration.new_codes(rows, prefixes) == {
        1: "56-KCĐP-2025-001",
        2: "56-KCĐP-2025-002",
        3: "56-KCĐP-2025-003",  # the later project of the clash takes the next free number
        4: "01-KCĐP-2025-001",
        5: "56-KCQG-2025-001",
    }
    # and on the database, through the migration itself
    project = make_project(world)
    Project.objects.filter(pk=project.pk).update(code="KCĐP-2025-009")
    migration.prefix_codes(apps, None)
    assert Project.objects.get(pk=project.pk).code == "56-KCĐP-2025-009"


def test_searching_a_whole_code_as_the_ministry_finds_one_project(client, world):
    own = make_project(world)
    make_project(world, "foreign")
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    page = client.get("/de-an/", {"q": own.code})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 1

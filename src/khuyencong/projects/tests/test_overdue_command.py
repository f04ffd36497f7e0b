from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from khuyencong.accounts.choices import Role
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db


def test_overdue_lists_late_settlement_dossiers_within_the_users_jurisdiction(world):
    own = make_project(world, state="accepted")  # accepted 30/09/2025: the dossier was due 15/10/2025
    foreign = make_project(world, "foreign", state="accepted")
    out, err = StringIO(), StringIO()
    call_command("overdue", "--on", "2025-11-01", stdout=out, stderr=err)
    assert f"\t{own.title}\n" in out.getvalue()
    assert f"\t{foreign.title}\n" in out.getvalue()
    assert "15/10/2025" in out.getvalue()
    scoped = StringIO()
    call_command(
        "overdue",
        "--on",
        "2025-11-01",
        "--user",
        world.user(Role.PROVINCE_OFFICER).username,
        stdout=scoped,
        stderr=err,
    )
    assert f"\t{own.title}\n" in scoped.getvalue()
    assert f"\t{foreign.title}\n" not in scoped.getvalue()
    nothing = StringIO()
    call_command("overdue", "--on", "2025-10-10", stdout=nothing, stderr=err)
    assert f"\t{own.title}\n" not in nothing.getvalue()
    with pytest.raises(CommandError):
        call_command("overdue", "--user", "nobody")

"""The home page costs what it shows: its number of queries does not grow with the projects, the
overdue deadlines or the provinces in the user's jurisdiction, and the overdue it lists are the oldest
of those the overdue page lists, with their number."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khuyencong.accounts.choices import Role
from khuyencong.projects.choices import ProjectState as S
from khuyencong.projects.selectors import overdue_items
from khuyencong.testing.projects import YEAR, make_project

pytestmark = pytest.mark.django_db

ON = dt.date(YEAR + 1, 1, 26)  # settlement, liquidation and progress deadlines have all passed
ROLES = (Role.MINISTRY_OFFICER, Role.PROVINCE_OFFICER, Role.PROVINCE_APPROVER, Role.REGION_VIEWER)


@pytest.fixture
def today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: ON)
    return ON


def _home(client, user) -> tuple[int, str]:
    client.force_login(user)
    client.get("/")  # sessions, caches of the first request
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _overdue_shown(page: str) -> tuple[int, int]:
    """The badge's count and the rows of the home page's overdue card."""
    card = page[page.index('data-testid="home-overdue"') :]
    card = card[: card.index("</table>")] if "</table>" in card else card[:2000]
    badge = re.search(r'badge text-bg-danger">([\d.]+)<', card)
    return (int(badge.group(1).replace(".", "")) if badge else 0), card.count("<tr") - 1


def test_the_home_page_runs_as_many_queries_for_many_projects_as_for_a_few(world, client, today):
    for state in (S.ACCEPTED, S.IN_PROGRESS, S.LIQUIDATED):
        make_project(world, state=state)
    make_project(world, "foreign", state=S.ACCEPTED)
    before = {role: _home(client, world.user(role))[0] for role in ROLES}
    for state in (S.ACCEPTED, S.ACCEPTED, S.IN_PROGRESS, S.IN_PROGRESS, S.LIQUIDATED, S.CONTRACTED) * 2:
        make_project(world, state=state)
    for state in (S.ACCEPTED, S.IN_PROGRESS, S.LIQUIDATED):
        make_project(world, "foreign", state=state)
    for role in ROLES:
        queries, page = _home(client, world.user(role))
        assert queries == before[role], role
        items = overdue_items(world.user(role), on=today)
        count, rows = _overdue_shown(page)
        assert count == len(items), role
        assert rows == min(len(items), 10), role
    assert len(overdue_items(world.user(Role.MINISTRY_OFFICER), on=today)) > 10


def test_an_establishment_representative_is_offered_only_what_concerns_them(client, world):
    from django.urls import reverse

    hidden = [reverse(n) for n in ("plans:list", "finance:ledger", "reporting:report", "accounts:token_list")]
    client.force_login(world.user(Role.ESTABLISHMENT_REP))
    body = client.get(reverse("ui:home")).content.decode()
    for url in hidden:
        assert f'href="{url}"' not in body, url
    for url in (reverse("projects:list"), reverse("establishments:list"), reverse("events:home")):
        assert f'href="{url}"' in body, url
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    body = client.get(reverse("ui:home")).content.decode()
    for url in hidden:
        assert f'href="{url}"' in body, url


def test_the_province_approver_starts_with_what_waits_for_them(client, world):
    """Anh Minh's home: the plan just submitted and the appraised project, each counted, each a click
    from the list that holds it; the ministry does not see the province's KCĐP work as its own."""
    from django.urls import reverse

    from khuyencong.catalog.models import Activity
    from khuyencong.plans.services import plan_create, plan_line_add, plan_submit
    from khuyencong.testing.projects import make_project

    officer = world.user(Role.PROVINCE_OFFICER)
    plan = plan_create(actor=officer, agency=world.agency("ttkc-56"), year=2026, source="kcdp")
    plan_line_add(actor=officer, plan=plan, activity=Activity.objects.get(code="dao-tao-nghe"), amount=10**9)
    plan.refresh_from_db()
    plan_submit(actor=officer, plan=plan, version=plan.version)
    project = make_project(world, state="appraised")

    client.force_login(world.user(Role.PROVINCE_APPROVER))
    page = client.get(reverse("ui:home"))
    queue = {item["key"]: item for item in page.context["queue"]}
    assert queue["plans"]["count"] == 1
    assert queue["projects"]["count"] == 1
    assert 'data-testid="work-queue"' in page.content.decode()
    listed = client.get(queue["projects"]["url"])
    assert list(listed.context["page"]) == [project]
    plans = client.get(queue["plans"]["url"])
    assert list(plans.context["page"]) == [plan]

    client.force_login(world.user(Role.MINISTRY_OFFICER))
    ministry = {item["key"] for item in client.get(reverse("ui:home")).context["queue"]}
    assert not {"plans", "projects"} & ministry
    client.force_login(officer)
    assert client.get(reverse("ui:home")).context["queue"] == []

"""Every registered door × every role × own/foreign, and anonymously. See khuyencong.testing.access.

A door's target (a project in some state, a plan, a submission…) takes many service calls to build, and
the same target serves every role: `DoorTargets` builds it once per door and own/foreign, in a
transaction that the tests of all roles share — each test runs in its own savepoint inside it, so what
one role's request writes is gone before the next — and rolls it back when the next door starts. A
door whose path looks at the user (its own token, a report scope of its own) is built for each role."""

import json
import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.models import AuditEntry
from khuyencong.testing import world as world_module
from khuyencong.testing.access import DOORS, EXEMPT, load_all
from khuyencong.testing.forms import fields_shown_twice, internal_codes
from khuyencong.testing.shared import SharedTransaction
from khuyencong.testing.world import NATION_ROLES

load_all()


class DoorTargets:
    """The URL of one door's target, built once per group of tests in a shared, rolled-back transaction."""

    def __init__(self, blocker):
        self.rows = SharedTransaction(blocker)
        self.key = None
        self.url = ""

    def url_for(self, key, build) -> str:
        if key != self.key or not self.rows.is_open:
            self.key = None
            self.url = self.rows.open(build)
            self.key = key
        return self.url

    def close(self) -> None:
        self.rows.close()
        self.key = None


@pytest.fixture(scope="module")
def door_targets(django_db_setup, django_db_blocker):
    targets = DoorTargets(django_db_blocker)
    yield targets
    targets.close()


@pytest.fixture(autouse=True)
def _no_shared_target_left_open(request, door_targets):
    """A test that builds its own data does not run inside the last door's transaction."""
    if "door_url" not in request.fixturenames:
        door_targets.close()


@pytest.fixture
def door_url(request, door_targets):
    """The test's URL, built before the test's own transaction opens (so inside the shared one)."""
    params = request.node.callspec.params
    d, target = params["d"], params.get("target", "own")
    role = params.get("role", Role.PROVINCE_OFFICER)
    w = world_module.World()
    key = (request.function.__name__, d.id, target, role if d.path_reads_user else None)
    return door_targets.url_for(key, lambda: d.path(w, target, w.user(role)))


def _request(d, w, user) -> dict:
    """The request's body (building it may write: a payload naming a new record)."""
    if d.data is None:
        return {}
    payload = d.data(w, user)
    if d.kind == "api":
        return {"data": json.dumps(payload), "content_type": "application/json"}
    return {"data": payload}


# Grouped by door and target, so that one build serves every role (and, under pytest-xdist, one
# worker runs the group).
CASES = [
    pytest.param(
        d,
        role,
        target,
        id=f"{d.id}-{role.value}-{target}",
        marks=pytest.mark.xdist_group(f"{d.id}-{target}"),
    )
    for d in DOORS
    for target in (("own", "foreign") if (d.scoped or d.per_user) else ("own",))
    for role in Role
]


@pytest.mark.parametrize(("d", "role", "target"), CASES)
def test_door_for_role(door_url, client, world, d, role, target):
    user = world.user(role)
    client.force_login(user)
    url = door_url
    body = _request(d, world, user)
    audited = AuditEntry.objects.count()
    response = getattr(client, d.method)(url, **body)

    sees_foreign = role in NATION_ROLES and not d.per_user
    if role not in d.roles:
        # Out of jurisdiction stays "not found" whatever the role; in it, a role that may not act gets 403.
        expected = 403 if target == "own" or sees_foreign else 404
        assert response.status_code == expected, f"{url} as {role} ({target}): {response.status_code}"
        if d.method != "get":
            assert AuditEntry.objects.count() == audited, f"{url} as {role}: refused, yet audited"
        return
    body = (b"".join(response.streaming_content) if response.streaming else response.content).decode(
        errors="replace"
    )
    if d.is_list:
        assert response.status_code == d.ok, f"{url} as {role} ({target}): {response.status_code}"
        if target == "own" and d.own_marker:
            assert d.own_marker(world, user) in body, f"{url} as {role} lacks its own record"
        if target == "foreign" and d.foreign_marker:
            marker = d.foreign_marker(world, user)
            if sees_foreign:
                assert marker in body, f"{url} as nation-wide {role} lacks the foreign record"
            else:
                assert marker not in body, f"{url} as {role} leaks the foreign record"
    elif target == "own" or sees_foreign:
        assert response.status_code == d.ok, f"{url} as {role} ({target}): {response.status_code}"
        if d.own_marker:
            assert d.own_marker(world, user) in body
    else:
        assert response.status_code == 404, f"{url} as {role} (foreign): {response.status_code}, expected 404"
        if d.kind == "api":
            assert response.json()["code"] == "not_found"
    if d.kind == "page" and response.get("Content-Type", "").startswith("text/html"):
        assert not fields_shown_twice(body), f"{url} as {role}: a form shows {fields_shown_twice(body)} twice"
        assert not internal_codes(body), f"{url} as {role} shows codes: {internal_codes(body)}"


@pytest.mark.parametrize("d", DOORS, ids=lambda d: d.id)
def test_door_anonymous(door_url, client, world, d):
    url = door_url
    audited = AuditEntry.objects.count()
    response = getattr(client, d.method)(url)
    assert AuditEntry.objects.count() == audited
    if d.kind == "api":
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(
            settings.LOGIN_URL if "/" in settings.LOGIN_URL else "/dang-nhap/"
        )


def _url_names(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _url_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}"


# The admin site's own pages that every visitor reaches by design.
ADMIN_EXEMPT = {
    "admin:login": "the admin's login page is public by design; it accepts system administrators only",
    "admin:logout": "POST-only sign-out of the signed-in user",
    "admin:None": "the admin's unnamed catch-all for unknown paths, behind the same login (tested below)",
}


def _admin_urls():
    """Every admin URL, with a placeholder for each argument (no object needs to exist: the site refuses
    a user who may not use it before it looks anything up)."""
    admin = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "admin")

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                route = prefix + str(p.pattern)
                for arg in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)", route):
                    name = arg[0] or arg[1]
                    route = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", _placeholder(name), route)
                route = re.sub(r"\([^)]*\)", "1", route)  # unnamed groups (simple_history's)
                yield f"admin:{p.name}", "/" + route.replace("^", "").replace("$", "")

    return sorted(set(walk(admin.url_patterns, str(admin.pattern))))


def _placeholder(name: str) -> str:
    return "accounts" if name == "app_label" else "1"


def test_the_admin_site_is_for_system_administrators_only(client, world):
    """Every admin URL: anonymous visitors and every role but the system administrator are sent to the
    admin's login page, whatever the page; the system administrator reaches the index and the lists."""
    urls = [(name, url) for name, url in _admin_urls() if name not in ADMIN_EXEMPT]
    assert len(urls) > 60, urls  # the registered models' lists, forms and histories
    urls.append(("catch-all", reverse("admin:index") + "khong-co/trang-nay/"))
    for role in [None, *(r for r in Role if r != Role.SYSTEM_ADMIN)]:
        client.logout()
        # anonymous visitors meet a login (the site's or the admin's), signed-in users the admin's
        login = (
            (reverse(settings.LOGIN_URL), reverse("admin:login")) if role is None else reverse("admin:login")
        )
        if role is not None:
            client.force_login(world.user(role))
        for name, url in urls:
            response = client.get(url)
            assert response.status_code == 302, (role, name, url, response.status_code)
            assert response["Location"].startswith(login), (role, name, url, response["Location"])
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    for name, url in urls:
        if name == "admin:index" or name.endswith("_changelist"):
            assert client.get(url).status_code == 200, (name, url)


def test_every_url_has_a_door_or_an_exemption():
    """Meta-test: a new page or endpoint must be registered in the harness (or exempted with a reason);
    admin URLs are covered by the test above."""
    covered = {d.url_name for d in DOORS} | set(EXEMPT) | set(ADMIN_EXEMPT) | {n for n, _ in _admin_urls()}
    missing = sorted(name for name in set(_url_names(get_resolver().url_patterns)) if name not in covered)
    assert not missing, f"URLs without an access test (register them in <app>/tests/doors.py): {missing}"

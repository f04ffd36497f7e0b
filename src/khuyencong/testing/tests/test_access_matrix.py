"""Every registered door × every role × own/foreign, and anonymously. See khuyencong.testing.access."""

import json
import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from khuyencong.accounts.choices import Role
from khuyencong.testing.access import DOORS, EXEMPT, load_all
from khuyencong.testing.world import NATION_ROLES

load_all()


def _call(client, d, url, w, user):
    kwargs = {}
    if d.data is not None:
        payload = d.data(w, user)
        if d.kind == "api":
            kwargs = {"data": json.dumps(payload), "content_type": "application/json"}
        else:
            kwargs = {"data": payload}
    return getattr(client, d.method)(url, **kwargs)


CASES = [
    pytest.param(d, role, target, id=f"{d.id}-{role.value}-{target}")
    for d in DOORS
    for role in Role
    for target in (("own", "foreign") if (d.scoped or d.per_user) else ("own",))
]


@pytest.mark.parametrize(("d", "role", "target"), CASES)
def test_door_for_role(client, world, d, role, target):
    user = world.user(role)
    client.force_login(user)
    url = d.path(world, target, user)
    response = _call(client, d, url, world, user)

    sees_foreign = role in NATION_ROLES and not d.per_user
    if role not in d.roles:
        # Out of jurisdiction stays "not found" whatever the role; in it, a role that may not act gets 403.
        expected = 403 if target == "own" or sees_foreign else 404
        assert response.status_code == expected, f"{url} as {role} ({target}): {response.status_code}"
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


@pytest.mark.parametrize("d", DOORS, ids=lambda d: d.id)
def test_door_anonymous(client, world, d):
    url = d.path(world, "own", world.user(Role.PROVINCE_OFFICER))
    response = getattr(client, d.method)(url)
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

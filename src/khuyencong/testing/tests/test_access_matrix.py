"""Every registered door × every role × own/foreign, and anonymously. See khuyencong.testing.access."""

import json

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

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


def test_every_url_has_a_door_or_an_exemption():
    """Meta-test: a new page or endpoint must be registered in the harness (or exempted with a reason)."""
    covered = {d.url_name for d in DOORS} | set(EXEMPT)
    missing = sorted(
        name
        for name in set(_url_names(get_resolver().url_patterns))
        if not name.startswith("admin:") and name not in covered
    )
    assert not missing, f"URLs without an access test (register them in <app>/tests/doors.py): {missing}"

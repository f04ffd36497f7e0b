"""API tokens change only through the audited services; the admin shows them and can only revoke."""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.accounts.models import ApiToken
from khuyencong.accounts.services import api_token_admin_revoke, api_token_create, api_token_revoke
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import NotInJurisdiction, PermissionDenied


def _revoked_token(world) -> ApiToken:
    owner = world.user(Role.PROVINCE_OFFICER)
    token, _raw = api_token_create(actor=owner, name="Excel")
    return api_token_revoke(actor=owner, token_id=token.pk)


def test_create_is_audited_without_the_secret(world):
    owner = world.user(Role.PROVINCE_OFFICER)
    token, raw = api_token_create(actor=owner, name="  Excel  ")
    entry = audit_for(token).get()
    assert entry.action == "api_token.create"
    assert entry.actor == owner
    assert entry.before is None
    assert entry.after == {
        "user": owner.username,
        "name": "Excel",
        "prefix": raw[:10],
        "expires_at": None,
        "revoked_at": None,
    }
    assert token.key_hash not in str(entry.after)
    assert raw not in str(entry.after)


def test_revoke_writes_before_and_after(world):
    owner = world.user(Role.PROVINCE_OFFICER)
    token, _raw = api_token_create(actor=owner, name="Excel")
    api_token_revoke(actor=owner, token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = audit_for(token).get(action="api_token.revoke")
    assert entry.actor == owner
    assert entry.before["revoked_at"] is None
    assert entry.after["revoked_at"] == token.revoked_at.isoformat()
    assert {k: v for k, v in entry.before.items() if k != "revoked_at"} == {
        k: v for k, v in entry.after.items() if k != "revoked_at"
    }
    # Revoking again changes nothing and records nothing.
    api_token_revoke(actor=owner, token_id=token.pk)
    assert audit_for(token).filter(action="api_token.revoke").count() == 1


def test_owner_revokes_only_own_tokens(world):
    token, _raw = api_token_create(actor=world.user(Role.PROVINCE_OFFICER), name="Excel")
    with pytest.raises(NotInJurisdiction):
        api_token_revoke(actor=world.user(Role.SYSTEM_ADMIN), token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_admin_revoke_service_is_for_system_administrators(world):
    owner = world.user(Role.PROVINCE_OFFICER)
    token, _raw = api_token_create(actor=owner, name="Excel")
    with pytest.raises(PermissionDenied):
        api_token_admin_revoke(actor=world.user(Role.MINISTRY_OFFICER), token_ids=[token.pk])
    admin = world.user(Role.SYSTEM_ADMIN)
    assert api_token_admin_revoke(actor=admin, token_ids=[token.pk], reason="lộ token") == 1
    assert api_token_admin_revoke(actor=admin, token_ids=[token.pk]) == 0
    entry = audit_for(token).get(action="api_token.revoke")
    assert entry.actor == admin
    assert entry.reason == "lộ token"
    assert entry.before["user"] == owner.username


def test_admin_change_post_cannot_clear_revoked_at(client, world):
    token = _revoked_token(world)
    revoked_at = token.revoked_at
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    url = reverse("admin:accounts_apitoken_change", args=[token.pk])
    page = client.get(url)
    assert page.status_code == 200  # shown, read-only
    assert 'name="revoked_at' not in page.content.decode()
    response = client.post(
        url,
        {
            "user": token.user_id,
            "name": "renamed",
            "prefix": "kc_forged",
            "key_hash": "0" * 64,
            "expires_at_0": "",
            "expires_at_1": "",
            "revoked_at_0": "",
            "revoked_at_1": "",
            "_save": "Save",
        },
    )
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
    assert token.name == "Excel"
    assert token.key_hash != "0" * 64
    assert not audit_for(token).exclude(action__in=["api_token.create", "api_token.revoke"]).exists()


def test_admin_cannot_add_or_delete_tokens(client, world):
    token = _revoked_token(world)
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    assert (
        client.post(reverse("admin:accounts_apitoken_delete", args=[token.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_admin_revoke_action_is_audited(client, world):
    owner = world.user(Role.PROVINCE_OFFICER)
    active, _raw = api_token_create(actor=owner, name="Excel")
    revoked = _revoked_token(world)
    admin = world.user(Role.SYSTEM_ADMIN)
    client.force_login(admin)
    changelist = reverse("admin:accounts_apitoken_changelist")
    page = client.get(changelist).content.decode()
    assert 'value="revoke"' in page
    assert 'value="delete_selected"' not in page
    response = client.post(
        changelist,
        {"action": "revoke", "_selected_action": [active.pk, revoked.pk], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    active.refresh_from_db()
    assert active.revoked_at is not None
    entry = audit_for(active).get(action="api_token.revoke")
    assert entry.actor == admin
    assert entry.before["revoked_at"] is None
    assert entry.after["revoked_at"] == active.revoked_at.isoformat()
    # The token already revoked by its owner keeps its one revocation record.
    assert audit_for(revoked).filter(action="api_token.revoke").count() == 1

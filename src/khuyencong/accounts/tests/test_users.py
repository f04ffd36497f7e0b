"""Users, roles and the admin site."""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.accounts.services import user_create, user_set_roles
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import PermissionDenied, ValidationFailed


def test_only_system_administrators_manage_users(world):
    with pytest.raises(PermissionDenied):
        user_create(
            actor=world.user(Role.PROVINCE_APPROVER), username="x", password=None, agency=None, roles=[]
        )
    user = user_create(
        actor=world.user(Role.SYSTEM_ADMIN),
        username="can.bo.moi",
        password=None,
        agency=world.agency("ttkc-56"),
        roles=[Role.PROVINCE_OFFICER],
        full_name="Cán bộ mới",
    )
    assert not user.has_usable_password()
    assert user.role_set == {Role.PROVINCE_OFFICER}
    assert audit_for(user).get().action == "user.create"


def test_duplicate_username_is_refused(world):
    with pytest.raises(ValidationFailed) as error:
        user_create(
            actor=world.user(Role.SYSTEM_ADMIN),
            username=world.user(Role.AUDITOR).username,
            password=None,
            agency=None,
            roles=[],
        )
    assert error.value.code == "username_taken"


def test_changing_roles_is_audited_and_controls_admin_access(world):
    admin = world.user(Role.SYSTEM_ADMIN)
    officer = world.user(Role.PROVINCE_OFFICER)
    assert not officer.is_staff
    user_set_roles(
        actor=admin, user=officer, roles=[Role.PROVINCE_OFFICER, Role.SYSTEM_ADMIN], reason="tạm thời"
    )
    officer.refresh_from_db()
    assert officer.is_staff
    entry = audit_for(officer).get(action="user.roles")
    assert entry.before == {"roles": ["province_officer"]}
    assert entry.after == {"roles": ["province_officer", "system_admin"]}
    assert entry.reason == "tạm thời"
    assert entry.actor == admin
    user_set_roles(actor=admin, user=officer, roles=[Role.PROVINCE_OFFICER])
    officer.refresh_from_db()
    assert not officer.is_staff


def test_admin_site_is_for_system_administrators(client, world):
    url = reverse("admin:geo_regionmembership_changelist")
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:geo_administrativeunit_changelist") + "?q=khanh hoa").status_code == 200
    for role in (Role.PROVINCE_OFFICER, Role.MINISTRY_OFFICER, Role.AUDITOR):
        client.force_login(world.user(role))
        response = client.get(url)
        assert response.status_code == 302, role
        assert "/login/" in response["Location"]


def test_admin_edit_of_a_membership_becomes_manual(client, world):
    from khuyencong.geo.models import RegionMembership

    membership = RegionMembership.objects.get(province=world.khanh_hoa, year_from=2025)
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    response = client.post(
        reverse("admin:geo_regionmembership_change", args=[membership.pk]),
        {
            "region": membership.region_id,
            "province": membership.province_id,
            "year_from": 2025,
            "year_to": 2026,
            "basis": membership.basis,
            "note": "Điều chỉnh theo quyết định của Bộ",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.basis == RegionMembership.Basis.MANUAL
    assert membership.year_to == 2026
    assert membership.history.count() == 2  # created by the loader, changed here

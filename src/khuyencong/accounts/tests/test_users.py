"""Users, roles and the admin site."""

import re

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


def test_a_change_in_the_admin_site_goes_through_the_services_and_is_audited(client, world):
    """Roles changed on the admin's user page are saved by `user_set_roles` (audited, is_staff kept in
    step); the other fields' changes are audited before and after; users cannot be deleted there."""
    admin_user = world.user(Role.SYSTEM_ADMIN)
    officer = world.user(Role.PROVINCE_OFFICER)
    name = officer.full_name
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[officer.pk])
    page = client.get(url).content.decode()
    boxes = dict(re.findall(r'<input type="checkbox" name="roles" value="(\w+)"([^>]*)>', page))
    assert set(boxes) == {str(r) for r in Role}
    assert [role for role, rest in boxes.items() if "checked" in rest] == ["province_officer"]
    response = client.post(
        url,
        {
            "username": officer.username,
            "full_name": "Cán bộ đã đổi tên",
            "email": officer.email,
            "phone": "",
            "agency": officer.agency_id,
            "roles": ["province_officer", "system_admin"],
            "is_active": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    officer.refresh_from_db()
    assert officer.role_set == {Role.PROVINCE_OFFICER, Role.SYSTEM_ADMIN}
    assert officer.is_staff
    assert not officer.is_active
    roles = audit_for(officer).get(action="user.roles")
    assert (roles.before, roles.after, roles.actor) == (
        {"roles": ["province_officer"]},
        {"roles": ["province_officer", "system_admin"]},
        admin_user,
    )
    change = audit_for(officer).get(action="user.admin_change")
    assert change.before == {"full_name": name, "is_active": True}
    assert change.after == {"full_name": "Cán bộ đã đổi tên", "is_active": False}
    assert (
        client.post(reverse("admin:accounts_user_delete", args=[officer.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert type(officer).objects.filter(pk=officer.pk).exists()


def test_a_user_added_in_the_admin_site_is_audited(client, world):
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "can.bo.them",
            "full_name": "Cán bộ thêm",
            "agency": world.agency("ttkc-56").pk,
            "password1": "mat-khau-du-dai-2026",
            "password2": "mat-khau-du-dai-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    from khuyencong.accounts.models import User

    user = User.objects.get(username="can.bo.them")
    created = audit_for(user).get(action="user.create")
    assert created.after["agency"] == "ttkc-56"
    assert created.after["roles"] == []
    assert "password" not in str(created.after)

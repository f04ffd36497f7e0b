"""The jurisdiction rules, beyond the per-door matrix: the 2025 reform, regions, roles and inactive users."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.accounts.jurisdiction import Action, allows, can, get_in_scope, restrict, scope_of
from khuyencong.core.errors import NotInJurisdiction, PermissionDenied
from khuyencong.geo.models import AdministrativeUnit


def visible(user):
    return restrict(AdministrativeUnit.objects.all(), user)


def test_khanh_hoa_officer_sees_khanh_hoa_and_legacy_ninh_thuan_but_not_da_nang(world, client):
    officer = world.user(Role.PROVINCE_OFFICER)
    units = visible(officer)
    assert world.khanh_hoa in units
    assert world.ninh_thuan in units
    assert (
        units.filter(province=world.ninh_thuan).count()
        == AdministrativeUnit.objects.filter(province=world.ninh_thuan).count()
    )
    assert world.da_nang not in units
    assert world.quang_nam not in units
    assert not units.filter(current_province=world.da_nang).exists()

    client.force_login(officer)
    assert client.get(reverse("accounts:unit_detail", args=[world.ninh_thuan.pk])).status_code == 200
    assert client.get(reverse("accounts:unit_detail", args=[world.da_nang.pk])).status_code == 404
    assert client.get(reverse("accounts:unit_detail", args=[world.da_nang_commune.pk])).status_code == 404
    response = client.get(reverse("api:unit_detail", args=[world.quang_nam.pk]))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_anonymous_is_redirected_and_api_answers_401(world, client):
    response = client.get(reverse("accounts:unit_detail", args=[world.khanh_hoa.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    response = client.get(reverse("api:unit_detail", args=[world.khanh_hoa.pk]))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_region_viewer_sees_the_region_across_the_reform(world):
    viewer = world.user(Role.REGION_VIEWER)
    units = visible(viewer)
    assert {world.khanh_hoa, world.da_nang, world.ninh_thuan, world.quang_nam} <= set(units)
    assert world.ha_noi not in units
    assert scope_of(viewer).provinces == {world.khanh_hoa.pk, world.da_nang.pk}


def test_commune_officer_sees_only_the_commune_and_its_predecessors(world):
    officer = world.user(Role.COMMUNE_OFFICER)
    units = set(visible(officer))
    assert world.phan_rang in units
    assert world.phan_rang_predecessor in units
    assert world.khanh_hoa not in units
    assert all(u == world.phan_rang or u.successor_id == world.phan_rang.pk for u in units)


def test_nation_roles_see_everything(world):
    for role in (Role.MINISTRY_OFFICER, Role.SYSTEM_ADMIN):
        assert visible(world.user(role)).count() == AdministrativeUnit.objects.count()


def test_read_only_roles_may_not_change(world):
    for role in (Role.AUDITOR, Role.REGION_VIEWER, Role.ESTABLISHMENT_REP):
        user = world.user(role)
        assert allows(user, Action.VIEW)
        assert not allows(user, Action.CHANGE)
        assert restrict(AdministrativeUnit.objects.all(), user, Action.CHANGE).count() == 0
        with pytest.raises(PermissionDenied):
            get_in_scope(AdministrativeUnit.objects.all(), user, Action.CHANGE, pk=world.phan_rang.pk)
    assert allows(world.user(Role.PROVINCE_APPROVER), Action.APPROVE)
    assert not allows(world.user(Role.PROVINCE_OFFICER), Action.APPROVE)


def test_out_of_scope_is_not_found_even_for_change(world):
    officer = world.user(Role.PROVINCE_OFFICER)
    with pytest.raises(NotInJurisdiction):
        get_in_scope(AdministrativeUnit.objects.all(), officer, Action.CHANGE, pk=world.da_nang.pk)
    allowed, reason = can(officer, Action.VIEW, world.da_nang)
    assert not allowed
    assert reason


def test_inactive_and_anonymous_users_have_no_scope(world):
    officer = world.user(Role.PROVINCE_OFFICER)
    officer.is_active = False
    assert scope_of(officer).empty
    assert visible(officer).count() == 0
    assert scope_of(AnonymousUser()).empty
    assert visible(AnonymousUser()).count() == 0


def test_user_without_agency_sees_nothing(world, django_user_model):
    user = django_user_model.objects.create(username="lost")
    assert visible(user).count() == 0


def test_agencies_visible_include_the_chain_above(world):
    from khuyencong.accounts.selectors import agencies_visible

    officer = world.user(Role.PROVINCE_OFFICER)  # Trung tâm Khuyến công Khánh Hòa, under the Sở
    codes = set(agencies_visible(officer).values_list("code", flat=True))
    assert {"ttkc-56", "sct-56", "ubnd-phan-rang"} <= codes
    assert "sct-48" not in codes
    assert "sct-01" not in codes

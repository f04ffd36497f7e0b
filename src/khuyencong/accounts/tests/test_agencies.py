import datetime as dt

from django.utils import translation

from khuyencong.accounts.choices import AgencyKind
from khuyencong.accounts.models import Agency
from khuyencong.accounts.services import agencies_load
from khuyencong.geo.models import AdministrativeUnit


def test_one_department_and_one_centre_per_current_province(world):
    provinces = AdministrativeUnit.objects.current().provinces()
    for province in provinces:
        department = Agency.objects.get(kind=AgencyKind.PROVINCE_DEPARTMENT, jurisdiction_unit=province)
        centre = Agency.objects.get(kind=AgencyKind.PROVINCE_CENTRE, jurisdiction_unit=province)
        assert centre.parent == department
    assert Agency.objects.get(code="sct-56").name == "Sở Công Thương tỉnh Khánh Hòa"


def test_ministry_names_over_time(world):
    ministry = Agency.objects.get(code="bct-cuc-kc")
    assert ministry.name_on(dt.date(2016, 5, 1)) == "Cục Công nghiệp địa phương"
    assert ministry.name_on(dt.date(2022, 8, 1)) == "Cục Công Thương địa phương"
    assert ministry.name_on(dt.date(2025, 2, 28)) == "Cục Công Thương địa phương"
    assert ministry.name_on(dt.date(2025, 3, 1)) == "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công"
    assert ministry.name == "Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công"


def test_agencies_load_is_idempotent_and_keeps_edited_names(world):
    agency = Agency.objects.get(code="ttkc-56")
    agency.name = "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Khánh Hòa"
    agency.save()
    count = Agency.objects.count()
    report = agencies_load()
    assert not report.changed
    assert Agency.objects.count() == count
    agency.refresh_from_db()
    assert agency.name == "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Khánh Hòa"


@translation.override("vi")
def test_the_old_provinces_agencies_end_with_the_reform_and_name_their_successors(world):
    old_provinces = AdministrativeUnit.objects.legacy().provinces()
    assert old_provinces.count() == 5  # the test world: 56, 58 → Khánh Hòa; 48, 49 → Đà Nẵng; 01 → Hà Nội
    for province in old_provinces:
        department = Agency.objects.get(code=f"sct-{province.code}-cu")
        centre = Agency.objects.get(code=f"ttkc-{province.code}-cu")
        assert department.jurisdiction_unit == centre.jurisdiction_unit == province
        assert centre.parent == department
        assert department.valid_to == centre.valid_to == dt.date(2025, 6, 30)
        assert department.successor == Agency.objects.get(code=f"sct-{province.current_province.code}")
        assert centre.successor == Agency.objects.get(code=f"ttkc-{province.current_province.code}")
        assert not department.in_force_during(2026)
        assert department.in_force_during(2025)
        assert department.names.get().valid_to == dt.date(2025, 6, 30)
    ninh_thuan = Agency.objects.get(code="ttkc-58-cu")
    assert str(ninh_thuan) == "Trung tâm Khuyến công tỉnh Ninh Thuận (đến 30/06/2025)"
    assert set(Agency.objects.get(code="ttkc-56").predecessors.values_list("code", flat=True)) == {
        "ttkc-56-cu",
        "ttkc-58-cu",
    }
    today = Agency.objects.get(code="ttkc-56")
    assert str(today) == today.name
    assert today.in_force_during(2025)
    assert not today.in_force_during(2024)


def test_agencies_load_links_successors_it_finds_missing(world):
    Agency.objects.filter(code="sct-58-cu").update(successor=None)
    report = agencies_load()
    assert report.updated["agencies"] == 1
    assert Agency.objects.get(code="sct-58-cu").successor.code == "sct-56"


def test_the_api_gives_each_agency_its_validity_and_successor(client, world):
    from django.urls import reverse

    from khuyencong.accounts.choices import Role

    client.force_login(world.user(Role.PROVINCE_OFFICER))
    url = reverse("api:agency_list") + "?kind=province_centre&limit=100"
    rows = {a["code"]: a for a in client.get(url).json()["items"]}
    assert {"ttkc-56", "ttkc-56-cu", "ttkc-58-cu"} <= set(rows)
    assert rows["ttkc-58-cu"]["valid_to"] == "2025-06-30"
    assert rows["ttkc-58-cu"]["successor_id"] == rows["ttkc-56"]["id"]
    assert rows["ttkc-56"]["successor_id"] is None
    then = {a["code"] for a in client.get(url + "&on=2024-06-01").json()["items"]}
    now = {a["code"] for a in client.get(url + "&on=2026-06-01").json()["items"]}
    assert "ttkc-58-cu" in then
    assert "ttkc-56" not in then
    assert "ttkc-56" in now
    assert "ttkc-58-cu" not in now


def test_an_old_agencys_page_links_to_its_successor(client, world):
    from django.urls import reverse

    from khuyencong.accounts.choices import Role

    client.force_login(world.user(Role.PROVINCE_OFFICER))
    old = Agency.objects.get(code="ttkc-58-cu")
    page = client.get(reverse("accounts:agency_detail", args=[old.pk])).content.decode()
    assert "30/06/2025" in page
    assert reverse("accounts:agency_detail", args=[old.successor.pk]) in page

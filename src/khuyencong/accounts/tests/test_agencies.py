import datetime as dt

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

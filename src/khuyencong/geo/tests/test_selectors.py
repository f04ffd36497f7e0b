import datetime as dt

from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import containment_q, current_unit, units_within


def test_current_province_contains_legacy_units(world):
    units = units_within(world.khanh_hoa)
    assert world.ninh_thuan in units
    assert world.phan_rang in units
    assert world.phan_rang_predecessor in units
    assert world.da_nang not in units
    assert not units.filter(current_province=world.da_nang).exists()


def test_units_within_on_a_date(world):
    before = units_within(world.khanh_hoa, on=dt.date(2023, 5, 1), level=Level.PROVINCE)
    assert {u.code for u in before} == {"56", "58"}  # legacy Khánh Hòa and Ninh Thuận
    after = units_within(world.khanh_hoa, on=dt.date(2025, 7, 1), level=Level.PROVINCE)
    assert list(after) == [world.khanh_hoa]


def test_legacy_district_contains_its_communes(world):
    district = world.phan_rang_predecessor.parent
    assert district.level == Level.DISTRICT
    within = units_within(district)
    assert world.phan_rang_predecessor in within
    assert within.filter(level=Level.COMMUNE).count() == district.children.count()


def test_current_commune_contains_its_predecessors(world):
    within = AdministrativeUnit.objects.filter(containment_q(world.phan_rang))
    assert world.phan_rang_predecessor in within
    assert all(u.successor_id == world.phan_rang.pk for u in within if u.pk != world.phan_rang.pk)


def test_current_unit_of_commune_and_district(world):
    assert current_unit(world.phan_rang_predecessor) == world.phan_rang
    assert current_unit(world.phan_rang_predecessor.parent) == world.khanh_hoa
    assert current_unit(world.phan_rang) == world.phan_rang


def test_label_marks_legacy_units(world):
    assert "30/06/2025" in world.ninh_thuan.label
    assert world.phan_rang.label.endswith(world.khanh_hoa.name)


def test_search_without_diacritics(world):
    assert world.khanh_hoa in AdministrativeUnit.objects.search("khanh hoa")
    assert world.phan_rang in AdministrativeUnit.objects.search("PHAN RANG")
    assert world.khanh_hoa in AdministrativeUnit.objects.search("56")
    assert world.da_nang in AdministrativeUnit.objects.search("đà nẵng")
    assert world.da_nang in AdministrativeUnit.objects.search("da nang")

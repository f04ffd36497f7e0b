"""The full reference load: counts as the packages ship them, idempotent, successions and regions."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import F

from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit, Region, RegionMembership, UnitSuccession
from khuyencong.geo.selectors import current_province, current_unit, region_of, region_provinces, unit_on
from khuyencong.geo.services import reference_load
from khuyencong.testing import world

BEFORE = dt.date(2024, 6, 1)
AFTER = dt.date(2026, 1, 1)


def _counts():
    units = AdministrativeUnit.objects
    return {
        "current provinces": units.current().filter(level=Level.PROVINCE).count(),
        "current communes": units.current().filter(level=Level.COMMUNE).count(),
        "legacy provinces": units.legacy().filter(level=Level.PROVINCE).count(),
        "legacy districts": units.legacy().filter(level=Level.DISTRICT).count(),
        "legacy communes": units.legacy().filter(level=Level.COMMUNE).count(),
        "successions": UnitSuccession.objects.count(),
        "memberships": RegionMembership.objects.count(),
        "regions": Region.objects.count(),
    }


@pytest.fixture(scope="module")
def full(django_db_setup, django_db_blocker):
    """The whole country, loaded once for this module, then the test world restored."""
    with django_db_blocker.unblock():
        reference_load()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        world.build()


@pytest.fixture(autouse=True)
def _db(db):
    """Each test in a transaction, rolled back."""


def _legacy(code: str) -> AdministrativeUnit:
    return unit_on(code, BEFORE, Level.PROVINCE)


def _current(code: str) -> AdministrativeUnit:
    return unit_on(code, AFTER, Level.PROVINCE)


def test_full_load_counts_and_idempotence(full):
    counts = _counts()
    assert counts["current provinces"] == 34
    assert counts["legacy provinces"] == 63
    assert counts["legacy districts"] == 696
    assert counts["current communes"] == 3321
    assert counts["legacy communes"] == 10051
    assert counts["regions"] == 3
    assert counts["memberships"] == 63 + 34

    second = reference_load()
    assert not second.changed, str(second)
    assert _counts() == counts


def test_a_unit_lies_today_where_its_province_of_its_time_lies(full):
    """Every unit names its province of its time (a province itself) and today's province, and today's
    province is that of its province of its time: provinces merged whole in 2025. Reports roll amounts
    kept by province of their time into today's provinces on this (finance.selectors
    .executed_in_months)."""
    units = AdministrativeUnit.objects
    assert not units.filter(province__isnull=True).exists()
    assert not units.filter(current_province__isnull=True).exists()
    assert not units.filter(level=Level.PROVINCE).exclude(province=F("pk")).exists()
    assert not units.exclude(current_province=F("province__current_province")).exists()


def test_every_legacy_province_has_one_primary_successor(full):
    legacy = AdministrativeUnit.objects.legacy().provinces()
    assert legacy.count() == 63
    for province in legacy:
        primaries = UnitSuccession.objects.filter(predecessor=province, is_primary=True)
        assert primaries.count() == 1, province
        assert primaries.get().successor == province.current_province == province.successor


SUCCESSORS = [
    ("58", "56"),  # Ninh Thuận → Khánh Hòa
    ("67", "68"),  # Đắk Nông → Lâm Đồng
    ("60", "68"),  # Bình Thuận → Lâm Đồng
    ("49", "48"),  # Quảng Nam → Đà Nẵng
    ("44", "44"),  # Quảng Bình → Quảng Trị (keeps the code of its seat)
    ("62", "51"),  # Kon Tum → Quảng Ngãi
    ("52", "52"),  # Bình Định → Gia Lai (code 52 now means Gia Lai)
    ("54", "66"),  # Phú Yên → Đắk Lắk
    ("70", "75"),  # Bình Phước → Đồng Nai
    ("75", "75"),  # Đồng Nai (old) → Đồng Nai (new)
    ("38", "38"),  # Thanh Hóa unchanged
]


@pytest.mark.parametrize(("old", "new"), SUCCESSORS)
def test_current_unit_of_legacy_province(full, old, new):
    legacy = _legacy(old)
    assert current_unit(legacy) == _current(new)
    assert current_province(legacy) == _current(new)


def test_a_code_is_read_with_a_date(full):
    assert "Bình Định" in unit_on("52", BEFORE, Level.PROVINCE).name
    assert "Gia Lai" in unit_on("52", AFTER, Level.PROVINCE).name
    with pytest.raises(AdministrativeUnit.DoesNotExist):
        unit_on("58", AFTER, Level.PROVINCE)  # Ninh Thuận no longer exists


def test_split_province_keeps_every_successor(full):
    tien_giang = _legacy("82")
    rows = UnitSuccession.objects.filter(predecessor=tien_giang)
    assert {s.successor.code for s in rows} == {"80", "82"}
    primary = rows.get(is_primary=True)
    assert "Đồng Tháp" in primary.successor.name
    assert all(s.partial for s in rows)


def test_new_dong_nai_is_formed_from_two_provinces(full):
    formed_from = AdministrativeUnit.objects.legacy().provinces().filter(current_province=_current("75"))
    assert {p.code for p in formed_from} == {"70", "75"}


def test_regions_by_year(full):
    mttn, nam, bac = (Region.objects.get(code=c) for c in ("mttn", "nam", "bac"))
    assert region_provinces(mttn, 2024).count() == 15
    assert region_provinces(nam, 2024).count() == 20
    assert region_provinces(bac, 2024).count() == 28
    assert region_of(_legacy("58"), 2022) == mttn
    assert region_of(_legacy("58"), 2026) is None  # Ninh Thuận no longer a province
    # From 2025: the region of most former provinces.
    assert region_of(_current("68"), 2026) == mttn  # Lâm Đồng + Đắk Nông (mttn) + Bình Thuận (nam)
    assert region_of(_current("75"), 2026) == nam
    assert region_of(_current("56"), 2026) == mttn
    assert (
        region_provinces(mttn, 2026).count()
        + region_provinces(nam, 2026).count()
        + region_provinces(bac, 2026).count()
        == 34
    )
    note = RegionMembership.objects.get(province=_current("68"), year_from=2025).note
    assert note.startswith("2/3")


def test_manual_membership_survives_reload(full):
    membership = RegionMembership.objects.get(province=_current("68"), year_from=2025)
    membership.region = Region.objects.get(code="nam")
    membership.basis = RegionMembership.Basis.MANUAL
    membership.save()
    reference_load()
    membership.refresh_from_db()
    assert membership.region.code == "nam"
    assert membership.basis == RegionMembership.Basis.MANUAL

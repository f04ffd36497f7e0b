import datetime as dt

import pytest

from khuyencong.accounts.choices import Role
from khuyencong.core.audit import audit_for
from khuyencong.core.errors import NotInJurisdiction, PermissionDenied, StaleWrite, ValidationFailed
from khuyencong.establishments.choices import LegalForm
from khuyencong.establishments.models import Establishment, Industry
from khuyencong.establishments.selectors import establishment_search, establishments_visible
from khuyencong.establishments.services import (
    DuplicateTaxCode,
    PossibleDuplicate,
    establishment_create,
    establishment_eligibility,
    establishment_merge,
    establishment_update,
)


@pytest.fixture
def officer(world):
    return world.user(Role.PROVINCE_OFFICER)


def _create(actor, commune, **extra):
    data = {
        "legal_form": LegalForm.HOUSEHOLD_BUSINESS,
        "name": "Cơ sở bánh tráng Tư Hương",
        "commune": commune,
        "industry": Industry.objects.get(code="10"),
        **extra,
    }
    return establishment_create(actor=actor, **data)


def test_create_is_audited_and_scoped(world, officer):
    est = _create(officer, world.phan_rang, tax_code="0100109106")
    assert est.search_name == "banh trang tu huong"
    entry = audit_for(est).get()
    assert entry.action == "establishment.create"
    assert entry.actor == officer
    assert entry.after["tax_code"] == "0100109106"
    assert est in establishments_visible(officer)
    assert est in establishments_visible(world.user(Role.COMMUNE_OFFICER))
    da_nang_officer_scope = establishments_visible(world.user(Role.REGION_VIEWER))
    assert est in da_nang_officer_scope


def test_legacy_commune_is_kept_and_rolls_up(world, officer):
    est = _create(
        officer, world.phan_rang_predecessor, name="HTX Gốm Bàu Trúc", legal_form=LegalForm.COOPERATIVE
    )
    est.refresh_from_db()
    assert est.commune == world.phan_rang_predecessor  # the unit it was made in
    assert est in establishments_visible(world.user(Role.COMMUNE_OFFICER))  # Phan Rang's successor scope


def test_foreign_commune_is_refused_and_nothing_written(world, officer):
    with pytest.raises(ValidationFailed) as error:
        _create(officer, world.da_nang_commune)
    assert "commune" in error.value.details["errors"]
    assert not Establishment.objects.exists()


def test_read_only_roles_cannot_create(world):
    with pytest.raises(PermissionDenied):
        _create(world.user(Role.AUDITOR), world.phan_rang)


def test_bad_fields_are_all_reported(world, officer):
    with pytest.raises(ValidationFailed) as error:
        _create(officer, world.phan_rang, name="  ", tax_code="0100109107", workers=-3, legal_form="company")
    errors = error.value.details["errors"]
    assert set(errors) == {"name", "tax_code", "workers", "legal_form"}
    assert "0100109107" in errors["tax_code"]
    assert not Establishment.objects.exists()


def test_exact_tax_code_is_refused_with_the_existing_record(world, officer):
    first = _create(officer, world.phan_rang, tax_code="0100109106")
    with pytest.raises(DuplicateTaxCode) as error:
        _create(officer, world.phan_rang_predecessor, name="Tên khác hẳn", tax_code="0100 109 106")
    assert error.value.details["existing_id"] == first.pk
    assert Establishment.objects.count() == 1


def test_likely_duplicate_asks_for_confirmation(world, officer):
    _create(officer, world.phan_rang, name="Cơ sở sản xuất bánh tráng Tư Hương")
    with pytest.raises(PossibleDuplicate) as error:
        _create(officer, world.phan_rang, name="BANH TRANG TU HUONG")
    assert error.value.details["candidates"][0]["name"] == "Cơ sở sản xuất bánh tráng Tư Hương"
    assert Establishment.objects.count() == 1
    _create(officer, world.phan_rang, name="BANH TRANG TU HUONG", confirm_duplicate=True)
    assert Establishment.objects.count() == 2


def test_update_records_before_and_after_and_refuses_stale_versions(world, officer):
    est = _create(officer, world.phan_rang)
    updated = establishment_update(actor=officer, establishment=est, version=1, workers=12, exporter=True)
    assert updated.version == 2
    entry = audit_for(est).get(action="establishment.update")
    assert entry.before == {"workers": None, "exporter": False}
    assert entry.after == {"workers": 12, "exporter": True}
    with pytest.raises(StaleWrite):
        establishment_update(actor=officer, establishment=est, version=1, workers=15)
    est.refresh_from_db()
    assert est.workers == 12


def test_update_outside_jurisdiction_is_not_found(world, officer):
    est = _create(world.user(Role.MINISTRY_OFFICER), world.da_nang_commune)
    with pytest.raises(NotInJurisdiction):
        establishment_update(actor=officer, establishment=est, version=1, workers=3)


def test_merge_keeps_the_duplicate_row_and_its_history(world, officer):
    keep = _create(officer, world.phan_rang, tax_code="0100109106")
    duplicate = _create(officer, world.phan_rang, name="Bánh tráng Tư Hương (nhập trùng)")
    establishment_merge(actor=officer, keep=keep, duplicate=duplicate, reason="Cùng chủ cơ sở, nhập hai lần")
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert duplicate not in establishments_visible(officer)
    assert duplicate in establishments_visible(officer, include_merged=True)
    assert audit_for(duplicate).filter(action="establishment.create").exists()
    assert audit_for(duplicate).get(action="establishment.merge").reason == "Cùng chủ cơ sở, nhập hai lần"
    with pytest.raises(ValidationFailed):
        establishment_merge(actor=officer, keep=keep, duplicate=keep, reason="x")


def test_search_by_tax_code_and_folded_name(world, officer):
    est = _create(
        officer,
        world.phan_rang,
        name="Công ty TNHH Gốm Bàu Trúc",
        legal_form=LegalForm.ENTERPRISE,
        tax_code="0100109106",
    )
    qs = establishments_visible(officer)
    assert est in establishment_search(qs, "gom bau truc")
    assert est in establishment_search(qs, "0100109")
    assert est not in establishment_search(qs, "nuoc mam")


def test_eligibility_explains_why_not(world, officer):
    est = _create(officer, world.phan_rang)
    ok = establishment_eligibility(est, dt.date(2026, 1, 1))
    assert ok.eligible, ok.reasons
    assert ok.rule.code == "nd-235-2025"
    artisan = _create(officer, world.phan_rang, name="Nghệ nhân Trần Văn A", legal_form=LegalForm.ARTISAN)
    assert establishment_eligibility(artisan, dt.date(2026, 1, 1)).eligible
    before = establishment_eligibility(artisan, dt.date(2024, 1, 1))
    assert not before.eligible
    assert any("45/2012" in r for r in before.reasons)
    trader = _create(officer, world.phan_rang, name="Cửa hàng tạp hóa", industry=None)
    result = establishment_eligibility(trader, dt.date(2026, 1, 1))
    assert not result.eligible
    assert len(result.reasons) == 1


def test_ward_of_a_central_city_before_the_2025_decree(world):
    ministry = world.user(Role.MINISTRY_OFFICER)
    ward = world.ha_noi_commune
    assert ward.type == "phuong"
    est = _create(ministry, ward, name="Cơ sở may Ba Đình")
    assert not establishment_eligibility(est, dt.date(2024, 1, 1)).eligible
    assert establishment_eligibility(est, dt.date(2026, 1, 1)).eligible


def test_foreign_duplicate_tax_code_does_not_reveal_the_name(world, officer):
    _create(
        world.user(Role.MINISTRY_OFFICER), world.ha_noi_commune, name="Công ty Bí Mật", tax_code="0100109106"
    )
    with pytest.raises(DuplicateTaxCode) as error:
        _create(officer, world.phan_rang, tax_code="0100109106")
    assert "existing_name" not in error.value.details
    assert "Bí Mật" not in str(error.value.message)


def test_confirmed_twin_is_not_asked_again_on_other_edits(world, officer):
    _create(officer, world.phan_rang)
    twin = _create(officer, world.phan_rang, confirm_duplicate=True)
    updated = establishment_update(actor=officer, establishment=twin, version=twin.version, workers=7)
    assert updated.workers == 7
    _create(officer, world.phan_rang, name="Cơ sở nước mắm Hai Phúc")
    with pytest.raises(PossibleDuplicate):  # renaming it to another record's name asks
        establishment_update(
            actor=officer, establishment=twin, version=updated.version, name="Nước mắm Hai Phúc"
        )


def test_lengths_and_email_are_checked(world, officer):
    with pytest.raises(ValidationFailed) as error:
        _create(officer, world.phan_rang, name="x" * 301, email="khong-phai-email")
    assert set(error.value.details["errors"]) == {"name", "email"}


def test_an_enterprise_needs_its_tax_code_and_a_phone_must_be_a_number(world, officer):
    with pytest.raises(ValidationFailed) as error:
        _create(officer, world.phan_rang, legal_form=LegalForm.ENTERPRISE, phone="abc")
    errors = error.value.details["errors"]
    assert set(errors) == {"tax_code", "phone"}
    assert "mã số doanh nghiệp" in errors["tax_code"]
    assert "“abc”" in errors["phone"]
    assert not Establishment.objects.exists()
    household = _create(officer, world.phan_rang, phone="0258 3822 123; +84 905.123.456")
    assert household.tax_code == ""  # a household business may have none
    enterprise = _create(
        officer,
        world.phan_rang,
        name="Công ty TNHH Gốm Bàu Trúc",
        legal_form=LegalForm.ENTERPRISE,
        tax_code="0100109106",
    )
    with pytest.raises(ValidationFailed) as changed:  # turning it back into one without a code is refused too
        establishment_update(actor=officer, establishment=enterprise, version=enterprise.version, tax_code="")
    assert set(changed.value.details["errors"]) == {"tax_code"}

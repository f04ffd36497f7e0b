"""The establishment pages beyond the access matrix: search, filters, CSV export, the create/edit form
with the services' refusals, merging, and the eligibility filter agreeing with the service."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from khuyencong.accounts.choices import Role
from khuyencong.core.audit import audit_for
from khuyencong.establishments.choices import LegalForm
from khuyencong.establishments.models import Establishment, Industry
from khuyencong.establishments.selectors import (
    eligibility_rule_on,
    establishments_eligible_q,
)
from khuyencong.establishments.services import (
    establishment_create,
    establishment_eligibility,
    establishment_update,
)


@pytest.fixture
def officer(world):
    return world.user(Role.PROVINCE_OFFICER)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def _create(world, commune, name, **extra):
    data = {
        "legal_form": LegalForm.HOUSEHOLD_BUSINESS,
        "industry": Industry.objects.get(code="10"),
        **extra,
    }
    return establishment_create(
        actor=world.user(Role.MINISTRY_OFFICER), name=name, commune=commune, confirm_duplicate=True, **data
    )


@pytest.fixture
def registry(world):
    """A few establishments in Khánh Hòa (own) and one in Hà Nội (foreign)."""
    return {
        "banh_trang": _create(
            world, world.phan_rang, "Cơ sở bánh tráng Tư Hương", tax_code="0100109106", women_owned=True
        ),
        "gom": _create(
            world,
            world.phan_rang_predecessor,
            "Hợp tác xã gốm Bàu Trúc",
            legal_form=LegalForm.COOPERATIVE,
            industry=Industry.objects.get(code="23"),
            workers=60,
            fifty_plus_workers=True,
            women_owned=True,
        ),
        "trader": _create(
            world, world.phan_rang, '=HYPERLINK("http://x")', industry=None, phone="+84 912 345 678"
        ),
        "ha_noi": _create(world, world.ha_noi_commune, "Cơ sở bánh tráng Thủ Đô"),
    }


def _pks(response):
    return {e.pk for e in response.context["page"]}


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


# --- list ------------------------------------------------------------------------------------------


def test_list_search_without_diacritics_and_by_tax_code(officer_client, registry):
    url = reverse("establishments:list")
    found = _pks(officer_client.get(url, {"q": "banh trang"}))
    assert found == {registry["banh_trang"].pk}  # not the Hà Nội one: out of jurisdiction
    assert _pks(officer_client.get(url, {"q": "0100109"})) == {registry["banh_trang"].pk}
    assert _pks(officer_client.get(url, {"q": "Gốm Bàu Trúc"})) == {registry["gom"].pk}
    everything = officer_client.get(url)
    assert _pks(everything) == {registry[k].pk for k in ("banh_trang", "gom", "trader")}
    assert everything.context["can_change"]
    assert reverse("establishments:create") in everything.content.decode()


def test_list_filters_and_sort(officer_client, registry, world):
    url = reverse("establishments:list")
    assert _pks(officer_client.get(url, {"legal_form": "cooperative"})) == {registry["gom"].pk}
    assert _pks(officer_client.get(url, {"industry": "23"})) == {registry["gom"].pk}
    assert _pks(officer_client.get(url, {"industry": "C"})) == {registry["gom"].pk, registry["banh_trang"].pk}
    assert _pks(officer_client.get(url, {"flags": ["women_owned"]})) == {
        registry["gom"].pk,
        registry["banh_trang"].pk,
    }
    assert _pks(officer_client.get(url, {"flags": ["women_owned", "fifty_plus_workers"]})) == {
        registry["gom"].pk
    }
    assert _pks(officer_client.get(url, {"province": world.khanh_hoa.pk})) == {
        registry[k].pk for k in ("banh_trang", "gom", "trader")
    }
    assert _pks(officer_client.get(url, {"eligible": "no"})) == {registry["trader"].pk}
    by_workers = officer_client.get(url, {"sort": "-workers"})
    assert next(iter(by_workers.context["page"])).pk == registry["gom"].pk
    filtered = officer_client.get(url, {"legal_form": "cooperative"})
    assert filtered.context["in_scope"] == 3
    assert "1 " in filtered.content.decode()  # the count of the filtered rows


def test_list_bad_filter_values_are_ignored_not_500(officer_client, registry):
    response = officer_client.get(
        reverse("establishments:list"), {"province": "abc", "legal_form": "x", "sort": "password"}
    )
    assert response.status_code == 200
    assert len(_pks(response)) == 3


def test_list_empty_state_for_a_read_only_role(client, world):
    client.force_login(world.user(Role.AUDITOR))
    response = client.get(reverse("establishments:list"))
    body = response.content.decode()
    assert 'data-testid="empty"' in body
    assert reverse("establishments:create") not in body


def test_csv_export_has_exactly_the_filtered_rows_and_is_injection_safe(officer_client, registry):
    url = reverse("establishments:list")
    rows = _csv(officer_client.get(url, {"export": "csv", "flags": ["women_owned"], "sort": "name"}))
    header, body = rows[0], rows[1:]
    assert len(header) == len(body[0])
    assert sorted(int(r[0]) for r in body) == sorted([registry["gom"].pk, registry["banh_trang"].pk])
    everything = _csv(officer_client.get(url, {"export": "csv"}))[1:]
    assert len(everything) == 3
    trader = next(r for r in everything if int(r[0]) == registry["trader"].pk)
    assert trader[1] == '\'=HYPERLINK("http://x")'
    assert "'+84 912 345 678" in trader
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in everything for cell in row)
    assert all("Thủ Đô" not in cell for row in everything for cell in row)


# --- detail ----------------------------------------------------------------------------------------


def test_detail_shows_profile_eligibility_and_history(officer_client, registry, officer, world):
    est = registry["gom"]
    establishment_update(actor=officer, establishment=est, version=1, workers=70, exporter=True)
    response = officer_client.get(reverse("establishments:detail", args=[est.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Hợp tác xã gốm Bàu Trúc" in body
    assert world.khanh_hoa.name in body  # "today in Khánh Hòa": the commune is a legacy one
    assert 'data-testid="eligible"' in body
    history = response.context["history"]
    assert [row["entry"].action for row in history] == ["establishment.update", "establishment.create"]
    changes = {label: (before, after) for label, before, after in history[0]["changes"]}
    assert set(changes.values()) >= {("60", "70")}
    assert reverse("establishments:update", args=[est.pk]) in body


def test_detail_explains_ineligibility(officer_client, registry):
    response = officer_client.get(reverse("establishments:detail", args=[registry["trader"].pk]))
    assert 'data-testid="not-eligible"' in response.content.decode()
    assert response.context["eligibility"].reasons


def test_detail_for_a_read_only_role_has_no_edit_or_merge(client, world, registry):
    client.force_login(world.user(Role.AUDITOR))
    body = client.get(reverse("establishments:detail", args=[registry["gom"].pk])).content.decode()
    assert reverse("establishments:update", args=[registry["gom"].pk]) not in body
    assert reverse("establishments:merge", args=[registry["gom"].pk]) not in body


# --- create and edit -------------------------------------------------------------------------------


def _form(world, **changes):
    data = {
        "legal_form": "household_business",
        "name": "Cơ sở nước mắm Cà Ná",
        "tax_code": "",
        "commune": world.phan_rang.pk,
        "industry": "10",
        "workers": "8",
        "founded_year": "2001",
        "exporter": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_create_form_lists_communes_of_the_jurisdiction_with_legacy_marked(officer_client, world):
    response = officer_client.get(reverse("establishments:create"))
    assert response.status_code == 200
    form = response.context["form"]
    communes = form.fields["commune"].queryset
    assert communes.filter(pk=world.phan_rang.pk).exists()
    assert communes.filter(pk=world.phan_rang_predecessor.pk).exists()
    assert not communes.filter(pk=world.ha_noi_commune.pk).exists()
    body = response.content.decode()
    assert f'value="{world.phan_rang_predecessor.pk}"' in body
    assert f"({world.phan_rang_predecessor.valid_to:%d/%m/%Y})" not in body  # "(đến 30/06/2025)" in words
    assert f"{world.phan_rang_predecessor.valid_to:%d/%m/%Y})" in body


def test_create_saves_and_redirects_to_the_detail(officer_client, world, officer):
    response = officer_client.post(reverse("establishments:create"), _form(world))
    est = Establishment.objects.get(name="Cơ sở nước mắm Cà Ná")
    assert response.status_code == 302
    assert response["Location"] == reverse("establishments:detail", args=[est.pk])
    assert est.exporter
    assert est.workers == 8
    assert est.industry.code == "10"
    assert audit_for(est).get().actor == officer


def test_create_with_a_bad_tax_code_shows_the_field_error_and_writes_nothing(officer_client, world):
    response = officer_client.post(reverse("establishments:create"), _form(world, tax_code="0100109107"))
    assert response.status_code == 400
    form = response.context["form"]
    assert "0100109107" in form.errors["tax_code"][0]
    body = response.content.decode()
    assert 'data-testid="form-errors"' in body
    assert 'data-testid="error-tax_code"' in body
    assert 'value="Cơ sở nước mắm Cà Ná"' in body  # nothing typed is lost
    assert not Establishment.objects.exists()


def test_form_errors_and_tax_code_are_reported_together(officer_client, world):
    response = officer_client.post(
        reverse("establishments:create"), _form(world, workers="nhiều", tax_code="123", name="")
    )
    assert set(response.context["form"].errors) == {"workers", "tax_code", "name"}
    assert not Establishment.objects.exists()


def test_create_outside_the_jurisdiction_is_refused_on_the_commune(officer_client, world):
    response = officer_client.post(
        reverse("establishments:create"), _form(world, commune=world.ha_noi_commune.pk)
    )
    assert response.status_code == 400
    assert "commune" in response.context["form"].errors
    assert not Establishment.objects.exists()


def test_duplicate_tax_code_links_to_the_existing_record(officer_client, world, registry):
    response = officer_client.post(reverse("establishments:create"), _form(world, tax_code="0100 109 106"))
    assert response.status_code == 400
    assert "tax_code" in response.context["form"].errors
    assert response.context["existing"] == registry["banh_trang"]
    assert reverse("establishments:detail", args=[registry["banh_trang"].pk]) in response.content.decode()
    assert Establishment.objects.filter(tax_code="0100109106").count() == 1


def test_duplicate_tax_code_outside_the_jurisdiction_does_not_link(officer_client, world):
    _create(world, world.ha_noi_commune, "Công ty may Thủ Đô", tax_code="0100109106")
    response = officer_client.post(reverse("establishments:create"), _form(world, tax_code="0100109106"))
    assert response.context["existing"] is None
    assert response.context["existing_elsewhere"]
    assert "Thủ Đô" not in response.content.decode()


def test_possible_duplicate_asks_then_saves_after_confirmation(officer_client, world, registry):
    url = reverse("establishments:create")
    data = _form(world, name="BÁNH TRÁNG TƯ HƯƠNG")
    first = officer_client.post(url, data)
    assert first.status_code == 400
    body = first.content.decode()
    assert 'data-testid="possible-duplicate"' in body
    assert reverse("establishments:detail", args=[registry["banh_trang"].pk]) in body
    assert 'name="confirm_duplicate"' in body
    assert Establishment.objects.filter(search_name="banh trang tu huong").count() == 1

    second = officer_client.post(url, {**data, "confirm_duplicate": "on"})
    assert second.status_code == 302
    assert Establishment.objects.filter(search_name="banh trang tu huong").count() == 2


def test_confirm_checkbox_is_not_offered_before_a_possible_duplicate(officer_client):
    body = officer_client.get(reverse("establishments:create")).content.decode()
    assert 'name="confirm_duplicate"' not in body


def test_edit_saves_changes_with_the_version(officer_client, world, registry):
    est = registry["gom"]
    url = reverse("establishments:update", args=[est.pk])
    page = officer_client.get(url)
    assert page.context["form"]["version"].value() == 1
    assert page.context["form"]["industry"].value() == "23"
    data = _form(world, name=est.name, legal_form="cooperative", commune=est.commune_id, industry="23")
    response = officer_client.post(url, {**data, "version": "1", "workers": "75"})
    assert response.status_code == 302
    est.refresh_from_db()
    assert est.workers == 75
    assert est.version == 2


def test_stale_edit_is_refused_and_keeps_the_typed_values(officer_client, world, registry, officer):
    est = registry["gom"]
    establishment_update(actor=officer, establishment=est, version=1, workers=61)  # someone else saves
    url = reverse("establishments:update", args=[est.pk])
    data = _form(world, name=est.name, legal_form="cooperative", commune=est.commune_id, industry="23")
    response = officer_client.post(url, {**data, "version": "1", "workers": "99"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="stale-write"' in body
    assert 'value="99"' in body
    est.refresh_from_db()
    assert est.workers == 61
    assert response.context["form"]["version"].value() == "2"  # saving again applies the typed values
    again = officer_client.post(url, {**data, "version": "2", "workers": "99"})
    assert again.status_code == 302
    est.refresh_from_db()
    assert est.workers == 99


def test_read_only_roles_get_403_and_foreign_records_404(client, world, registry):
    client.force_login(world.user(Role.AUDITOR))
    assert client.get(reverse("establishments:create")).status_code == 403
    assert client.post(reverse("establishments:update", args=[registry["gom"].pk]), {}).status_code == 403
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    assert client.get(reverse("establishments:detail", args=[registry["ha_noi"].pk])).status_code == 404
    assert client.get(reverse("establishments:update", args=[registry["ha_noi"].pk])).status_code == 404


def test_commune_search_finds_communes_with_or_without_diacritics(officer_client, world):
    url = reverse("ui:picker", args=["communes"])
    body = officer_client.get(url, {"q": "phan rang"}).content.decode()
    assert f'value="{world.phan_rang.pk}"' in body
    assert f'value="{world.ha_noi_commune.pk}"' not in body
    kept = officer_client.get(
        url, {"q": "zzz", "field": "commune", "commune": world.phan_rang.pk}
    ).content.decode()
    assert f'<option value="{world.phan_rang.pk}" selected>' in kept


# --- merge -----------------------------------------------------------------------------------------


def test_merge_moves_the_duplicate_into_the_kept_record(officer_client, world, registry):
    keep = registry["banh_trang"]
    duplicate = _create(world, world.phan_rang, "Bánh tráng Tư Hương")
    detail = officer_client.get(reverse("establishments:detail", args=[keep.pk]))
    assert duplicate in list(detail.context["duplicates"])
    assert 'data-confirm="' in detail.content.decode()
    response = officer_client.post(
        reverse("establishments:merge", args=[keep.pk]), {"duplicate": duplicate.pk, "reason": "Nhập hai lần"}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    merged_page = officer_client.get(reverse("establishments:detail", args=[duplicate.pk]))
    body = merged_page.content.decode()
    assert 'data-testid="merged-banner"' in body
    assert reverse("establishments:detail", args=[keep.pk]) in body
    assert not merged_page.context["can_change"]
    assert officer_client.get(reverse("establishments:update", args=[duplicate.pk])).status_code == 302


def test_merge_needs_a_reason_and_a_record_in_the_jurisdiction(officer_client, world, registry):
    keep = registry["banh_trang"]
    url = reverse("establishments:merge", args=[keep.pk])
    no_reason = officer_client.post(url, {"duplicate": registry["trader"].pk, "reason": ""})
    assert no_reason.status_code == 400
    assert "reason" in no_reason.context["merge_form"].errors
    foreign = officer_client.post(url, {"duplicate": registry["ha_noi"].pk, "reason": "x"})
    assert "duplicate" in foreign.context["merge_form"].errors
    itself = officer_client.post(url, {"duplicate": keep.pk, "reason": "x"})
    assert "duplicate" in itself.context["merge_form"].errors
    assert not Establishment.objects.filter(merged_into__isnull=False).exists()


# --- eligibility filter ----------------------------------------------------------------------------


@pytest.mark.parametrize("on", [dt.date(2024, 1, 1), dt.date(2026, 1, 1)])
def test_eligibility_filter_agrees_with_the_service(world, registry, on):
    _create(world, world.phan_rang, "Nghệ nhân Trần Văn A", legal_form=LegalForm.ARTISAN)
    _create(world, world.ha_noi_commune, "Cơ sở may Ba Đình", industry=Industry.objects.get(code="14"))
    rule = eligibility_rule_on(on)
    eligible = set(Establishment.objects.filter(establishments_eligible_q(rule)).values_list("pk", flat=True))
    expected = {e.pk for e in Establishment.objects.all() if establishment_eligibility(e, on).eligible}
    assert eligible == expected
    assert Establishment.objects.count() > len(eligible) > 0


def test_today_is_used_for_the_eligibility_filter(officer_client, registry):
    today = timezone.localdate()
    expected = {
        e.pk
        for e in Establishment.objects.filter(
            pk__in=[registry[k].pk for k in ("banh_trang", "gom", "trader")]
        )
        if establishment_eligibility(e, today).eligible
    }
    assert _pks(officer_client.get(reverse("establishments:list"), {"eligible": "yes"})) == expected


def test_nationwide_user_picks_communes_through_the_search(client, world):
    """Over OPTION_LIMIT communes the select starts empty (the search fills it); any commune of the
    jurisdiction is still accepted, and a chosen one stays in the select when the form comes back."""
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    page = client.get(reverse("establishments:create"))
    assert 'data-testid="picker-partial-commune"' in page.content.decode()
    assert f'value="{world.ha_noi_commune.pk}"' not in page.content.decode()
    back = client.post(
        reverse("establishments:create"), _form(world, commune=world.ha_noi_commune.pk, name="")
    )
    assert back.status_code == 400
    assert f'<option value="{world.ha_noi_commune.pk}" selected>' in back.content.decode()
    saved = client.post(reverse("establishments:create"), _form(world, commune=world.ha_noi_commune.pk))
    assert saved.status_code == 302
    assert Establishment.objects.get().commune == world.ha_noi_commune

"""The establishment API beyond the access matrix: filters, the JSON shape of the services' refusals,
optimistic locking and eligibility by date."""

import json

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.establishments.choices import LegalForm
from khuyencong.establishments.models import Establishment, Industry
from khuyencong.establishments.services import establishment_create


@pytest.fixture
def api(client, world):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    return client


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def _create(world, commune, name, **extra):
    return establishment_create(
        actor=world.user(Role.MINISTRY_OFFICER),
        confirm_duplicate=True,
        legal_form=extra.pop("legal_form", LegalForm.HOUSEHOLD_BUSINESS),
        name=name,
        commune=commune,
        industry=Industry.objects.get(code="10"),
        **extra,
    )


def _body(world, **changes):
    return {
        "legal_form": "household_business",
        "name": "Cơ sở bánh tráng Tư Hương",
        "tax_code": "0100109106",
        "commune": world.phan_rang.pk,
        "industry": "10",
        "workers": 8,
        "women_owned": True,
        **changes,
    }


def test_create_then_read(api, world):
    response = _post(api, reverse("api:establishment_create"), _body(world))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["name"] == "Cơ sở bánh tráng Tư Hương"
    assert data["commune_id"] == world.phan_rang.pk
    assert data["current_province_id"] == world.khanh_hoa.pk
    assert data["industry"] == "10"
    assert data["women_owned"] is True
    assert data["version"] == 1
    detail = api.get(reverse("api:establishment_detail", args=[data["id"]]))
    assert detail.json() == data


def test_field_errors_are_listed_in_details(api, world):
    response = _post(
        api,
        reverse("api:establishment_create"),
        _body(world, tax_code="0100109107", legal_form="company", commune=world.ha_noi_commune.pk),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_fields"
    assert set(body["details"]["errors"]) == {"tax_code", "legal_form", "commune"}
    assert body["messages"]["vi"]
    assert body["messages"]["en"]
    assert not Establishment.objects.exists()


def test_unknown_industry_and_bad_email_are_field_errors(api, world):
    response = _post(api, reverse("api:establishment_create"), _body(world, industry="99", email="không"))
    assert response.status_code == 400
    assert set(response.json()["details"]["errors"]) == {"industry", "email"}


def test_wrong_types_are_422(api, world):
    response = _post(api, reverse("api:establishment_create"), _body(world, workers="nhiều"))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["details"][0]["field"] == "workers"


def test_duplicate_tax_code_names_the_existing_record(api, world):
    first = _post(api, reverse("api:establishment_create"), _body(world)).json()
    response = _post(api, reverse("api:establishment_create"), _body(world, name="Tên khác hẳn"))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate_tax_code"
    assert body["details"]["existing_id"] == first["id"]
    assert "tax_code" in body["details"]["errors"]


def test_possible_duplicate_then_confirmed(api, world):
    _post(api, reverse("api:establishment_create"), _body(world, tax_code=""))
    again = _body(world, tax_code="", name="BANH TRANG TU HUONG")
    response = _post(api, reverse("api:establishment_create"), again)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "possible_duplicate"
    assert body["details"]["candidates"][0]["name"] == "Cơ sở bánh tráng Tư Hương"
    assert "name" in body["details"]["errors"]
    confirmed = _post(api, reverse("api:establishment_create"), {**again, "confirm_duplicate": True})
    assert confirmed.status_code == 201
    assert Establishment.objects.count() == 2


def test_patch_changes_only_what_is_sent_and_checks_the_version(api, world):
    created = _post(api, reverse("api:establishment_create"), _body(world)).json()
    url = reverse("api:establishment_update", args=[created["id"]])
    response = _patch(api, url, {"version": 1, "workers": 12, "exporter": True})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["workers"], data["exporter"], data["version"]) == (12, True, 2)
    assert data["name"] == created["name"]
    assert data["women_owned"] is True
    stale = _patch(api, url, {"version": 1, "workers": 15})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_write"
    assert Establishment.objects.get(pk=created["id"]).workers == 12
    missing = _patch(api, url, {"workers": 15})
    assert missing.status_code == 422


def test_patch_a_merged_record_is_refused(api, world):
    from khuyencong.establishments.services import establishment_merge

    keep = _create(world, world.phan_rang, "Cơ sở A")
    duplicate = _create(world, world.phan_rang, "Cơ sở A (trùng)")
    establishment_merge(actor=world.user(Role.PROVINCE_OFFICER), keep=keep, duplicate=duplicate, reason="x")
    response = _patch(api, reverse("api:establishment_update", args=[duplicate.pk]), {"version": 2})
    assert response.status_code == 400
    assert response.json()["code"] == "merged"
    assert response.json()["details"]["merged_into_id"] == keep.pk


def test_list_filters(api, world):
    own = _create(world, world.phan_rang, "Cơ sở bánh tráng Tư Hương")
    coop = _create(world, world.phan_rang_predecessor, "Hợp tác xã gốm Bàu Trúc", legal_form="cooperative")
    _create(world, world.ha_noi_commune, "Cơ sở bánh tráng Thủ Đô")
    url = reverse("api:establishment_list")
    ids = lambda response: [item["id"] for item in response.json()["items"]]  # noqa: E731
    assert ids(api.get(url, {"q": "banh trang"})) == [own.pk]
    assert ids(api.get(url, {"legal_form": "cooperative"})) == [coop.pk]
    assert sorted(ids(api.get(url, {"province": world.khanh_hoa.pk}))) == sorted([own.pk, coop.pk])
    # the page's filter offers the provinces of the jurisdiction only: another one is refused by name
    foreign = api.get(url, {"province": world.ha_noi.pk})
    assert foreign.status_code == 422
    assert foreign.json()["code"] == "invalid_filter"
    assert list(foreign.json()["details"]["errors"]) == ["province"]
    assert ids(api.get(url, {"flags": ["women_owned"]})) == []
    page = api.get(url, {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2
    assert len(page["items"]) == 1


def test_eligibility_by_date(api, world):
    artisan = _create(world, world.phan_rang, "Nghệ nhân Trần Văn A", legal_form="artisan")
    url = reverse("api:establishment_eligibility", args=[artisan.pk])
    now = api.get(url, {"on": "2026-01-01"}).json()
    assert now["eligible"] is True
    assert now["rule"]["code"] == "nd-235-2025"
    before = api.get(url, {"on": "2024-01-01"}).json()
    assert before["eligible"] is False
    assert any("45/2012" in reason for reason in before["reasons"])
    assert api.get(url).status_code == 200
    assert api.get(url, {"on": "01/01/2024"}).status_code == 422


def test_read_only_role_cannot_write_even_in_its_jurisdiction(client, world):
    est = _create(world, world.phan_rang, "Cơ sở A")
    client.force_login(world.user(Role.ESTABLISHMENT_REP))
    assert _post(client, reverse("api:establishment_create"), _body(world)).status_code == 403
    response = _patch(
        client, reverse("api:establishment_update", args=[est.pk]), {"version": 1, "workers": 1}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_openapi_lists_the_endpoints(client, world):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/establishments"])
    assert {"get", "patch"} <= set(paths["/api/v1/establishments/{establishment_id}"])
    assert "/api/v1/establishments/{establishment_id}/eligibility" in paths

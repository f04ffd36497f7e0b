"""API behaviour beyond the access matrix: schema, docs, tokens, filters and error shape."""

import json
import re

from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.accounts.models import ApiToken
from khuyencong.core.models import AuditEntry


def _bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_openapi_schema_lists_the_endpoints(client, world):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/units",
        "/api/v1/units/{unit_id}",
        "/api/v1/regions",
        "/api/v1/agencies",
        "/api/v1/me",
    ):
        assert path in paths
    assert "BearerAuth" in json.dumps(response.json()["components"]) or "PersonalToken" in json.dumps(
        response.json()["components"]
    )


def test_docs_page_uses_local_assets(client, world):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    # Every asset is served from this site: no absolute or protocol-relative URL (a CDN). Not a search
    # for "cdn" in the page, which the random CSP nonce sometimes spells.
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", body)
    assert urls
    assert [u for u in urls if u.startswith(("http:", "https:", "//"))] == []


def test_personal_token_lifecycle(client, world):
    user = world.user(Role.PROVINCE_OFFICER)
    client.force_login(user)
    created = client.post(reverse("api:token_create"), {"name": "Excel"}, content_type="application/json")
    assert created.status_code == 201
    raw = created.json()["token"]
    assert raw.startswith("kc_")
    token = ApiToken.objects.get(pk=created.json()["id"])
    assert raw not in token.key_hash
    assert token.key_hash != raw
    assert AuditEntry.objects.filter(action="api_token.create", object_id=str(token.pk), actor=user).exists()
    client.logout()

    me = client.get(reverse("api:me"), **_bearer(raw))
    assert me.status_code == 200
    assert me.json()["username"] == user.username
    assert me.json()["jurisdiction"]["province_ids"] == [world.khanh_hoa.pk]
    token.refresh_from_db()
    assert token.last_used_at is not None

    revoked = client.delete(reverse("api:token_revoke", args=[token.pk]), **_bearer(raw))
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"]
    assert client.get(reverse("api:me"), **_bearer(raw)).status_code == 401
    assert AuditEntry.objects.filter(action="api_token.revoke", object_id=str(token.pk)).exists()


def test_wrong_token_is_401(client, world):
    response = client.get(reverse("api:me"), **_bearer("kc_not-a-token"))
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["messages"]["vi"]
    assert body["messages"]["en"]


def test_token_requires_a_name(client, world):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    response = client.post(reverse("api:token_create"), {"name": "  "}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "name_required"
    assert not ApiToken.objects.exists()


def test_invalid_input_is_422_with_fields(client, world):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    response = client.get(reverse("api:unit_list") + "?on=31/02/2024")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["details"][0]["field"] == "on"


def test_unit_filters(client, world):
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    url = reverse("api:unit_list")
    provinces = client.get(url + "?level=province&on=2026-01-01").json()
    assert {u["code"] for u in provinces["items"]} == {"56", "48", "01"}
    legacy = client.get(url + "?level=province&on=2024-01-01").json()
    assert {u["code"] for u in legacy["items"]} == {"56", "58", "48", "49", "01"}
    in_khanh_hoa = client.get(url + f"?province={world.khanh_hoa.pk}&level=province").json()
    assert {u["code"] for u in in_khanh_hoa["items"]} == {"56", "58"}
    children = client.get(url + f"?parent={world.khanh_hoa.pk}&limit=1").json()
    assert children["count"] == world.khanh_hoa.children.count()
    assert len(children["items"]) == 1


def test_regions_by_year(client, world):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    regions = {r["code"]: r for r in client.get(reverse("api:region_list") + "?year=2024").json()}
    assert set(regions) == {"bac", "mttn", "nam"}
    assert {m["code"] for m in regions["mttn"]["members"]} == {"56", "58", "48", "49"}  # in this test world
    now = client.get(reverse("api:region_detail", args=["mttn"]) + "?year=2026").json()
    assert {m["code"] for m in now["members"]} == {"56", "48"}
    assert all(m["basis"] == "majority" for m in now["members"])


def test_errors_follow_the_request_language(client, world):
    response = client.get(reverse("api:me"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == response.json()["messages"]["en"]


def test_session_writes_need_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    refused = client.post(reverse("api:token_create"), {"name": "x"}, content_type="application/json")
    assert refused.status_code in (401, 403)
    assert not ApiToken.objects.exists()
    client.get(reverse("accounts:token_list"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        reverse("api:token_create"), {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201


def test_every_schema_has_its_own_name(client, world):
    """Two classes of one name (catalog's and the submissions' IndicatorOut) made the document describe
    one operation with the other's schema."""
    from khuyencong.api.api import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    assert "SubmittedIndicatorOut" in schemas
    catalog = schemas["IndicatorOut"]["properties"]
    assert "code" in catalog
    assert "planned" not in catalog


def test_writes_without_credentials_are_401_and_forged_session_writes_403(world):
    from django.test import Client

    body = {"kind": "payment", "amount": 1, "value_date": "2026-01-01", "reference": "X"}
    path = reverse("api:finance_entry_record", args=[1])
    anonymous = Client(enforce_csrf_checks=True)
    for headers in ({}, _bearer("kc_not-a-token")):
        response = anonymous.post(path, body, content_type="application/json", **headers)
        assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    session = Client(enforce_csrf_checks=True)
    session.force_login(world.user(Role.PROVINCE_OFFICER))
    forged = session.post(path, body, content_type="application/json")  # a session but no CSRF token
    assert forged.status_code == 403

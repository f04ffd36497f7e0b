"""The catalogue API beyond the access matrix: schema, content, filters, the support check and its errors."""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Activity, Programme, SupportNorm

MACHINERY = "may-moc-thiet-bi"
CHECK_URL = "/api/v1/catalog/check-support"


@pytest.fixture
def api(client, world):
    client.force_login(world.user(Role.COMMUNE_OFFICER))
    return client


def post_check(client, **payload):
    body = {"activity": MACHINERY, "on_date": "2016-06-01", **payload}
    return client.post(CHECK_URL, body, content_type="application/json")


def test_schema_lists_the_catalogue_endpoints(client, world):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/catalog/programmes",
        "/api/v1/catalog/programmes/{code}",
        "/api/v1/catalog/activities",
        "/api/v1/catalog/activities/{code}",
        "/api/v1/catalog/indicators",
        "/api/v1/catalog/norms",
    ):
        assert paths[path]["get"]["tags"] == ["catalogue"], path
    assert paths[CHECK_URL]["post"]["tags"] == ["catalogue"]
    check_in = schema["components"]["schemas"]["SupportCheckIn"]["properties"]
    assert check_in["eligible_cost"]["type"] == "integer"


def test_programmes(api, world):
    # The test world has no legacy Đồng Nai: attach the provincial programme to a province it has.
    Programme.objects.filter(code="ctkc-dong-nai-2021-2025").update(unit=world.ninh_thuan)
    programmes = api.get(reverse("api:catalog_programme_list")).json()
    by_code = {p["code"]: p for p in programmes}
    assert set(by_code) == {"nd-45-2012", "ctkcqg-2021-2025", "ctkcqg-2026-2030", "ctkc-dong-nai-2021-2025"}
    national = by_code["ctkcqg-2021-2025"]
    assert (national["kind"], national["year_from"], national["year_to"], national["group_count"]) == (
        "national",
        2021,
        2025,
        6,
    )
    assert by_code["ctkc-dong-nai-2021-2025"]["province_id"] == world.ninh_thuan.pk
    assert national["province_id"] is None


def test_programme_detail_with_groups_and_targets(api):
    body = api.get(reverse("api:catalog_programme_detail", args=["ctkcqg-2021-2025"])).json()
    assert [g["number"] for g in body["groups"]] == [1, 2, 3, 4, 5, 6]
    group1 = body["groups"][0]
    assert group1["code"] == "ct21-1"
    assert set(group1["decree_groups"]) == {"nd-3", "nd-7"}
    assert MACHINERY in group1["activities"]
    assert body["targets"] == []
    dong_nai = api.get(reverse("api:catalog_programme_detail", args=["ctkc-dong-nai-2021-2025"])).json()
    target = next(t for t in dong_nai["targets"] if t["code"] == "tang-truong-gtsx")
    assert (float(target["minimum"]), float(target["maximum"]), target["unit"]) == (5, 5.4, "%/năm")


def test_activities_by_programme_and_detail(api):
    url = reverse("api:catalog_activity_list")
    everything = api.get(url).json()
    of_2021 = api.get(url, {"programme": "ctkcqg-2021-2025", "on": "2023-01-01"}).json()
    assert MACHINERY in {a["code"] for a in of_2021}
    assert len(of_2021) <= len(everything)
    machinery = next(a for a in of_2021 if a["code"] == MACHINERY)
    assert {"programme": "ctkcqg-2021-2025", "code": "ct21-1", "number": 1}.items() <= next(
        g for g in machinery["groups"] if g["programme"] == "ctkcqg-2021-2025"
    ).items()

    detail = api.get(reverse("api:catalog_activity_detail", args=[MACHINERY])).json()
    [norm] = detail["norms"]
    assert norm["code"] == "may-moc-2014"
    assert (norm["activity"], norm["cap"], norm["cap_per"]) == (MACHINERY, 200_000_000, "establishment")
    assert float(norm["max_share"]) == 0.5
    assert "co-so-may-moc" in detail["indicators"]


def test_indicators(api):
    indicators = api.get(reverse("api:catalog_indicator_list")).json()
    assert len(indicators) == 25
    machinery = next(i for i in indicators if i["code"] == "co-so-may-moc")
    assert machinery["activities"] == [MACHINERY]
    assert machinery["unit"] == "cơ sở"


def test_norms_by_date_and_activity(api):
    url = reverse("api:catalog_norm_list")
    in_2016 = api.get(url, {"on": "2016-06-01", "activity": "mo-hinh-trinh-dien"}).json()
    assert [(n["code"], n["cap"]) for n in in_2016] == [("mo-hinh-2014", 500_000_000)]
    in_2019 = api.get(url, {"on": "2019-06-01", "activity": "mo-hinh-trinh-dien"}).json()
    assert [(n["code"], n["cap"]) for n in in_2019] == [("mo-hinh-2018", 1_000_000_000)]
    history = api.get(url, {"activity": "mo-hinh-trinh-dien"}).json()
    assert [n["code"] for n in history] == ["mo-hinh-2014", "mo-hinh-2018"]
    assert len(api.get(url).json()) == 10


def test_check_support_reports_both_violations(api):
    response = post_check(api, eligible_cost=400_000_000, requested_support=260_000_000)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    assert body["limit"] == 200_000_000
    assert [n["code"] for n in body["norms"]] == ["may-moc-2014"]
    violations = {v["code"]: v for v in body["violations"]}
    assert set(violations) == {"share_exceeded", "cap_exceeded"}
    assert violations["share_exceeded"]["limit"] == 200_000_000
    assert violations["share_exceeded"]["norm_code"] == "may-moc-2014"
    assert violations["cap_exceeded"]["limit"] == 200_000_000
    assert "26/2014/TTLT-BTC-BCT" in violations["cap_exceeded"]["message"]


def test_check_support_ok_with_units_and_condition(api):
    body = post_check(api, eligible_cost=600_000_000, requested_support=250_000_000, per_unit_count=2).json()
    assert (body["ok"], body["limit"], body["violations"]) == (True, 300_000_000, [])
    booth = post_check(
        api,
        activity="gian-hang-hoi-cho",
        eligible_cost=20_000_000,
        requested_support=20_000_000,
        condition="other_fair",
    ).json()
    assert [(v["code"], v["limit"]) for v in booth["violations"]] == [("share_exceeded", 16_000_000)]


def test_check_support_messages_follow_the_request_language(api):
    vi = post_check(api, eligible_cost=300_000_000, requested_support=180_000_000).json()
    assert "60,00%" in vi["violations"][0]["message"]
    en = api.post(
        CHECK_URL,
        {
            "activity": MACHINERY,
            "on_date": "2016-06-01",
            "eligible_cost": 300_000_000,
            "requested_support": 1,
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert en.json()["ok"] is True
    en = api.post(
        CHECK_URL,
        {
            "activity": MACHINERY,
            "on_date": "2016-06-01",
            "eligible_cost": 300_000_000,
            "requested_support": 180_000_000,
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    assert "60.00%" in en["violations"][0]["message"]


@pytest.mark.parametrize("amount", [180_000_000.5, 180_000_000.0, "180000000", True])
def test_check_support_refuses_amounts_that_are_not_integers(api, amount):
    response = post_check(api, eligible_cost=300_000_000, requested_support=amount)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["details"][0]["field"] == "requested_support"


def test_check_support_refuses_negative_amounts_and_counts(api):
    negative = post_check(api, eligible_cost=-1, requested_support=0)
    assert negative.status_code == 400
    assert negative.json()["code"] == "negative_amount"
    assert negative.json()["details"]["field"] == "eligible_cost"
    count = post_check(api, eligible_cost=1, requested_support=1, per_unit_count=0)
    assert count.status_code == 400
    assert count.json()["code"] == "invalid_unit_count"


def test_check_support_bad_condition_or_date(api):
    response = post_check(api, eligible_cost=1, requested_support=1, condition="somewhere")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    response = post_check(api, eligible_cost=1, requested_support=1, on_date="01/06/2016")
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/catalog/programmes/khong-co", None),
        ("get", "/api/v1/catalog/activities/khong-co", None),
        ("get", "/api/v1/catalog/activities?programme=khong-co", None),
        ("get", "/api/v1/catalog/norms?activity=khong-co", None),
        ("post", CHECK_URL, {"activity": "khong-co", "eligible_cost": 1, "requested_support": 1}),
    ],
)
def test_unknown_codes_are_404(api, method, url, body):
    if body is None:
        response = api.get(url)
    else:
        response = api.post(url, {**body, "on_date": "2016-06-01"}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_new_circular_is_added_and_applies_from_its_date(client, world):
    from khuyencong.core.audit import audit_for

    client.force_login(world.user(Role.SYSTEM_ADMIN))
    closed = client.patch(
        reverse("api:catalog_norm_update", args=["may-moc-2014"]),
        {"valid_to": "2018-05-11"},
        content_type="application/json",
    )
    assert closed.status_code == 200
    created = client.post(
        reverse("api:catalog_norm_create"),
        {
            "code": "may-moc-2018",
            "activity": "may-moc-thiet-bi",
            "max_share": "0.5",
            "cap": 300_000_000,
            "cap_per": "establishment",
            "legal_basis": "Thông tư 28/2018/TT-BTC",
            "valid_from": "2018-05-12",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    check = client.post(
        reverse("api:catalog_check_support"),
        {
            "activity": "may-moc-thiet-bi",
            "eligible_cost": 600_000_000,
            "requested_support": 250_000_000,
            "on_date": "2019-01-01",
        },
        content_type="application/json",
    ).json()
    assert check["ok"] is True
    norm = SupportNorm.objects.get(code="may-moc-2014")
    entry = audit_for(norm).get()
    assert entry.before["valid_to"] is None
    assert entry.after["valid_to"] == "2018-05-11"


def test_bad_norm_is_refused_with_field_errors(client, world):
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    response = client.post(
        reverse("api:catalog_norm_create"),
        {
            "code": "sai",
            "activity": "may-moc-thiet-bi",
            "max_share": "1.5",
            "cap": -1,
            "cap_per": "galaxy",
            "legal_basis": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["details"]["errors"]) >= {"max_share", "cap", "cap_per"}
    assert not SupportNorm.objects.filter(code="sai").exists()


def test_only_system_administrators_edit_the_catalogue(client, world):
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    response = client.patch(
        reverse("api:catalog_activity_update", args=["hoi-thao"]),
        {"name": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Activity.objects.get(code="hoi-thao").name != "x"

"""The events API: recording through it, refusals as JSON with errors by field, scoped reads."""

import datetime as dt

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.events.models import Fair, FairParticipation
from khuyencong.events.tests import builders as b


def _post(client, name, args, body):
    return client.post(reverse(f"api:{name}", args=args), body, content_type="application/json")


@pytest.fixture
def officer_client(client, world):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    return client


def test_fair_and_participations_through_the_api(officer_client, world):
    created = _post(
        officer_client,
        "event_fair_create",
        [],
        {
            "name": "Hội chợ Công Thương Khánh Hòa 2025",
            "level": "province",
            "place": "Quảng trường 2/4",
            "location_id": world.khanh_hoa.pk,
            "organiser_id": world.agency("ttkc-56").pk,
            "start_date": "2025-10-08",
            "end_date": "2025-10-13",
            "booths_total": 3,
        },
    )
    assert created.status_code == 201, created.content
    fair_id = created.json()["id"]
    est = b.establishment(world, world.phan_rang)
    added = _post(
        officer_client,
        "event_participation_add",
        [fair_id],
        {"establishment_id": est.pk, "booths": 2, "support_amount": 19_200_000},
    )
    assert added.status_code == 201, added.content
    assert added.json()["establishment_name"] == est.name

    foreign = b.establishment(world, world.ha_noi_commune)
    refused = _post(
        officer_client, "event_participation_add", [fair_id], {"establishment_id": foreign.pk, "booths": 2}
    )
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "invalid_fields"
    assert set(body["details"]["errors"]) == {"establishment", "booths"}
    assert FairParticipation.objects.count() == 1

    for amount in (1.5, "100", -1):
        bad = _post(
            officer_client,
            "event_participation_add",
            [fair_id],
            {"establishment_id": b.establishment(world, world.phan_rang).pk, "support_amount": amount},
        )
        assert bad.status_code in (400, 422)
        assert "support_amount" in str(bad.json()["details"])
    assert FairParticipation.objects.count() == 1

    detail = officer_client.get(reverse("api:event_fair_detail", args=[fair_id])).json()
    assert [p["booths"] for p in detail["participations"]] == [2]
    counts = officer_client.get(reverse("api:event_counts_api") + "?year=2025").json()
    assert counts["counts"]["gian-hang"] == 2
    unknown = _post(officer_client, "event_participation_add", [fair_id], {"establishment_id": 999_999})
    assert unknown.json()["code"] == "unknown_reference"


def test_selection_scores_and_certificate_through_the_api(officer_client, world):
    created = _post(
        officer_client,
        "event_selection_create",
        [],
        {
            "level": "province",
            "year": 2025,
            "name": "Bình chọn sản phẩm CNNT tiêu biểu cấp tỉnh 2025",
            "unit_id": world.khanh_hoa.pk,
            "organiser_id": world.agency("ttkc-56").pk,
            "pass_score": "75",
        },
    )
    assert created.status_code == 201, created.content
    selection_id = created.json()["id"]
    est = b.establishment(world, world.phan_rang)
    entry = _post(
        officer_client,
        "event_entry_add",
        [selection_id],
        {"establishment_id": est.pk, "product_name": "Tỏi Phan Rang", "product_group": "food"},
    )
    assert entry.status_code == 201, entry.content
    entry_id = entry.json()["id"]
    for juror, score in (("A", "74"), ("B", 77.5)):
        scored = _post(
            officer_client, "event_entry_score", [selection_id, entry_id], {"juror": juror, "score": score}
        )
        assert scored.status_code == 200, scored.content
    assert scored.json()["total_score"] == "75.75"
    certified = _post(
        officer_client,
        "event_entry_certify",
        [selection_id, entry_id],
        {"certificate_number": "12/GCN-SCT", "valid_from": "2025-11-14"},
    )
    assert certified.status_code == 200, certified.content
    assert certified.json()["certificate_valid_to"] == "2028-11-13"
    est.refresh_from_db()
    assert est.typical_product
    again = _post(officer_client, "event_entry_reject", [selection_id, entry_id], {"note": "x"})
    assert again.status_code == 409
    assert again.json()["code"] == "wrong_state"
    detail = officer_client.get(reverse("api:event_selection_detail", args=[selection_id])).json()
    assert [s["juror"] for s in detail["entries"][0]["scores"]] == ["A", "B"]


def test_foreign_records_are_not_found_and_read_only_roles_are_refused(client, world):
    foreign = b.fair(world, "foreign")
    own = b.fair(world, "own")
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    response = client.get(reverse("api:event_fair_detail", args=[foreign.pk]))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    ids = [f["id"] for f in client.get(reverse("api:event_fair_list")).json()["items"]]
    assert ids == [own.pk]
    client.force_login(world.user(Role.AUDITOR))
    refused = _post(
        client,
        "event_participation_add",
        [own.pk],
        {"establishment_id": b.establishment(world, world.phan_rang).pk},
    )
    assert refused.status_code == 403
    assert Fair.objects.count() == 2


def test_titles_and_trainings_through_the_api(officer_client, world):
    title = _post(
        officer_client,
        "event_title_create",
        [],
        {
            "person_name": "Thuận Văn Thành",
            "kind": "artisan",
            "level": "province",
            "year": 2025,
            "craft": "dệt thổ cẩm",
            "decision_number": "87/QĐ-UBND",
            "unit_id": world.phan_rang.pk,
            "birth_year": 1966,
        },
    )
    assert title.status_code == 201, title.content
    training = _post(
        officer_client,
        "event_training_create",
        [],
        {
            "kind": "training",
            "title": "Lớp dệt thổ cẩm",
            "start_date": "2025-05-12",
            "end_date": "2025-06-25",
            "location_id": world.phan_rang.pk,
            "organiser_id": world.agency("ttkc-56").pk,
            "participants_count": 35,
        },
    )
    assert training.status_code == 201, training.content
    training_id = training.json()["id"]
    assert (
        _post(officer_client, "event_trainee_add", [training_id], {"name": "Đàng Thị Hoa"}).status_code == 201
    )
    detail = officer_client.get(reverse("api:event_training_detail", args=[training_id])).json()
    assert detail["participants_count"] == 1
    assert [t["name"] for t in detail["trainees"]] == ["Đàng Thị Hoa"]
    bad = _post(
        officer_client,
        "event_training_create",
        [],
        {
            "kind": "party",
            "title": "",
            "start_date": "2025-05-12",
            "end_date": "2025-05-01",
            "location_id": world.ha_noi.pk,
            "organiser_id": world.agency("ttkc-56").pk,
        },
    )
    assert bad.status_code == 400
    assert set(bad.json()["details"]["errors"]) == {"kind", "title", "end_date", "location"}


def test_api_lists_take_the_pages_filters(officer_client, world):
    """The API's list parameters are the page filter's: the same rows, and a value the filter refuses
    is a 422 naming the parameter."""
    old = b.fair(
        world, name="Hội chợ Xuân 2024", start_date=dt.date(2024, 1, 20), end_date=dt.date(2024, 1, 25)
    )
    new = b.fair(world, name="Hội chợ Công Thương 2025")
    url = reverse("api:event_fair_list")
    assert [f["id"] for f in officer_client.get(url, {"year": 2024}).json()["items"]] == [old.pk]
    assert [f["id"] for f in officer_client.get(url, {"q": "công thương"}).json()["items"]] == [new.pk]
    refused = officer_client.get(url, {"level": "galactic"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_filter"
    assert "level" in refused.json()["details"]["errors"]
    assert officer_client.get(url, {"year": 1999}).status_code == 422
    spec = officer_client.get("/api/v1/openapi.json").json()
    params = {p["name"] for p in spec["paths"][url]["get"]["parameters"]}
    assert {"year", "q", "level", "limit", "offset"} <= params

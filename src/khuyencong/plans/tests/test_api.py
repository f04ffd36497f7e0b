import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.plans.models import Plan, PlanLine


def _post(client, name, args, body):
    return client.post(reverse(f"api:{name}", args=args), body, content_type="application/json")


@pytest.fixture
def officer_client(client, world):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    return client


def test_plan_lifecycle_through_the_api(officer_client, client, world):
    created = _post(
        officer_client,
        "plan_create_api",
        [],
        {"agency_id": world.agency("ttkc-56-cu").pk, "year": 2024, "source": "kcdp"},
    )
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    line = _post(
        officer_client,
        "plan_line_add_api",
        [plan_id],
        {"activity": "may-moc-thiet-bi", "amount": 800_000_000, "targets": {"co-so-may-moc": 4}},
    )
    assert line.status_code == 201
    assert line.json()["targets"] == {"co-so-may-moc": 4}
    stale = _post(officer_client, "plan_submit_api", [plan_id], {"version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_write"
    version = officer_client.get(reverse("api:plan_detail", args=[plan_id])).json()["version"]
    future = _post(
        officer_client, "plan_submit_api", [plan_id], {"version": version, "submitted_on": "2099-01-01"}
    )
    assert future.status_code == 400
    assert future.json()["code"] == "future_date"
    submitted = _post(
        officer_client, "plan_submit_api", [plan_id], {"version": version, "submitted_on": "2023-11-20"}
    )
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["submitted_late"] is True

    refused = _post(
        officer_client, "plan_approve_api", [plan_id], {"decision_number": "1", "decision_date": "2023-12-01"}
    )
    assert refused.status_code == 403
    client.force_login(world.user(Role.PROVINCE_APPROVER))
    before_sent = _post(
        client,
        "plan_approve_api",
        [plan_id],
        {"decision_number": "12/QĐ-UBND", "decision_date": "2023-11-05"},
    )
    assert before_sent.status_code == 400
    assert "20/11/2023" in before_sent.json()["details"]["errors"]["decision_date"]
    approved = _post(
        client,
        "plan_approve_api",
        [plan_id],
        {"decision_number": "12/QĐ-UBND", "decision_date": "2023-12-01"},
    )
    assert approved.json()["status"] == "approved"

    totals = client.get(reverse("api:plans_as_of") + "?year=2024&on=2024-01-01").json()
    assert totals["total"] == 800_000_000
    assert totals["by_group"] == {"ct21-1": 800_000_000}
    assert totals["targets"] == {"co-so-may-moc": 4}


@pytest.mark.parametrize("amount", [1.5, "100", -1])
def test_amounts_must_be_whole_non_negative_dong(officer_client, world, amount):
    created = _post(
        officer_client,
        "plan_create_api",
        [],
        {"agency_id": world.agency("ttkc-56-cu").pk, "year": 2024, "source": "kcdp"},
    )
    response = _post(
        officer_client,
        "plan_line_add_api",
        [created.json()["id"]],
        {"activity": "hoi-thao", "amount": amount},
    )
    assert response.status_code in (400, 422)
    body = response.json()
    assert body["code"] in ("invalid_input", "invalid_fields")
    assert "amount" in str(body["details"])
    assert not PlanLine.objects.exists()


def test_unknown_activity_and_duplicate_plan(officer_client, world):
    payload = {"agency_id": world.agency("ttkc-56-cu").pk, "year": 2024, "source": "kcdp"}
    plan_id = _post(officer_client, "plan_create_api", [], payload).json()["id"]
    response = _post(officer_client, "plan_line_add_api", [plan_id], {"activity": "khong-co", "amount": 1})
    assert response.json()["code"] == "unknown_activity"
    duplicate = _post(officer_client, "plan_create_api", [], payload)
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "duplicate_plan"
    assert Plan.objects.count() == 1

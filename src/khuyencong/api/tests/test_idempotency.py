"""`Idempotency-Key` on POSTs: a repeat answers the first result without doing it again (one ledger
entry, one project), per user; the same key for another request is refused; a repeat while the first
runs is 409; what failed on the server or on credentials is not kept."""

import json

import pytest
from django.test import RequestFactory
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.api.idempotency import _fingerprint
from khuyencong.api.models import IdempotentRequest
from khuyencong.finance.models import LedgerEntry
from khuyencong.projects.choices import ProjectState
from khuyencong.testing.projects import YEAR, make_project

pytestmark = pytest.mark.django_db

PAYMENT = {"kind": "payment", "amount": 9_062_500, "value_date": f"{YEAR}-05-05", "reference": "UNC-77"}


@pytest.fixture
def project(world):
    return make_project(world, state=ProjectState.IN_PROGRESS)


def _pay(client, project, key, body=PAYMENT):
    return client.post(
        reverse("api:finance_entry_record", args=[project.pk]),
        json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key} if key else {},
    )


def test_a_repeated_payment_answers_the_first_result_and_records_once(client, world, project):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    count = LedgerEntry.objects.filter(project=project).count()
    first = _pay(client, project, "pay-77")
    assert first.status_code == 201, first.content
    again = _pay(client, project, "pay-77")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert LedgerEntry.objects.filter(project=project).count() == count + 1
    # without a key the same payment is the duplicate it is
    assert _pay(client, project, None).json()["code"] == "duplicate_entry"


def test_the_same_key_for_another_request_is_refused(client, world, project):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    assert _pay(client, project, "k1").status_code == 201
    other = _pay(client, project, "k1", {**PAYMENT, "amount": 1_000_000, "reference": "UNC-78"})
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert not LedgerEntry.objects.filter(project=project, reference="UNC-78").exists()


def test_keys_are_each_users_own_and_work_with_a_token(client, world, project):
    from khuyencong.accounts.services import api_token_create, user_create

    officer = world.user(Role.PROVINCE_OFFICER)
    colleague = user_create(
        actor=None,
        username="test.colleague",
        password="khuyencong-test-1",
        agency=officer.agency,
        roles=[Role.PROVINCE_OFFICER],
        full_name="Đồng nghiệp",
    )
    client.force_login(officer)
    assert _pay(client, project, "shared").status_code == 201
    _, raw = api_token_create(actor=colleague, name="script")
    client.logout()
    second = client.post(
        reverse("api:finance_entry_record", args=[project.pk]),
        json.dumps({**PAYMENT, "reference": "UNC-79"}),
        content_type="application/json",
        headers={"Idempotency-Key": "shared", "Authorization": f"Bearer {raw}"},
    )
    assert second.status_code == 201, second.content
    assert "Idempotent-Replayed" not in second
    assert LedgerEntry.objects.filter(project=project, reference="UNC-79").count() == 1
    replay = client.post(
        reverse("api:finance_entry_record", args=[project.pk]),
        json.dumps({**PAYMENT, "reference": "UNC-79"}),
        content_type="application/json",
        headers={"Idempotency-Key": "shared", "Authorization": f"Bearer {raw}"},
    )
    assert replay["Idempotent-Replayed"] == "true"
    assert LedgerEntry.objects.filter(project=project, reference="UNC-79").count() == 1


def test_a_repeat_while_the_first_runs_is_409(client, world, project):
    officer = world.user(Role.PROVINCE_OFFICER)
    client.force_login(officer)
    path = reverse("api:finance_entry_record", args=[project.pk])
    running = RequestFactory().post(path, json.dumps(PAYMENT), content_type="application/json")
    IdempotentRequest.objects.create(user=officer, key="slow", fingerprint=_fingerprint(running))
    response = _pay(client, project, "slow")
    assert (response.status_code, response.json()["code"]) == (409, "request_in_progress")


def test_refused_credentials_and_server_errors_are_not_kept(client, world, project, monkeypatch):
    anonymous = _pay(client, project, "k2")
    assert anonymous.status_code == 401
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    from khuyencong.finance import api as finance_api

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(finance_api, "entry_record", broken)
    client.raise_request_exception = False
    assert _pay(client, project, "k3").status_code == 500
    assert not IdempotentRequest.objects.filter(key__in=["k2", "k3"]).exists()
    monkeypatch.undo()
    assert _pay(client, project, "k3").status_code == 201


@pytest.mark.parametrize("key", [" ", "x" * 256, "a\tb"])
def test_a_malformed_key_is_422(client, world, project, key):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    response = _pay(client, project, key)
    assert (response.status_code, response.json()["code"]) == (422, "invalid_idempotency_key")

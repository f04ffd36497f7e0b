"""A bounded schemathesis run over every operation of the API, as a province officer and as an
administrator (token auth): no answer is a server error, every status is documented, every body
matches its documented schema. Each failure names the operation and the request that caused it."""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from khuyencong.accounts.choices import Role
from khuyencong.accounts.services import api_token_create
from khuyencong.api.api import api

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = WSGIHandler()

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def tokens(world, settings):
    settings.ALLOWED_HOSTS = ["*"]
    # as Django's test client does: a request ending must not close the test's database connection
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {
        role: api_token_create(actor=world.user(role), name="fuzz")[1]
        for role in (Role.PROVINCE_OFFICER, Role.SYSTEM_ADMIN)
    }
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", [Role.PROVINCE_OFFICER, Role.SYSTEM_ADMIN])
@schema.parametrize()
@hypothesis_settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
def test_no_server_error_and_every_answer_as_documented(case, role, tokens):
    case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"}, checks=CHECKS)

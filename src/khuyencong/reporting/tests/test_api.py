"""The reports API: the report JSON for a scope and a period, exports as jobs (202, status, file), and
the refusals with their codes."""

import json

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.reporting.models import ExportJob
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db

REPORTS = reverse("api:report_read")
EXPORTS = reverse("api:report_export_create")


@pytest.fixture
def projects(world):
    return (
        make_project(world, state="settled", support=150_000_000),
        make_project(world, "foreign", state="settled", support=90_000_000),
    )


def _as(client, world, role):
    client.force_login(world.user(role))
    return client


def test_report_json_for_the_province_by_default(client, world, projects):
    response = _as(client, world, Role.PROVINCE_OFFICER).get(REPORTS, {"year": 2025, "through_month": 12})
    assert response.status_code == 200
    report = response.json()
    assert report["schema"] == "khuyencong.report/1"
    assert report["scope"]["code"] == "56"
    assert report["executed"]["total"] == 150_000_000


def test_report_through_a_month(client, world, projects):
    report = (
        _as(client, world, Role.MINISTRY_OFFICER)
        .get(REPORTS, {"scope": "unit:56", "year": 2025, "through_month": 3})
        .json()
    )
    assert report["period"]["end"] == "2025-03-31"
    assert report["executed"]["total"] == 75_000_000


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"scope": "unit:01"}, 404, "not_found"),
        ({"scope": "unit:48"}, 404, "not_found"),
        ({"scope": "nation"}, 404, "not_found"),
        ({"scope": "region:mttn"}, 404, "not_found"),
        ({"scope": "planet:earth"}, 400, "invalid_scope"),
        ({"through_month": 13}, 400, "invalid_period"),
        ({"through_month": 3, "quarter": 1}, 400, "invalid_period"),
        ({"boundaries": "ancient"}, 400, "invalid_boundaries"),
        ({"source": "rumour"}, 400, "invalid_source"),
    ],
)
def test_refusals_carry_a_code(client, world, params, status, code):
    response = _as(client, world, Role.PROVINCE_OFFICER).get(REPORTS, {"year": 2025, **params})
    assert response.status_code == status
    assert response.json()["code"] == code


def test_region_viewer_and_commune_officer(client, world):
    viewer = _as(client, world, Role.REGION_VIEWER)
    assert viewer.get(REPORTS, {"year": 2025}).json()["scope"]["code"] == "mttn"
    assert viewer.get(REPORTS, {"year": 2025, "scope": "unit:56"}).status_code == 200
    assert viewer.get(REPORTS, {"year": 2025, "scope": "unit:01"}).status_code == 404
    commune = _as(client, world, Role.COMMUNE_OFFICER)
    assert commune.get(REPORTS, {"year": 2025, "scope": "unit:56"}).status_code == 404


def _post(client, payload):
    return client.post(EXPORTS, json.dumps(payload), content_type="application/json")


def test_export_is_accepted_then_polled_then_downloaded(
    client, world, projects, django_capture_on_commit_callbacks
):
    api = _as(client, world, Role.PROVINCE_OFFICER)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(api, {"scope": "unit:56", "year": 2025, "through_month": 9, "format": "json"})
    assert response.status_code == 202
    body = response.json()
    job = ExportJob.objects.get()
    assert body["id"] == str(job.pk)
    assert body["status_url"] == reverse("api:report_export_status", args=[job.pk])
    status = api.get(body["status_url"]).json()
    assert (status["status"], status["progress"]) == ("done", 100)
    assert status["file_url"] == reverse("api:report_export_file", args=[job.pk])
    file = api.get(status["file_url"])
    assert file.status_code == 200
    assert json.loads(file.content)["period"]["through_month"] == 9


def test_export_refusals(client, world):
    api = _as(client, world, Role.PROVINCE_OFFICER)
    bad_format = _post(api, {"scope": "unit:56", "year": 2025, "format": "odt"})
    assert (bad_format.status_code, bad_format.json()["code"]) == (400, "invalid_format")
    foreign = _post(api, {"scope": "unit:01", "year": 2025, "format": "xlsx"})
    assert (foreign.status_code, foreign.json()["code"]) == (404, "not_found")
    assert not ExportJob.objects.exists()


def test_a_job_is_only_its_requesters(client, world):
    api = _as(client, world, Role.PROVINCE_OFFICER)
    job_id = _post(api, {"scope": "unit:56", "year": 2025, "format": "pdf"}).json()["id"]
    not_ready = api.get(reverse("api:report_export_file", args=[job_id]))
    assert (not_ready.status_code, not_ready.json()["code"]) == (409, "export_not_ready")
    other = _as(client, world, Role.MINISTRY_OFFICER)
    for name in ("api:report_export_status", "api:report_export_file"):
        response = other.get(reverse(name, args=[job_id]))
        assert (response.status_code, response.json()["code"]) == (404, "not_found")

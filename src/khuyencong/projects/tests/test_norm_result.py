"""An appraisal says what it checked: "no norm applies" is not "within the norms" (page, API, record)."""

import pytest

from khuyencong.accounts.choices import Role
from khuyencong.projects.choices import NormResult, ProjectState
from khuyencong.testing.projects import make_project

pytestmark = pytest.mark.django_db


def test_a_training_project_has_no_norm_to_be_within(world, client):
    training = make_project(
        world, state=ProjectState.APPRAISED, activity="dao-tao-nghe", support=1_500_000_000
    )
    machinery = make_project(world, state=ProjectState.APPRAISED, support=150_000_000)
    assert training.norm_result == NormResult.NO_NORM
    assert training.appraisal["norms_checked"] == []
    assert machinery.norm_result == NormResult.WITHIN
    assert machinery.appraisal["norms_checked"]  # the machinery norm(s) in force on the appraisal day

    client.force_login(world.user(Role.PROVINCE_OFFICER))
    page = client.get(f"/de-an/{training.pk}/").content.decode()
    assert "không có định mức hỗ trợ" in page.lower()
    assert "trong định mức" not in page.lower()
    page = client.get(f"/de-an/{machinery.pk}/").content.decode()
    assert "trong định mức" in page.lower()
    api = client.get(f"/api/v1/projects/{training.pk}").json()
    assert api["norm_result"] == "no_norm"


def test_appraisals_recorded_before_the_finding_was_stored_read_it_from_their_checks(world):
    project = make_project(world, state=ProjectState.APPRAISED, activity="dao-tao-nghe")
    project.appraisal = {"on": "2025-02-01", "ok": True, "checks": [{"norms": [], "violations": []}]}
    assert project.norm_result == NormResult.NO_NORM
    project.appraisal = {"on": "2025-02-01", "ok": True, "checks": [{"norms": ["x"], "violations": []}]}
    assert project.norm_result == NormResult.WITHIN
    project.appraisal = {"on": "2025-02-01", "ok": False, "checks": []}
    assert project.norm_result == NormResult.BEYOND

"""The submissions API: submit, return with a comment, resubmit, approve; the list (latest versions by
default) and the detail (figures, indicators, checks, deadline, lateness); imports with a dry run that
writes nothing; every refusal with its machine code. Access per role: doors_submissions_api.py."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from khuyencong.accounts.choices import Role
from khuyencong.reporting.imports import FIGURE_COLUMNS, INDICATOR_COLUMNS
from khuyencong.reporting.models import Submission
from khuyencong.testing.projects import LINE_AMOUNT, make_project

pytestmark = pytest.mark.django_db

HEADER = ",".join(FIGURE_COLUMNS) + "\n"
KHANH_HOA_CSV = HEADER + f"2025,9,56,KCDP,,{5 * LINE_AMOUNT},120000000\n2025,9,56,KCQG,,0,0\n"


def _url(name, *args):
    return reverse(f"api:{name}", args=args)


def _post(client, name, body, *args):
    return client.post(_url(name, *args), body, content_type="application/json")


def _as(client, world, role):
    client.force_login(world.user(role))
    return client


def _import(client, content, name="so-lieu.csv", dry_run=False):
    query = "?dry_run=true" if dry_run else ""
    return client.post(_url("submission_import") + query, {"file": _named(content, name)})


def _named(content, name):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


@pytest.fixture
def settled(world):
    return make_project(world, state="settled", support=150_000_000)


def test_submit_return_resubmit_approve(client, world, settled):
    officer = _as(client, world, Role.PROVINCE_OFFICER)
    body = {"unit_code": "56", "year": 2025, "through_month": 9, "comment": "Báo cáo 9 tháng"}
    created = _post(officer, "submission_create", body)
    assert created.status_code == 201, created.content
    first = created.json()
    assert (first["unit_code"], first["version"], first["status"], first["origin"]) == (
        "56",
        1,
        "prepared",
        "system",
    )
    assert first["period_label"] == "9 tháng đầu năm 2025"
    assert first["due_on"] == "2025-10-10"
    assert first["late"] is True
    kcdp = next(f for f in first["figures"] if f["source"] == "KCDP" and f["content_group"] == "")
    assert (kcdp["plan_dong"], kcdp["executed_dong"]) == (5 * LINE_AMOUNT, 75_000_000)
    assert [v["version"] for v in first["versions"]] == [1]

    again = _post(officer, "submission_create", body)
    assert (again.status_code, again.json()["code"]) == (409, "submission_unchanged")
    forbidden = _post(officer, "submission_approve", {}, first["id"])
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "permission_denied")
    ministry = _as(client, world, Role.MINISTRY_OFFICER)
    early = _post(ministry, "submission_approve", {}, first["id"])  # still at the Department
    assert (early.status_code, early.json()["code"]) == (403, "permission_denied")

    department = _as(client, world, Role.PROVINCE_APPROVER)
    sent = _post(department, "submission_approve", {"comment": "Sở đồng ý"}, first["id"])
    assert sent.status_code == 200, sent.content
    assert (sent.json()["status"], sent.json()["sent_by"]) == (
        "submitted",
        str(world.user(Role.PROVINCE_APPROVER)),
    )
    assert sent.json()["comment"] == "Báo cáo 9 tháng"  # the centre's comment stays

    ministry = _as(client, world, Role.MINISTRY_OFFICER)
    missing = _post(ministry, "submission_return", {"comment": " "}, first["id"])
    assert (missing.status_code, missing.json()["code"]) == (400, "comment_required")
    returned = _post(ministry, "submission_return", {"comment": "Bổ sung nhóm 2"}, first["id"])
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["comment"]) == ("returned", "Bổ sung nhóm 2")

    officer = _as(client, world, Role.PROVINCE_OFFICER)
    assert officer.get(_url("submission_detail", first["id"])).json()["comment"] == "Bổ sung nhóm 2"
    second = _post(officer, "submission_create", body).json()
    assert (second["version"], second["status"]) == (2, "prepared")
    _post(_as(client, world, Role.PROVINCE_APPROVER), "submission_approve", {}, second["id"])

    ministry = _as(client, world, Role.MINISTRY_OFFICER)
    stale = _post(ministry, "submission_approve", {}, first["id"])
    assert (stale.status_code, stale.json()["code"]) == (409, "submission_not_pending")
    approved = _post(ministry, "submission_approve", {}, second["id"])  # the comment is optional
    assert approved.status_code == 200, approved.content
    assert (approved.json()["status"], approved.json()["decided_by"]) == (
        "approved",
        str(world.user(Role.MINISTRY_OFFICER)),
    )
    assert [v["status"] for v in approved.json()["versions"]] == ["returned", "approved"]


def test_the_list_filters_and_shows_latest_versions_by_default(client, world, settled):
    officer = _as(client, world, Role.PROVINCE_OFFICER)
    first = _post(officer, "submission_create", {"unit_code": "56", "year": 2025, "through_month": 9}).json()
    _post(_as(client, world, Role.PROVINCE_APPROVER), "submission_return", {"comment": "Sai"}, first["id"])
    ministry = _as(client, world, Role.MINISTRY_OFFICER)
    second = _post(
        ministry, "submission_create", {"unit_code": "56", "year": 2025, "through_month": 9}
    ).json()

    latest = ministry.get(_url("submission_list") + "?year=2025&through_month=9").json()
    assert [s["id"] for s in latest["items"]] == [second["id"]]
    every = ministry.get(_url("submission_list") + "?year=2025&all_versions=true").json()
    assert [s["version"] for s in every["items"]] == [2, 1]
    returned = ministry.get(_url("submission_list") + "?all_versions=true&status=returned").json()
    assert [s["id"] for s in returned["items"]] == [first["id"]]
    assert ministry.get(_url("submission_list") + "?unit=01").json()["count"] == 0


def test_refusals_carry_codes_and_nothing_leaks(client, world):
    officer = _as(client, world, Role.PROVINCE_OFFICER)
    foreign = _post(officer, "submission_create", {"unit_code": "01", "year": 2025, "through_month": 9})
    assert (foreign.status_code, foreign.json()["code"]) == (404, "not_found")
    future = timezone.localdate().year + 1
    early = _post(officer, "submission_create", {"unit_code": "56", "year": future, "through_month": 12})
    assert (early.status_code, early.json()["code"]) == (400, "period_not_ended")
    region = _as(client, world, Role.REGION_VIEWER)
    refused = _post(region, "submission_create", {"unit_code": "56", "year": 2025, "through_month": 9})
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert region.get(_url("submission_detail", 999999)).json()["code"] == "not_found"
    assert not Submission.objects.exists()

    ha_noi = HEADER + "2025,9,01,KCDP,,9000000000,1000000000\n"
    admin = _as(client, world, Role.SYSTEM_ADMIN)
    (foreign_id,) = _import(admin, ha_noi.encode()).json()["created"]
    officer = _as(client, world, Role.PROVINCE_OFFICER)
    assert officer.get(_url("submission_detail", foreign_id)).status_code == 404
    assert _post(officer, "submission_return", {"comment": "x"}, foreign_id).status_code == 404
    commune = _as(client, world, Role.COMMUNE_OFFICER)
    assert commune.get(_url("submission_list")).json()["count"] == 0
    client.logout()
    assert client.get(_url("submission_list")).json()["code"] == "not_authenticated"


def test_import_dry_run_writes_nothing_then_import_creates(client, world):
    officer = _as(client, world, Role.PROVINCE_OFFICER)
    dry = _import(officer, KHANH_HOA_CSV.encode(), dry_run=True)
    assert dry.status_code == 200, dry.content
    (group,) = dry.json()["groups"]
    assert (group["unit_code"], group["outcome"], group["version"]) == ("56", "new", 1)
    assert (group["plan_dong"], group["executed_dong"]) == (5 * LINE_AMOUNT, 120_000_000)
    assert dry.json()["created"] == []
    assert not Submission.objects.exists()

    done = _import(officer, KHANH_HOA_CSV.encode())
    assert done.status_code == 201
    (created,) = done.json()["created"]
    detail = officer.get(_url("submission_detail", created)).json()
    assert (detail["origin"], detail["status"], detail["file_name"]) == ("file", "prepared", "so-lieu.csv")
    assert {c["rule"] for c in detail["checks"]} == set()  # the province keeps no figures: nothing to compare

    unchanged = _import(officer, KHANH_HOA_CSV.encode())
    assert unchanged.status_code == 201
    assert unchanged.json()["created"] == []
    assert unchanged.json()["groups"][0]["outcome"] == "unchanged"


def test_import_errors_name_sheet_row_and_column(client, world):
    officer = _as(client, world, Role.PROVINCE_OFFICER)
    book = Workbook()
    figures = book.active
    figures.title = "figures"
    figures.append(FIGURE_COLUMNS)
    figures.append([2025, 9, "56", "KCDP", "", 1_000_000, 500_000])
    indicators = book.create_sheet("indicators")
    indicators.append(INDICATOR_COLUMNS)
    indicators.append([2025, 9, "56", "khong-co", 3, "ba"])
    buffer = io.BytesIO()
    book.save(buffer)
    for dry_run in (True, False):
        response = _import(officer, buffer.getvalue(), name="so-lieu.xlsx", dry_run=dry_run)
        assert response.status_code == 400
        assert response.json()["code"] == "import_invalid"
        found = {(e["sheet"], e["row"], e["column"], e["code"]) for e in response.json()["details"]["errors"]}
        assert found == {
            ("indicators", 2, "indicator_code", "unknown_indicator"),
            ("indicators", 2, "achieved", "invalid_count"),
        }
    foreign = _import(officer, (HEADER + "2025,9,01,KCDP,,1,1\n").encode(), dry_run=True)
    assert foreign.json()["details"]["errors"][0]["code"] == "not_in_jurisdiction"
    assert _post(officer, "submission_import", {}).json()["code"] == "required"
    assert not Submission.objects.exists()
    region = _as(client, world, Role.REGION_VIEWER)
    assert _import(region, KHANH_HOA_CSV.encode(), dry_run=True).status_code == 403


def test_a_corrupt_workbook_is_one_clear_error_not_a_500(client, world):
    officer = _as(client, world, Role.PROVINCE_OFFICER)
    for dry_run in (True, False):
        response = _import(officer, b"PK\x03\x04" + b"not a zip" * 50, name="so-lieu.xlsx", dry_run=dry_run)
        assert response.status_code == 400
        assert response.json()["code"] == "import_invalid"
        assert [e["code"] for e in response.json()["details"]["errors"]] == ["unreadable_file"]
    assert not Submission.objects.exists()

"""Input no field can hold — years datetime cannot hold, numbers past 64 bits, a page of a million
rows, null on a required field, a NUL character — is a 4xx with a machine code, never a 500, on
SQLite and PostgreSQL alike (each case was a server error before)."""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Activity, SupportNorm
from khuyencong.core.pagination import MAX_PAGE

BIG = "9223372036854775808"  # 2^63


@pytest.fixture
def officer(client, world):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    return client


@pytest.fixture
def admin(client, world):
    client.force_login(world.user(Role.SYSTEM_ADMIN))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/counts?year=8496549",
        "/api/v1/fairs?year=-844351179",
        "/api/v1/trainings?year=12969",
        "/api/v1/selections?year=99999",
        "/api/v1/titles?year=0",
        "/api/v1/plans?year=99999",
        "/api/v1/plans/as-of?year=99999",
        "/api/v1/regions?year=12969",
        "/api/v1/reports?scope=unit:56&year=9999",
        "/api/v1/finance/executed?year=99999",
        f"/api/v1/projects?offset={BIG}",
        f"/api/v1/ledger?offset={BIG}",
        f"/api/v1/agencies?offset={BIG}",
        f"/api/v1/selections?offset={BIG}",
        f"/api/v1/establishments?offset={BIG}",
        f"/api/v1/plans?offset={BIG}",
        f"/api/v1/submissions?offset={BIG}",
        f"/api/v1/titles?offset={BIG}",
        "/api/v1/units?province=620207193384227962880",
        f"/api/v1/units?limit={MAX_PAGE + 1}",
        "/api/v1/units?limit=1000000",
    ],
)
def test_out_of_range_queries_are_422(officer, path):
    response = officer.get(path)
    assert response.status_code == 422, (path, response.content[:300])
    assert response.json()["code"] == "invalid_input"


def test_a_page_may_hold_up_to_the_maximum(officer):
    body = officer.get(f"/api/v1/units?limit={MAX_PAGE}").json()
    assert len(body["items"]) == min(MAX_PAGE, body["count"])


@pytest.mark.parametrize("path", [f"/api/v1/projects/{BIG}", f"/api/v1/ledger/{BIG}/reversal"])
def test_ids_past_64_bits_are_refused_not_500(officer, path):
    response = (
        officer.get(path)
        if "reversal" not in path
        else officer.post(path, {}, content_type="application/json")
    )
    assert response.status_code in (404, 405, 422), (path, response.status_code)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/catalog/activities/ban-tin", "description"),
        ("/api/v1/catalog/norms/gian-hang-ct-2014", "note"),
    ],
)
def test_null_on_a_required_field_is_422_naming_it(admin, path, field):
    before = (
        Activity.objects.get(code="ban-tin").description,
        SupportNorm.objects.get(code="gian-hang-ct-2014").note,
    )
    response = admin.patch(path, {field: None}, content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "invalid_input"
    assert field in body["details"]["errors"]
    after = (
        Activity.objects.get(code="ban-tin").description,
        SupportNorm.objects.get(code="gian-hang-ct-2014").note,
    )
    assert after == before


def test_a_nul_character_is_refused_up_front(officer):
    api = officer.get("/api/v1/projects?q=a%00b")
    assert (api.status_code, api.json()["code"]) == (400, "invalid_character")
    page = officer.get(reverse("accounts:unit_list") + "?q=a%00b")
    assert page.status_code == 400
    body = officer.post(
        "/api/v1/establishments", '{"name": "C\\u0000s\\u1edf"}', content_type="application/json"
    )
    assert (body.status_code, body.json()["code"]) == (400, "invalid_character")
    form = officer.post(reverse("plans:create"), {"agency": "1", "year": "2026\x00", "source": "kcdp"})
    assert form.status_code == 400


def test_a_page_filter_past_64_bits_is_400(officer):
    response = officer.get(reverse("accounts:unit_list") + "?province=620207193384227962880")
    assert response.status_code in (200, 400)  # ignored by the form or refused, never 500


def test_implausible_amounts_and_counts_are_refused(officer, world):
    from khuyencong.finance.models import LedgerEntry
    from khuyencong.projects.choices import ProjectState
    from khuyencong.testing.projects import YEAR, make_project

    project = make_project(world, state=ProjectState.IN_PROGRESS)
    count = LedgerEntry.objects.count()
    body = {
        "kind": "payment",
        "amount": 9_200_000_000_000_000_000,
        "value_date": f"{YEAR}-05-05",
        "reference": "X",
    }
    response = officer.post(
        reverse("api:finance_entry_record", args=[project.pk]), body, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "amount_too_large")
    assert LedgerEntry.objects.count() == count
    workers = officer.post(
        "/api/v1/establishments", {"name": "Cơ sở A", "workers": 2**63 - 1}, content_type="application/json"
    )
    assert workers.status_code == 422
    assert any(d["field"] == "workers" for d in workers.json()["details"])


def _establishment(world, **changes):
    return {
        "legal_form": "household_business",
        "name": "Cơ sở bánh tráng Tư Hương",
        "commune": world.phan_rang.pk,
        "industry": "10",
        "confirm_duplicate": True,
        **changes,
    }


def test_text_is_stored_composed_and_without_invisible_characters(officer, world):
    import json
    import unicodedata

    from khuyencong.establishments.models import Establishment

    decomposed = unicodedata.normalize("NFD", "Cơ sở gốm Bàu Trúc")  # as a Mac keyboard sends it
    assert decomposed != "Cơ sở gốm Bàu Trúc"
    body = json.dumps(_establishment(world, name=decomposed + "\u200b"))  # escaped: "\\u0302…\\u200b"
    response = officer.post("/api/v1/establishments", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Establishment.objects.get(pk=response.json()["id"]).name == "Cơ sở gốm Bàu Trúc"
    raw = json.dumps(_establishment(world, name="Cơ sở\u202e gốm"), ensure_ascii=False)
    response = officer.post("/api/v1/establishments", raw.encode(), content_type="application/json")
    assert response.json()["name"] == "Cơ sở gốm"
    page = officer.post(
        reverse("establishments:create"),
        {
            "legal_form": "household_business",
            "name": "\ufeffCơ sở mây tre\u200d",
            "commune": world.phan_rang.pk,
        },
    )
    assert page.status_code in (200, 302, 400)
    if page.status_code == 302:
        assert Establishment.objects.filter(name="Cơ sở mây tre").exists()


@pytest.mark.parametrize("name", ["\u200b\u200b\u200b", "\u200b \ufeff \u2060", "\u202e"])
def test_a_name_of_only_invisible_characters_is_refused_as_empty(officer, world, name):
    import json

    from khuyencong.establishments.models import Establishment

    response = officer.post(
        "/api/v1/establishments",
        json.dumps(_establishment(world, name=name)),
        content_type="application/json",
    )
    assert response.status_code in (400, 422), response.content
    assert "name" in str(response.json()["details"])
    assert not Establishment.objects.exists()


def test_an_escaped_backslash_before_u_is_text_not_an_escape(officer, world):
    import json

    name = "Cơ sở \\u200b"  # a backslash, then the letters u200b
    response = officer.post(
        "/api/v1/establishments",
        json.dumps(_establishment(world, name=name)),
        content_type="application/json",
    )
    assert response.json()["name"] == name


def test_a_body_larger_than_allowed_is_refused_unread(officer, settings):
    huge = str(300 * 1024 * 1024)  # declared; the test sends a few bytes: nothing may read that far
    upload = officer.post(
        "/api/v1/submissions/import",
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=huge,
    )
    assert (upload.status_code, upload.json()["code"]) == (413, "request_too_large")
    page = officer.post(
        reverse("reporting:submission_import"),
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=huge,
    )
    assert page.status_code == 413
    body = b'{"name": "' + b"a" * (settings.KHUYENCONG_BODY_MAX_BYTES + 1) + b'"}'
    json_body = officer.post("/api/v1/establishments", body, content_type="application/json")
    assert (json_body.status_code, json_body.json()["code"]) == (413, "request_too_large")


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary="])
def test_multipart_without_a_boundary_is_400_in_json(officer, world, content_type):
    from khuyencong.testing.projects import make_project

    project = make_project(world)
    for path in (f"/api/v1/projects/{project.pk}/documents", "/api/v1/submissions/import"):
        response = officer.post(path, b"file=x", content_type=content_type)
        assert response.status_code == 400, (path, response.content[:200])
        assert response.json()["code"] == "invalid_multipart"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/agencies?on=0001-01-01", "/api/v1/catalog/norms?on=2101-01-01", "/api/v1/units?on=1989-12-31"],
)
def test_a_date_no_record_can_bear_is_422_in_queries(officer, path):
    response = officer.get(path)
    assert (response.status_code, response.json()["code"]) == (422, "invalid_input"), path


def test_a_date_no_record_can_bear_is_refused_in_bodies_and_forms(officer, world):
    from khuyencong.finance.models import LedgerEntry
    from khuyencong.projects.choices import ProjectState
    from khuyencong.projects.models import Inspection
    from khuyencong.projects.services import inspection_record
    from khuyencong.testing.projects import make_project

    project = make_project(world, state=ProjectState.IN_PROGRESS)
    count = LedgerEntry.objects.count()
    body = {"kind": "payment", "amount": 1_000_000, "value_date": "0001-01-01", "reference": "X"}
    response = officer.post(
        reverse("api:finance_entry_record", args=[project.pk]), body, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert "value_date" in str(response.json()["details"])
    assert LedgerEntry.objects.count() == count
    page = officer.post(
        reverse("projects:inspection_add", args=[project.pk]),
        {"date": "01/01/0001", "inspectors": "Tổ kiểm tra", "findings": "Đúng tiến độ"},
    )
    assert page.status_code in (200, 302, 400)  # the page's own way of showing a refusal
    assert not Inspection.objects.exists()
    import datetime as dt

    from khuyencong.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        inspection_record(
            actor=world.user(Role.PROVINCE_OFFICER),
            project=project,
            date=dt.date(1, 1, 1),
            inspectors="Tổ kiểm tra",
            findings="Đúng tiến độ",
        )
    assert "date" in refused.value.details["errors"]


def test_the_dossiers_dates_are_within_the_years_a_record_can_bear(officer, world):
    """Inspections, progress reports (the schema's 422) and an adjustment's new dates (the service's 400
    invalid_date, as for a malformed one): the field named, nothing written."""
    from khuyencong.projects.choices import ProjectState
    from khuyencong.projects.models import Adjustment, Inspection, ProgressReport
    from khuyencong.testing.projects import make_project

    project = make_project(world, state=ProjectState.IN_PROGRESS)
    base = f"/api/v1/projects/{project.pk}"
    for path, body, field, status in (
        (
            "/inspections",
            {"date": "0001-01-01", "inspectors": "Tổ kiểm tra", "findings": "Đúng tiến độ"},
            "date",
            422,
        ),
        ("/progress-reports", {"month": "2101-01-01", "percent_done": 50}, "month", 422),
        (
            "/adjustments",
            {"kind": "dates", "reason": "Lùi lịch", "changes": {"end_date": "2101-03-01"}},
            "end_date",
            400,
        ),
    ):
        response = officer.post(base + path, body, content_type="application/json")
        assert response.status_code == status, (path, response.content)
        assert field in response.content.decode(), path
        assert response.json()["code"] in ("invalid_input", "invalid_date"), path
    assert not Inspection.objects.exists()
    assert not ProgressReport.objects.exists()
    assert not Adjustment.objects.exists()


def test_an_upload_past_the_limit_is_read_no_further_than_the_limit(world, settings):
    """The document's bytes are read to one byte past the limit, then refused: a large file is never
    held whole in memory by the page or the API."""
    import io

    from khuyencong.projects.services import upload_content

    settings.KHUYENCONG_UPLOAD_MAX_BYTES = 1000
    upload = io.BytesIO(b"%PDF-1.4 " + b"x" * 10_000)
    assert len(upload_content(upload)) == 1001
    assert upload.tell() == 1001

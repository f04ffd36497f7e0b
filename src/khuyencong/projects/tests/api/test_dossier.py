"""The projects API beyond the access matrix: participants, deliverables, documents, inspections,
progress reports and adjustments — what each endpoint answers and how the refusals come back."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Indicator
from khuyencong.projects.choices import ProjectKind
from khuyencong.projects.models import Adjustment, Document, Participant, Project
from khuyencong.testing.projects import establishment, make_project

from .helpers import PDF, S, call, refused, upload, url

# --- participants and deliverables ------------------------------------------------------------------------


def test_participants_of_a_group_project(officer, world):
    project = make_project(world, kind=ProjectKind.GROUP)
    est = establishment(world)
    body = {"establishment": est.pk, "support_amount": 40_000_000, "eligible_cost": 100_000_000}
    added = call(officer, "post", "project_participant_add", [project.pk], body)
    assert added.status_code == 201, added.content
    assert added.json()["establishment_name"] == est.name
    again = call(officer, "post", "project_participant_add", [project.pk], body)
    assert set(refused(again, 400, "invalid_fields")["details"]["errors"]) == {"establishment"}
    foreign = {**body, "establishment": establishment(world, "foreign").pk}
    assert (
        "establishment"
        in refused(
            call(officer, "post", "project_participant_add", [project.pk], foreign), 400, "invalid_fields"
        )["details"]["errors"]
    )
    point = make_project(world)
    refused(call(officer, "post", "project_participant_add", [point.pk], body), 400, "not_group_project")

    removed = officer.delete(url("project_participant_remove", project.pk, added.json()["id"]))
    assert removed.status_code == 204
    assert not Participant.objects.filter(project=project).exists()
    gone = officer.delete(url("project_participant_remove", project.pk, added.json()["id"]))
    refused(gone, 404, "not_found")


def test_deliverables(officer, world):
    project = make_project(world)
    code = project.deliverables.get().indicator.code
    other = Indicator.objects.exclude(code=code).order_by("code").first().code
    planned = call(officer, "put", "project_deliverable_set", [project.pk, other], {"planned": 5})
    assert planned.status_code == 200, planned.content
    assert planned.json() == {
        "indicator": other,
        "indicator_name": Indicator.objects.get(code=other).name,
        "planned": 5,
        "achieved": None,
        "evidence": "",
        "counted_from_events": False,
    }
    refused(
        call(officer, "put", "project_deliverable_set", [project.pk, "khong-co"], {"planned": 1}),
        400,
        "unknown_indicator",
    )
    refused(
        call(officer, "put", "project_deliverable_set", [project.pk, code], {"planned": 1.5}),
        422,
        "invalid_input",
    )
    # Achieved values are recorded once the project is under way.
    refused(
        call(officer, "post", "project_deliverable_achieved", [project.pk, code], {"achieved": 1}),
        409,
        "wrong_state",
    )
    approved = make_project(world, state=S.APPROVED)
    refused(  # after approval, a deliverable changes with a reason
        call(officer, "put", "project_deliverable_set", [approved.pk, code], {"planned": 2}),
        400,
        "reason_required",
    )
    changed = call(
        officer, "put", "project_deliverable_set", [approved.pk, code], {"planned": 2, "reason": "QĐ bổ sung"}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["planned"] == 2
    settled = make_project(world, state=S.SETTLED)
    refused(
        call(officer, "put", "project_deliverable_set", [settled.pk, code], {"planned": 2, "reason": "x"}),
        409,
        "wrong_state",
    )
    refused(
        call(officer, "post", "project_deliverable_achieved", [approved.pk, other], {"achieved": 1}),
        404,
        "not_found",
    )


# --- documents ----------------------------------------------------------------------------------------------


def test_upload_and_download_a_document(as_role, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = make_project(world)
    officer = as_role(Role.COMMUNE_OFFICER)
    response = upload(
        officer, project, SimpleUploadedFile("Dự toán kinh phí.pdf", PDF, "application/pdf"), note="bản ký"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["original_name"], body["content_type"], body["size"], body["note"]) == (
        "Dự toán kinh phí.pdf",
        "application/pdf",
        len(PDF),
        "bản ký",
    )
    document = Document.objects.get(pk=body["id"])
    assert (tmp_path / document.file.name).read_bytes() == PDF

    auditor = as_role(Role.AUDITOR)
    download = auditor.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''D%E1%BB%B1%20to%C3%A1n%20kinh%20ph%C3%AD.pdf" in download["Content-Disposition"]

    other = make_project(world)
    refused(auditor.get(url("project_document_download", other.pk, document.pk)), 404, "not_found")
    foreign = as_role(Role.REGION_VIEWER)
    assert foreign.get(body["download_url"]).status_code == 200  # Khánh Hòa is in its region
    client = as_role(Role.PROVINCE_OFFICER)
    foreign_project = make_project(world, "foreign")
    refused(upload(client, foreign_project, SimpleUploadedFile("a.pdf", PDF)), 404, "not_found")
    refused(
        upload(as_role(Role.AUDITOR), project, SimpleUploadedFile("a.pdf", PDF)), 403, "permission_denied"
    )


def test_upload_refusals(officer, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = make_project(world)
    disguised = SimpleUploadedFile("hoa-don.pdf", b"<script>alert(1)</script>", "application/pdf")
    body = refused(upload(officer, project, disguised), 400, "file_type_not_allowed")
    assert body["details"]["field"] == "file"
    refused(upload(officer, project, SimpleUploadedFile("a.pdf", PDF), form="khong-co"), 400, "unknown_form")
    refused(officer.post(url("project_document_upload", project.pk), {"form": "x"}), 400, "required")
    refused(upload(officer, project, SimpleUploadedFile("rong.pdf", b"")), 400, "empty_file")
    settings.KHUYENCONG_UPLOAD_MAX_BYTES = 10
    refused(upload(officer, project, SimpleUploadedFile("a.pdf", PDF)), 400, "file_too_large")
    assert not Document.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


# --- inspections, progress, adjustments ----------------------------------------------------------------


def test_inspections_and_progress_reports(officer, world):
    project = make_project(world, state=S.CONTRACTED)
    inspection = call(
        officer,
        "post",
        "project_inspection_add",
        [project.pk],
        {
            "date": "2025-05-20",
            "inspectors": "Sở Công Thương",
            "findings": "Máy đã lắp",
            "follow_up_required": True,
        },
    )
    assert set(refused(inspection, 400, "invalid_fields")["details"]["errors"]) == {"follow_up"}
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    future = call(
        officer,
        "post",
        "project_inspection_add",
        [project.pk],
        {"date": tomorrow, "inspectors": "A", "findings": "B"},
    )
    assert set(refused(future, 400, "invalid_fields")["details"]["errors"]) == {"date"}
    ok = call(
        officer,
        "post",
        "project_inspection_add",
        [project.pk],
        {"date": "2025-05-20", "inspectors": "A", "findings": "B"},
    )
    assert ok.status_code == 201
    assert ok.json()["date"] == "2025-05-20"

    report = call(
        officer, "post", "project_progress_add", [project.pk], {"month": "2025-04-17", "percent_done": 40}
    )
    assert report.status_code == 201, report.content
    assert report.json()["month"] == "2025-04-01"
    refused(
        call(
            officer,
            "post",
            "project_progress_add",
            [project.pk],
            {"month": "2025-05-01", "percent_done": 101},
        ),
        400,
        "invalid_percent",
    )
    draft = make_project(world)
    refused(
        call(
            officer, "post", "project_progress_add", [draft.pk], {"month": "2025-05-01", "percent_done": 10}
        ),
        409,
        "wrong_state",
    )
    detail = officer.get(url("project_detail", project.pk)).json()
    assert len(detail["inspections"]) == 1
    assert detail["progress_reports"][0]["percent_done"] == 40


def test_budget_increase_is_decided_by_the_plan_approver(as_role, world):
    project = make_project(world, state=S.APPROVED)
    officer = as_role(Role.PROVINCE_OFFICER)
    body = {"kind": "budget", "reason": "Giá máy tăng", "changes": {"support_amount": 180_000_000}}
    requested = call(officer, "post", "project_adjustment_request", [project.pk], body)
    assert requested.status_code == 201, requested.content
    adjustment = requested.json()
    assert adjustment["approver"] == "plan_approver"
    assert adjustment["before"] == {"support_amount": 150_000_000}
    refused(call(officer, "post", "project_adjustment_request", [project.pk], body), 409, "wrong_state")

    refused(
        call(officer, "post", "project_adjustment_decide", [adjustment["id"]], {"approve": True}),
        403,
        "permission_denied",
    )
    approver = as_role(Role.PROVINCE_APPROVER)
    refused(
        call(approver, "post", "project_adjustment_decide", [adjustment["id"]], {"approve": False}),
        400,
        "reason_required",
    )
    decided = call(
        approver,
        "post",
        "project_adjustment_decide",
        [adjustment["id"]],
        {"approve": True, "decision_number": "77/QĐ-SCT"},
    )
    assert decided.json()["status"] == "approved"
    assert Project.objects.get(pk=project.pk).support_amount == 180_000_000
    refused(
        call(approver, "post", "project_adjustment_decide", [adjustment["id"]], {"approve": True}),
        409,
        "wrong_state",
    )
    detail = approver.get(url("project_detail", project.pk)).json()
    assert [a["id"] for a in detail["adjustments"]] == [adjustment["id"]]


def test_adjustment_values_by_id_and_iso_date(as_role, world):
    project = make_project(world, state=S.APPROVED)
    officer = as_role(Role.PROVINCE_OFFICER)
    other_commune = world.phan_rang_predecessor
    moved = call(
        officer,
        "post",
        "project_adjustment_request",
        [project.pk],
        {"kind": "location", "reason": "Đổi địa điểm", "changes": {"location": other_commune.pk}},
    )
    assert moved.status_code == 201, moved.content
    assert moved.json()["changes"] == {"location": other_commune.pk}
    assert moved.json()["approver"] == "department"
    decided = call(
        as_role(Role.PROVINCE_APPROVER),
        "post",
        "project_adjustment_decide",
        [moved.json()["id"]],
        {"approve": True},
    )
    assert decided.json()["status"] == "approved"
    assert Project.objects.get(pk=project.pk).location_id == other_commune.pk

    officer = as_role(Role.PROVINCE_OFFICER)
    bad_date = call(
        officer,
        "post",
        "project_adjustment_request",
        [project.pk],
        {"kind": "dates", "reason": "Lùi", "changes": {"end_date": "30/11/2025"}},
    )
    assert refused(bad_date, 400, "invalid_date")["details"]["field"] == "end_date"
    not_text = call(
        officer,
        "post",
        "project_adjustment_request",
        [project.pk],
        {"kind": "content", "reason": "Đổi tên", "changes": {"title": 5}},
    )
    assert set(refused(not_text, 400, "invalid_fields")["details"]["errors"]) == {"title"}
    later = call(
        officer,
        "post",
        "project_adjustment_request",
        [project.pk],
        {"kind": "dates", "reason": "Lùi", "changes": {"end_date": "2025-11-30"}},
    )
    assert later.json()["changes"] == {"end_date": "2025-11-30"}
    foreign = call(
        officer,
        "post",
        "project_adjustment_request",
        [make_project(world, state=S.APPROVED).pk],
        {"kind": "location", "reason": "x", "changes": {"location": world.ha_noi_commune.pk}},
    )
    assert "location" in refused(foreign, 400, "invalid_fields")["details"]["errors"]
    assert Adjustment.objects.count() == 2


def test_a_document_whose_file_is_gone_is_404_not_500(as_role, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = make_project(world, state=S.IN_PROGRESS)
    officer = as_role(Role.PROVINCE_OFFICER)
    upload(officer, project, SimpleUploadedFile("du-toan.pdf", PDF, "application/pdf"))
    document = project.documents.get()
    assert officer.get(url("project_document_download", project.pk, document.pk)).status_code == 200
    document.file.storage.delete(document.file.name)
    refused(officer.get(url("project_document_download", project.pk, document.pk)), 404, "not_found")


def test_permission_is_checked_before_the_fields(as_role, world):
    """The auditor may not stop a project: 403, whatever the body says (was 400 invalid_destination)."""
    project = make_project(world, state=S.IN_PROGRESS)
    auditor = as_role(Role.AUDITOR)
    body = {"version": project.version, "on": "2025-06-01", "reason": "", "destination": "nowhere"}
    refused(
        auditor.post(url("project_action_stop", project.pk), body, content_type="application/json"),
        403,
        "permission_denied",
    )
    project.refresh_from_db()
    assert project.state == S.IN_PROGRESS

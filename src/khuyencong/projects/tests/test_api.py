"""The projects API beyond the access matrix: what each endpoint answers and how the services' refusals
come back (status and machine-readable `code`)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Indicator
from khuyencong.core.models import AuditEntry
from khuyencong.projects.choices import ProjectKind, ProjectState
from khuyencong.projects.models import Adjustment, Document, DocumentForm, Participant, Project
from khuyencong.projects.selectors import overdue_ids
from khuyencong.projects.workflow import TRANSITIONS
from khuyencong.testing.projects import YEAR, D, establishment, make_project, plan_line

S = ProjectState
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def url(name, *args):
    return reverse(f"api:{name}", args=args)


def call(client, method, name, args=(), body=None):
    if body is None:
        return getattr(client, method)(url(name, *args))
    return getattr(client, method)(url(name, *args), body, content_type="application/json")


def act(client, project, action, **fields):
    version = Project.objects.get(pk=project.pk).version
    return call(client, "post", f"project_action_{action}", [project.pk], {"version": version, **fields})


def refused(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code, response.json()
    return response.json()


@pytest.fixture
def as_role(client, world):
    def login(role):
        client.force_login(world.user(role))
        return client

    return login


@pytest.fixture
def officer(as_role):
    return as_role(Role.PROVINCE_OFFICER)


def _new(world, **changes):
    return {
        "plan_line": plan_line(world).pk,
        "title": "Hỗ trợ máy sấy nông sản",
        "kind": "point",
        "implementer_kind": "establishment",
        "implementer_establishment": establishment(world).pk,
        "location": world.phan_rang.pk,
        "start_date": f"{YEAR}-04-01",
        "end_date": f"{YEAR}-10-31",
        "support_amount": 150_000_000,
        "counterpart_amount": 250_000_000,
        **changes,
    }


# --- create, edit, detail, list ------------------------------------------------------------------------


def test_create_edit_and_read_a_project(officer, world):
    created = call(officer, "post", "project_create", [], _new(world))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"] == f"KCĐP-{YEAR}-001"
    assert body["source"] == "kcdp"
    assert body["activity"] == "may-moc-thiet-bi"
    assert body["plan_line"]["activity"] == "may-moc-thiet-bi"
    assert body["managing_agency"]["code"] == "ttkc-56"
    assert (body["support_amount"], body["counterpart_amount"], body["total_cost"]) == (
        150_000_000,
        250_000_000,
        400_000_000,
    )
    assert body["state"] == "draft"
    assert body["balance"]["disbursed"] == 0
    # An officer may register it now; stopping is for the plan's approver.
    assert [a["action"] for a in body["actions"]] == ["register"]
    assert body["actions"][0]["url"] == url("project_action_register", body["id"])

    stale = call(officer, "patch", "project_update", [body["id"]], {"version": 0, "title": "Khác"})
    refused(stale, 409, "stale_write")
    edited = call(
        officer,
        "patch",
        "project_update",
        [body["id"]],
        {"version": body["version"], "title": "Máy sấy bơm nhiệt", "other_amount": 10_000_000},
    )
    assert edited.status_code == 200, edited.content
    assert edited.json()["title"] == "Máy sấy bơm nhiệt"
    assert edited.json()["total_cost"] == 410_000_000
    assert edited.json()["version"] == body["version"] + 1
    assert AuditEntry.objects.filter(action="project.update", object_id=str(body["id"])).exists()


def test_create_reports_every_field_problem_and_writes_nothing(officer, world):
    response = call(
        officer,
        "post",
        "project_create",
        [],
        _new(world, start_date=f"{YEAR - 1}-12-05", location=world.ha_noi_commune.pk, title=" "),
    )
    body = refused(response, 400, "invalid_fields")
    assert set(body["details"]["errors"]) == {"start_date", "location", "title"}
    unknown = call(officer, "post", "project_create", [], _new(world, managing_agency="khong-co"))
    assert set(refused(unknown, 400, "invalid_fields")["details"]["errors"]) == {"managing_agency"}
    foreign_line = call(
        officer, "post", "project_create", [], _new(world, plan_line=plan_line(world, "foreign").pk)
    )
    refused(foreign_line, 404, "not_found")
    assert not Project.objects.exists()


@pytest.mark.parametrize("amount", [1.5, "150000000", None])
def test_money_must_be_whole_dong(officer, world, amount):
    response = call(officer, "post", "project_create", [], _new(world, support_amount=amount))
    body = refused(response, 422, "invalid_input")
    assert "support_amount" in str(body["details"])
    assert not Project.objects.exists()


def test_read_only_roles_cannot_create_or_edit(as_role, world):
    project = make_project(world)
    auditor = as_role(Role.AUDITOR)
    refused(call(auditor, "post", "project_create", [], _new(world)), 403, "permission_denied")
    refused(
        call(auditor, "patch", "project_update", [project.pk], {"version": project.version, "title": "x"}),
        403,
        "permission_denied",
    )
    assert auditor.get(url("project_detail", project.pk)).json()["actions"] == []


def test_edit_after_approval_goes_through_an_adjustment(officer, world):
    project = make_project(world, state=S.APPROVED)
    response = call(
        officer, "patch", "project_update", [project.pk], {"version": project.version, "title": "x"}
    )
    refused(response, 409, "wrong_state")


def test_detail_lists_what_hangs_off_the_project(as_role, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = make_project(world, state=S.IN_PROGRESS)
    officer = as_role(Role.PROVINCE_OFFICER)
    upload(officer, project, SimpleUploadedFile("du-toan.pdf", PDF, "application/pdf"))
    body = officer.get(url("project_detail", project.pk)).json()
    assert body["state"] == "in_progress"
    assert [d["indicator"] for d in body["deliverables"]] == [
        d.indicator.code for d in project.deliverables.all()
    ]
    [document] = body["documents"]
    assert document["original_name"] == "du-toan.pdf"
    assert "file" not in document
    assert str(tmp_path) not in str(body)
    assert document["download_url"] == url("project_document_download", project.pk, document["id"])
    assert body["balance"] == {
        "contracted": 150_000_000,
        "committed": 150_000_000,
        "advanced": 75_000_000,
        "paid": 0,
        "recovered": 0,
        "disbursed": 75_000_000,
        "undisbursed": 75_000_000,
    }
    # Acceptance is offered, blocked until the achieved values are recorded.
    [accept] = [a for a in body["actions"] if a["action"] == "accept"]
    assert accept["blocked"]
    assert [(f["name"], f["kind"], f["required"]) for f in accept["fields"]] == [("on", "date", True)]


def test_list_filters(as_role, world):
    draft = make_project(world)
    group = make_project(world, state=S.REGISTERED, kind=ProjectKind.GROUP)
    training = make_project(world, state=S.IN_PROGRESS, activity="dao-tao-nghe", counterpart=0)
    national = make_project(world, source="kcqg")
    foreign = make_project(world, "foreign")
    officer = as_role(Role.PROVINCE_OFFICER)

    def ids(query=""):
        body = officer.get(url("project_list") + query).json()
        assert body["count"] == len(body["items"])
        return {p["id"] for p in body["items"]}

    assert ids() == {draft.pk, group.pk, training.pk, national.pk}
    assert foreign.pk not in ids("?year=2025")
    assert ids("?state=registered") == {group.pk}
    assert ids("?source=kcqg") == {national.pk}
    assert ids("?kind=group") == {group.pk}
    assert ids("?activity=dao-tao-nghe") == {training.pk}
    assert ids(f"?q={draft.title[-4:]}") == {draft.pk}
    assert ids(f"?q={national.code}") == {national.pk}
    assert ids("?year=2024") == set()
    late = overdue_ids(world.user(Role.PROVINCE_OFFICER))
    assert ids("?overdue=true") == late & {draft.pk, group.pk, training.pk, national.pk}
    assert ids("?overdue=false") == {draft.pk, group.pk, training.pk, national.pk} - late
    page = officer.get(url("project_list") + "?limit=2&offset=0").json()
    assert page["count"] == 4
    assert len(page["items"]) == 2


def test_list_queries_do_not_grow_with_the_projects(officer, world):
    make_project(world, kind=ProjectKind.GROUP)
    make_project(world, state=S.APPROVED)
    with CaptureQueriesContext(connection) as two:
        assert officer.get(url("project_list")).json()["count"] == 2
    make_project(world, activity="dao-tao-nghe", counterpart=0)
    make_project(world, source="kcqg")
    with CaptureQueriesContext(connection) as four:
        assert officer.get(url("project_list")).json()["count"] == 4
    assert len(four.captured_queries) == len(two.captured_queries)


# --- the lifecycle ---------------------------------------------------------------------------------------


def test_lifecycle_is_the_table(client, world):
    client.force_login(world.user(Role.AUDITOR))
    body = client.get(url("project_lifecycle")).json()
    assert [t["action"] for t in body] == [t.action for t in TRANSITIONS]
    by_action = {t["action"]: t for t in body}
    assert by_action["approve"]["sources"] == ["appraised"]
    assert by_action["approve"]["who"] == "plan_approver"
    assert by_action["approve"]["url"] == "/api/v1/projects/{project_id}/actions/approve"
    assert [f["name"] for f in by_action["approve"]["fields"]] == ["decision_number", "decision_date"]
    assert by_action["contract"]["service"] == "finance.services.contract_sign"
    assert [f["name"] for f in by_action["contract"]["fields"]] == [
        "number",
        "signed_on",
        "party_a",
        "party_b",
        "value",
        "document",
    ]
    assert by_action["stop"]["target"] == "stopped"
    assert "settled" not in by_action["stop"]["sources"]


def test_walk_from_draft_to_settled_through_the_api(as_role, world):
    project = make_project(world)
    officer = as_role(Role.PROVINCE_OFFICER)
    assert act(officer, project, "register").json()["state"] == "registered"
    appraised = act(officer, project, "appraise", on=D["appraisal"].isoformat()).json()
    assert appraised["state"] == "appraised"
    assert appraised["appraisal"]["ok"] is True
    refused(
        act(officer, project, "approve", decision_number="1/QĐ", decision_date=D["decision"].isoformat()),
        403,
        "permission_denied",
    )
    approver = as_role(Role.PROVINCE_APPROVER)
    approved = act(approver, project, "approve", decision_number="12/QĐ-SCT", decision_date="2025-02-10")
    assert approved.json()["state"] == "approved"
    assert approved.json()["decision_number"] == "12/QĐ-SCT"

    officer = as_role(Role.COMMUNE_OFFICER)
    contract = {
        "number": "05/HĐ",
        "signed_on": D["contract"].isoformat(),
        "party_a": "Trung tâm Khuyến công",
        "party_b": "Cơ sở",
        "value": 150_000_000,
    }
    contracted = act(officer, project, "contract", **contract).json()
    assert contracted["state"] == "contracted"
    assert contracted["balance"]["committed"] == 150_000_000
    assert act(officer, project, "start").json()["state"] == "in_progress"
    refused(act(officer, project, "accept", on=D["accept"].isoformat()), 400, "precondition_failed")
    [deliverable] = project.deliverables.select_related("indicator")
    achieved = call(
        officer,
        "post",
        "project_deliverable_achieved",
        [project.pk, deliverable.indicator.code],
        {"achieved": 2, "evidence": "Biên bản bàn giao"},
    )
    assert achieved.json()["achieved"] == 2
    assert act(officer, project, "accept", on=D["accept"].isoformat()).json()["state"] == "accepted"
    paid = call(
        officer,
        "post",
        "finance_entry_record",
        [project.pk],
        {
            "kind": "payment",
            "amount": 150_000_000,
            "value_date": D["payment"].isoformat(),
            "reference": "UNC",
        },
    )
    assert paid.status_code == 201, paid.content
    liquidated = act(officer, project, "liquidate", on=D["liquidate"].isoformat(), final_value=150_000_000)
    assert liquidated.json()["state"] == "liquidated"
    refused(act(officer, project, "settle", on=D["settle"].isoformat()), 403, "permission_denied")
    settled = act(as_role(Role.PROVINCE_APPROVER), project, "settle", on=D["settle"].isoformat()).json()
    assert settled["state"] == "settled"
    assert settled["actions"] == []


def test_action_refusals(as_role, world):
    officer = as_role(Role.PROVINCE_OFFICER)
    approved = make_project(world, state=S.APPROVED)
    body = refused(act(officer, approved, "register"), 409, "wrong_state")
    assert body["details"]["state"] == "approved"
    refused(
        call(officer, "post", "project_action_start", [approved.pk], {"version": approved.version - 1}),
        409,
        "stale_write",
    )
    refused(
        call(officer, "post", "project_action", [approved.pk, "publish"], {"version": approved.version}),
        400,
        "unknown_action",
    )
    refused(act(officer, make_project(world, "foreign", S.DRAFT), "register"), 404, "not_found")
    missing = call(officer, "post", "project_action_appraise", [approved.pk], {"version": approved.version})
    assert refused(missing, 422, "invalid_input")["details"][0]["field"] == "on"
    too_much = act(
        officer,
        approved,
        "contract",
        number="1/HĐ",
        signed_on=D["contract"].isoformat(),
        party_a="A",
        party_b="B",
        value=approved.support_amount + 1,
    )
    assert set(refused(too_much, 400, "invalid_fields")["details"]["errors"]) == {"value"}
    assert Project.objects.get(pk=approved.pk).state == S.APPROVED


def test_contract_with_its_signed_copy(as_role, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project, other = make_project(world, state=S.APPROVED), make_project(world)
    officer = as_role(Role.PROVINCE_OFFICER)
    copy = upload(officer, project, SimpleUploadedFile("hop-dong.pdf", PDF)).json()["id"]
    elsewhere = upload(officer, other, SimpleUploadedFile("khac.pdf", PDF)).json()["id"]
    contract = {
        "number": "07/HĐ",
        "signed_on": D["contract"].isoformat(),
        "party_a": "Trung tâm Khuyến công",
        "party_b": "Cơ sở",
        "value": 100_000_000,
    }
    refused(act(officer, project, "contract", **contract, document=elsewhere), 400, "invalid_fields")
    done = act(officer, project, "contract", **contract, document=copy)
    assert done.json()["state"] == "contracted"
    assert project.contracts.get().document_id == copy


def test_appraisal_beyond_the_norms(as_role, world):
    project = make_project(world, state=S.REGISTERED, support=250_000_000, counterpart=350_000_000)
    officer = as_role(Role.PROVINCE_OFFICER)
    body = refused(act(officer, project, "appraise", on=D["appraisal"].isoformat()), 400, "norm_exceeded")
    assert [v["code"] for v in body["details"]["violations"]] == ["cap_exceeded"]
    overridden = act(
        as_role(Role.PROVINCE_APPROVER),
        project,
        "appraise",
        on=D["appraisal"].isoformat(),
        override_reason="Vùng đặc biệt khó khăn",
    )
    assert overridden.json()["appraisal_override"] == "Vùng đặc biệt khó khăn"


def test_approval_needs_room_on_the_line(as_role, world):
    big = {"activity": "dao-tao-nghe", "counterpart": 0}
    make_project(world, state=S.APPROVED, support=6_000_000_000, **big)
    second = make_project(world, state=S.APPRAISED, support=4_000_000_001, **big)
    approver = as_role(Role.PROVINCE_APPROVER)
    body = refused(
        act(approver, second, "approve", decision_number="2/QĐ", decision_date=D["decision"].isoformat()),
        409,
        "line_room_exceeded",
    )
    assert body["details"] == {"room": 4_000_000_000, "requested": 4_000_000_001}


def test_stop_moves_the_money_to_a_project_in_jurisdiction(as_role, world):
    source = make_project(world, state=S.APPROVED)
    target = make_project(world, state=S.APPROVED)
    approver = as_role(Role.PROVINCE_APPROVER)
    stop = {"on": "2025-06-01", "reason": "Cơ sở giải thể", "destination": "project"}
    foreign = make_project(world, "foreign", S.APPROVED)
    refused(act(approver, source, "stop", **stop, target=foreign.pk), 400, "invalid_target")
    refused(act(approver, source, "stop", **stop), 400, "required")
    stopped = act(approver, source, "stop", **stop, target=target.pk)
    assert stopped.json()["state"] == "stopped"
    assert stopped.json()["stop_target_id"] == target.pk
    assert stopped.json()["released_amount"] == 150_000_000
    assert Project.objects.get(pk=target.pk).support_amount == 300_000_000


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
    refused(
        call(officer, "put", "project_deliverable_set", [approved.pk, code], {"planned": 2}),
        409,
        "wrong_state",
    )
    refused(
        call(officer, "post", "project_deliverable_achieved", [approved.pk, other], {"achieved": 1}),
        404,
        "not_found",
    )


# --- documents ----------------------------------------------------------------------------------------------


def upload(client, project, file, form=None, note=""):
    form = form or DocumentForm.objects.order_by("order").first().code
    return client.post(url("project_document_upload", project.pk), {"form": form, "file": file, "note": note})


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

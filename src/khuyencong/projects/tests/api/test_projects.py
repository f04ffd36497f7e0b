"""The projects API beyond the access matrix: creating, editing, reading and listing projects and the
lifecycle's actions — what each endpoint answers and how the services' refusals come back (status and
machine-readable `code`)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khuyencong.accounts.choices import Role
from khuyencong.core.models import AuditEntry
from khuyencong.projects.choices import ProjectKind
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import overdue_ids
from khuyencong.projects.workflow import TRANSITIONS
from khuyencong.testing.projects import YEAR, D, make_project, plan_line

from .helpers import PDF, S, _new, act, call, refused, upload, url

# --- create, edit, detail, list ------------------------------------------------------------------------


def test_create_edit_and_read_a_project(officer, world):
    created = call(officer, "post", "project_create", [], _new(world))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["code"] == f"56-KCĐP-{YEAR}-001"  # unique nationally: the province first
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

"""The project pages driven as an officer and an approver would, checking what they change."""

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.audit import audit_for
from khuyencong.projects.choices import ProjectState
from khuyencong.projects.models import Project
from khuyencong.testing.projects import make_project, plan_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, world):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    return client


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.parametrize("state", [s for s in ProjectState if s != ProjectState.STOPPED])
def test_every_state_renders_with_its_actions(officer, world, state):
    project = make_project(world, state=state)
    page = officer.get(reverse("projects:detail", args=[project.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert project.code in body
    assert 'data-testid="statement-table"' in body
    for offer in page.context["offers"]:
        assert f'data-testid="action-{offer.action}"' in body


def test_list_filters_totals_and_export(officer, world):
    settled = make_project(world, state="settled", support=120_000_000)
    draft = make_project(world, state="draft", support=80_000_000)
    make_project(world, "foreign", state="draft")
    page = officer.get(reverse("projects:list"))
    codes = [p.code for p in page.context["page"]]
    assert sorted(codes) == sorted([settled.code, draft.code])
    assert page.context["total_support"] == 200_000_000
    assert page.context["total_disbursed"] == 120_000_000
    assert "200,0 triệu đồng" in page.content.decode()
    only_settled = officer.get(reverse("projects:list"), {"state": "settled"})
    assert [p.code for p in only_settled.context["page"]] == [settled.code]
    export = officer.get(reverse("projects:list"), {"state": "settled", "export": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert settled.code in text
    assert draft.code not in text


def test_officer_creates_a_project_typing_money_and_dates(officer, world):
    line = plan_line(world)
    est = make_project(world).implementer_establishment
    data = {
        "plan_line": line.pk,
        "title": "Hỗ trợ máy sấy bánh tráng",
        "kind": "point",
        "implementer_kind": "establishment",
        "implementer_establishment": est.pk,
        "location": world.phan_rang.pk,
        "start_date": "01/03/2025",
        "end_date": "30/10/2025",
        "support_amount": "150 triệu",
        "counterpart_amount": "1.500.000.000",
        "units_count": "1",
    }
    response = officer.post(reverse("projects:create"), data)
    project = Project.objects.get(title="Hỗ trợ máy sấy bánh tráng")
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    assert project.support_amount == 150_000_000
    assert project.counterpart_amount == 1_500_000_000
    bad = officer.post(reverse("projects:create"), {**data, "end_date": "30/10/2026", "title": "Khác"})
    assert bad.status_code == 400
    assert "end_date" in bad.context["form"].errors
    assert not Project.objects.filter(title="Khác").exists()


def test_wrong_action_shows_the_reason_and_changes_nothing(officer, world):
    project = make_project(world, state="registered")
    response = officer.post(
        reverse("projects:action", args=[project.pk, "approve"]),
        {
            "approve-version": project.version,
            "approve-decision_number": "1",
            "approve-decision_date": "10/02/2025",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.state == ProjectState.REGISTERED
    followed = officer.get(reverse("projects:detail", args=[project.pk]))
    assert any("not possible" in m or "không" in m.lower() for m in _messages(followed))


def test_walk_from_draft_to_settled_through_the_pages(client, world):
    project = make_project(world, state="draft", support=150_000_000, counterpart=250_000_000)
    officer, approver = world.user(Role.PROVINCE_OFFICER), world.user(Role.PROVINCE_APPROVER)

    def act(user, action, **fields):
        client.force_login(user)
        project.refresh_from_db()
        data = {f"{action}-{k}": v for k, v in {"version": project.version, **fields}.items()}
        client.post(reverse("projects:action", args=[project.pk, action]), data)
        project.refresh_from_db()

    act(officer, "register")
    act(officer, "appraise", on="01/02/2025")
    assert project.state == "appraised"
    assert project.appraisal["ok"]
    act(officer, "approve", decision_number="1/QĐ", decision_date="10/02/2025")
    assert project.state == "appraised"  # an officer cannot approve
    act(approver, "approve", decision_number="12/QĐ-UBND", decision_date="10/02/2025")
    assert project.state == "approved"
    client.force_login(officer)
    client.post(
        reverse("finance:contract_create", args=[project.pk]),
        {
            "number": "05/HĐ-KC",
            "signed_on": "01/03/2025",
            "party_a": "TTKC",
            "party_b": "Hộ kinh doanh",
            "value": "150 triệu",
            "version": project.version,
        },
    )
    project.refresh_from_db()
    assert project.state == "contracted"
    act(officer, "start")
    client.post(
        reverse("finance:entry_create", args=[project.pk]),
        {
            "entry-kind": "advance",
            "entry-amount": "200 triệu",
            "entry-value_date": "15/03/2025",
            "entry-reference": "UNC 1",
        },
    )
    assert project.ledger_entries.filter(kind="advance").count() == 0  # above the contract: refused
    client.post(
        reverse("finance:entry_create", args=[project.pk]),
        {
            "entry-kind": "advance",
            "entry-amount": "100 triệu",
            "entry-value_date": "15/03/2025",
            "entry-reference": "UNC 1",
        },
    )
    deliverable = project.deliverables.get()
    client.post(
        reverse("projects:deliverable_record", args=[project.pk, deliverable.pk]),
        {f"d{deliverable.pk}-achieved": "1", f"d{deliverable.pk}-evidence": "Biên bản bàn giao"},
    )
    act(officer, "accept", on="30/09/2025")
    assert project.state == "accepted"
    client.post(
        reverse("finance:entry_create", args=[project.pk]),
        {
            "entry-kind": "payment",
            "entry-amount": "50 triệu",
            "entry-value_date": "10/10/2025",
            "entry-reference": "UNC 2",
        },
    )
    act(officer, "liquidate", on="20/10/2025", final_value="150 triệu")
    assert project.state == "liquidated"
    act(approver, "settle", on="05/11/2025")
    assert project.state == "settled"
    actions = [e.action for e in audit_for(project)]
    for step in ("register", "appraise", "approve", "contract", "start", "accept", "liquidate", "settle"):
        assert f"project.{step}" in actions
    assert all(e.actor_id for e in audit_for(project))


def test_establishment_profile_lists_support_and_warns_on_repeated_machinery(officer, world):
    first = make_project(world, state="settled", support=120_000_000)
    est = first.implementer_establishment
    second = make_project(world, state="approved", support=100_000_000)
    Project.objects.filter(pk=second.pk).update(implementer_establishment=est)
    page = officer.get(reverse("establishments:detail", args=[est.pk]))
    body = page.content.decode()
    assert first.code in body
    assert second.code in body
    assert page.context["support_total"] == 220_000_000
    assert 'data-testid="machinery-repeat"' in body


def test_home_shows_execution_and_overdue(officer, world):
    accepted = make_project(world, state="accepted")  # accepted on 30/09/2025: the dossier is long overdue
    page = officer.get(reverse("ui:home"))
    assert page.context["overdue_count"] >= 1
    assert accepted.code in page.content.decode()


def test_merging_two_participants_of_the_same_group_project_is_refused_and_changes_nothing(world):
    from khuyencong.core.errors import ValidationFailed
    from khuyencong.establishments.services import establishment_merge
    from khuyencong.projects.services import participant_add
    from khuyencong.testing.projects import establishment

    admin = world.user(Role.SYSTEM_ADMIN)
    project = make_project(world, kind="group", support=300_000_000)
    a, b = establishment(world), establishment(world)
    for est in (a, b):
        participant_add(
            actor=admin,
            project=project,
            establishment=est,
            support_amount=50_000_000,
            eligible_cost=100_000_000,
        )
    with pytest.raises(ValidationFailed) as refused:
        establishment_merge(actor=admin, keep=a, duplicate=b, reason="trùng")
    assert refused.value.code == "merge_conflict"
    b.refresh_from_db()
    assert b.merged_into_id is None
    assert project.participants.filter(establishment=b).exists()


def test_the_project_form_lays_out_every_field_once(world):
    """Its two columns hold every field exactly once (a field in both was posted twice, and the view
    read the other column's value: "đề án nhóm" chosen, "đề án điểm" saved)."""
    from khuyencong.projects.forms import ProjectForm

    form = ProjectForm(user=world.user(Role.PROVINCE_OFFICER))
    laid_out = [field.name for column in form.columns() for field in column]
    assert sorted(laid_out) == sorted(form.fields)


@pytest.mark.parametrize("typed", ["Đề án kiểm thử", "đề án kiểm thử", "de an kiem thu", "kcdp-2025"])
def test_the_list_search_ignores_case_and_diacritics(officer, world, typed):
    project = make_project(world)
    page = officer.get(reverse("projects:list"), {"q": typed})
    assert project in list(page.context["page"])
    ledger = officer.get(reverse("finance:ledger"), {"q": "kcdp"})
    assert ledger.status_code == 200


def test_a_multi_province_user_sees_and_filters_by_province(client, world):
    own = make_project(world)
    foreign = make_project(world, "foreign")
    client.force_login(world.user(Role.MINISTRY_OFFICER))
    page = client.get(reverse("projects:list"))
    body = page.content.decode()
    assert 'data-testid="project-province"' in body
    assert "province" in page.context["form"].fields
    narrowed = client.get(reverse("projects:list"), {"province": world.khanh_hoa.pk})
    assert list(narrowed.context["page"]) == [own]
    assert foreign not in list(narrowed.context["page"])
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    single = client.get(reverse("projects:list"))  # one province: no column, no filter
    assert 'data-testid="project-province"' not in single.content.decode()
    assert single.context["form"]["province"].is_hidden


def test_the_project_form_says_every_error_at_once(officer, world):
    """An end before the start is reported together with the missing title and support, and what was
    typed stays in the form."""
    line = plan_line(world)
    response = officer.post(
        reverse("projects:create"),
        {"plan_line": line.pk, "title": "", "start_date": "01/06/2025", "end_date": "01/05/2025"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"title", "support_amount", "end_date"} <= set(errors)
    assert response.context["form"]["start_date"].value() == "01/06/2025"

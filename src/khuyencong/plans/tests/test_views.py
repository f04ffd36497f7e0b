"""The plan pages driven as an officer and an approver would, checking what they change."""

import datetime as dt

import pytest
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.catalog.models import Activity, Indicator
from khuyencong.plans.choices import PlanStatus
from khuyencong.plans.models import Plan
from khuyencong.plans.selectors import plan_as_of


@pytest.fixture
def officer(client, world):
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    return client


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_officer_drafts_submits_and_approver_approves_and_revises(officer, client, world):
    response = officer.post(
        reverse("plans:create"), {"agency": world.agency("ttkc-56-cu").pk, "year": 2024, "source": "kcdp"}
    )
    plan = Plan.objects.get()
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])

    machinery = Activity.objects.get(code="may-moc-thiet-bi")
    response = officer.post(
        reverse("plans:line_add", args=[plan.pk]),
        {
            "activity": machinery.pk,
            "amount": "1,2 tỷ",
            "indicator_0": Indicator.objects.get(code="co-so-may-moc").pk,
            "planned_0": "6",
        },
    )
    assert response.status_code == 302
    line = plan.lines.get()
    assert line.amount == 1_200_000_000
    assert line.targets.get().planned == 6

    bad = officer.post(reverse("plans:line_add", args=[plan.pk]), {"activity": machinery.pk, "amount": "1,5"})
    assert bad.status_code == 400
    assert "amount" in bad.context["form"].errors
    assert plan.lines.count() == 1

    detail = officer.get(reverse("plans:detail", args=[plan.pk]))
    assert "1.200,0 triệu đồng" in detail.content.decode()
    plan.refresh_from_db()
    officer.post(
        reverse("plans:action", args=[plan.pk, "submit"]),
        {"version": plan.version, "submitted_on": "01/12/2023"},
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    client.force_login(world.user(Role.PROVINCE_APPROVER))
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert 'data-testid="action-approve"' in page
    client.post(
        reverse("plans:action", args=[plan.pk, "approve"]),
        {"decision_number": "12/QĐ-UBND", "decision_date": "20/12/2023"},
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.decision_date == dt.date(2023, 12, 20)

    client.post(reverse("plans:action", args=[plan.pk, "revise"]), {"reason": "Giảm kinh phí máy móc"})
    client.post(reverse("plans:revision_line_change", args=[plan.pk, 1, line.pk]), {"amount": "900 triệu"})
    client.post(
        reverse("plans:action", args=[plan.pk, "revision_approve"]),
        {"decision_number": "45/QĐ-UBND", "decision_date": "01/07/2024"},
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REVISED
    user = world.user(Role.PROVINCE_OFFICER)
    assert plan_as_of(user, year=2024, on=dt.date(2024, 6, 30)).total == 1_200_000_000
    assert plan_as_of(user, year=2024, on=dt.date(2024, 7, 1)).total == 900_000_000
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "45/QĐ-UBND" in page
    assert "900,0 triệu đồng" in page


def test_officer_cannot_approve(officer, world):
    officer.post(
        reverse("plans:create"), {"agency": world.agency("ttkc-56-cu").pk, "year": 2024, "source": "kcdp"}
    )
    plan = Plan.objects.get()
    page = officer.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert 'data-testid="action-approve"' not in page
    response = officer.post(
        reverse("plans:action", args=[plan.pk, "approve"]),
        {"decision_number": "1", "decision_date": "01/01/2024"},
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_duplicate_plan_shows_on_the_form(officer, world):
    data = {"agency": world.agency("ttkc-56-cu").pk, "year": 2024, "source": "kcdp"}
    officer.post(reverse("plans:create"), data)
    response = officer.post(reverse("plans:create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert Plan.objects.count() == 1


def test_list_filters_and_totals(officer, world):
    officer.post(
        reverse("plans:create"), {"agency": world.agency("ttkc-56-cu").pk, "year": 2024, "source": "kcdp"}
    )
    plan = Plan.objects.get()
    officer.post(
        reverse("plans:line_add", args=[plan.pk]),
        {"activity": Activity.objects.get(code="hoi-thao").pk, "amount": "150.000.000"},
    )
    page = officer.get(reverse("plans:list") + "?year=2024").content.decode()
    assert reverse("plans:detail", args=[plan.pk]) in page
    assert "150,0 triệu đồng" in page
    empty = officer.get(reverse("plans:list") + "?year=2019").content.decode()
    assert reverse("plans:detail", args=[plan.pk]) not in empty


def test_a_refused_approval_keeps_what_was_typed_and_says_which_field(client, world):
    """32/13/2026 is not a date: the page comes back with the number and the date as typed and the
    error next to the date, not a generic message over emptied inputs."""
    from khuyencong.plans.services import plan_create, plan_line_add, plan_submit

    officer = world.user(Role.PROVINCE_OFFICER)
    plan = plan_create(actor=officer, agency=world.agency("ttkc-56"), year=2026, source="kcdp")
    plan_line_add(actor=officer, plan=plan, activity=Activity.objects.get(code="dao-tao-nghe"), amount=10**9)
    plan.refresh_from_db()
    plan = plan_submit(actor=officer, plan=plan, version=plan.version)
    client.force_login(world.user(Role.PROVINCE_APPROVER))
    url = reverse("plans:action", args=[plan.pk, "approve"])
    response = client.post(
        url, {"version": plan.version, "decision_number": "12/QĐ-UBND", "decision_date": "32/13/2026"}
    )
    assert response.status_code == 302
    page = client.get(reverse("plans:detail", args=[plan.pk]))
    body = page.content.decode()
    assert 'value="12/QĐ-UBND"' in body
    assert 'value="32/13/2026"' in body
    assert 'data-testid="decision-date-error"' in body
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    again = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()  # kept for one view
    assert 'value="32/13/2026"' not in again


def test_a_plan_line_shows_its_room_and_offers_a_project_from_it(client, world):
    """The line's room is the projects' own definition (projects.services.line_room), and "Create a
    project" opens the project form on that line."""
    from khuyencong.projects.services.core import line_room
    from khuyencong.testing.projects import LINE_AMOUNT, make_project

    project = make_project(world, state="approved", support=150_000_000)
    line = project.plan_line
    client.force_login(world.user(Role.PROVINCE_OFFICER))
    page = client.get(reverse("plans:detail", args=[line.plan_id]))
    lines = {ln.pk: ln for ln in page.context["lines"]}
    room = line_room(line, dt.date.today())
    assert room == LINE_AMOUNT - 150_000_000
    assert (lines[line.pk].used, lines[line.pk].room) == (150_000_000, room)
    body = page.content.decode()
    create = f"{reverse('projects:create')}?plan_line={line.pk}"
    assert create in body
    assert f"{reverse('projects:list')}?plan_line={line.pk}" in body
    form = client.get(create).context["form"]
    assert form["plan_line"].value() == line.pk
    listed = client.get(reverse("projects:list"), {"plan_line": line.pk}).context["page"]
    assert list(listed) == [project]
    client.force_login(world.user(Role.AUDITOR))  # reads the room, creates nothing
    assert create not in client.get(reverse("plans:detail", args=[line.plan_id])).content.decode()
